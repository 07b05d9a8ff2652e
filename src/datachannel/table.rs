//! The channel table: every live channel by its handle and by its SCTP
//! stream id, and the choice of stream ids for in-band channels by DTLS role
//! (RFC 8832 §6: the DTLS client uses even ids, the server odd ones).

use std::collections::{BTreeMap, HashMap};

use crate::dtls::DtlsRole;

use super::channel::Channel;

/// The largest stream id a channel may use: 65535 is reserved
/// (webrtc-pc §6.1 createDataChannel, RFC 8832 §6).
pub const MAX_STREAM_ID: u16 = 65534;

/// A channel's handle. Handles are never reused, unlike stream ids (a closed
/// channel's id is free for the next one), so a stale handle can never reach
/// a newer channel. They grow in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelId(pub u64);

#[derive(Debug, Default)]
pub(super) struct ChannelTable {
    channels: BTreeMap<ChannelId, Channel>,
    by_stream: HashMap<u16, ChannelId>,
    next: u64,
}

impl ChannelTable {
    /// The lowest free stream id of the role's parity below `limit`.
    pub fn allocate_stream_id(&self, role: DtlsRole, limit: u32) -> Option<u16> {
        let first = match role {
            DtlsRole::Client => 0,
            DtlsRole::Server => 1,
        };
        let limit = limit.min(u32::from(MAX_STREAM_ID) + 1);
        (first..limit)
            .step_by(2)
            .filter_map(|id| u16::try_from(id).ok())
            .find(|id| !self.by_stream.contains_key(id))
    }

    pub fn stream_in_use(&self, stream_id: u16) -> bool {
        self.by_stream.contains_key(&stream_id)
    }

    /// The handle the next inserted channel gets.
    pub fn next_id(&self) -> ChannelId {
        ChannelId(self.next)
    }

    /// Adds a channel on a stream id the caller checked is free.
    pub fn insert(&mut self, channel: Channel) -> ChannelId {
        let id = ChannelId(self.next);
        self.next += 1;
        self.by_stream.insert(channel.stream_id, id);
        self.channels.insert(id, channel);
        id
    }

    pub fn remove(&mut self, id: ChannelId) -> Option<Channel> {
        let channel = self.channels.remove(&id)?;
        self.by_stream.remove(&channel.stream_id);
        Some(channel)
    }

    pub fn by_stream(&self, stream_id: u16) -> Option<ChannelId> {
        self.by_stream.get(&stream_id).copied()
    }

    pub fn get(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id)
    }

    pub fn get_mut(&mut self, id: ChannelId) -> Option<&mut Channel> {
        self.channels.get_mut(&id)
    }

    /// Every channel's handle, in creation order.
    pub fn ids(&self) -> Vec<ChannelId> {
        self.channels.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::channel::ChannelInit;
    use super::*;

    #[test]
    fn stream_ids_follow_the_dtls_role_and_skip_used_ones() {
        let mut table = ChannelTable::default();
        assert_eq!(table.allocate_stream_id(DtlsRole::Client, 65535), Some(0));
        assert_eq!(table.allocate_stream_id(DtlsRole::Server, 65535), Some(1));
        let a = table.insert(Channel::from_init(&ChannelInit::default(), 0));
        table.insert(Channel::from_init(&ChannelInit::default(), 1));
        assert_eq!(table.allocate_stream_id(DtlsRole::Client, 65535), Some(2));
        assert_eq!(table.allocate_stream_id(DtlsRole::Server, 65535), Some(3));
        assert_eq!(table.allocate_stream_id(DtlsRole::Server, 3), None);
        table.remove(a);
        assert_eq!(table.allocate_stream_id(DtlsRole::Client, 65535), Some(0));
        assert_eq!(table.allocate_stream_id(DtlsRole::Server, u32::MAX), Some(3));
        assert!(table.insert(Channel::from_init(&ChannelInit::default(), 0)) > a, "handles are not reused");
    }
}
