//! The delay-based rate controller (draft-ietf-rmcat-gcc-02 §5.5): a state
//! machine driven by the over-use signal. Normal → Increase; over-use →
//! Decrease, to β = 0.85 of the acknowledged rate; under-use → Hold, while
//! the queue drains. Increase is multiplicative (8% per second) far from
//! the link's known capacity and additive (about one packet per response
//! time) near it, and never beyond 1.5 × the acknowledged rate + 10 kbit/s,
//! so the estimate cannot run away from what is actually being sent.

use std::time::Duration;

use super::bitrate::Bitrate;
use super::link_capacity::LinkCapacity;
use super::overuse_detector::BandwidthUsage;
use crate::time::Instant;

const BETA: f64 = 0.85;
const MULTIPLICATIVE_INCREASE_PER_SECOND: f64 = 1.08;
const MIN_INCREASE: Bitrate = Bitrate::bps(1000);
/// Additive increase: at least this much per second.
const MIN_ADDITIVE_INCREASE_PER_SECOND: f64 = 4000.0;
const DEFAULT_RTT: Duration = Duration::from_millis(200);
/// The response time is the round trip plus this (the detector's delay).
const RESPONSE_TIME_EXTRA: Duration = Duration::from_millis(100);
const FRAME_RATE: f64 = 30.0;
const PACKET_SIZE_BITS: f64 = 1200.0 * 8.0;

/// The controller's state (draft §5.5: "Hold", "Increase", "Decrease").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateControlState {
    Hold,
    Increase,
    Decrease,
}

#[derive(Debug)]
pub struct AimdRateControl {
    current: Bitrate,
    min: Bitrate,
    max: Bitrate,
    state: RateControlState,
    link_capacity: LinkCapacity,
    rtt: Duration,
    time_last_change: Option<Instant>,
}

impl AimdRateControl {
    pub fn new(start: Bitrate, min: Bitrate, max: Bitrate) -> AimdRateControl {
        AimdRateControl {
            current: start.clamp(min, max),
            min,
            max,
            state: RateControlState::Hold,
            link_capacity: LinkCapacity::new(),
            rtt: DEFAULT_RTT,
            time_last_change: None,
        }
    }

    pub fn estimate(&self) -> Bitrate {
        self.current
    }

    pub fn state(&self) -> RateControlState {
        self.state
    }

    pub fn link_capacity(&self) -> &LinkCapacity {
        &self.link_capacity
    }

    /// Takes a measured rate (a probe's) as the estimate.
    pub fn set_estimate(&mut self, bitrate: Bitrate, now: Instant) {
        self.current = bitrate.clamp(self.min, self.max);
        self.time_last_change = Some(now);
    }

    pub fn set_rtt(&mut self, rtt: Duration) {
        self.rtt = rtt;
    }

    /// Whether a continuing over-use should cut again: once per round trip
    /// (10..=200 ms), or at once if the acknowledged rate fell below half
    /// the estimate.
    pub fn time_to_reduce_further(&self, now: Instant, acknowledged: Bitrate) -> bool {
        let interval = self.rtt.clamp(Duration::from_millis(10), Duration::from_millis(200));
        self.time_last_change.is_none_or(|t| now.saturating_duration_since(t) >= interval)
            || acknowledged < self.current.scale(0.5)
    }

    /// One detector signal with the acknowledged rate, if known.
    pub fn update(&mut self, usage: BandwidthUsage, acknowledged: Option<Bitrate>, now: Instant) -> Bitrate {
        self.state = match (usage, self.state) {
            (BandwidthUsage::Normal, RateControlState::Hold) => RateControlState::Increase,
            (BandwidthUsage::Normal, state) => state,
            (BandwidthUsage::Overusing, _) => RateControlState::Decrease,
            (BandwidthUsage::Underusing, _) => RateControlState::Hold,
        };
        let throughput = acknowledged.unwrap_or(self.current);
        let mut new = self.current;
        match self.state {
            RateControlState::Hold => {}
            RateControlState::Increase => {
                if self.link_capacity.upper_bound().is_some_and(|upper| throughput > upper) {
                    // Beyond what over-use taught us: the link got faster.
                    self.link_capacity.reset();
                }
                let limit = throughput.scale(1.5).saturating_add(Bitrate::kbps(10));
                if self.current < limit {
                    let increase = if self.link_capacity.estimate().is_some() {
                        self.additive_increase(now)
                    } else {
                        self.multiplicative_increase(now)
                    };
                    new = self.current.saturating_add(increase).min(limit);
                }
                self.time_last_change = Some(now);
            }
            RateControlState::Decrease => {
                let mut decreased = throughput.scale(BETA);
                if decreased > self.current {
                    if let Some(capacity) = self.link_capacity.estimate() {
                        decreased = capacity.scale(BETA);
                    }
                }
                if decreased < self.current {
                    new = decreased;
                }
                if self.link_capacity.lower_bound().is_some_and(|lower| throughput < lower) {
                    // Far below the capacity we knew: the link got slower.
                    self.link_capacity.reset();
                }
                self.link_capacity.on_overuse_detected(throughput);
                self.state = RateControlState::Hold;
                self.time_last_change = Some(now);
            }
        }
        self.current = new.clamp(self.min, self.max);
        self.current
    }

