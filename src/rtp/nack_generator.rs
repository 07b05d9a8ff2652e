//! The receiver's side of Generic NACK (RFC 4585 §6.2.1): which packets of
//! one RTP stream to ask again for, and when.
//!
//! A sequence number is missing when a later one arrived before it; it is
//! first asked for once `reorder_wait` has passed without it (a packet
//! merely overtaken comes within that), then again no sooner than one RTT
//! after the last request, as libwebrtc's NackRequester does. A number is
//! given up after `max_tries` requests, or once it has been missing longer
//! than the jitter buffer waits for it ([`NackGenerator::set_max_age`]), or
//! when more than `max_missing` are outstanding, or at once when the gap
//! spans more than [`MAX_GAP`] of media time by the RTP timestamps (a long
//! outage: the sender's history no longer has most of it, and resending the
//! rest would only queue it before the key frame); a given-up packet costs the decoder its
//! reference, so [`NackGenerator::take_gave_up`] tells the owner to ask for
//! a key frame.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::rtp::jitter_buffer::DEFAULT_ROUND_TRIP_TIME;
use crate::rtp::sequence::SequenceUnwrapper;
use crate::time::Instant;

/// How many times a packet is asked for (libwebrtc's kMaxNackRetries).
pub const MAX_TRIES: u8 = 10;

/// How many sequence numbers may be outstanding (libwebrtc's kMaxNackPackets).
pub const MAX_MISSING: usize = 1000;

/// The longest gap in media time worth asking for: the sender's packet
/// history keeps a second.
pub const MAX_GAP: Duration = crate::rtp::packet_history::MAX_AGE;

/// How long a gap is left to reordering before the first request.
pub const REORDER_WAIT: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy)]
struct Missing {
    /// When a later packet showed it missing.
    noticed: Instant,
    last_request: Option<Instant>,
    tries: u8,
}

/// What NACK asked for and gave up, for statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NackStats {
    /// Sequence numbers requested, each try counted.
    pub requested: u64,
    /// Missing sequence numbers that came after all.
    pub recovered: u64,
    /// Sequence numbers given up.
    pub given_up: u64,
}

/// Tracks one stream's missing packets.
#[derive(Debug)]
pub struct NackGenerator {
    clock_rate: u32,
    unwrapper: SequenceUnwrapper,
    /// The RTP timestamp of the highest sequence number.
    highest_timestamp: u32,
    missing: BTreeMap<i64, Missing>,
    round_trip_time: Duration,
    max_age: Duration,
    gave_up: bool,
    stats: NackStats,
}

impl NackGenerator {
    /// For a stream whose RTP clock runs at `clock_rate` Hz.
    pub fn new(clock_rate: u32) -> Self {
        NackGenerator {
            clock_rate,
            highest_timestamp: 0,
            unwrapper: SequenceUnwrapper::new(),
            missing: BTreeMap::new(),
            round_trip_time: DEFAULT_ROUND_TRIP_TIME,
            max_age: Duration::from_secs(1),
            gave_up: false,
            stats: NackStats::default(),
        }
    }

    /// The latest RTT: a request is repeated no sooner than this.
    pub fn set_round_trip_time(&mut self, round_trip_time: Duration) {
        self.round_trip_time = round_trip_time;
    }

    /// How long a packet stays worth asking for: the jitter buffer's wait.
    pub fn set_max_age(&mut self, max_age: Duration) {
        self.max_age = max_age;
    }

    /// A packet (original or repaired) arrived at `now`.
    pub fn handle_packet(&mut self, now: Instant, sequence_number: u16, timestamp: u32) {
        let highest = self.unwrapper.highest();
        let extended = self.unwrapper.extend(sequence_number);
        let last_timestamp = self.highest_timestamp;
        if highest.is_none_or(|h| extended > h) {
            self.highest_timestamp = timestamp;
        }
        match highest {
            Some(highest) if extended > highest + 1 => {
                let gap = extended - highest - 1;
                // Read as signed: a timestamp behind the last one is no gap in time.
                let media_time = timestamp.wrapping_sub(last_timestamp) as i32;
                let long = i64::from(media_time) > i64::from(self.clock_rate) * MAX_GAP.as_millis() as i64 / 1000;
                if long || self.missing.len() as i64 + gap > MAX_MISSING as i64 {
                    self.stats.given_up += gap as u64;
                    self.give_up_all();
                    return;
                }
                let missing = Missing { noticed: now, last_request: None, tries: 0 };
                self.missing.extend((highest + 1..extended).map(|n| (n, missing)));
            }
            Some(highest) if extended < highest && self.missing.remove(&extended).is_some() => {
                self.stats.recovered += 1;
            }
            _ => {}
        }
    }

    /// Gives up what is too old or was asked for often enough.
    pub fn handle_timeout(&mut self, now: Instant) {
        let before = self.missing.len();
        let max_age = self.max_age;
        // The same sum as poll_timeout's, so a deadline it gave is met.
        self.missing.retain(|_, m| m.tries < MAX_TRIES && now < m.noticed + max_age);
        let given_up = before - self.missing.len();
        if given_up > 0 {
            self.stats.given_up += given_up as u64;
            self.gave_up = true;
        }
    }

