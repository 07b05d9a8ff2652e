//! Handshake message reassembly (RFC 6347 §4.2.3): fragments of a message
//! may arrive in any order, overlapping, duplicated, across datagrams, and
//! messages themselves out of order (§4.2.2: buffer future messages,
//! deliver in message_seq order). Bounded so a peer cannot make us hold much.

use std::collections::BTreeMap;

use super::handshake::{whole_message, Fragment};

/// How far ahead of the next expected message we buffer.
const MAX_AHEAD: u16 = 8;
/// The largest handshake message we accept; a WebRTC certificate chain is a
/// few kilobytes at most.
pub const MAX_MESSAGE_LEN: u32 = 64 * 1024;

/// A reassembled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub msg_type: u8,
    pub seq: u16,
    /// The epoch its (last) fragment arrived in.
    pub epoch: u16,
    pub body: Vec<u8>,
}

impl Message {
    /// The message as the transcript holds it (RFC 6347 §4.2.6).
    pub fn whole(&self) -> Vec<u8> {
        whole_message(self.msg_type, self.seq, &self.body)
    }
}

struct Partial {
    msg_type: u8,
    epoch: u16,
    body: Vec<u8>,
    have: Vec<bool>,
    missing: usize,
}

#[derive(Default)]
pub struct Reassembler {
    partial: BTreeMap<u16, Partial>,
}

/// What became of a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// Part of a message already delivered: the peer is retransmitting.
    Old,
    Buffered,
    Dropped,
}

impl Reassembler {
    pub fn insert(&mut self, fragment: &Fragment<'_>, epoch: u16, next_seq: u16) -> Insert {
        if fragment.message_seq < next_seq {
            return Insert::Old;
        }
        if fragment.message_seq - next_seq > MAX_AHEAD || fragment.length > MAX_MESSAGE_LEN {
            return Insert::Dropped;
        }
        let Ok(length) = usize::try_from(fragment.length) else {
            return Insert::Dropped;
        };
        let partial = self.partial.entry(fragment.message_seq).or_insert_with(|| Partial {
            msg_type: fragment.msg_type,
            epoch,
            body: vec![0; length],
            have: vec![false; length],
            missing: length,
        });
        // A fragment that disagrees with earlier ones about the message is
        // forged or broken; keep what we had.
        if partial.msg_type != fragment.msg_type || partial.body.len() != length || partial.epoch != epoch {
            return Insert::Dropped;
        }
        let Ok(offset) = usize::try_from(fragment.offset) else {
            return Insert::Dropped;
        };
        let range = offset..offset + fragment.body.len();
        if let (Some(body), Some(have)) = (partial.body.get_mut(range.clone()), partial.have.get_mut(range)) {
            for ((dst, seen), src) in body.iter_mut().zip(have.iter_mut()).zip(fragment.body) {
                if !*seen {
                    *dst = *src;
                    *seen = true;
                    partial.missing -= 1;
                }
            }
        }
        Insert::Buffered
    }

    /// The message `seq` if it is complete, without removing it.
    pub fn peek(&self, seq: u16) -> Option<(u8, u16)> {
        self.partial
            .get(&seq)
            .filter(|p| p.missing == 0)
            .map(|p| (p.msg_type, p.epoch))
    }

    /// Takes message `seq` if it is complete.
    pub fn pop(&mut self, seq: u16) -> Option<Message> {
        self.peek(seq)?;
        let partial = self.partial.remove(&seq)?;
        Some(Message {
            msg_type: partial.msg_type,
            seq,
            epoch: partial.epoch,
            body: partial.body,
        })
    }

    /// Forgets everything below `next_seq` (after a skip in numbering, such
    /// as a server's answer to a new ClientHello).
    pub fn discard_below(&mut self, next_seq: u16) {
        self.partial.retain(|seq, _| *seq >= next_seq);
    }
}

/// Splits a whole message (header + body) into fragments of at most
/// `max_fragment` body bytes each, every one with its own header.
pub fn fragment(msg_type: u8, seq: u16, body: &[u8], max_fragment: usize) -> Vec<Vec<u8>> {
    let max_fragment = max_fragment.max(1);
    if body.is_empty() {
        return vec![whole_message(msg_type, seq, body)];
    }
    body.chunks(max_fragment)
        .enumerate()
        .map(|(i, chunk)| {
            let mut out = Vec::with_capacity(super::handshake::HEADER_LEN + chunk.len());
            super::handshake::write_header(&mut out, msg_type, body.len(), seq, i * max_fragment, chunk.len());
            out.extend_from_slice(chunk);
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtls::handshake::parse_fragments;

    #[test]
    fn reassembles_out_of_order_and_overlapping() {
        let body: Vec<u8> = (0..100).collect();
        let pieces = fragment(1, 2, &body, 30);
        assert_eq!(pieces.len(), 4);
        let mut r = Reassembler::default();
        for piece in pieces.iter().rev() {
            assert!(r.peek(2).is_none());
            let f = parse_fragments(piece)[0];
            assert_eq!(r.insert(&f, 0, 2), Insert::Buffered);
        }
        // A duplicate changes nothing.
        let f = parse_fragments(&pieces[1])[0];
        r.insert(&f, 0, 2);
        let message = r.pop(2).unwrap();
        assert_eq!(message.body, body);
        assert_eq!(r.insert(&f, 0, 3), Insert::Old);
    }

    #[test]
    fn conflicting_and_far_fragments_are_dropped() {
        let mut r = Reassembler::default();
        let a = fragment(1, 0, &[1; 10], 5);
        let b = fragment(2, 0, &[1; 10], 5);
        assert_eq!(r.insert(&parse_fragments(&a[0])[0], 0, 0), Insert::Buffered);
        assert_eq!(r.insert(&parse_fragments(&b[1])[0], 0, 0), Insert::Dropped);
        assert_eq!(r.insert(&parse_fragments(&a[1])[0], 1, 0), Insert::Dropped, "other epoch");
        let far = fragment(1, 100, &[1], 5);
        assert_eq!(r.insert(&parse_fragments(&far[0])[0], 0, 0), Insert::Dropped);
        assert!(r.pop(0).is_none());
        assert_eq!(fragment(14, 3, &[], 100), vec![whole_message(14, 3, &[])]);
    }
}
