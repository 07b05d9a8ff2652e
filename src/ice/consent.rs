//! Consent freshness (RFC 7675) of the selected pair: a check about every
//! 5 s (§5.1, randomized), a check unanswered for 2.5 s makes the state
//! `disconnected` (libwebrtc's receiving timeout), and 30 s without a
//! response revokes consent: nothing may be sent (§5.1, `failed`).

use std::time::Duration;

use super::checklist::PairState;
use super::checks::{Check, CheckKind};
use super::IceAgent;
use crate::time::Instant;
use crate::turn::transaction::{Retransmit, INITIAL_RTO};

/// RFC 7675 §5.1: consent is checked every 5 s, randomized to 0.8–1.2×.
pub const CONSENT_INTERVAL: Duration = Duration::from_secs(5);
/// While a consent check is unanswered, checks go this often, so that a
/// recovered path is seen quickly (libwebrtc pings a weak connection every
/// 900 ms).
pub const CONSENT_RETRY_INTERVAL: Duration = Duration::from_secs(1);
/// A consent check unanswered this long makes the state `disconnected`
/// (libwebrtc's WEAK_CONNECTION_RECEIVE_TIMEOUT, 2.5 s).
pub const DISCONNECTED_TIMEOUT: Duration = Duration::from_millis(2500);
/// RFC 7675 §5.1: consent expires 30 s after the last response.
pub const CONSENT_TIMEOUT: Duration = Duration::from_secs(30);

/// Consent freshness of the selected pair.
pub(super) struct Consent {
    pub last_response: Instant,
    pub next_check: Instant,
    /// The first consent check sent since the last response.
    pub unanswered_since: Option<Instant>,
    pub failed: bool,
}

impl Consent {
    /// When the consent timers next need the agent.
    pub fn deadline(&self, disconnected: bool) -> Option<Instant> {
        if self.failed {
            return None;
        }
        let disconnect = self.unanswered_since.map(|t| t + DISCONNECTED_TIMEOUT).filter(|_| !disconnected);
        let expiry = self.last_response + CONSENT_TIMEOUT;
        Some(disconnect.map_or(self.next_check.min(expiry), |d| d.min(self.next_check).min(expiry)))
    }
}

impl IceAgent {
    pub(super) fn consent_interval(&mut self) -> Duration {
        // 0.8–1.2 × the interval (RFC 7675 §5.1), from the injected source.
        let factor = 800 + u64::from(self.random.next_u32() % 401);
        Duration::from_millis(CONSENT_INTERVAL.as_millis() as u64 * factor / 1000)
    }

    /// RFC 7675: check the selected pair; judge its silence.
    pub(super) fn run_consent(&mut self, now: Instant) {
        let Some(p) = self.selected else { return };
        let Some(c) = self.consent.as_mut() else {
            return;
        };
        if c.failed {
            return;
        }
        if now >= c.last_response + CONSENT_TIMEOUT {
            c.failed = true;
            if let Some(pair) = self.pairs.get_mut(p) {
                pair.state = PairState::Failed;
            }
            self.checks.clear();
            return;
        }
        if now < c.next_check {
            return;
        }
        let Some((id, bytes)) = self.binding_request(p, false) else {
            return;
        };
        // Sent once; a late response still counts until the timeout.
        let retransmit = Retransmit::new(now, true, INITIAL_RTO);
        let check = Check {
            pair: p,
            kind: CheckKind::Consent,
            claimed_controlling: self.controlling,
            bytes: Vec::new(),
            retransmit,
            sent_at: now,
        };
        self.checks.insert(id, check);
        if let Some(pair) = self.pairs.get_mut(p) {
            pair.stats.requests_sent += 1;
            pair.stats.consent_requests_sent += 1;
        }
        let interval = if self.consent.as_ref().is_some_and(|c| c.unanswered_since.is_some()) {
            CONSENT_RETRY_INTERVAL
        } else {
            self.consent_interval()
        };
        if let Some(c) = self.consent.as_mut() {
            c.unanswered_since.get_or_insert(now);
            c.next_check = now + interval;
        }
        self.send_on_pair(now, p, &bytes);
    }
}
