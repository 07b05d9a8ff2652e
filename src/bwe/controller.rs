//! The send-side controller (draft-ietf-rmcat-gcc-02 §4): every sent packet
//! is recorded, every transport-cc feedback turned into results that feed
//! the acknowledged rate, the delay-based and the loss-based estimates,
//! and the target is the lower of the two, within the configured bounds.
//! At start it asks for probe clusters ([`ProbeController`]); a probe's
//! measured rate ([`ProbeEstimator`]) resets both estimates to it.
//! The round trip for the rate controller comes from the feedback itself:
//! the time from sending the newest packet it reports to receiving it.
//! A receiver's own estimate (REMB, draft-alvestrand-rmcat-remb-03) caps
//! the target, as libwebrtc's SendSideBandwidthEstimation does.

use std::time::Duration;

use super::acknowledged_bitrate::AcknowledgedBitrate;
use super::bitrate::Bitrate;
use super::delay_based::DelayBasedBwe;
use super::feedback_adapter::{FeedbackAdapter, TransportPacketsFeedback};
use super::loss_based::LossBasedBwe;
use super::overuse_detector::BandwidthUsage;
use super::probe_controller::{ProbeCluster, ProbeController};
use super::probe_estimator::ProbeEstimator;
use super::send_history::SentPacket;
use crate::rtp::packet::rtcp::TransportCc;
use crate::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub start_bitrate: Bitrate,
    pub min_bitrate: Bitrate,
    pub max_bitrate: Bitrate,
}

impl Default for Config {
    /// libwebrtc's start and floor; Chromium's default ceiling for video.
    fn default() -> Self {
        Config { start_bitrate: Bitrate::kbps(300), min_bitrate: Bitrate::kbps(30), max_bitrate: Bitrate::kbps(2500) }
    }
}

/// The weight of a new round-trip sample.
const RTT_GAIN: f64 = 1.0 / 8.0;

#[derive(Debug)]
pub struct Controller {
    config: Config,
    adapter: FeedbackAdapter,
    acknowledged: AcknowledgedBitrate,
    delay_based: DelayBasedBwe,
    loss_based: LossBasedBwe,
    probe_controller: ProbeController,
    probe_estimator: ProbeEstimator,
    rtt: Option<Duration>,
    /// The lower of the delay- and loss-based estimates.
    estimate: Bitrate,
    /// The receiver's REMB, if it sent one.
    remote_estimate: Option<Bitrate>,
    target: Bitrate,
}

impl Controller {
    pub fn new(config: Config) -> Controller {
        let Config { start_bitrate, min_bitrate, max_bitrate } = config;
        Controller {
            config,
            adapter: FeedbackAdapter::new(),
            acknowledged: AcknowledgedBitrate::new(),
            delay_based: DelayBasedBwe::new(start_bitrate, min_bitrate, max_bitrate),
            loss_based: LossBasedBwe::new(start_bitrate, min_bitrate, max_bitrate),
            probe_controller: ProbeController::new(start_bitrate, max_bitrate),
            probe_estimator: ProbeEstimator::new(),
            rtt: None,
            estimate: start_bitrate,
            remote_estimate: None,
            target: start_bitrate.clamp(min_bitrate, max_bitrate),
        }
    }

    /// A packet with transport-wide sequence number `seq` and `size` bytes
    /// on the wire left at `now`, in `probe_cluster` if the pacer sent it
    /// as a probe.
    pub fn on_sent(&mut self, seq: u16, size: usize, probe_cluster: Option<u32>, now: Instant) -> SentPacket {
        self.adapter.on_sent(seq, size, probe_cluster, now)
    }

    /// A probe cluster for the pacer to send.
    pub fn poll_probe_cluster(&mut self) -> Option<ProbeCluster> {
        self.probe_controller.poll_cluster()
    }

    /// A transport-cc feedback arrived at `now`; returns the new target.
    pub fn handle_feedback(&mut self, feedback: &TransportCc, now: Instant) -> Bitrate {
        let Some(results) = self.adapter.handle_feedback(feedback, now) else { return self.target };
        self.update_rtt(&results, now);
        self.acknowledged.handle_feedback(&results);
        let acknowledged = self.acknowledged.bitrate();
        let probe = self.probe_estimator.handle_feedback(&results);
        let delay_based = self.delay_based.handle_feedback(&results, acknowledged, probe, now);
        if let Some(probe) = probe {
            self.probe_controller.on_probe_result(probe);
            if self.delay_based.usage() != BandwidthUsage::Overusing {
                self.loss_based.set_estimate(delay_based);
            }
        }
        let lost = results.lost() as u64;
        let expected = results.packet_results.len() as u64;
        let rtt = self.rtt.unwrap_or_default();
        let loss_based = self.loss_based.handle_feedback(lost, expected, delay_based, rtt, now);
        self.estimate = delay_based.min(loss_based);
        self.update_target()
    }

    /// The receiver's estimate of what it can take (REMB); returns the new
    /// target.
    pub fn handle_remb(&mut self, bitrate: Bitrate) -> Bitrate {
        self.remote_estimate = Some(bitrate);
        self.update_target()
    }

    fn update_target(&mut self) -> Bitrate {
        let capped = self.remote_estimate.map_or(self.estimate, |remote| self.estimate.min(remote));
        self.target = capped.clamp(self.config.min_bitrate, self.config.max_bitrate);
        self.target
    }

