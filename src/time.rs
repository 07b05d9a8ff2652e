//! Time as a value. The core never reads a clock (it would panic on
//! wasm32-unknown-unknown): the host passes `now` into every `handle_*`
//! call as an [`Instant`], a microsecond count from an origin of its choice
//! (the page's `performance.now()` × 1000, or a test's virtual clock).
//! Durations are `std::time::Duration`, which is only arithmetic.

use std::ops::{Add, Sub};
use std::time::Duration;

/// A point in the host's monotonic time, in microseconds from its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    pub const ZERO: Instant = Instant(0);

    pub const fn from_micros(micros: u64) -> Instant {
        Instant(micros)
    }

    /// From a `performance.now()`-style millisecond reading; negative and
    /// non-finite readings clamp to the origin.
    pub fn from_millis_f64(millis: f64) -> Instant {
        if millis.is_finite() && millis > 0.0 {
            Instant((millis * 1000.0) as u64)
        } else {
            Instant(0)
        }
    }

    pub const fn as_micros(self) -> u64 {
        self.0
    }

    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The time from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.0.saturating_sub(earlier.0))
    }

    pub fn checked_add(self, d: Duration) -> Option<Instant> {
        u64::try_from(d.as_micros()).ok().and_then(|m| self.0.checked_add(m)).map(Instant)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the far future instead of overflowing.
    fn add(self, d: Duration) -> Instant {
        self.checked_add(d).unwrap_or(Instant(u64::MAX))
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the origin.
    fn sub(self, d: Duration) -> Instant {
        Instant(self.0.saturating_sub(u64::try_from(d.as_micros()).unwrap_or(u64::MAX)))
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let t = Instant::from_micros(1_000);
        assert_eq!(t + Duration::from_millis(1), Instant::from_micros(2_000));
        assert_eq!(t - Duration::from_secs(1), Instant::ZERO);
        assert_eq!(Instant::from_micros(u64::MAX) + Duration::from_secs(1), Instant::from_micros(u64::MAX));
        assert_eq!(Instant::ZERO - t, Duration::ZERO);
        assert_eq!(Instant::from_millis_f64(-5.0), Instant::ZERO);
        assert_eq!(Instant::from_millis_f64(f64::NAN), Instant::ZERO);
        assert_eq!(Instant::from_millis_f64(1.5), Instant::from_micros(1_500));
    }
}
