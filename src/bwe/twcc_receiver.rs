//! The receive side of transport-wide congestion control
//! (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3): the arrival
//! time of every packet by its transport-wide sequence number, reported
//! back to the sender in transport-cc feedback packets (§3.1) every
//! [`FEEDBACK_INTERVAL`], or at once when a packet's worth is waiting.
//!
//! Arrival times are kept at the feedback's resolution (250 µs ticks) from
//! the start, so the rounding of one delta never accumulates into the next.
//! A packet that arrives after the feedback covering its number went out
//! moves the next report's start back to it, as libwebrtc's
//! RemoteEstimatorProxy does: the sender then learns it was not lost.

use std::collections::BTreeMap;
use std::time::Duration;

use super::sequence::SequenceUnwrapper;
use crate::rtp::packet::rtcp::{TransportCc, DELTA_TICK_MICROS, REFERENCE_TIME_MILLIS};
use crate::time::Instant;

/// How often feedback goes out while packets arrive (libwebrtc's default).
pub const FEEDBACK_INTERVAL: Duration = Duration::from_millis(100);
/// The size one feedback packet is kept under, so it fits a datagram
/// beside the rest of a compound.
const MAX_FEEDBACK_BYTES: usize = 1200;
/// Header, SSRCs, base, count, reference time and feedback count.
const FEEDBACK_HEADER_BYTES: usize = 20;
/// A run of sequence numbers wider than this is cut at its front: a
/// sender that jumps ahead (or a forged number) must not make one report
/// cover 65536 statuses.
const MAX_SPAN: u64 = 1 << 14;
/// How long arrivals already reported are kept for a late packet's report.
const HISTORY: Duration = Duration::from_millis(500);
/// How many arrivals are kept at most, whatever the time span.
const MAX_ARRIVALS: usize = 1 << 14;

const TICKS_PER_REFERENCE: i64 = REFERENCE_TIME_MILLIS * 1000 / DELTA_TICK_MICROS;
/// The reference time is 24 bits of 64 ms units: it wraps after ~12.4 days.
const REFERENCE_WRAP: i64 = 1 << 24;

pub struct TwccReceiver {
    sender_ssrc: u32,
    media_ssrc: u32,
    unwrapper: SequenceUnwrapper,
    /// Unwrapped sequence number → arrival in 250 µs ticks of `now`.
    arrivals: BTreeMap<u64, i64>,
    /// The first sequence number the next feedback reports.
    next_start: Option<u64>,
    /// Whether anything arrived that no feedback has reported yet.
    unreported: bool,
    next_feedback: Option<Instant>,
    feedback_packet_count: u8,
    ready: Vec<TransportCc>,
}

impl TwccReceiver {
    /// `sender_ssrc` is the SSRC our feedback is sent from.
    pub fn new(sender_ssrc: u32) -> TwccReceiver {
        TwccReceiver {
            sender_ssrc,
            media_ssrc: 0,
            unwrapper: SequenceUnwrapper::new(),
            arrivals: BTreeMap::new(),
            next_start: None,
            unreported: false,
            next_feedback: None,
            feedback_packet_count: 0,
            ready: Vec::new(),
        }
    }

