//! The receive-side packet buffer of one RTP stream (one SSRC): packets
//! put back into sequence-number order before the depacketizer
//! ([`crate::rtp::format::Depacketizer`]), which reads a jump in sequence
//! numbers as loss.
//!
//! Packets are kept by extended sequence number (RFC 3550 A.1, see
//! [`crate::rtp::sequence`]) and released as soon as they are contiguous
//! with the last one released. A gap is waited for, while NACK and RTX
//! (RFC 4585 §6.2.1, RFC 4588) may fill it, until a deadline counted from
//! the arrival of the first packet after it: `rtt_multiple` × RTT, at least
//! `min_wait`, at most `max_wait`. Then the gap is given up and the
//! packets after it are released, the depacketizer sees the jump and drops
//! the frame that lost a packet. (libwebrtc's video packet buffer waits
//! instead for the frame's decode deadline; a deadline from the RTT gives
//! a retransmission the same chance without a frame model here.)
//!
//! Duplicates and packets whose place was already given up or released are
//! discarded and counted. Memory is bounded: the buffer spans at most
//! `max_packets` sequence numbers; a packet beyond that gives up every gap,
//! releases what is held and reports [`JitterOutput::Overflow`], which asks
//! the owner for a key frame (a video decoder cannot continue across it).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::rtp::sequence::SequenceUnwrapper;
use crate::time::Instant;

/// How long gaps are waited for, and how much is held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JitterBufferConfig {
    /// A gap is waited for this many round-trip times: long enough for a
    /// NACK and its retransmission, and one retry.
    pub rtt_multiple: f64,
    /// The shortest wait, for reordering when the RTT is small.
    pub min_wait: Duration,
    /// The longest wait, whatever the RTT.
    pub max_wait: Duration,
    /// The most sequence numbers the buffer spans, held or missing.
    pub max_packets: usize,
}

impl JitterBufferConfig {
    /// Video: a frame is worth waiting up to a second for, since losing it
    /// costs a key frame. 2048 packets is libwebrtc's packet buffer's
    /// largest size.
    pub fn video() -> Self {
        JitterBufferConfig {
            rtt_multiple: 2.5,
            min_wait: Duration::from_millis(100),
            max_wait: Duration::from_secs(1),
            max_packets: 2048,
        }
    }

    /// Audio: a lost frame is concealed by the decoder, so waiting long
    /// only adds delay; the wait mostly covers reordering.
    pub fn audio() -> Self {
        JitterBufferConfig {
            rtt_multiple: 2.5,
            min_wait: Duration::from_millis(40),
            max_wait: Duration::from_millis(120),
            max_packets: 256,
        }
    }
}

/// Until the first RTT measurement (libwebrtc's default RTT as well).
pub const DEFAULT_ROUND_TRIP_TIME: Duration = Duration::from_millis(100);

/// How many sequence numbers before the next one to release are
/// remembered as released or given up, to tell a duplicate from a late
/// packet.
const REMEMBERED: usize = 1024;

/// What the buffer hands out, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JitterOutput<T> {
    /// The next packet in sequence-number order. `lost_before` sequence
    /// numbers just before it were given up.
    Packet { sequence_number: u16, lost_before: u64, item: T },
    /// A packet came `max_packets` or more beyond the oldest one waited
    /// for: every gap was given up (the packets held were released before
    /// this). A video stream needs a key frame.
    Overflow,
}

/// What was discarded or given up, for statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JitterBufferStats {
    /// Packets handed out.
    pub released: u64,
    /// Copies of a packet held or already released.
    pub duplicates: u64,
    /// Packets that came after their gap was given up.
    pub late: u64,
    /// Packets from before the first one, or too far back to remember.
    pub too_old: u64,
    /// Sequence numbers given up.
    pub lost: u64,
    /// [`JitterOutput::Overflow`]s.
    pub overflows: u64,
}

#[derive(Debug)]
struct Held<T> {
    arrived: Instant,
    sequence_number: u16,
    item: T,
}

