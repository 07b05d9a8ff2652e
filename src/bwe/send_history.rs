//! What the sender sent with a transport-wide sequence number
//! (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): its size and
//! send time, kept until feedback about it arrives or it grows too old to
//! matter, so that feedback can be turned into delays and losses.

use std::collections::BTreeMap;
use std::time::Duration;

use super::sequence::SequenceUnwrapper;
use crate::time::Instant;

/// How long a sent packet waits for its feedback (libwebrtc's send time
/// history window).
const HISTORY: Duration = Duration::from_secs(60);
/// A bound on the history whatever the send rate.
const MAX_PACKETS: usize = 1 << 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentPacket {
    /// The transport-wide sequence number, unwrapped.
    pub sequence_number: u64,
    /// Bytes on the wire (the RTP packet with its protection).
    pub size: usize,
    pub send_time: Instant,
    /// The probe cluster it was sent in, if any.
    pub probe_cluster: Option<u32>,
}

/// What feedback has said about a sent packet so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Reported {
    pub received: bool,
    pub lost: bool,
}

#[derive(Debug, Default)]
pub struct SendHistory {
    unwrapper: SequenceUnwrapper,
    packets: BTreeMap<u64, (SentPacket, Reported)>,
}

impl SendHistory {
    pub fn new() -> SendHistory {
        SendHistory::default()
    }

    /// A packet with transport-wide sequence number `seq` of `size` bytes
    /// left at `now`, in `probe_cluster` if it was a probe.
    pub fn on_sent(&mut self, seq: u16, size: usize, probe_cluster: Option<u32>, now: Instant) -> SentPacket {
        let sequence_number = self.unwrapper.unwrap(seq);
        let packet = SentPacket { sequence_number, size, send_time: now, probe_cluster };
        self.packets.insert(sequence_number, (packet, Reported::default()));
        let oldest = now - HISTORY;
        while let Some((_, (first, _))) = self.packets.first_key_value() {
            if first.send_time >= oldest && self.packets.len() <= MAX_PACKETS {
                break;
            }
            self.packets.pop_first();
        }
        packet
    }

    /// The unwrapped value of a sequence number from feedback, nearest
    /// the newest one sent.
    pub fn unwrap(&self, seq: u16) -> u64 {
        self.unwrapper.peek(seq)
    }

    pub(crate) fn get_mut(&mut self, sequence_number: u64) -> Option<&mut (SentPacket, Reported)> {
        self.packets.get_mut(&sequence_number)
    }

    pub fn get(&self, sequence_number: u64) -> Option<&SentPacket> {
        self.packets.get(&sequence_number).map(|(p, _)| p)
    }

    pub fn len(&self) -> usize {
        self.packets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_packets_by_unwrapped_number_for_a_minute() {
        let mut h = SendHistory::new();
        let a = h.on_sent(65535, 1200, None, Instant::from_micros(0));
        let b = h.on_sent(0, 800, Some(3), Instant::from_micros(1000));
        assert_eq!(b.sequence_number, a.sequence_number + 1);
        assert_eq!(h.unwrap(0), b.sequence_number);
        assert_eq!(h.unwrap(65535), a.sequence_number);
        assert_eq!(h.get(b.sequence_number).map(|p| (p.size, p.probe_cluster)), Some((800, Some(3))));
        h.on_sent(1, 100, None, Instant::from_micros(1000) + HISTORY);
        assert_eq!(h.get(a.sequence_number), None, "older than the window");
        assert_eq!(h.len(), 2);
    }
}