    /// The sequence numbers to ask for now, oldest first; each counts as
    /// requested at `now`.
    pub fn poll_nack(&mut self, now: Instant) -> Vec<u16> {
        self.handle_timeout(now);
        let mut due = Vec::new();
        for (&extended, missing) in &mut self.missing {
            if Self::due(missing, self.round_trip_time) <= now {
                missing.last_request = Some(now);
                missing.tries += 1;
                due.push(extended as u16);
            }
        }
        self.stats.requested += due.len() as u64;
        due
    }

    /// The next request or give-up.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.missing.values().flat_map(|m| [Self::due(m, self.round_trip_time), m.noticed + self.max_age]).min()
    }

    /// Whether a packet was given up since the last call.
    pub fn take_gave_up(&mut self) -> bool {
        std::mem::take(&mut self.gave_up)
    }

    /// Sequence numbers outstanding.
    pub fn missing(&self) -> usize {
        self.missing.len()
    }

    pub fn stats(&self) -> NackStats {
        self.stats
    }

    fn due(missing: &Missing, round_trip_time: Duration) -> Instant {
        match missing.last_request {
            None => missing.noticed + REORDER_WAIT,
            Some(last) => last + round_trip_time,
        }
    }

    fn give_up_all(&mut self) {
        self.stats.given_up += self.missing.len() as u64;
        self.missing.clear();
        self.gave_up = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Instant {
        Instant::from_micros(millis * 1000)
    }

    #[test]
    fn a_gap_is_asked_for_after_the_reorder_wait_and_a_reordered_packet_is_not() {
        let mut nack = NackGenerator::new(90_000);
        nack.handle_packet(at(0), 10, 0);
        nack.handle_packet(at(1), 13, 0);
        assert_eq!(nack.missing(), 2);
        assert_eq!(nack.poll_timeout(), Some(at(11)));
        assert_eq!(nack.poll_nack(at(5)), Vec::<u16>::new());
        // 11 was only overtaken.
        nack.handle_packet(at(6), 11, 0);
        assert_eq!(nack.poll_nack(at(11)), [12]);
        assert_eq!(nack.stats(), NackStats { requested: 1, recovered: 1, given_up: 0 });
    }

    #[test]
    fn a_request_is_repeated_once_per_rtt_until_the_packet_comes() {
        let mut nack = NackGenerator::new(90_000);
        nack.set_round_trip_time(Duration::from_millis(50));
        nack.handle_packet(at(0), 1, 0);
        nack.handle_packet(at(0), 3, 0);
        assert_eq!(nack.poll_nack(at(10)), [2]);
        assert_eq!(nack.poll_nack(at(59)), Vec::<u16>::new());
        assert_eq!(nack.poll_timeout(), Some(at(60)));
        assert_eq!(nack.poll_nack(at(60)), [2]);
        nack.handle_packet(at(70), 2, 0);
        assert_eq!(nack.missing(), 0);
        assert_eq!(nack.poll_timeout(), None);
        assert!(!nack.take_gave_up());
    }

    #[test]
    fn a_packet_is_given_up_after_ten_tries_or_the_jitter_buffers_wait() {
        let mut nack = NackGenerator::new(90_000);
        nack.set_round_trip_time(Duration::from_millis(10));
        nack.set_max_age(Duration::from_secs(10));
        nack.handle_packet(at(0), 1, 0);
        nack.handle_packet(at(0), 3, 0);
        let tries = (0..20).filter(|i| !nack.poll_nack(at(10 + i * 10)).is_empty()).count();
        assert_eq!(tries, usize::from(MAX_TRIES));
        assert_eq!(nack.missing(), 0);
        assert!(nack.take_gave_up());
        assert!(!nack.take_gave_up(), "reported once");

        nack.set_max_age(Duration::from_millis(250));
        nack.handle_packet(at(1000), 5, 0);
        assert_eq!(nack.poll_nack(at(1010)), [4]);
        nack.handle_timeout(at(1249));
        assert_eq!(nack.missing(), 1);
        nack.handle_timeout(at(1250));
        assert_eq!(nack.missing(), 0);
        assert!(nack.take_gave_up());
        assert_eq!(nack.stats().given_up, 2);
    }

    #[test]
    fn a_gap_longer_than_a_second_of_media_is_given_up_at_once() {
        let mut nack = NackGenerator::new(90_000);
        nack.handle_packet(at(0), 1, 0);
        nack.handle_packet(at(0), 3, 90_000);
        assert_eq!(nack.missing(), 1, "a second");
        nack.handle_packet(at(2000), 10, 180_001);
        assert_eq!(nack.missing(), 0);
        assert!(nack.take_gave_up());
        assert_eq!(nack.stats().given_up, 7);
    }

    #[test]
    fn a_long_outage_gives_everything_up_and_requests_run_across_the_wrap() {
        let mut nack = NackGenerator::new(90_000);
        nack.handle_packet(at(0), 65533, 0);
        nack.handle_packet(at(0), 1, 0);
        assert_eq!(nack.poll_nack(at(10)), [65534, 65535, 0]);
        nack.handle_packet(at(20), 1 + MAX_MISSING as u16 + 2, 0);
        assert_eq!(nack.missing(), 0);
        assert!(nack.take_gave_up());
        assert_eq!(nack.stats().given_up, 3 + MAX_MISSING as u64 + 1);
    }
}
