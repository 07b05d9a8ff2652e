//! A bitrate in bits per second, the unit every estimator in this module
//! exchanges, so that a rate is never confused with a byte count.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Bitrate(u64);

impl Bitrate {
    pub const ZERO: Bitrate = Bitrate(0);

    pub const fn bps(bps: u64) -> Bitrate {
        Bitrate(bps)
    }

    pub const fn kbps(kbps: u64) -> Bitrate {
        Bitrate(kbps * 1000)
    }

    pub const fn as_bps(self) -> u64 {
        self.0
    }

    pub fn as_kbps_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// From a floating-point rate; negative and non-finite rates are zero.
    pub fn from_bps_f64(bps: f64) -> Bitrate {
        if bps.is_finite() && bps > 0.0 {
            Bitrate(bps as u64)
        } else {
            Bitrate(0)
        }
    }

    /// The rate of `bytes` spread over `over`; zero over no time.
    pub fn from_bytes(bytes: u64, over: Duration) -> Bitrate {
        let micros = over.as_micros();
        if micros == 0 {
            return Bitrate(0);
        }
        Bitrate(u64::try_from(u128::from(bytes) * 8_000_000 / micros).unwrap_or(u64::MAX))
    }

    pub fn scale(self, factor: f64) -> Bitrate {
        Bitrate::from_bps_f64(self.0 as f64 * factor)
    }

    /// How many bytes flow at this rate in `over`.
    pub fn bytes_in(self, over: Duration) -> u64 {
        u64::try_from(u128::from(self.0) * over.as_micros() / 8_000_000).unwrap_or(u64::MAX)
    }

    /// How long `bytes` take at this rate; `None` at zero rate.
    pub fn time_to_send(self, bytes: u64) -> Option<Duration> {
        if self.0 == 0 {
            return None;
        }
        let micros = u128::from(bytes) * 8_000_000 / u128::from(self.0);
        Some(Duration::from_micros(u64::try_from(micros).unwrap_or(u64::MAX)))
    }

    pub fn saturating_add(self, other: Bitrate) -> Bitrate {
        Bitrate(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Bitrate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} kbit/s", self.as_kbps_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_between_bytes_and_time() {
        let rate = Bitrate::kbps(800);
        assert_eq!(rate.bytes_in(Duration::from_millis(10)), 1000);
        assert_eq!(rate.time_to_send(1000), Some(Duration::from_millis(10)));
        assert_eq!(Bitrate::from_bytes(1000, Duration::from_millis(10)), rate);
        assert_eq!(Bitrate::from_bytes(1000, Duration::ZERO), Bitrate::ZERO);
        assert_eq!(Bitrate::ZERO.time_to_send(1), None);
        assert_eq!(rate.scale(0.85), Bitrate::kbps(680));
        assert_eq!(Bitrate::from_bps_f64(-3.0), Bitrate::ZERO);
        assert_eq!(Bitrate::from_bps_f64(f64::NAN), Bitrate::ZERO);
    }
}