    /// A packet carrying transport-wide sequence number `seq` arrived on
    /// the stream `ssrc` at `now`.
    pub fn handle_packet(&mut self, ssrc: u32, seq: u16, now: Instant) {
        let seq = self.unwrapper.unwrap(seq);
        let tick = (now.as_micros() / DELTA_TICK_MICROS as u64) as i64;
        // A duplicate keeps its first arrival.
        self.arrivals.entry(seq).or_insert(tick);
        self.media_ssrc = ssrc;
        match self.next_start {
            None => self.next_start = Some(seq),
            Some(start) if seq < start => {
                // Reported lost already: report again from it.
                self.next_start = Some(seq);
            }
            Some(_) => {}
        }
        self.unreported = true;
        if self.next_feedback.is_none() {
            self.next_feedback = Some(now + FEEDBACK_INTERVAL);
        }
        self.bound_span();
        if self.pending_bytes() >= MAX_FEEDBACK_BYTES {
            self.next_feedback = Some(now);
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_feedback
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.next_feedback.is_none_or(|at| at > now) {
            return;
        }
        self.next_feedback = None;
        if self.unreported {
            self.build_feedback();
            self.unreported = false;
            self.next_feedback = Some(now + FEEDBACK_INTERVAL);
        }
        let oldest_kept =
            (now.as_micros().saturating_sub(HISTORY.as_micros() as u64) / DELTA_TICK_MICROS as u64) as i64;
        let start = self.next_start.unwrap_or(0);
        self.arrivals.retain(|&seq, &mut tick| seq >= start || tick >= oldest_kept);
        while self.arrivals.len() > MAX_ARRIVALS {
            self.arrivals.pop_first();
        }
    }

    /// The feedback packets built by [`TwccReceiver::handle_timeout`].
    pub fn poll_feedback(&mut self) -> Option<TransportCc> {
        if self.ready.is_empty() {
            None
        } else {
            Some(self.ready.remove(0))
        }
    }

    fn bound_span(&mut self) {
        if let (Some(start), Some((&last, _))) = (self.next_start, self.arrivals.last_key_value()) {
            if last.saturating_sub(start) >= MAX_SPAN {
                let start = last + 1 - MAX_SPAN;
                self.next_start = Some(start);
                self.arrivals = self.arrivals.split_off(&start);
            }
        }
    }

    /// An upper bound on the feedback bytes waiting: two octets of chunk
    /// per seven statuses and two of delta per packet at worst.
    fn pending_bytes(&self) -> usize {
        let Some(start) = self.next_start else { return 0 };
        let Some((&last, _)) = self.arrivals.last_key_value() else { return 0 };
        let statuses = (last + 1).saturating_sub(start) as usize;
        let received = self.arrivals.range(start..).count();
        FEEDBACK_HEADER_BYTES + 2 * statuses.div_ceil(7) + 2 * received
    }

    /// Reports everything from `next_start` to the newest arrival, in as
    /// many feedback packets as it takes: a new one when a packet is full
    /// or when a delta does not fit 16 bits.
    fn build_feedback(&mut self) {
        let Some(mut start) = self.next_start else { return };
        let Some((&end, _)) = self.arrivals.last_key_value() else { return };
        while start <= end {
            // A report begins at a received packet: skip leading losses that
            // the next received one's report will carry.
            let Some((&first, &first_tick)) = self.arrivals.range(start..).next() else { break };
            let reference = first_tick.div_euclid(TICKS_PER_REFERENCE);
            let mut last_tick = reference * TICKS_PER_REFERENCE;
            let mut packets = Vec::new();
            let mut bytes = FEEDBACK_HEADER_BYTES;
            let mut seq = start;
            // Statuses before the first received packet: not received.
            while seq < first {
                packets.push(None);
                seq += 1;
            }
            while seq <= end {
                let status = match self.arrivals.get(&seq) {
                    None => None,
                    Some(&tick) => match i16::try_from(tick - last_tick) {
                        Ok(delta) => {
                            last_tick = tick;
                            Some(delta)
                        }
                        Err(_) => break,
                    },
                };
                let cost = if status.is_some() { 2 } else { 0 } + usize::from(packets.len() % 7 == 0) * 2;
                if bytes + cost > MAX_FEEDBACK_BYTES || packets.len() == usize::from(u16::MAX) {
                    break;
                }
                bytes += cost;
                packets.push(status);
                seq += 1;
            }
            // Trailing losses wait for the packet after them.
            while packets.last() == Some(&None) {
                packets.pop();
                seq -= 1;
            }
            self.ready.push(TransportCc {
                sender_ssrc: self.sender_ssrc,
                media_ssrc: self.media_ssrc,
                base_sequence_number: start as u16,
                reference_time: reference_time_field(reference),
                feedback_packet_count: self.feedback_packet_count,
                packets,
            });
            self.feedback_packet_count = self.feedback_packet_count.wrapping_add(1);
            start = seq;
        }
        self.next_start = Some(start);
    }
}

/// The 24-bit signed field a reference time in 64 ms units is written as:
/// it wraps, and the sender follows it by differences.
fn reference_time_field(reference: i64) -> i32 {
    let r = reference.rem_euclid(REFERENCE_WRAP);
    (if r >= REFERENCE_WRAP / 2 { r - REFERENCE_WRAP } else { r }) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtp::packet::rtcp::{self, RtcpPacket};

    fn at(ms: u64, us: u64) -> Instant {
        Instant::from_micros(ms * 1000 + us)
    }

    /// Arrival times in µs rebuilt from a feedback as a sender would.
    fn arrivals(fb: &TransportCc) -> Vec<(u16, Option<i64>)> {
        let mut t = i64::from(fb.reference_time) * REFERENCE_TIME_MILLIS * 1000;
        let mut out = Vec::new();
        for (i, p) in fb.packets.iter().enumerate() {
            let seq = fb.base_sequence_number.wrapping_add(i as u16);
            out.push((
                seq,
                p.map(|d| {
                    t += i64::from(d) * DELTA_TICK_MICROS;
                    t
                }),
            ));
        }
        out
    }

    fn drain(rx: &mut TwccReceiver) -> Vec<TransportCc> {
        std::iter::from_fn(|| rx.poll_feedback()).collect()
    }

    #[test]
    fn reports_arrivals_and_losses_every_interval() {
        let mut rx = TwccReceiver::new(7);
        rx.handle_packet(9, 65534, at(1000, 100));
        rx.handle_packet(9, 65535, at(1001, 0));
        // 0 lost, 1 arrives 70 ms later (a large delta).
        rx.handle_packet(9, 1, at(1071, 260));
        assert_eq!(rx.poll_timeout(), Some(at(1100, 100)));
        rx.handle_timeout(at(1100, 0));
        assert!(drain(&mut rx).is_empty(), "not before the interval");
        rx.handle_timeout(at(1100, 100));
        let fb = drain(&mut rx);
        assert_eq!(fb.len(), 1);
        assert_eq!((fb[0].sender_ssrc, fb[0].media_ssrc, fb[0].base_sequence_number), (7, 9, 65534));
        assert_eq!(
            arrivals(&fb[0]),
            [(65534, Some(1_000_000)), (65535, Some(1_001_000)), (0, None), (1, Some(1_071_250))]
        );
        // The bytes survive the RTCP writer and parser.
        let mut bytes = Vec::new();
        rtcp::write(&[RtcpPacket::TransportCc(fb[0].clone())], &mut bytes).unwrap();
        assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::TransportCc(fb[0].clone())]);

