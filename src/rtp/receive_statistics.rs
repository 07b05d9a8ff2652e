//! What a receiver counts of one remote source to report on it (RFC 3550
//! §6.4.1, computed as Appendices A.3 and A.8 do): the extended highest
//! sequence number, packets expected and received, the cumulative and the
//! fractional loss since the last report, the interarrival jitter, and the
//! last SR heard (LSR and its arrival, for DLSR).
//!
//! Sequence numbers are extended by [`SequenceUnwrapper`]; the base is the
//! lowest extended number seen, so a packet reordered from before the
//! first still counts as expected. Duplicates count as received, so the
//! cumulative loss may be negative (§6.4.1). Jitter is updated, as
//! libwebrtc does, only by packets that advance the sequence and carry a
//! new timestamp: a frame's packets share one, and the time the sender
//! spreads them over is not network jitter.

use std::time::Duration;

use super::packet::rtcp::{ntp_compact, ReportBlock};
use super::sequence::SequenceUnwrapper;
use crate::time::Instant;

/// One remote source's reception, as its report blocks need it.
#[derive(Debug, Clone)]
pub struct ReceiveStatistics {
    ssrc: u32,
    clock_rate: u32,
    sequence: SequenceUnwrapper,
    base: i64,
    received: u64,
    /// Expected and received at the last report (A.3's `expected_prior`, `received_prior`).
    expected_prior: u64,
    received_prior: u64,
    /// A.8's J, in timestamp units.
    jitter: f64,
    /// The last packet that updated the jitter: its RTP timestamp and arrival in timestamp units.
    last_transit: Option<(u32, u32)>,
    /// The middle 32 bits of the last SR's NTP timestamp, and when it arrived.
    last_sr: Option<(u32, Instant)>,
}

impl ReceiveStatistics {
    /// The first packet of `ssrc`, whose payload format runs at `clock_rate` Hz.
    pub fn new(ssrc: u32, clock_rate: u32) -> Self {
        ReceiveStatistics {
            ssrc,
            clock_rate: clock_rate.max(1),
            sequence: SequenceUnwrapper::new(),
            base: 0,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            jitter: 0.0,
            last_transit: None,
            last_sr: None,
        }
    }

    /// A packet arrived at `now`.
    pub fn received(&mut self, now: Instant, sequence_number: u16, rtp_timestamp: u32) {
        let advances = self.sequence.highest().is_none_or(|highest| self.sequence.peek(sequence_number) > highest);
        let extended = self.sequence.extend(sequence_number);
        self.base = if self.received == 0 { extended } else { self.base.min(extended) };
        self.received += 1;
        // The arrival in timestamp units: wraps as RTP timestamps do.
        let arrival = (u128::from(now.as_micros()) * u128::from(self.clock_rate) / 1_000_000) as u32;
        match self.last_transit {
            Some((timestamp, _)) if !advances || timestamp == rtp_timestamp => return,
            Some((timestamp, last_arrival)) => {
                // D(i-1, i) = (Rj − Ri) − (Sj − Si), each difference read as signed.
                let d = f64::from(arrival.wrapping_sub(last_arrival) as i32)
                    - f64::from(rtp_timestamp.wrapping_sub(timestamp) as i32);
                self.jitter += (d.abs() - self.jitter) / 16.0;
            }
            None => {}
        }
        self.last_transit = Some((rtp_timestamp, arrival));
    }

    /// An SR of this source arrived at `now`.
    pub fn sender_report(&mut self, now: Instant, ntp_timestamp: u64) {
        self.last_sr = Some((ntp_compact(ntp_timestamp), now));
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    pub fn packets_received(&self) -> u64 {
        self.received
    }

    /// The extended highest sequence number received (its low 32 bits go on the wire).
    pub fn extended_highest_sequence(&self) -> i64 {
        self.sequence.highest().unwrap_or_default()
    }

    /// Packets expected: from the lowest to the highest sequence number seen.
    pub fn packets_expected(&self) -> u64 {
        self.sequence.highest().map_or(0, |highest| (highest - self.base + 1) as u64)
    }

    /// Cumulative packets lost: expected − received, negative with duplicates.
    pub fn packets_lost(&self) -> i64 {
        self.packets_expected() as i64 - self.received as i64
    }

    /// The interarrival jitter in timestamp units.
    pub fn jitter(&self) -> u32 {
        self.jitter as u32
    }

    /// The interarrival jitter in seconds (webrtc-stats' unit).
    pub fn jitter_seconds(&self) -> f64 {
        self.jitter / f64::from(self.clock_rate)
    }

    /// The report block on this source at `now`; the fraction lost is since
    /// the last call.
    pub fn report_block(&mut self, now: Instant) -> ReportBlock {
        let expected = self.packets_expected();
        let expected_interval = expected.saturating_sub(self.expected_prior);
        let received_interval = self.received.saturating_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval as i64 - received_interval as i64;
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval as i64) as u8
        };
        let (last_sr, delay_since_last_sr) =
            self.last_sr.map_or((0, 0), |(lsr, arrival)| (lsr, ntp_short(now - arrival)));
        ReportBlock {
            ssrc: self.ssrc,
            fraction_lost,
            cumulative_lost: self.packets_lost().clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            extended_highest_sequence: self.extended_highest_sequence() as u32,
            jitter: self.jitter(),
            last_sr,
            delay_since_last_sr,
        }
    }
}