/// Reorders one stream's packets; `T` is what the owner keeps per packet.
#[derive(Debug)]
pub struct JitterBuffer<T> {
    config: JitterBufferConfig,
    round_trip_time: Duration,
    unwrapper: SequenceUnwrapper,
    /// The extended sequence number to release next; `None` before the
    /// first packet.
    next: Option<i64>,
    held: BTreeMap<i64, Held<T>>,
    /// For the sequence numbers just before `next`, oldest first: whether
    /// each was released (true) or given up (false).
    remembered: VecDeque<bool>,
    /// Sequence numbers given up since the last release.
    lost_before_next: u64,
    outputs: VecDeque<JitterOutput<T>>,
    stats: JitterBufferStats,
}

impl<T> JitterBuffer<T> {
    pub fn new(config: JitterBufferConfig) -> Self {
        JitterBuffer {
            config,
            round_trip_time: DEFAULT_ROUND_TRIP_TIME,
            unwrapper: SequenceUnwrapper::new(),
            next: None,
            held: BTreeMap::new(),
            remembered: VecDeque::new(),
            lost_before_next: 0,
            outputs: VecDeque::new(),
            stats: JitterBufferStats::default(),
        }
    }

    /// The latest RTT measurement (RFC 3550 §6.4.1 LSR/DLSR); gaps already
    /// waited for take the new wait from their own start.
    pub fn set_round_trip_time(&mut self, round_trip_time: Duration) {
        self.round_trip_time = round_trip_time;
    }

    /// How long a gap is waited for now.
    pub fn wait(&self) -> Duration {
        let config = &self.config;
        self.round_trip_time.mul_f64(config.rtt_multiple).max(config.min_wait).min(config.max_wait)
    }

    /// A packet arrived at `now`. What it makes ready is in
    /// [`poll_output`](Self::poll_output).
    pub fn handle_packet(&mut self, now: Instant, sequence_number: u16, item: T) {
        let extended = self.unwrapper.extend(sequence_number);
        let next = *self.next.get_or_insert(extended);
        if extended < next {
            let back = usize::try_from(next - extended).unwrap_or(usize::MAX);
            match self.remembered.len().checked_sub(back).and_then(|i| self.remembered.get(i)) {
                Some(true) => self.stats.duplicates += 1,
                Some(false) => self.stats.late += 1,
                None => self.stats.too_old += 1,
            }
            return;
        }
        if self.held.contains_key(&extended) {
            self.stats.duplicates += 1;
            return;
        }
        if extended - next >= i64::try_from(self.config.max_packets).unwrap_or(i64::MAX) {
            self.overflow(extended);
        }
        self.held.insert(extended, Held { arrived: now, sequence_number, item });
        self.release_contiguous();
    }

