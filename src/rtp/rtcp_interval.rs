//! The RTCP transmission interval (RFC 3550 §6.3.1, computed as Appendix
//! A.7 does): the members' share of the RTCP bandwidth (5% of the session
//! bandwidth, a quarter of it for senders when they are few), the average
//! compound size, a minimum, then randomized ×[0.5, 1.5] and divided by
//! e − 3/2 to compensate for the timer reconsideration that would otherwise
//! make the interval shorter than intended.
//!
//! The minimum is libwebrtc's: 1 s for video, 5 s for audio (RFC 3550's
//! 5 s, or half of it before the first report). Reduced-size RTCP (RFC 5506
//! §5) changes nothing in the algorithm; its smaller compounds simply count
//! in the average size.

use std::time::Duration;

/// The minimum interval of a video stream's reports (libwebrtc's).
pub const VIDEO_MINIMUM: Duration = Duration::from_secs(1);
/// The minimum interval of an audio stream's reports (RFC 3550 §6.2's 5 s).
pub const AUDIO_MINIMUM: Duration = Duration::from_secs(5);

/// RTCP's share of the session bandwidth (RFC 3550 §6.2).
pub const RTCP_BANDWIDTH_FRACTION: f64 = 0.05;
/// The senders' share of RTCP's bandwidth while they are at most a quarter of the members.
const SENDER_BANDWIDTH_FRACTION: f64 = 0.25;
/// e − 3/2 (A.7's COMPENSATION).
const COMPENSATION: f64 = std::f64::consts::E - 1.5;

/// What the interval depends on, at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalInput {
    pub members: usize,
    pub senders: usize,
    pub we_sent: bool,
    /// The RTCP bandwidth in octets per second; `None` when the session
    /// bandwidth is not known, and the minimum applies.
    pub rtcp_bandwidth: Option<f64>,
    /// The average compound size in octets, lower-layer headers included.
    pub avg_rtcp_size: f64,
    /// Before our first report: half the minimum.
    pub initial: bool,
    pub minimum: Duration,
}

impl IntervalInput {
    /// The deterministic interval Td (§6.3.1): before randomization.
    pub fn deterministic(&self) -> Duration {
        let minimum = if self.initial { self.minimum / 2 } else { self.minimum };
        let Some(mut bandwidth) = self.rtcp_bandwidth.filter(|b| *b > 0.0) else {
            return minimum;
        };
        let mut n = self.members;
        if self.senders as f64 <= self.members as f64 * SENDER_BANDWIDTH_FRACTION {
            if self.we_sent {
                bandwidth *= SENDER_BANDWIDTH_FRACTION;
                n = self.senders;
            } else {
                bandwidth *= 1.0 - SENDER_BANDWIDTH_FRACTION;
                n -= self.senders;
            }
        }
        let t = self.avg_rtcp_size * n as f64 / bandwidth;
        Duration::try_from_secs_f64(t).map_or(minimum, |t| t.max(minimum))
    }

    /// The interval to the next report: Td × (`uniform` + 0.5) / (e − 3/2),
    /// `uniform` drawn from [0, 1).
    pub fn interval(&self, uniform: f64) -> Duration {
        self.deterministic().mul_f64((uniform.clamp(0.0, 1.0) + 0.5) / COMPENSATION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> IntervalInput {
        IntervalInput {
            members: 2,
            senders: 2,
            we_sent: true,
            rtcp_bandwidth: None,
            avg_rtcp_size: 100.0,
            initial: false,
            minimum: VIDEO_MINIMUM,
        }
    }

    #[test]
    fn the_minimum_when_the_bandwidth_is_ample_or_unknown() {
        assert_eq!(input().deterministic(), Duration::from_secs(1));
        assert_eq!(
            IntervalInput { initial: true, minimum: AUDIO_MINIMUM, ..input() }.deterministic(),
            Duration::from_millis(2500)
        );
        // 1 Mbps session: 6250 B/s of RTCP, 2 × 100 B / 6250 = 32 ms < 1 s.
        assert_eq!(IntervalInput { rtcp_bandwidth: Some(6250.0), ..input() }.deterministic(), Duration::from_secs(1));
    }

    /// Worked from A.7: 2 members, both senders (more than a quarter), so
    /// the whole RTCP bandwidth is shared by n = 2: 2 × 125 B / 100 B/s = 2.5 s.
    /// With 10 members and 2 senders (≤ 10/4), a sender gets a quarter:
    /// 2 × 125 / 25 = 10 s; a receiver three quarters among 8: 8 × 125 / 75 = 13.33 s.
    #[test]
    fn bandwidth_shares_by_rfc3550_a7() {
        let slow = IntervalInput { rtcp_bandwidth: Some(100.0), avg_rtcp_size: 125.0, ..input() };
        assert_eq!(slow.deterministic(), Duration::from_millis(2500));
        let crowd = IntervalInput { members: 10, ..slow };
        assert_eq!(crowd.deterministic(), Duration::from_secs(10));
        let listener = IntervalInput { we_sent: false, ..crowd };
        assert!((listener.deterministic().as_secs_f64() - 40.0 / 3.0).abs() < 1e-9);
    }

    /// Td × [0.5, 1.5] / 1.21828: 0.410 s to 1.231 s for video's 1 s, 1 s / 1.21828 = 0.821 s in the middle.
    #[test]
    fn randomized_and_compensated() {
        let video = input();
        assert!((video.interval(0.0).as_secs_f64() - 0.5 / 1.218_281_828).abs() < 1e-6);
        assert!((video.interval(0.5).as_secs_f64() - 0.820_829).abs() < 1e-5);
        assert!((video.interval(1.0).as_secs_f64() - 1.5 / 1.218_281_828).abs() < 1e-6);
        let audio = IntervalInput { minimum: AUDIO_MINIMUM, ..video };
        assert!((audio.interval(0.5).as_secs_f64() - 4.104_145).abs() < 1e-5);
    }
}