/// A duration in NTP short format, 1/65536 s (DLSR's unit), saturating.
pub fn ntp_short(duration: Duration) -> u32 {
    u32::try_from(duration.as_micros() * 65536 / 1_000_000).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    /// A.3 worked by hand: 1000..=1009 with 1003 and 1006 missing: 10
    /// expected, 8 received, 2 lost, fraction 2/10 × 256 = 51. Then
    /// 1010..=1019 with 1015 twice: 10 expected in the interval, 11 received,
    /// fraction 0 and the cumulative loss down to 1.
    #[test]
    fn loss_cumulative_and_fraction() {
        let mut stats = ReceiveStatistics::new(7, 90_000);
        for seq in (1000..1010).filter(|s| ![1003, 1006].contains(s)) {
            stats.received(at(0), seq, 0);
        }
        let block = stats.report_block(at(0));
        assert_eq!(
            (block.ssrc, block.extended_highest_sequence, block.cumulative_lost, block.fraction_lost),
            (7, 1009, 2, 51)
        );
        for seq in (1010..1020).chain([1015]) {
            stats.received(at(0), seq, 0);
        }
        let block = stats.report_block(at(0));
        assert_eq!((block.extended_highest_sequence, block.cumulative_lost, block.fraction_lost), (1019, 1, 0));
        assert_eq!(stats.packets_received(), 19);
        assert_eq!(stats.packets_expected(), 20);
        // Nothing new: nothing expected, no fraction.
        assert_eq!(stats.report_block(at(0)).fraction_lost, 0);
    }

    #[test]
    fn wraps_and_counts_reordering_from_before_the_first() {
        let mut stats = ReceiveStatistics::new(1, 8000);
        for seq in [65534, 65535, 0, 1, 65533] {
            stats.received(at(0), seq, 0);
        }
        assert_eq!(stats.extended_highest_sequence(), 65537);
        assert_eq!(stats.packets_expected(), 5);
        assert_eq!(stats.packets_lost(), 0);
        // On the wire: one cycle, sequence number 1.
        assert_eq!(stats.report_block(at(0)).extended_highest_sequence, 0x0001_0001);
    }

    /// A.8 by hand at 8 kHz (8 units per ms), 20 ms packets (160 units):
    /// the second arrives 4 ms late (D = 32, J = 32/16 = 2); the third on
    /// time after it (D = 32 again, J = 2 + (32 − 2)/16 = 3.875).
    #[test]
    fn jitter_by_rfc3550_a8() {
        let mut stats = ReceiveStatistics::new(1, 8000);
        stats.received(at(0), 1, 0);
        stats.received(at(24), 2, 160);
        assert_eq!(stats.jitter, 2.0);
        stats.received(at(40), 3, 320);
        assert_eq!(stats.jitter, 3.875);
        assert_eq!(stats.jitter(), 3);
        assert!((stats.jitter_seconds() - 3.875 / 8000.0).abs() < 1e-12);
        // A packet of the same frame, or a late one, does not move it.
        stats.received(at(50), 4, 320);
        stats.received(at(60), 2, 160);
        assert_eq!(stats.jitter, 3.875);
    }

    /// LSR: the middle 32 bits of the SR's NTP time; DLSR: 1.5 s later = 0x0001_8000.
    #[test]
    fn last_sender_report_and_its_delay() {
        let mut stats = ReceiveStatistics::new(1, 90_000);
        stats.received(at(0), 1, 0);
        assert_eq!(stats.report_block(at(0)).last_sr, 0);
        stats.sender_report(at(1000), 0x0000_b705_2000_1234);
        let block = stats.report_block(at(2500));
        assert_eq!((block.last_sr, block.delay_since_last_sr), (0xb705_2000, 0x0001_8000));
    }
}
