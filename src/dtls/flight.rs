//! Flights and their retransmission timer (RFC 6347 §4.2.4). A flight is the
//! group of messages one side sends before waiting for the other; it is
//! stored as messages, not datagrams, because every retransmission gets
//! fresh record sequence numbers (§4.2.4: "the same messages in new records").
//!
//! Timer values follow BoringSSL, which Chromium's WebRTC uses: an initial
//! timeout of 1 s (RFC 6347 §4.2.4.1 recommends 1 s too), doubled on each
//! expiry up to 60 s (the RFC's maximum). We give up after
//! [`MAX_RETRANSMISSIONS`], like OpenSSL's alert count but shorter, so a
//! dead peer fails the transport in about two minutes of backoff.

use std::time::Duration;

use crate::time::Instant;

pub const INITIAL_TIMEOUT: Duration = Duration::from_secs(1);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60);
pub const MAX_RETRANSMISSIONS: u32 = 8;

/// One message of a flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A handshake message, whole (header + body), sent in `epoch`.
    Handshake { epoch: u16, msg_type: u8, seq: u16, body: Vec<u8> },
    /// ChangeCipherSpec; what follows it goes out in epoch 1.
    ChangeCipherSpec,
}

#[derive(Debug, Default)]
pub struct RetransmitTimer {
    timeout: Duration,
    deadline: Option<Instant>,
    retransmissions: u32,
}

/// What an expired timer asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Expiry {
    Retransmit,
    GiveUp,
}

impl RetransmitTimer {
    /// Arms the timer for a new flight (RFC 6347 §4.2.4.1: the backoff resets
    /// when a flight is answered).
    pub fn start(&mut self, now: Instant) {
        self.timeout = INITIAL_TIMEOUT;
        self.retransmissions = 0;
        self.deadline = Some(now + self.timeout);
    }

    pub fn stop(&mut self) {
        self.deadline = None;
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Checks the timer at `now`; on expiry doubles the timeout and re-arms.
    pub fn poll(&mut self, now: Instant) -> Option<Expiry> {
        let deadline = self.deadline?;
        if now < deadline {
            return None;
        }
        if self.retransmissions >= MAX_RETRANSMISSIONS {
            self.deadline = None;
            return Some(Expiry::GiveUp);
        }
        self.retransmissions += 1;
        self.timeout = (self.timeout * 2).min(MAX_TIMEOUT);
        self.deadline = Some(now + self.timeout);
        Some(Expiry::Retransmit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_then_gives_up() {
        let mut t = RetransmitTimer::default();
        assert_eq!(t.poll(Instant::ZERO), None);
        t.start(Instant::ZERO);
        assert_eq!(t.deadline(), Some(Instant::ZERO + INITIAL_TIMEOUT));
        assert_eq!(t.poll(Instant::from_micros(999_999)), None);
        let mut now = Instant::ZERO + INITIAL_TIMEOUT;
        let mut waits = Vec::new();
        while let Some(Expiry::Retransmit) = t.poll(now) {
            let next = t.deadline().unwrap();
            waits.push((next - now).as_secs());
            now = next;
        }
        assert_eq!(waits, vec![2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(t.deadline(), None);
    }
}