    /// What the sender should send at now.
    pub fn target_bitrate(&self) -> Bitrate {
        self.target
    }

    pub fn acknowledged_bitrate(&self) -> Option<Bitrate> {
        self.acknowledged.bitrate()
    }

    pub fn delay_based_estimate(&self) -> Bitrate {
        self.delay_based.estimate()
    }

    pub fn loss_based_estimate(&self) -> Bitrate {
        self.loss_based.estimate()
    }

    pub fn rtt(&self) -> Option<Duration> {
        self.rtt
    }

    fn update_rtt(&mut self, results: &TransportPacketsFeedback, now: Instant) {
        let newest = results.packet_results.iter().filter(|r| r.receive_time.is_some()).map(|r| r.sent.send_time).max();
        let Some(sent) = newest else { return };
        let sample = now.saturating_duration_since(sent);
        let rtt = match self.rtt {
            None => sample,
            Some(rtt) => rtt.mul_f64(1.0 - RTT_GAIN) + sample.mul_f64(RTT_GAIN),
        };
        self.rtt = Some(rtt);
        self.delay_based.set_rtt(rtt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    /// Sends `count` packets 5 ms apart from `seq` and `start_ms`, all
    /// received after 20 ms but those in `lost`, fed back 30 ms after the last.
    fn round(c: &mut Controller, seq: u16, start_ms: u64, count: u16, lost: &[u16]) -> Bitrate {
        // The reference time in 64 ms units, deltas in 250 µs ticks: the
        // first 20 ms after sending, then 5 ms apart.
        let first_arrival_ms = start_ms + 20;
        let reference_time = (first_arrival_ms / 64) as i32;
        let mut packets = Vec::new();
        let mut previous_tick = i64::from(reference_time) * 256;
        for i in 0..count {
            c.on_sent(seq + i, 1000, None, ms(start_ms + u64::from(i) * 5));
            let tick = ((first_arrival_ms + u64::from(i) * 5) * 4) as i64;
            if lost.contains(&i) {
                packets.push(None);
            } else {
                packets.push(Some((tick - previous_tick) as i16));
                previous_tick = tick;
            }
        }
        let feedback = TransportCc { base_sequence_number: seq, reference_time, packets, ..TransportCc::default() };
        c.handle_feedback(&feedback, ms(start_ms + u64::from(count) * 5 + 30))
    }

    #[test]
    fn starts_at_the_configured_rate_grows_on_a_clean_path_and_takes_the_lower_estimate() {
        let mut c = Controller::new(Config::default());
        assert_eq!(c.target_bitrate(), Bitrate::kbps(300));
        let mut seq = 0u16;
        let mut t = 0;
        let mut target = Bitrate::ZERO;
        for _ in 0..40 {
            target = round(&mut c, seq, t, 20, &[]);
            seq += 20;
            t += 100;
        }
        assert!(target > Bitrate::kbps(300), "{target}");
        assert!(c.rtt().unwrap() > Duration::from_millis(30), "{:?}", c.rtt());
        // 30% loss: the loss-based estimate cuts below the delay-based one.
        // The loss-based estimate acts on a second's worth.
        let before = c.target_bitrate();
        let mut after = before;
        for _ in 0..11 {
            after = round(&mut c, seq, t, 20, &[1, 3, 5, 7, 9, 11]);
            seq += 20;
            t += 100;
        }
        assert!(after < before && after == c.loss_based_estimate(), "{before} → {after}");
        assert!(c.loss_based_estimate() < c.delay_based_estimate());
    }

    #[test]
    fn stays_within_its_bounds() {
        let config =
            Config { start_bitrate: Bitrate::kbps(50), min_bitrate: Bitrate::kbps(40), max_bitrate: Bitrate::kbps(60) };
        let mut c = Controller::new(config);
        let mut seq = 0u16;
        for i in 0..40 {
            let target = round(&mut c, seq, i * 100, 20, &[]);
            assert!(target <= Bitrate::kbps(60));
            seq += 20;
        }
        assert_eq!(c.target_bitrate(), Bitrate::kbps(60));
        for i in 40..60 {
            round(&mut c, seq, i * 100, 20, &(0..19).collect::<Vec<_>>());
            seq += 20;
        }
        assert_eq!(c.target_bitrate(), Bitrate::kbps(40));
    }

    #[test]
    fn a_remb_caps_the_target_until_it_rises() {
        let mut c = Controller::new(Config::default());
        let mut seq = 0u16;
        for i in 0..20 {
            round(&mut c, seq, i * 100, 20, &[]);
            seq += 20;
        }
        let estimate = c.target_bitrate();
        assert!(estimate > Bitrate::kbps(300), "{estimate}");
        assert_eq!(c.handle_remb(Bitrate::kbps(200)), Bitrate::kbps(200));
        assert_eq!(round(&mut c, seq, 2000, 20, &[]), Bitrate::kbps(200), "feedback keeps the cap");
        assert_eq!(c.handle_remb(Bitrate::kbps(10)), Bitrate::kbps(30), "not below the floor");
        assert!(c.handle_remb(Bitrate::kbps(2000)) > Bitrate::kbps(300), "a higher REMB lifts the cap");
    }
}
