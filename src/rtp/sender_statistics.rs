//! What a sender counts of one of its sources for its sender reports (RFC
//! 3550 §6.4.1): packets and payload octets sent, and the RTP timestamp of
//! the latest packet with the time it went, so that an SR's RTP timestamp
//! can be the one that corresponds to the SR's NTP time.

use crate::time::Instant;

/// 1900-01-01 to 1970-01-01 in seconds: our NTP times count from an
/// origin of the host's choice, shifted so that no LSR made from them is
/// 0, which means "no SR" (§6.4.1). Only our own clock reads them back
/// (the round-trip time), so any origin is right.
const NTP_ORIGIN_SECONDS: u64 = 2_208_988_800;

/// `now` as a 64-bit NTP timestamp: 32 bits of seconds, 32 of fraction.
pub fn ntp_timestamp(now: Instant) -> u64 {
    let micros = now.as_micros();
    let seconds = micros / 1_000_000 + NTP_ORIGIN_SECONDS;
    let fraction = ((micros % 1_000_000) << 32) / 1_000_000;
    (seconds << 32) | fraction
}

/// One local source's sending.
#[derive(Debug, Clone, Default)]
pub struct SenderStatistics {
    clock_rate: u32,
    packets_sent: u64,
    /// Payload octets (§6.4.1: no header or padding).
    octets_sent: u64,
    header_octets_sent: u64,
    /// The latest frame's RTP timestamp and when it was handed over to be
    /// sent: the NTP/RTP pair an SR carries must name one instant (§6.4.1),
    /// the capture, not a packet's departure from the pacer.
    latest: Option<(u32, Instant)>,
    /// Sent since the last report: this source reports with an SR.
    sent_since_report: bool,
}

impl SenderStatistics {
    pub fn new(clock_rate: u32) -> Self {
        SenderStatistics { clock_rate: clock_rate.max(1), ..Default::default() }
    }

    /// A frame stamped `rtp_timestamp` was handed over at `now`.
    pub fn frame(&mut self, now: Instant, rtp_timestamp: u32) {
        self.latest = Some((rtp_timestamp, now));
    }

    /// A packet went.
    pub fn sent(&mut self, payload_len: usize, header_len: usize) {
        self.packets_sent += 1;
        self.octets_sent += payload_len as u64;
        self.header_octets_sent += header_len as u64;
        self.sent_since_report = true;
    }

    pub fn packets_sent(&self) -> u64 {
        self.packets_sent
    }

    pub fn octets_sent(&self) -> u64 {
        self.octets_sent
    }

    pub fn header_octets_sent(&self) -> u64 {
        self.header_octets_sent
    }

    pub fn sent_since_report(&self) -> bool {
        self.sent_since_report
    }

    /// The sender info of an SR at `now`: the NTP time and the RTP
    /// timestamp of the same instant, extrapolated from the latest frame
    /// at the clock rate; `None` before the first frame. Marks the report.
    pub fn sender_info(&mut self, now: Instant) -> Option<(u64, u32)> {
        let (timestamp, sent) = self.latest?;
        self.sent_since_report = false;
        let elapsed = ((now - sent).as_micros() * u128::from(self.clock_rate) / 1_000_000) as u32;
        Some((ntp_timestamp(now), timestamp.wrapping_add(elapsed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_times_and_the_matching_rtp_timestamp() {
        // 1.5 s after the origin: seconds + 0x8000_0000 of fraction.
        assert_eq!(ntp_timestamp(Instant::from_micros(1_500_000)), ((NTP_ORIGIN_SECONDS + 1) << 32) | 0x8000_0000);
        let mut stats = SenderStatistics::new(90_000);
        assert_eq!(stats.sender_info(Instant::ZERO), None);
        stats.frame(Instant::from_micros(1_000_000), 3000);
        stats.sent(1000, 20);
        stats.sent(500, 20);
        assert!(stats.sent_since_report());
        // 250 ms later at 90 kHz: 22500 units on.
        let (ntp, rtp) = stats.sender_info(Instant::from_micros(1_250_000)).unwrap();
        assert_eq!(ntp, ((NTP_ORIGIN_SECONDS + 1) << 32) | 0x4000_0000);
        assert_eq!(rtp, 25_500);
        assert!(!stats.sent_since_report());
        assert_eq!((stats.packets_sent(), stats.octets_sent(), stats.header_octets_sent()), (2, 1500, 40));
    }
}
