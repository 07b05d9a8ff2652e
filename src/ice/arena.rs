//! Where the agent keeps its relays, candidates and pairs: arenas addressed
//! by typed ids that carry the arena's generation.
//!
//! The check list is forgotten whole when the peer restarts ICE (RFC 8445
//! §9: the remote candidates and every pair go), never piecemeal, so an arena
//! only grows, in insertion order (which the pair selection's tie-breaks
//! follow), and [`Arena::clear`] starts a new generation. An id kept from an
//! earlier generation (a check's pair, the selected pair, a triggered check)
//! is then a lookup miss, never the wrong element and never a panic — a
//! panic would poison the wasm instance and every connection in the page.

use std::fmt;
use std::marker::PhantomData;

/// The key behind every typed id: which generation of its arena issued it
/// and where the element sits in that generation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    generation: u32,
    index: usize,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}v{}", self.index, self.generation)
    }
}

/// A typed id: one kind of element, one arena, so a pair's id cannot look
/// up a candidate.
pub trait ArenaId: Copy {
    fn from_key(key: Key) -> Self;
    fn key(self) -> Key;
}

macro_rules! arena_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(Key);

        impl ArenaId for $name {
            fn from_key(key: Key) -> Self {
                $name(key)
            }
            fn key(self) -> Key {
                self.0
            }
        }
    };
}

arena_id!(
    /// A relay from iceServers: its TURN client and tunnel.
    RelayId
);
arena_id!(
    /// A local (relay) candidate, one per allocation.
    LocalId
);
arena_id!(
    /// A remote candidate of the current generation, signaled or
    /// peer-reflexive.
    RemoteId
);
arena_id!(
    /// A candidate pair of the current generation's check list.
    PairId
);

/// Elements of one kind in insertion order; see the module docs.
pub struct Arena<I, T> {
    generation: u32,
    items: Vec<T>,
    id: PhantomData<fn() -> I>,
}

impl<I: ArenaId, T> Default for Arena<I, T> {
    fn default() -> Self {
        Arena { generation: 0, items: Vec::new(), id: PhantomData }
    }
}

impl<I: ArenaId, T> Arena<I, T> {
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::from_key(Key { generation: self.generation, index: self.items.len() - 1 })
    }

    /// The element, if `id` is of this generation.
    pub fn get(&self, id: I) -> Option<&T> {
        let key = id.key();
        self.items.get(key.index).filter(|_| key.generation == self.generation)
    }

    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        let key = id.key();
        self.items.get_mut(key.index).filter(|_| key.generation == self.generation)
    }

    /// Forgets every element; ids issued so far no longer find anything.
    pub fn clear(&mut self) {
        self.items.clear();
        self.generation = self.generation.wrapping_add(1);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (I, &T)> + '_ {
        let generation = self.generation;
        self.items.iter().enumerate().map(move |(index, item)| (I::from_key(Key { generation, index }), item))
    }

    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.items.iter()
    }

    /// Every id, for loops that mutate the agent while they walk.
    pub fn ids(&self) -> Vec<I> {
        self.iter().map(|(id, _)| id).collect()
    }

    /// The first element `f` accepts.
    pub fn find(&self, mut f: impl FnMut(&T) -> bool) -> Option<I> {
        self.iter().find(|(_, item)| f(item)).map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_from_an_earlier_generation_finds_nothing() {
        let mut a: Arena<PairId, &str> = Arena::default();
        let old = a.push("old");
        assert_eq!(a.get(old), Some(&"old"));
        a.clear();
        assert_eq!(a.get(old), None);
        let new = a.push("new");
        assert_ne!(old, new, "same slot, another generation");
        assert_eq!(a.get(old), None, "a stale id does not find the element now in its slot");
        assert!(a.get_mut(old).is_none());
        assert_eq!(a.get(new), Some(&"new"));
        assert_eq!(a.iter().map(|(id, v)| (id, *v)).collect::<Vec<_>>(), vec![(new, "new")]);
    }

    #[test]
    fn elements_keep_insertion_order() {
        let mut a: Arena<RemoteId, u32> = Arena::default();
        let ids: Vec<RemoteId> = (0..5).map(|v| a.push(v * 10)).collect();
        assert_eq!(a.ids(), ids);
        assert_eq!(a.values().copied().collect::<Vec<_>>(), vec![0, 10, 20, 30, 40]);
        assert_eq!(a.find(|v| *v > 15), Some(ids[2]));
        assert_eq!(a.len(), 5);
        if let Some(v) = a.get_mut(ids[4]) {
            *v += 1;
        }
        assert_eq!(a.get(ids[4]), Some(&41));
    }
}