        // Nothing new: no feedback, and the timer stops once idle.
        assert_eq!(rx.poll_timeout(), Some(at(1200, 100)));
        rx.handle_timeout(at(1200, 100));
        assert!(drain(&mut rx).is_empty());
        assert_eq!(rx.poll_timeout(), None);

        rx.handle_packet(9, 2, at(1300, 0));
        rx.handle_timeout(at(1400, 0));
        let fb = drain(&mut rx);
        assert_eq!(fb[0].base_sequence_number, 2);
        assert_eq!(fb[0].feedback_packet_count, 1);
        assert_eq!(arrivals(&fb[0]), [(2, Some(1_300_000))]);
    }

    #[test]
    fn a_late_packet_is_reported_again_with_its_neighbours() {
        let mut rx = TwccReceiver::new(1);
        rx.handle_packet(2, 10, at(0, 0));
        rx.handle_packet(2, 12, at(1, 0));
        rx.handle_timeout(at(100, 0));
        assert_eq!(arrivals(&drain(&mut rx)[0]), [(10, Some(0)), (11, None), (12, Some(1000))]);
        rx.handle_packet(2, 11, at(150, 0));
        rx.handle_timeout(at(200, 0));
        let fb = drain(&mut rx);
        assert_eq!(arrivals(&fb[0]), [(11, Some(150_000)), (12, Some(1000))]);
    }

    #[test]
    fn a_full_report_goes_out_at_once_and_splits() {
        let mut rx = TwccReceiver::new(1);
        let mut n = 0;
        loop {
            rx.handle_packet(2, n as u16, at(0, n * 10));
            n += 1;
            if rx.poll_timeout() == Some(at(0, (n - 1) * 10)) {
                break;
            }
            assert!(n < 2000, "never full");
        }
        rx.handle_timeout(at(0, (n - 1) * 10));
        let fb = drain(&mut rx);
        let reported: usize = fb.iter().map(|f| f.packets.len()).sum();
        assert_eq!(reported as u64, n);
        for f in &fb {
            let mut bytes = Vec::new();
            rtcp::write(&[RtcpPacket::TransportCc(f.clone())], &mut bytes).unwrap();
            assert!(bytes.len() <= MAX_FEEDBACK_BYTES, "{} bytes", bytes.len());
        }
    }

    #[test]
    fn a_delta_beyond_16_bits_starts_a_new_report() {
        let mut rx = TwccReceiver::new(1);
        rx.handle_packet(2, 5, at(0, 0));
        rx.handle_packet(2, 6, at(9_000, 0));
        rx.handle_timeout(at(9_100, 0));
        let fb = drain(&mut rx);
        assert_eq!(fb.len(), 2);
        assert_eq!(arrivals(&fb[0]), [(5, Some(0))]);
        assert_eq!(arrivals(&fb[1]), [(6, Some(9_000_000))]);
        assert_eq!((fb[0].feedback_packet_count, fb[1].feedback_packet_count), (0, 1));
    }

    #[test]
    fn a_jump_far_ahead_is_cut_to_the_span() {
        let mut rx = TwccReceiver::new(1);
        rx.handle_packet(2, 0, at(0, 0));
        rx.handle_packet(2, 30_000, at(1, 0));
        rx.handle_timeout(at(100, 0));
        let statuses: usize = drain(&mut rx).iter().map(|f| f.packets.len()).sum();
        assert!(statuses as u64 <= MAX_SPAN);
    }

    #[test]
    fn reference_time_wraps_as_24_bit_signed() {
        assert_eq!(reference_time_field(5), 5);
        assert_eq!(reference_time_field((1 << 23) + 1), -(1 << 23) + 1);
        assert_eq!(reference_time_field(1 << 24), 0);
    }
}