    fn since_last_change(&self, now: Instant) -> Duration {
        self.time_last_change.map_or(Duration::from_secs(1), |t| now.saturating_duration_since(t))
    }

    fn multiplicative_increase(&self, now: Instant) -> Bitrate {
        let seconds = self.since_last_change(now).as_secs_f64().min(1.0);
        let alpha = MULTIPLICATIVE_INCREASE_PER_SECOND.powf(seconds);
        self.current.scale(alpha - 1.0).max(MIN_INCREASE)
    }

    /// About one packet per response time, the packet being the average
    /// size of a 30 fps frame's packets at the current rate.
    fn additive_increase(&self, now: Instant) -> Bitrate {
        let bits_per_frame = self.current.as_bps() as f64 / FRAME_RATE;
        let packets_per_frame = (bits_per_frame / PACKET_SIZE_BITS).ceil().max(1.0);
        let packet_bits = bits_per_frame / packets_per_frame;
        let response_time = (self.rtt + RESPONSE_TIME_EXTRA).as_secs_f64();
        let per_second = (packet_bits / response_time).max(MIN_ADDITIVE_INCREASE_PER_SECOND);
        Bitrate::from_bps_f64(per_second * self.since_last_change(now).as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    #[test]
    fn increases_8_percent_a_second_far_from_capacity() {
        let mut a = AimdRateControl::new(Bitrate::kbps(300), Bitrate::kbps(30), Bitrate::kbps(5000));
        assert_eq!(a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(300)), ms(0)), Bitrate::kbps(324));
        let mut rate = Bitrate::ZERO;
        for i in 1..=10 {
            rate = a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(400)), ms(i * 100));
        }
        // Ten steps of 1.08^0.1: 8% more over the second.
        assert!((rate.as_bps() as f64 - 324_000.0 * 1.08).abs() < 50.0, "{rate}");
    }

    #[test]
    fn decreases_to_085_of_acknowledged_then_holds_then_goes_additive() {
        let mut a = AimdRateControl::new(Bitrate::kbps(1000), Bitrate::kbps(30), Bitrate::kbps(5000));
        assert_eq!(a.update(BandwidthUsage::Overusing, Some(Bitrate::kbps(800)), ms(0)), Bitrate::kbps(680));
        assert_eq!(a.state(), RateControlState::Hold);
        assert_eq!(a.link_capacity().estimate(), Some(Bitrate::kbps(800)));
        assert_eq!(a.update(BandwidthUsage::Underusing, Some(Bitrate::kbps(800)), ms(100)), Bitrate::kbps(680));
        // Normal again: near the known capacity the increase is additive:
        // 680k/30 fps = 22.7 kbit a frame, 3 packets of 7.6 kbit, per 300 ms.
        a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(700)), ms(200));
        let before = a.estimate();
        let after = a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(700)), ms(1200));
        let per_second = (after.as_bps() - before.as_bps()) as f64;
        assert!((per_second - 680_000.0 / 30.0 / 3.0 / 0.3).abs() < 500.0, "{per_second}");
    }

    #[test]
    fn never_runs_beyond_what_is_acknowledged_nor_outside_the_bounds() {
        let mut a = AimdRateControl::new(Bitrate::kbps(300), Bitrate::kbps(30), Bitrate::kbps(320));
        a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(100)), ms(0));
        assert_eq!(a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(100)), ms(1000)), Bitrate::kbps(300));
        assert_eq!(a.update(BandwidthUsage::Normal, Some(Bitrate::kbps(300)), ms(2000)), Bitrate::kbps(320));
        assert_eq!(a.update(BandwidthUsage::Overusing, Some(Bitrate::kbps(10)), ms(3000)), Bitrate::kbps(30));
    }

    #[test]
    fn reduces_again_once_a_round_trip() {
        let mut a = AimdRateControl::new(Bitrate::kbps(1000), Bitrate::kbps(30), Bitrate::kbps(5000));
        a.set_rtt(Duration::from_millis(50));
        a.update(BandwidthUsage::Overusing, Some(Bitrate::kbps(900)), ms(0));
        assert!(!a.time_to_reduce_further(ms(40), Bitrate::kbps(800)));
        assert!(a.time_to_reduce_further(ms(50), Bitrate::kbps(800)));
        assert!(a.time_to_reduce_further(ms(10), Bitrate::kbps(300)), "fell below half");
    }
}
