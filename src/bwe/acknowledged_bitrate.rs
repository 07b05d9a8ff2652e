//! The rate at which the receiver acknowledged data (draft-ietf-rmcat-gcc-02
//! §5.5 calls it the incoming rate, R_hat): bytes by arrival time in
//! windows (500 ms for the first sample, 150 ms after), each window's rate
//! blended into the estimate by how far it is from it, a Bayesian filter
//! in the manner of libwebrtc's BitrateEstimator, so one bursty window
//! moves the estimate little and a sustained change moves it quickly.

use std::time::Duration;

use super::bitrate::Bitrate;
use super::feedback_adapter::TransportPacketsFeedback;
use crate::time::Instant;

const INITIAL_WINDOW: Duration = Duration::from_millis(500);
const WINDOW: Duration = Duration::from_millis(150);
/// How much a sample's distance from the estimate counts against it.
const UNCERTAINTY_SCALE: f64 = 10.0;
/// The estimate's variance before the first blend, and what each new
/// sample adds to it (kbit/s²).
const INITIAL_VARIANCE: f64 = 50.0;
const PROCESS_VARIANCE: f64 = 5.0;

#[derive(Debug, Default)]
pub struct AcknowledgedBitrate {
    /// Bytes acknowledged in the current window, and the window's length.
    sum: u64,
    window: Duration,
    previous: Option<Instant>,
    /// Kbit/s and its variance.
    estimate: Option<f64>,
    variance: f64,
}

impl AcknowledgedBitrate {
    pub fn new() -> AcknowledgedBitrate {
        AcknowledgedBitrate { variance: INITIAL_VARIANCE, ..AcknowledgedBitrate::default() }
    }

    pub fn handle_feedback(&mut self, feedback: &TransportPacketsFeedback) {
        for (packet, arrival) in feedback.received_by_arrival() {
            self.update(arrival, packet.size);
        }
    }

    pub fn bitrate(&self) -> Option<Bitrate> {
        self.estimate.map(|kbps| Bitrate::from_bps_f64(kbps * 1000.0))
    }

    fn update(&mut self, at: Instant, bytes: usize) {
        let length = if self.estimate.is_none() { INITIAL_WINDOW } else { WINDOW };
        let Some(sample) = self.window_sample(at, bytes, length) else { return };
        let Some(estimate) = self.estimate else {
            self.estimate = Some(sample);
            return;
        };
        let uncertainty = UNCERTAINTY_SCALE * (estimate - sample).abs() / estimate.max(f64::MIN_POSITIVE);
        let sample_variance = uncertainty * uncertainty;
        let predicted_variance = self.variance + PROCESS_VARIANCE;
        self.estimate =
            Some((sample_variance * estimate + predicted_variance * sample) / (sample_variance + predicted_variance));
        self.variance = sample_variance * predicted_variance / (sample_variance + predicted_variance);
    }

    /// Adds `bytes` at `at` and returns the rate (kbit/s) of a window that
    /// it closed, if any.
    fn window_sample(&mut self, at: Instant, bytes: usize, length: Duration) -> Option<f64> {
        if self.previous.is_some_and(|p| at < p) {
            // Arrival times went backwards (a new receiver clock): start over.
            self.previous = None;
            self.sum = 0;
            self.window = Duration::ZERO;
        }
        if let Some(previous) = self.previous {
            let gap = at - previous;
            self.window += gap;
            if gap > length {
                // A silence longer than a window: the bytes before it say
                // nothing about the rate now.
                self.sum = 0;
                self.window = Duration::from_micros((self.window.as_micros() % length.as_micros()) as u64);
            }
        }
        self.previous = Some(at);
        let mut sample = None;
        if self.window >= length {
            sample = Some(8.0 * self.sum as f64 / length.as_micros() as f64 * 1000.0);
            self.window -= length;
            self.sum = 0;
        }
        self.sum += bytes as u64;
        sample
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bwe::feedback_adapter::PacketResult;
    use crate::bwe::send_history::SentPacket;

    /// Packets of 1000 bytes arriving every `gap_us` from `start_us`.
    fn feedback(start_us: u64, count: u64, gap_us: u64) -> TransportPacketsFeedback {
        let packet_results = (0..count)
            .map(|i| PacketResult {
                sent: SentPacket { sequence_number: i, size: 1000, send_time: Instant::ZERO, probe_cluster: None },
                receive_time: Some(Instant::from_micros(start_us + i * gap_us)),
            })
            .collect();
        TransportPacketsFeedback { feedback_time: Instant::ZERO, packet_results }
    }

    #[test]
    fn measures_the_acknowledged_rate_and_follows_a_change() {
        let mut a = AcknowledgedBitrate::new();
        assert_eq!(a.bitrate(), None);
        // 1000 bytes every 8 ms: 1 Mbit/s, for 2 s.
        a.handle_feedback(&feedback(0, 250, 8000));
        let rate = a.bitrate().unwrap().as_bps();
        assert!((950_000..=1_050_000).contains(&rate), "{rate}");
        // Then every 32 ms: 250 kbit/s. A sample far from the estimate is
        // doubted, so the estimate walks down over a few windows.
        let mut trace = Vec::new();
        for s in 0..4 {
            a.handle_feedback(&feedback(2_000_000 + s * 500_000, 16, 32_000));
            trace.push(a.bitrate().unwrap().as_bps());
        }
        assert!(trace[0] > 500_000 && trace[1] < trace[0], "{trace:?}");
        // A 150 ms window holds 4 or 5 of these packets: 213 or 267 kbit/s.
        assert!((210_000..=270_000).contains(&trace[2]), "{trace:?}");
        assert!((210_000..=270_000).contains(&trace[3]), "{trace:?}");
    }
}
