//! The over-use detector (draft-ietf-rmcat-gcc-02 §5.4): the modified
//! trend against an adaptive threshold γ. Above γ for longer than 10 ms
//! (and more than one update, with the trend not falling) is over-use;
//! below −γ is under-use; between is normal. γ follows |trend| (§5.4,
//! eq. 4): up slowly (K_u = 0.0087/ms), down faster (K_d = 0.039/ms), held
//! in 6..=600 ms, and not moved by a spike more than 15 ms beyond it, so
//! that a concurrent TCP flow does not starve us and a lone spike does not
//! desensitize the detector.

const INITIAL_THRESHOLD: f64 = 12.5;
const K_UP: f64 = 0.0087;
const K_DOWN: f64 = 0.039;
const MAX_ADAPT_OFFSET_MS: f64 = 15.0;
const MAX_TIME_DELTA_MS: f64 = 100.0;
const MIN_THRESHOLD: f64 = 6.0;
const MAX_THRESHOLD: f64 = 600.0;
const OVERUSING_TIME_THRESHOLD_MS: f64 = 10.0;

/// The detector's signal (draft §5.4: "overuse", "underuse", "normal").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandwidthUsage {
    #[default]
    Normal,
    Underusing,
    Overusing,
}

#[derive(Debug)]
pub struct OveruseDetector {
    threshold: f64,
    last_update_ms: Option<f64>,
    /// How long the trend has been above the threshold, ms.
    time_over_using: Option<f64>,
    overuse_counter: u32,
    previous_trend: f64,
    hypothesis: BandwidthUsage,
}

impl Default for OveruseDetector {
    fn default() -> Self {
        OveruseDetector {
            threshold: INITIAL_THRESHOLD,
            last_update_ms: None,
            time_over_using: None,
            overuse_counter: 0,
            previous_trend: 0.0,
            hypothesis: BandwidthUsage::Normal,
        }
    }
}

impl OveruseDetector {
    pub fn new() -> OveruseDetector {
        OveruseDetector::default()
    }

    pub fn state(&self) -> BandwidthUsage {
        self.hypothesis
    }

    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// One trend update: `trend` the raw slope, `modified_trend` the
    /// scaled one, `send_delta_ms` the group's send spacing, `now_ms` the
    /// local time.
    pub fn detect(&mut self, trend: f64, modified_trend: f64, send_delta_ms: f64, now_ms: f64) -> BandwidthUsage {
        if modified_trend > self.threshold {
            // Half a group's spacing before the first sample counts: the
            // trend crossed somewhere in between.
            let over = match self.time_over_using {
                None => send_delta_ms / 2.0,
                Some(t) => t + send_delta_ms,
            };
            self.time_over_using = Some(over);
            self.overuse_counter += 1;
            if over > OVERUSING_TIME_THRESHOLD_MS && self.overuse_counter > 1 && trend >= self.previous_trend {
                self.time_over_using = Some(0.0);
                self.overuse_counter = 0;
                self.hypothesis = BandwidthUsage::Overusing;
            }
        } else if modified_trend < -self.threshold {
            self.time_over_using = None;
            self.overuse_counter = 0;
            self.hypothesis = BandwidthUsage::Underusing;
        } else {
            self.time_over_using = None;
            self.overuse_counter = 0;
            self.hypothesis = BandwidthUsage::Normal;
        }
        self.previous_trend = trend;
        self.update_threshold(modified_trend, now_ms);
        self.hypothesis
    }

    fn update_threshold(&mut self, modified_trend: f64, now_ms: f64) {
        if !modified_trend.is_finite() {
            // Nothing to learn from, and a NaN threshold would never compare again.
            return;
        }
        let last = *self.last_update_ms.get_or_insert(now_ms);
        let magnitude = modified_trend.abs();
        if magnitude > self.threshold + MAX_ADAPT_OFFSET_MS {
            // A spike: leave the threshold where it is.
            self.last_update_ms = Some(now_ms);
            return;
        }
        let k = if magnitude < self.threshold { K_DOWN } else { K_UP };
        let elapsed = (now_ms - last).clamp(0.0, MAX_TIME_DELTA_MS);
        self.threshold =
            (self.threshold + k * (magnitude - self.threshold) * elapsed).clamp(MIN_THRESHOLD, MAX_THRESHOLD);
        self.last_update_ms = Some(now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_use_needs_more_than_10_ms_above_the_threshold() {
        let mut d = OveruseDetector::new();
        // 5 ms groups: the first above counts 2.5 ms, the next 7.5, then 12.5.
        assert_eq!(d.detect(0.1, 20.0, 5.0, 0.0), BandwidthUsage::Normal);
        assert_eq!(d.detect(0.1, 20.0, 5.0, 5.0), BandwidthUsage::Normal);
        assert_eq!(d.detect(0.1, 20.0, 5.0, 10.0), BandwidthUsage::Overusing);
        // It stays over-using while nothing says otherwise...
        assert_eq!(d.detect(0.1, 20.0, 5.0, 15.0), BandwidthUsage::Overusing);
        // ...and a falling queue is under-use.
        assert_eq!(d.detect(-0.1, -30.0, 5.0, 20.0), BandwidthUsage::Underusing);
        assert_eq!(d.detect(0.0, 0.0, 5.0, 25.0), BandwidthUsage::Normal);
    }

    #[test]
    fn a_falling_trend_is_not_over_use() {
        let mut d = OveruseDetector::new();
        d.detect(0.3, 20.0, 5.0, 0.0);
        d.detect(0.2, 20.0, 5.0, 5.0);
        assert_eq!(d.detect(0.1, 20.0, 5.0, 10.0), BandwidthUsage::Normal);
    }

    #[test]
    fn the_threshold_adapts_but_ignores_spikes() {
        let mut d = OveruseDetector::new();
        d.detect(0.0, 0.0, 5.0, 0.0);
        // Quiet: γ falls toward |trend| at K_d, to its floor.
        for i in 1..=100 {
            d.detect(0.0, 0.0, 5.0, f64::from(i) * 10.0);
        }
        assert_eq!(d.threshold(), MIN_THRESHOLD);
        // A spike far beyond γ + 15 leaves it.
        d.detect(0.0, 100.0, 5.0, 1010.0);
        assert_eq!(d.threshold(), MIN_THRESHOLD);
        // A trend just above γ raises it slowly: K_u · 4 · 100 ms.
        d.detect(0.0, 10.0, 5.0, 1110.0);
        assert!((d.threshold() - (MIN_THRESHOLD + K_UP * 4.0 * 100.0)).abs() < 1e-9, "{}", d.threshold());
    }
}
