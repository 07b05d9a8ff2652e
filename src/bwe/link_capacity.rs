//! An estimate of the link's capacity from the acknowledged rates at which
//! over-use was detected, with its deviation, so that the rate controller
//! knows when it is near the capacity (increase additively, gently) and
//! when the link changed (the rate left the band: forget it and increase
//! multiplicatively again). The draft's §5.5 "close to convergence"
//! test, kept as libwebrtc's LinkCapacityEstimator keeps it: an
//! exponentially weighted mean and variance in kbit/s.

use super::bitrate::Bitrate;

/// The weight of an over-use sample.
const ALPHA: f64 = 0.05;
/// Normalized variance bounds, kbit/s.
const MIN_DEVIATION: f64 = 0.4;
const MAX_DEVIATION: f64 = 2.5;

#[derive(Debug, Clone, Copy, Default)]
pub struct LinkCapacity {
    /// Kbit/s.
    estimate: Option<f64>,
    deviation: f64,
}

impl LinkCapacity {
    pub fn new() -> LinkCapacity {
        LinkCapacity { estimate: None, deviation: MIN_DEVIATION }
    }

    pub fn estimate(&self) -> Option<Bitrate> {
        self.estimate.map(|kbps| Bitrate::from_bps_f64(kbps * 1000.0))
    }

    /// Three standard deviations above the estimate.
    pub fn upper_bound(&self) -> Option<Bitrate> {
        self.estimate.map(|e| Bitrate::from_bps_f64((e + 3.0 * self.spread(e)) * 1000.0))
    }

    /// Three standard deviations below the estimate.
    pub fn lower_bound(&self) -> Option<Bitrate> {
        self.estimate.map(|e| Bitrate::from_bps_f64((e - 3.0 * self.spread(e)).max(0.0) * 1000.0))
    }

    fn spread(&self, estimate: f64) -> f64 {
        (self.deviation * estimate).sqrt()
    }

    pub fn on_overuse_detected(&mut self, acknowledged: Bitrate) {
        let sample = acknowledged.as_kbps_f64();
        let estimate = match self.estimate {
            None => sample,
            Some(e) => (1.0 - ALPHA) * e + ALPHA * sample,
        };
        let error = estimate - sample;
        self.deviation = ((1.0 - ALPHA) * self.deviation + ALPHA * error * error / estimate.max(1.0))
            .clamp(MIN_DEVIATION, MAX_DEVIATION);
        self.estimate = Some(estimate);
    }

    pub fn reset(&mut self) {
        self.estimate = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_the_capacity_from_over_use_and_bounds_it() {
        let mut c = LinkCapacity::new();
        assert_eq!(c.estimate(), None);
        c.on_overuse_detected(Bitrate::kbps(1000));
        assert_eq!(c.estimate(), Some(Bitrate::kbps(1000)));
        // sqrt(0.4 · 1000) = 20: ±60 kbit/s.
        assert_eq!(c.upper_bound(), Some(Bitrate::kbps(1060)));
        assert_eq!(c.lower_bound(), Some(Bitrate::kbps(940)));
        c.on_overuse_detected(Bitrate::kbps(800));
        assert_eq!(c.estimate(), Some(Bitrate::kbps(990)));
        assert!(c.upper_bound().unwrap() > Bitrate::kbps(1050));
        c.reset();
        assert_eq!(c.upper_bound(), None);
    }
}
