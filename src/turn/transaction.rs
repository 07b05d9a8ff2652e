//! STUN client transactions over reliable and unreliable transports
//! (RFC 8489 §6.2): when to retransmit a request and when to give up.

use std::time::Duration;

use crate::time::Instant;

/// RFC 8489 §6.2.1: the initial retransmission timeout.
pub const INITIAL_RTO: Duration = Duration::from_millis(500);
/// RFC 8489 §6.2.1: Rc, the number of transmissions on an unreliable transport.
pub const RC: u32 = 7;
/// RFC 8489 §6.2.1: Rm, the last wait in RTOs after the final transmission.
pub const RM: u32 = 16;
/// RFC 8489 §6.2.2: Ti, how long a request over a reliable transport waits
/// for its response (and the whole Rc/Rm schedule with RTO 500 ms).
pub const RELIABLE_TIMEOUT: Duration = Duration::from_millis(39_500);

/// When a request is sent again, and when it has failed.
#[derive(Debug, Clone)]
pub struct Retransmit {
    reliable: bool,
    rto: Duration,
    sends: u32,
    /// The next retransmission, or the timeout once none is left.
    next: Instant,
}

impl Retransmit {
    /// A request first sent at `now`.
    pub fn new(now: Instant, reliable: bool, rto: Duration) -> Self {
        let next = if reliable { now + RELIABLE_TIMEOUT } else { now + rto };
        Retransmit { reliable, rto, sends: 1, next }
    }

    /// When [`Self::on_timeout`] must run next.
    pub fn deadline(&self) -> Instant {
        self.next
    }

    /// At the deadline: `true` means send the request again now, `false`
    /// that the transaction has timed out.
    pub fn on_timeout(&mut self, now: Instant) -> bool {
        if self.reliable || self.sends >= RC {
            return false;
        }
        self.sends += 1;
        // The interval doubles each time (RFC 8489 §6.2.1); after the Rc-th
        // transmission the client waits Rm × RTO.
        self.next = if self.sends == RC { now + self.rto * RM } else { now + self.rto * (1 << (self.sends - 1)) };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(reliable: bool) -> (Vec<u64>, u64) {
        let mut r = Retransmit::new(Instant::ZERO, reliable, INITIAL_RTO);
        let mut sends = vec![0];
        loop {
            let t = r.deadline();
            if !r.on_timeout(t) {
                return (sends, t.as_micros() / 1000);
            }
            sends.push(t.as_micros() / 1000);
        }
    }

    #[test]
    fn unreliable_follows_rfc_8489_example() {
        // RFC 8489 §6.2.1: sent at 0, 500, 1500, 3500, 7500, 15500 and
        // 31500 ms; failed at 39500 ms.
        assert_eq!(schedule(false), (vec![0, 500, 1500, 3500, 7500, 15500, 31500], 39500));
    }

    #[test]
    fn reliable_sends_once_and_waits_ti() {
        assert_eq!(schedule(true), (vec![0], 39500));
    }
}
