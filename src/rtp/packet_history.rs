//! The sender's recent RTP packets, kept so a NACKed one (RFC 4585 §6.2.1)
//! can be sent again, as is or as RTX (RFC 4588).
//!
//! Packets are kept by extended sequence number, at most `max_packets` and
//! none older than `max_age` (a retransmission later than the receiver's
//! jitter buffer waits is useless). A packet is resent at most once per
//! RTT: NACKs repeated before the first retransmission could have arrived
//! ask for nothing new (libwebrtc's RtpPacketHistory does the same).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::rtp::packet::RtpHeader;
use crate::rtp::sequence::SequenceUnwrapper;
use crate::time::Instant;

/// libwebrtc keeps up to 600 packets (kMinPacketDurationMs aside).
pub const MAX_PACKETS: usize = 600;

/// The video jitter buffer's longest wait.
pub const MAX_AGE: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Stored {
    header: RtpHeader,
    payload: Vec<u8>,
    sent: Instant,
    resent: Option<Instant>,
}

/// One SSRC's sent packets.
#[derive(Debug)]
pub struct PacketHistory {
    unwrapper: SequenceUnwrapper,
    packets: BTreeMap<i64, Stored>,
    max_packets: usize,
    max_age: Duration,
}

impl Default for PacketHistory {
    fn default() -> Self {
        PacketHistory::new(MAX_PACKETS, MAX_AGE)
    }
}

impl PacketHistory {
    pub fn new(max_packets: usize, max_age: Duration) -> Self {
        PacketHistory { unwrapper: SequenceUnwrapper::new(), packets: BTreeMap::new(), max_packets, max_age }
    }

    /// A packet sent at `now`.
    pub fn insert(&mut self, now: Instant, header: &RtpHeader, payload: &[u8]) {
        let extended = self.unwrapper.extend(header.sequence_number);
        self.packets
            .insert(extended, Stored { header: header.clone(), payload: payload.to_vec(), sent: now, resent: None });
        while self.packets.len() > self.max_packets {
            self.packets.pop_first();
        }
        self.expire(now);
    }

    /// The packet with `sequence_number` to send again at `now`, if it is
    /// still kept and was not resent within `round_trip_time`; it then
    /// counts as resent now.
    pub fn resend(
        &mut self,
        now: Instant,
        sequence_number: u16,
        round_trip_time: Duration,
    ) -> Option<(&RtpHeader, &[u8])> {
        self.expire(now);
        let stored = self.packets.get_mut(&self.unwrapper.peek(sequence_number))?;
        if stored.resent.is_some_and(|resent| now < resent + round_trip_time) {
            return None;
        }
        stored.resent = Some(now);
        Some((&stored.header, &stored.payload))
    }

    pub fn len(&self) -> usize {
        self.packets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    fn expire(&mut self, now: Instant) {
        while self.packets.first_key_value().is_some_and(|(_, p)| now.saturating_duration_since(p.sent) > self.max_age)
        {
            self.packets.pop_first();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Instant {
        Instant::from_micros(millis * 1000)
    }

    fn header(sequence_number: u16) -> RtpHeader {
        RtpHeader {
            marker: false,
            payload_type: 96,
            sequence_number,
            timestamp: 3000,
            ssrc: 1234,
            csrc: Vec::new(),
            extension: None,
        }
    }

    const RTT: Duration = Duration::from_millis(100);

    #[test]
    fn a_packet_is_resent_once_per_rtt() {
        let mut history = PacketHistory::default();
        history.insert(at(0), &header(65535), &[1, 2]);
        history.insert(at(1), &header(0), &[3]);
        let (h, payload) = history.resend(at(10), 0, RTT).unwrap();
        assert_eq!((h.sequence_number, payload), (0, &[3][..]));
        assert!(history.resend(at(109), 0, RTT).is_none(), "within an RTT");
        assert!(history.resend(at(110), 0, RTT).is_some());
        assert_eq!(history.resend(at(10), 65535, RTT).map(|(_, p)| p.to_vec()), Some(vec![1, 2]));
        assert!(history.resend(at(10), 5, RTT).is_none(), "never sent");
    }

    #[test]
    fn the_history_is_bounded_by_count_and_age() {
        let mut history = PacketHistory::new(4, Duration::from_millis(500));
        for n in 0..6u16 {
            history.insert(at(u64::from(n)), &header(n), &[n as u8]);
        }
        assert_eq!(history.len(), 4);
        assert!(history.resend(at(10), 1, RTT).is_none());
        assert!(history.resend(at(10), 2, RTT).is_some());
        assert!(history.resend(at(504), 3, RTT).is_none(), "older than 500 ms");
        assert!(history.resend(at(504), 4, RTT).is_some());
        assert_eq!(history.len(), 2);
    }
}
