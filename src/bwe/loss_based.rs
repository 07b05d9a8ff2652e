//! The loss-based estimate (draft-ietf-rmcat-gcc-02 §6): from the fraction
//! of packets lost since the last update, over at least 20 packets and a
//! second (the draft reads it from receiver reports; per 100 ms feedback,
//! 5% random loss would read above 10% one time in eight),
//! decrease by half the loss (A = A · (1 − 0.5 p)) above 10% loss, increase
//! below 2%, hold between. As in libwebrtc, the increase is 8% over the
//! lowest estimate of the last second (so a burst of feedback cannot
//! compound it), a decrease waits 300 ms plus a round trip after the last
//! one (its effect must show first), and the estimate is never above the
//! delay-based one: loss can only lower the target.

use std::collections::VecDeque;
use std::time::Duration;

use super::bitrate::Bitrate;
use crate::time::Instant;

const LOW_LOSS: f64 = 0.02;
const HIGH_LOSS: f64 = 0.10;
const MIN_PACKETS: u64 = 20;
const UPDATE_INTERVAL: Duration = Duration::from_secs(1);
const INCREASE_FACTOR: f64 = 1.08;
const INCREASE_EXTRA: Bitrate = Bitrate::bps(1000);
const MIN_HISTORY: Duration = Duration::from_secs(1);
const DECREASE_INTERVAL: Duration = Duration::from_millis(300);

#[derive(Debug)]
pub struct LossBasedBwe {
    estimate: Bitrate,
    min: Bitrate,
    max: Bitrate,
    lost: u64,
    expected: u64,
    last_loss_fraction: f64,
    last_decrease: Option<Instant>,
    last_update: Option<Instant>,
    /// (time, estimate), increasing in both: the minimum of the last second
    /// is at the front.
    min_history: VecDeque<(Instant, Bitrate)>,
}

impl LossBasedBwe {
    pub fn new(start: Bitrate, min: Bitrate, max: Bitrate) -> LossBasedBwe {
        LossBasedBwe {
            estimate: start.clamp(min, max),
            min,
            max,
            lost: 0,
            expected: 0,
            last_loss_fraction: 0.0,
            last_decrease: None,
            last_update: None,
            min_history: VecDeque::new(),
        }
    }

    pub fn estimate(&self) -> Bitrate {
        self.estimate
    }

    /// Takes a measured rate (a probe's) as the estimate; the minimum of
    /// the last second no longer holds the increase back.
    pub fn set_estimate(&mut self, bitrate: Bitrate) {
        self.estimate = bitrate.clamp(self.min, self.max);
        self.min_history.clear();
    }

    /// The loss fraction of the last update.
    pub fn loss_fraction(&self) -> f64 {
        self.last_loss_fraction
    }

    /// `lost` of `expected` packets were reported; `delay_based` caps the
    /// result.
    pub fn handle_feedback(
        &mut self,
        lost: u64,
        expected: u64,
        delay_based: Bitrate,
        rtt: Duration,
        now: Instant,
    ) -> Bitrate {
        self.lost += lost;
        self.expected += expected;
        let due = self.last_update.is_none_or(|t| now.saturating_duration_since(t) >= UPDATE_INTERVAL);
        if self.expected >= MIN_PACKETS && due {
            self.last_update = Some(now);
            let loss = self.lost as f64 / self.expected as f64;
            self.last_loss_fraction = loss;
            self.lost = 0;
            self.expected = 0;
            self.update_min_history(now);
            if loss < LOW_LOSS {
                let lowest = self.min_history.front().map_or(self.estimate, |(_, b)| *b);
                self.estimate = lowest.scale(INCREASE_FACTOR).saturating_add(INCREASE_EXTRA);
            } else if loss > HIGH_LOSS
                && self.last_decrease.is_none_or(|t| now.saturating_duration_since(t) >= DECREASE_INTERVAL + rtt)
            {
                self.estimate = self.estimate.scale(1.0 - 0.5 * loss);
                self.last_decrease = Some(now);
            }
        }
        self.estimate = self.estimate.min(delay_based).clamp(self.min, self.max);
        self.estimate
    }

    fn update_min_history(&mut self, now: Instant) {
        // A second old is too old: an update a second after the last may
        // increase from it.
        while self.min_history.front().is_some_and(|(t, _)| now.saturating_duration_since(*t) >= MIN_HISTORY) {
            self.min_history.pop_front();
        }
        while self.min_history.back().is_some_and(|(_, b)| *b >= self.estimate) {
            self.min_history.pop_back();
        }
        self.min_history.push_back((now, self.estimate));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    const RTT: Duration = Duration::from_millis(100);

    #[test]
    fn high_loss_halves_the_loss_low_loss_grows_8_percent_a_second() {
        let mut l = LossBasedBwe::new(Bitrate::kbps(1000), Bitrate::kbps(30), Bitrate::kbps(5000));
        let unlimited = Bitrate::kbps(5000);
        // Fewer than 20 packets: no verdict yet.
        assert_eq!(l.handle_feedback(5, 10, unlimited, RTT, ms(0)), Bitrate::kbps(1000));
        // 25 of 50 lost (with the 10 before): 1 − 0.25.
        assert_eq!(l.handle_feedback(20, 40, unlimited, RTT, ms(100)), Bitrate::kbps(750));
        assert_eq!(l.loss_fraction(), 0.5);
        // Within the second: counted, not acted on.
        assert_eq!(l.handle_feedback(20, 40, unlimited, RTT, ms(600)), Bitrate::kbps(750));
        assert_eq!(l.handle_feedback(20, 40, unlimited, RTT, ms(1100)), Bitrate::bps(562_500));
        // 5%: hold.
        assert_eq!(l.handle_feedback(2, 40, unlimited, RTT, ms(2100)), Bitrate::bps(562_500));
        // No loss, once a second: 8% more each time.
        let mut expected = 562_500u64;
        for i in 0..3 {
            expected = (expected as f64 * 1.08) as u64 + 1000;
            assert_eq!(l.handle_feedback(0, 40, unlimited, RTT, ms(3100 + i * 1000)), Bitrate::bps(expected));
        }
    }

    #[test]
    fn a_decrease_waits_for_the_last_to_show() {
        let mut l = LossBasedBwe::new(Bitrate::kbps(1000), Bitrate::kbps(30), Bitrate::kbps(5000));
        let unlimited = Bitrate::kbps(5000);
        l.handle_feedback(10, 20, unlimited, RTT, ms(0));
        // 300 ms plus a round trip of 800 ms have not passed.
        let long_rtt = Duration::from_millis(800);
        assert_eq!(l.handle_feedback(10, 20, unlimited, long_rtt, ms(1000)), Bitrate::kbps(750));
        assert_eq!(l.handle_feedback(10, 20, unlimited, long_rtt, ms(2000)), Bitrate::bps(562_500));
    }

    #[test]
    fn never_above_the_delay_based_estimate() {
        let mut l = LossBasedBwe::new(Bitrate::kbps(300), Bitrate::kbps(30), Bitrate::kbps(5000));
        assert_eq!(l.handle_feedback(0, 100, Bitrate::kbps(200), RTT, ms(0)), Bitrate::kbps(200));
        assert_eq!(l.handle_feedback(0, 100, Bitrate::kbps(1000), RTT, ms(1000)), Bitrate::bps(217_000));
    }
}