    /// Gives up the gaps whose wait ended by `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while self.poll_timeout().is_some_and(|deadline| deadline <= now) {
            self.give_up_gap();
        }
    }

    /// Gives up every gap now, whatever its deadline: the owner knows
    /// nothing will fill them (NACK gave up after an outage).
    pub fn give_up_gaps(&mut self) {
        while !self.held.is_empty() {
            self.give_up_gap();
        }
    }

    /// When the oldest gap will be given up, if there is one. Whatever is
    /// held waits behind a gap: contiguous packets are released at once.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.held.first_key_value().map(|(_, held)| held.arrived + self.wait())
    }

    /// The next packet released, or the next overflow, in order.
    pub fn poll_output(&mut self) -> Option<JitterOutput<T>> {
        self.outputs.pop_front()
    }

    pub fn stats(&self) -> JitterBufferStats {
        self.stats
    }

    /// Packets held behind a gap.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// `extended` is too far ahead to wait for everything before it: every
    /// gap is given up and what is held released, then the stream goes on
    /// from `extended`.
    fn overflow(&mut self, extended: i64) {
        self.give_up_gaps();
        if let Some(next) = self.next {
            self.forget(extended - next, false);
        }
        self.next = Some(extended);
        self.stats.overflows += 1;
        self.outputs.push_back(JitterOutput::Overflow);
    }

    /// Gives up the sequence numbers before the oldest packet held and
    /// releases it and whatever is contiguous with it.
    fn give_up_gap(&mut self) {
        let (Some(next), Some((&first, _))) = (self.next, self.held.first_key_value()) else { return };
        self.forget(first - next, false);
        self.next = Some(first);
        self.release_contiguous();
    }

    /// `count` sequence numbers from `next` on are passed over: given up
    /// (`released` false) or released.
    fn forget(&mut self, count: i64, released: bool) {
        let count = u64::try_from(count).unwrap_or_default();
        if !released {
            self.lost_before_next += count;
            self.stats.lost += count;
        }
        let remembered = usize::try_from(count).unwrap_or(usize::MAX).min(REMEMBERED);
        self.remembered.extend(std::iter::repeat_n(released, remembered));
        let excess = self.remembered.len().saturating_sub(REMEMBERED);
        self.remembered.drain(..excess);
    }

    fn release_contiguous(&mut self) {
        while let Some(next) = self.next {
            let Some(held) = self.held.remove(&next) else { return };
            self.forget(1, true);
            self.next = Some(next + 1);
            self.stats.released += 1;
            let lost_before = std::mem::take(&mut self.lost_before_next);
            self.outputs.push_back(JitterOutput::Packet {
                sequence_number: held.sequence_number,
                lost_before,
                item: held.item,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Instant {
        Instant::from_micros(millis * 1000)
    }

    fn drain(buffer: &mut JitterBuffer<u32>) -> Vec<JitterOutput<u32>> {
        std::iter::from_fn(|| buffer.poll_output()).collect()
    }

    /// Released sequence numbers, each with the count given up before it.
    fn released(buffer: &mut JitterBuffer<u32>) -> Vec<(u16, u64)> {
        drain(buffer)
            .into_iter()
            .filter_map(|o| match o {
                JitterOutput::Packet { sequence_number, lost_before, .. } => Some((sequence_number, lost_before)),
                JitterOutput::Overflow => None,
            })
            .collect()
    }

    #[test]
    fn contiguous_packets_are_released_at_once_and_reordered_ones_in_order() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 10, 0);
        buffer.handle_packet(at(1), 11, 1);
        assert_eq!(released(&mut buffer), [(10, 0), (11, 0)]);
        buffer.handle_packet(at(2), 13, 3);
        buffer.handle_packet(at(3), 14, 4);
        assert_eq!(released(&mut buffer), []);
        assert_eq!(buffer.held(), 2);
        assert_eq!(buffer.poll_timeout(), Some(at(2) + buffer.wait()));
        buffer.handle_packet(at(4), 12, 2);
        let items: Vec<_> = drain(&mut buffer)
            .into_iter()
            .map(|o| match o {
                JitterOutput::Packet { item, .. } => item,
                JitterOutput::Overflow => panic!("no overflow"),
            })
            .collect();
        assert_eq!(items, [2, 3, 4]);
        assert_eq!(buffer.poll_timeout(), None);
    }

    #[test]
    fn the_wait_follows_the_rtt_between_its_bounds() {
        let mut buffer = JitterBuffer::<u32>::new(JitterBufferConfig::video());
        assert_eq!(buffer.wait(), Duration::from_millis(250));
        buffer.set_round_trip_time(Duration::from_millis(10));
        assert_eq!(buffer.wait(), Duration::from_millis(100));
        buffer.set_round_trip_time(Duration::from_millis(200));
        assert_eq!(buffer.wait(), Duration::from_millis(500));
        buffer.set_round_trip_time(Duration::from_secs(2));
        assert_eq!(buffer.wait(), Duration::from_secs(1));
        let mut audio = JitterBuffer::<u32>::new(JitterBufferConfig::audio());
        audio.set_round_trip_time(Duration::from_secs(2));
        assert_eq!(audio.wait(), Duration::from_millis(120));
    }

    #[test]
    fn a_gap_is_given_up_at_its_deadline_and_a_late_fill_is_counted() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 100, 0);
        buffer.handle_packet(at(10), 103, 3);
        buffer.handle_packet(at(20), 106, 6);
        assert_eq!(released(&mut buffer), [(100, 0)]);
        // 250 ms after 103 came: 101 and 102 are given up, 103 released;
        // 106 waits for its own deadline.
        buffer.handle_timeout(at(259));
        assert_eq!(released(&mut buffer), []);
        buffer.handle_timeout(at(260));
        assert_eq!(released(&mut buffer), [(103, 2)]);
        assert_eq!(buffer.poll_timeout(), Some(at(270)));
        buffer.handle_packet(at(265), 101, 1);
        buffer.handle_packet(at(266), 104, 4);
        assert_eq!(released(&mut buffer), [(104, 0)]);
        buffer.handle_timeout(at(270));
        assert_eq!(released(&mut buffer), [(106, 1)]);
        let stats = buffer.stats();
        assert_eq!((stats.released, stats.lost, stats.late, stats.duplicates), (4, 3, 1, 0));
    }

    #[test]
    fn one_timeout_gives_up_every_gap_that_is_due() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 0, 0);
        buffer.handle_packet(at(1), 2, 2);
        buffer.handle_packet(at(2), 4, 4);
        buffer.handle_packet(at(3), 5, 5);
        buffer.handle_timeout(at(1000));
        assert_eq!(released(&mut buffer), [(0, 0), (2, 1), (4, 1), (5, 0)]);
        assert_eq!(buffer.poll_timeout(), None);
    }

    #[test]
    fn gaps_given_up_on_demand_release_what_is_held() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 0, 0);
        buffer.handle_packet(at(1), 5, 5);
        buffer.handle_packet(at(2), 7, 7);
        assert_eq!(released(&mut buffer), [(0, 0)]);
        buffer.give_up_gaps();
        assert_eq!(released(&mut buffer), [(5, 4), (7, 1)]);
        assert_eq!(buffer.poll_timeout(), None);
    }

    #[test]
    fn duplicates_are_discarded_whether_held_or_released() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 1, 1);
        buffer.handle_packet(at(1), 3, 3);
        buffer.handle_packet(at(2), 3, 30);
        buffer.handle_packet(at(3), 1, 10);
        buffer.handle_packet(at(4), 2, 2);
        buffer.handle_packet(at(5), 2, 20);
        let out = drain(&mut buffer);
        assert_eq!(out.len(), 3);
        assert_eq!(out.last(), Some(&JitterOutput::Packet { sequence_number: 3, lost_before: 0, item: 3 }));
        assert_eq!(buffer.stats().duplicates, 3);
        // Before the first packet, nothing is known.
        buffer.handle_packet(at(6), 0, 0);
        assert_eq!(buffer.stats().too_old, 1);
    }

    #[test]
    fn order_holds_across_the_sequence_number_wrap() {
        let mut buffer = JitterBuffer::new(JitterBufferConfig::video());
        buffer.handle_packet(at(0), 65534, 0);
        buffer.handle_packet(at(1), 0, 2);
        buffer.handle_packet(at(2), 1, 3);
        buffer.handle_packet(at(3), 65535, 1);
        assert_eq!(released(&mut buffer), [(65534, 0), (65535, 0), (0, 0), (1, 0)]);
    }

    #[test]
    fn a_packet_beyond_the_span_releases_everything_and_overflows() {
        let config = JitterBufferConfig { max_packets: 8, ..JitterBufferConfig::video() };
        let mut buffer = JitterBuffer::new(config);
        buffer.handle_packet(at(0), 0, 0);
        buffer.handle_packet(at(1), 2, 2);
        buffer.handle_packet(at(2), 7, 7);
        assert_eq!(released(&mut buffer), [(0, 0)]);
        // 1 is missing and 9 is 8 beyond it: more than the buffer spans.
        buffer.handle_packet(at(3), 9, 9);
        assert_eq!(
            drain(&mut buffer),
            [
                JitterOutput::Packet { sequence_number: 2, lost_before: 1, item: 2 },
                JitterOutput::Packet { sequence_number: 7, lost_before: 4, item: 7 },
                JitterOutput::Overflow,
                JitterOutput::Packet { sequence_number: 9, lost_before: 1, item: 9 },
            ]
        );
        assert_eq!(buffer.held(), 0);
        assert_eq!(buffer.stats().overflows, 1);
        assert_eq!(buffer.stats().lost, 6);
        buffer.handle_packet(at(4), 8, 8);
        assert_eq!(buffer.stats().late, 1);
    }

    #[test]
    fn memory_stays_within_the_span_whatever_arrives() {
        let config = JitterBufferConfig { max_packets: 64, ..JitterBufferConfig::video() };
        let mut buffer = JitterBuffer::new(config);
        let mut sequence_number = 0u16;
        for i in 0..10_000u32 {
            // Every third packet lost, with jumps now and then.
            sequence_number = sequence_number.wrapping_add(if i % 97 == 0 { 500 } else { 1 + u16::from(i % 3 == 0) });
            buffer.handle_packet(at(u64::from(i)), sequence_number, i);
            assert!(buffer.held() < 64);
            drain(&mut buffer);
        }
        assert!(buffer.remembered.len() <= REMEMBERED);
    }
}
