//! The delay-gradient filter (draft-ietf-rmcat-gcc-02 §5.3, with the
//! trendline filter that replaced its Kalman filter in libwebrtc): the
//! one-way delay variation between packet groups is accumulated, smoothed
//! (coefficient 0.9), and a least-squares line is fitted through the last
//! 20 points of (arrival time, smoothed delay). Its slope, how fast the
//! queue grows, is scaled by the threshold gain (4) and by the number of
//! deltas seen (up to 60) into the modified trend the overuse detector
//! compares with its threshold.

use std::collections::VecDeque;

const WINDOW_SIZE: usize = 20;
const SMOOTHING: f64 = 0.9;
const THRESHOLD_GAIN: f64 = 4.0;
/// The trend counts fully once this many deltas have been seen.
const MIN_NUM_DELTAS: u32 = 60;
const DELTA_COUNTER_MAX: u32 = 1000;

/// One update's output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// The fitted slope, ms of delay per ms.
    pub trend: f64,
    /// The slope scaled for the detector (ms).
    pub modified_trend: f64,
}

#[derive(Debug, Default)]
pub struct Trendline {
    first_arrival_ms: Option<f64>,
    accumulated_delay: f64,
    smoothed_delay: f64,
    num_of_deltas: u32,
    /// (ms since the first arrival, smoothed delay in ms).
    history: VecDeque<(f64, f64)>,
    trend: f64,
}

impl Trendline {
    pub fn new() -> Trendline {
        Trendline::default()
    }

    /// One group's deltas (ms) and its arrival time (ms). `None` until two
    /// deltas have been seen: one says nothing about a trend.
    pub fn update(&mut self, arrival_delta_ms: f64, send_delta_ms: f64, arrival_time_ms: f64) -> Option<Trend> {
        let delta = arrival_delta_ms - send_delta_ms;
        self.num_of_deltas = (self.num_of_deltas + 1).min(DELTA_COUNTER_MAX);
        let first = *self.first_arrival_ms.get_or_insert(arrival_time_ms);
        self.accumulated_delay += delta;
        self.smoothed_delay = SMOOTHING * self.smoothed_delay + (1.0 - SMOOTHING) * self.accumulated_delay;
        self.history.push_back((arrival_time_ms - first, self.smoothed_delay));
        if self.history.len() > WINDOW_SIZE {
            self.history.pop_front();
        }
        if self.history.len() == WINDOW_SIZE {
            // A window with no spread in time keeps the last slope.
            if let Some(slope) = linear_fit_slope(&self.history) {
                self.trend = slope;
            }
        }
        if self.num_of_deltas < 2 {
            return None;
        }
        let modified_trend = f64::from(self.num_of_deltas.min(MIN_NUM_DELTAS)) * self.trend * THRESHOLD_GAIN;
        Some(Trend { trend: self.trend, modified_trend })
    }
}

/// The least-squares slope of y over x, `None` when every x is the same.
fn linear_fit_slope(points: &VecDeque<(f64, f64)>) -> Option<f64> {
    let n = points.len() as f64;
    let x_avg = points.iter().map(|p| p.0).sum::<f64>() / n;
    let y_avg = points.iter().map(|p| p.1).sum::<f64>() / n;
    let numerator: f64 = points.iter().map(|(x, y)| (x - x_avg) * (y - y_avg)).sum();
    let denominator: f64 = points.iter().map(|(x, _)| (x - x_avg) * (x - x_avg)).sum();
    (denominator != 0.0).then(|| numerator / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &mut Trendline, groups: usize, extra_ms: f64, start_ms: f64) -> Trend {
        let mut last = None;
        for i in 0..groups {
            // Groups sent 10 ms apart, arriving 10 + extra ms apart.
            last = t.update(10.0 + extra_ms, 10.0, start_ms + i as f64 * (10.0 + extra_ms)).or(last);
        }
        last.unwrap()
    }

    #[test]
    fn a_growing_queue_has_a_positive_trend_and_a_steady_one_none() {
        let mut t = Trendline::new();
        let steady = run(&mut t, 40, 0.0, 0.0);
        assert_eq!(steady.trend, 0.0);
        // Each group 1 ms later than sent: the queue grows by 1 ms per 11 ms;
        // the smoothed slope approaches 1/11 and gets there within the window.
        let growing = run(&mut t, 60, 1.0, 400.0);
        assert!(growing.trend > 0.05 && growing.trend < 0.1, "{growing:?}");
        assert!((growing.modified_trend - 60.0 * 4.0 * growing.trend).abs() < 1e-9);
        let draining = run(&mut t, 60, -1.0, 1100.0);
        assert!(draining.trend < -0.05, "{draining:?}");
    }

    #[test]
    fn needs_two_deltas_and_scales_by_their_count() {
        let mut t = Trendline::new();
        assert_eq!(t.update(11.0, 10.0, 0.0), None);
        assert!(t.update(11.0, 10.0, 11.0).is_some());
    }
}
