//! Turns transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-
//! extensions-01 §3.1) into per-packet results: each reported packet's
//! send time and size from the [`SendHistory`], and its arrival time, or
//! none when it was reported lost.
//!
//! Arrival times are in the receiver's clock, which only matters through
//! differences: the first feedback's reference time is mapped to the local
//! time it arrived, and later ones follow by the difference of their
//! (wrapping, 24-bit) reference times, as libwebrtc's
//! TransportFeedbackAdapter does. A packet already reported received is
//! not reported again, and a loss is reported once.

use std::time::Duration;

use super::send_history::{SendHistory, SentPacket};
use crate::rtp::packet::rtcp::{TransportCc, DELTA_TICK_MICROS, REFERENCE_TIME_MILLIS};
use crate::time::Instant;

const REFERENCE_WRAP: i64 = 1 << 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketResult {
    pub sent: SentPacket,
    /// When it arrived, in local time; `None` if reported lost.
    pub receive_time: Option<Instant>,
}

/// One feedback packet's worth of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportPacketsFeedback {
    pub feedback_time: Instant,
    /// In sequence-number order.
    pub packet_results: Vec<PacketResult>,
}

impl TransportPacketsFeedback {
    /// The received packets, by arrival time.
    pub fn received_by_arrival(&self) -> Vec<(SentPacket, Instant)> {
        let mut received: Vec<_> =
            self.packet_results.iter().filter_map(|r| r.receive_time.map(|t| (r.sent, t))).collect();
        received.sort_by_key(|(p, t)| (*t, p.sequence_number));
        received
    }

    pub fn lost(&self) -> usize {
        self.packet_results.iter().filter(|r| r.receive_time.is_none()).count()
    }
}

#[derive(Debug, Default)]
pub struct FeedbackAdapter {
    history: SendHistory,
    /// The last feedback's reference time (24-bit, in 64 ms units).
    last_reference: Option<i32>,
    /// The local time, in µs, the last reference time stands for.
    reference_offset: i64,
}

impl FeedbackAdapter {
    pub fn new() -> FeedbackAdapter {
        FeedbackAdapter::default()
    }

    pub fn on_sent(&mut self, seq: u16, size: usize, probe_cluster: Option<u32>, now: Instant) -> SentPacket {
        self.history.on_sent(seq, size, probe_cluster, now)
    }

    /// The results a feedback packet received at `now` carries, or `None`
    /// if it names no packet we still know.
    pub fn handle_feedback(&mut self, feedback: &TransportCc, now: Instant) -> Option<TransportPacketsFeedback> {
        match self.last_reference {
            None => self.reference_offset = now.as_micros() as i64,
            Some(last) => {
                let mut delta = i64::from(feedback.reference_time) - i64::from(last);
                delta = (delta + REFERENCE_WRAP / 2).rem_euclid(REFERENCE_WRAP) - REFERENCE_WRAP / 2;
                self.reference_offset = self.reference_offset.saturating_add(delta * REFERENCE_TIME_MILLIS * 1000);
            }
        }
        self.last_reference = Some(feedback.reference_time);

        let base = self.history.unwrap(feedback.base_sequence_number);
        let mut arrival = self.reference_offset;
        let mut packet_results = Vec::new();
        for (i, status) in feedback.packets.iter().enumerate() {
            if let Some(delta) = status {
                arrival = arrival.saturating_add(i64::from(*delta) * DELTA_TICK_MICROS);
            }
            let Some((sent, reported)) = self.history.get_mut(base + i as u64) else { continue };
            if reported.received {
                continue;
            }
            let receive_time = match status {
                Some(_) => {
                    reported.received = true;
                    Some(Instant::ZERO + Duration::from_micros(arrival.max(0) as u64))
                }
                None if reported.lost => continue,
                None => {
                    reported.lost = true;
                    None
                }
            };
            packet_results.push(PacketResult { sent: *sent, receive_time });
        }
        (!packet_results.is_empty()).then_some(TransportPacketsFeedback { feedback_time: now, packet_results })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    fn feedback(base: u16, reference_time: i32, packets: Vec<Option<i16>>) -> TransportCc {
        TransportCc {
            sender_ssrc: 1,
            media_ssrc: 2,
            base_sequence_number: base,
            reference_time,
            feedback_packet_count: 0,
            packets,
        }
    }

    #[test]
    fn matches_feedback_with_what_was_sent() {
        let mut a = FeedbackAdapter::new();
        for (i, seq) in [65534u16, 65535, 0, 1].into_iter().enumerate() {
            a.on_sent(seq, 1000 + i, None, ms(i as u64 * 5));
        }
        // 65534 at +1 ms from the reference, 65535 +5 ms later, 0 lost, 1 +10 ms.
        let fb = a.handle_feedback(&feedback(65534, 100, vec![Some(4), Some(20), None, Some(40)]), ms(200)).unwrap();
        let t: Vec<_> = fb.packet_results.iter().map(|r| (r.sent.size, r.sent.send_time, r.receive_time)).collect();
        assert_eq!(
            t,
            [
                (1000, ms(0), Some(ms(201))),
                (1001, ms(5), Some(ms(206))),
                (1002, ms(10), None),
                (1003, ms(15), Some(ms(216)))
            ]
        );
        assert_eq!(fb.lost(), 1);
        assert_eq!(fb.received_by_arrival().len(), 3);

        // The next feedback, 64 ms of reference later, reports 0 late and
        // 1 again: 0 is now received, 1 is not repeated.
        let fb = a.handle_feedback(&feedback(0, 101, vec![Some(8), Some(0)]), ms(300)).unwrap();
        assert_eq!(fb.packet_results.len(), 1);
        assert_eq!(fb.packet_results[0].sent.size, 1002);
        assert_eq!(fb.packet_results[0].receive_time, Some(ms(200 + 64 + 2)));

        // Nothing known: no results.
        assert_eq!(a.handle_feedback(&feedback(500, 102, vec![Some(1)]), ms(400)), None);
    }

    #[test]
    fn follows_the_reference_time_across_its_wrap_and_reports_a_loss_once() {
        let mut a = FeedbackAdapter::new();
        a.on_sent(10, 100, None, ms(0));
        a.on_sent(11, 100, None, ms(1));
        a.on_sent(12, 100, None, ms(2));
        a.handle_feedback(&feedback(10, (1 << 23) - 1, vec![Some(0), None]), ms(100)).unwrap();
        // Reference time wraps from 2^23 - 1 to -2^23: one step of 64 ms.
        let fb = a.handle_feedback(&feedback(11, -(1 << 23), vec![None, Some(0)]), ms(200)).unwrap();
        assert_eq!(fb.packet_results.len(), 1, "11's loss was reported before");
        assert_eq!(fb.packet_results[0].receive_time, Some(ms(164)));
    }
}
