//! Connectivity checks (RFC 8445 §7): paced ordinary checks and triggered
//! checks (§6.1.4, §7.3.1.4), answering the peer's checks and learning
//! peer-reflexive candidates from them (§7.3, §7.3.1.3), role conflicts
//! (§7.3.1.1, §7.2.5.1), and regular nomination (§8.1.1: the controlling
//! agent repeats a check of a succeeded pair with USE-CANDIDATE, which is
//! what Chromium and Firefox do and accept; the controlled agent accepts it,
//! §7.3.1.5).

use std::net::SocketAddr;
use std::time::Duration;

use super::arena::{LocalId, PairId};
use super::candidate::peer_reflexive;
use super::checklist::{PairState, Remote, MAX_REMOTE_CANDIDATES};
use super::consent::Consent;
use super::state::IceEvent;
use super::IceAgent;
use crate::stun::ice_attributes::{self, IceRole};
use crate::stun::integrity::{self, IntegrityAlgorithm};
use crate::stun::{Attribute, Class, ErrorCode, Message, Method};
use crate::time::Instant;
use crate::turn::transaction::{Retransmit, INITIAL_RTO};

/// Ta, the pacing of new checks (RFC 8445 §14.2: 50 ms for one stream).
pub const TA: Duration = Duration::from_millis(50);
/// The controlling agent nominates the best succeeded pair once no better
/// pair is still being checked, or after this long regardless.
pub const NOMINATION_WAIT: Duration = Duration::from_millis(1000);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CheckKind {
    Connectivity { nominating: bool },
    Consent,
}

/// A Binding request in flight, keyed by its transaction id.
pub(super) struct Check {
    pub pair: PairId,
    pub kind: CheckKind,
    /// The role the request claimed, for a 487 answer (RFC 8445 §7.2.5.1).
    pub claimed_controlling: bool,
    pub bytes: Vec<u8>,
    pub retransmit: Retransmit,
    pub sent_at: Instant,
}

impl IceAgent {
    /// The paced checks, nomination, consent, and the state.
    pub(super) fn run(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        if now >= self.next_check_at && self.has_check_to_send() {
            if let Some(p) = self.next_pair_to_check() {
                self.send_check(now, p, false);
                self.next_check_at = now + TA;
            }
        }
        if self.nomination_deadline().is_some_and(|t| t <= now) {
            if let Some(p) = self.best_valid() {
                self.send_check(now, p, true);
            }
        }
        self.run_consent(now);
        self.update_state(now);
    }

    /// The role attribute our requests carry (RFC 8445 §7.1.3).
    pub(super) fn role(&self) -> IceRole {
        if self.controlling {
            IceRole::Controlling(self.tie_breaker)
        } else {
            IceRole::Controlled(self.tie_breaker)
        }
    }

    /// When the controlling agent nominates: now if the best succeeded pair
    /// outranks every pair still to check, else when the wait runs out.
    pub(super) fn nomination_deadline(&self) -> Option<Instant> {
        if !self.controlling || self.selected.is_some() || self.remote_credentials.is_none() {
            return None;
        }
        let nominating = self.checks.values().any(|c| matches!(c.kind, CheckKind::Connectivity { nominating: true }));
        if nominating {
            return None;
        }
        let best = self.pairs.get(self.best_valid()?)?.priority;
        let first = self.first_valid_at?;
        let better_pending = self.pairs.values().any(|p| {
            matches!(p.state, PairState::Frozen | PairState::Waiting | PairState::InProgress) && p.priority > best
        });
        Some(if better_pending { first + NOMINATION_WAIT } else { first })
    }

    /// RFC 8445 §7.2.2, §7.2.4 (and RFC 7675 §5.1 for consent): a Binding
    /// request for pair `p` with the remote password's MESSAGE-INTEGRITY,
    /// USE-CANDIDATE if `nominating`; its transaction id and bytes. None
    /// without remote credentials or a stale pair.
    pub(super) fn binding_request(&mut self, p: PairId, nominating: bool) -> Option<([u8; 12], Vec<u8>)> {
        let (remote_ufrag, remote_pwd) = self.remote_credentials.clone()?;
        let (_, local, _) = self.pair_ends(p)?;
        let prflx_priority = local.prflx_priority;
        let mut id = [0u8; 12];
        self.random.fill(&mut id);
        let mut request = Message::new(Method::BINDING, Class::Request, id)
            .with(Attribute::Username(format!("{remote_ufrag}:{}", self.ufrag)))
            .with(ice_attributes::priority(prflx_priority))
            .with(ice_attributes::ice_role(self.role()));
        if nominating {
            request = request.with(ice_attributes::use_candidate());
        }
        let bytes = request.encode_with(Some((IntegrityAlgorithm::Sha1, remote_pwd.as_bytes())), true).ok()?;
        Some((id, bytes))
    }

    /// RFC 8445 §7.2.4: a connectivity check on pair `p`, nominating when
    /// the controlling agent asks to.
    pub(super) fn send_check(&mut self, now: Instant, p: PairId, nominating: bool) {
        let Some((id, bytes)) = self.binding_request(p, nominating && self.controlling) else {
            return;
        };
        // RFC 8445 §14.3: RTO = max(500 ms, Ta × pairs being checked).
        let active = self.pairs.values().filter(|p| matches!(p.state, PairState::Waiting | PairState::InProgress));
        let rto = INITIAL_RTO.max(TA * u32::try_from(active.count()).unwrap_or(u32::MAX));
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        if pair.state != PairState::Succeeded {
            pair.state = PairState::InProgress;
        }
        pair.stats.requests_sent += 1;
        self.checks.insert(
            id,
            Check {
                pair: p,
                kind: CheckKind::Connectivity { nominating: nominating && self.controlling },
                claimed_controlling: self.controlling,
                bytes: bytes.clone(),
                retransmit: Retransmit::new(now, false, rto),
                sent_at: now,
            },
        );
        self.send_on_pair(now, p, &bytes);
    }

    /// A STUN message from `peer` on the allocation of `local`.
    pub(super) fn handle_stun(&mut self, now: Instant, local: LocalId, peer: SocketAddr, bytes: &[u8]) {
        // Every ICE check carries FINGERPRINT (RFC 8445 §7.2.2, §7.3).
        if integrity::check_fingerprint(bytes) != Some(true) {
            return;
        }
        let Ok(message) = Message::decode(bytes) else {
            return;
        };
        if message.method != Method::BINDING {
            return;
        }
        match message.class {
            Class::Request => self.handle_request(now, local, peer, &message, bytes),
            Class::SuccessResponse | Class::ErrorResponse => self.handle_response(now, peer, &message, bytes),
            // Binding indications are keepalives (RFC 8445 §11): nothing to do.
            Class::Indication => {}
        }
    }

    fn respond(&mut self, now: Instant, local: LocalId, peer: SocketAddr, response: Message, sign: bool) {
        let key = self.pwd.clone();
        let integrity = sign.then_some((IntegrityAlgorithm::Sha1, key.as_bytes()));
        let Ok(bytes) = response.encode_with(integrity, true) else {
            return;
        };
        let Some(r) = self.locals.get(local).and_then(|l| self.relay_of(l.tunnel)) else {
            return;
        };
        let sent = match self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
            Some(client) => client.send_to(now, peer, &bytes).is_ok(),
            None => false,
        };
        if let Some(p) = self.pair_of(local, peer) {
            if let Some(pair) = self.pairs.get_mut(p) {
                pair.stats.responses_sent += 1;
            }
            self.count_sent(now, p, bytes.len(), sent);
        }
        self.drain_turn(now, r);
    }

    /// RFC 8445 §7.3: answer a check, learn peer-reflexive candidates,
    /// trigger our own check, accept nomination.
    fn handle_request(&mut self, now: Instant, local: LocalId, peer: SocketAddr, message: &Message, bytes: &[u8]) {
        let error = |code| message.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(code)));
        // RFC 8489 §9.1.3: no USERNAME or integrity → 400; wrong → 401.
        let (Some(username), Some(priority)) = (message.username(), message.priority()) else {
            self.respond(now, local, peer, error(ErrorCode::BAD_REQUEST), false);
            return;
        };
        if username.split(':').next() != Some(self.ufrag.as_str())
            || integrity::verify(bytes, self.pwd.as_bytes()).is_err()
        {
            self.respond(now, local, peer, error(ErrorCode::UNAUTHORIZED), false);
            return;
        }
        let Some(role) = message.ice_role() else {
            self.respond(now, local, peer, error(ErrorCode::BAD_REQUEST), false);
            return;
        };
        // RFC 8445 §7.3.1.1: role conflict.
        match role {
            IceRole::Controlling(theirs) if self.controlling => {
                if self.tie_breaker >= theirs {
                    self.respond(now, local, peer, error(ErrorCode::ROLE_CONFLICT), true);
                    return;
                }
                self.switch_role(false);
            }
            IceRole::Controlled(theirs) if !self.controlling => {
                if self.tie_breaker >= theirs {
                    self.switch_role(true);
                } else {
                    self.respond(now, local, peer, error(ErrorCode::ROLE_CONFLICT), true);
                    return;
                }
            }
            _ => {}
        }
        let success = message.response(Class::SuccessResponse).with(Attribute::XorMappedAddress(peer));
        self.respond(now, local, peer, success, true);

        // RFC 8445 §7.3.1.3: an unknown source is a peer-reflexive candidate.
        let remote = match self.remotes.find(|r| r.address == peer) {
            Some(remote) => remote,
            None => {
                if self.remotes.len() >= MAX_REMOTE_CANDIDATES {
                    return;
                }
                let foundation = self.random.next_u32().to_string();
                self.remotes.push(Remote { address: peer, candidate: peer_reflexive(peer, priority, foundation) })
            }
        };
        let Some(p) = self.add_pair(now, local, remote) else {
            return;
        };
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        pair.stats.requests_received += 1;
        // RFC 8445 §7.3.1.4: triggered checks.
        match pair.state {
            PairState::Succeeded | PairState::InProgress => {}
            PairState::Frozen | PairState::Waiting | PairState::Failed => {
                pair.state = PairState::Waiting;
                if !self.triggered.contains(&p) {
                    self.triggered.push_back(p);
                }
            }
        }
        // RFC 8445 §7.3.1.5: the controlled agent accepts a nomination.
        if message.use_candidate() && !self.controlling {
            if self.pairs.get(p).is_some_and(|pair| pair.state == PairState::Succeeded) {
                self.nominate(now, p);
            } else if let Some(pair) = self.pairs.get_mut(p) {
                pair.nominate_on_success = true;
            }
        }
    }

    fn switch_role(&mut self, controlling: bool) {
        self.controlling = controlling;
        self.recompute_priorities();
    }

    /// RFC 8445 §7.2.5: the answer to one of our checks.
    fn handle_response(&mut self, now: Instant, peer: SocketAddr, message: &Message, bytes: &[u8]) {
        let Some(check) = self.checks.get(&message.transaction_id) else {
            return;
        };
        let p = check.pair;
        // RFC 8445 §7.2.5.2.1: the response must come from where the check went.
        if self.pair_ends(p).map(|(_, _, remote)| remote.address) != Some(peer) {
            return;
        }
        let Some((_, remote_pwd)) = &self.remote_credentials else {
            return;
        };
        if integrity::verify(bytes, remote_pwd.as_bytes()).is_err() {
            return;
        }
        let Some(check) = self.checks.remove(&message.transaction_id) else {
            return;
        };
        let rtt = now - check.sent_at;
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        pair.stats.responses_received += 1;
        pair.stats.current_round_trip_time = Some(rtt);
        pair.stats.total_round_trip_time += rtt;
        if message.class == Class::ErrorResponse {
            let code = message.error_code().map(|e| e.code);
            if code == Some(ErrorCode::ROLE_CONFLICT) {
                // RFC 8445 §7.2.5.1: take the other role, check again.
                self.switch_role(!check.claimed_controlling);
                if let Some(pair) = self.pairs.get_mut(p).filter(|pair| pair.state != PairState::Succeeded) {
                    pair.state = PairState::Waiting;
                }
                self.triggered.push_back(p);
            } else if check.kind != CheckKind::Consent {
                self.pair_failed(p);
            }
            return;
        }
        match check.kind {
            CheckKind::Consent => {
                if self.selected == Some(p) {
                    let next_check = now + self.consent_interval();
                    if let Some(c) = self.consent.as_mut() {
                        c.last_response = now;
                        c.unanswered_since = None;
                        c.next_check = next_check;
                    }
                }
            }
            CheckKind::Connectivity { nominating } => {
                pair.state = PairState::Succeeded;
                let nominate_on_success = pair.nominate_on_success;
                self.first_valid_at.get_or_insert(now);
                self.unfreeze_foundation(p);
                let controlled_nomination = !self.controlling && nominate_on_success;
                if (nominating && self.controlling) || controlled_nomination {
                    self.nominate(now, p);
                } else if self.selected == Some(p) {
                    if let Some(c) = self.consent.as_mut() {
                        c.last_response = now;
                        c.unanswered_since = None;
                    }
                }
            }
        }
        self.run(now);
    }

    /// Selects pair `p` (RFC 8445 §8.1.1, §7.3.1.5): data goes on it from now
    /// on, and consent freshness starts.
    pub(super) fn nominate(&mut self, now: Instant, p: PairId) {
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        pair.nominated = true;
        pair.nominate_on_success = false;
        if self.selected == Some(p) {
            return;
        }
        let Some((_, local, remote)) = self.pair_ends(p) else {
            return;
        };
        let (tunnel, peer) = (local.tunnel, remote.address);
        let event = IceEvent::SelectedPairChange { local: local.candidate.clone(), remote: remote.candidate.clone() };
        self.selected = Some(p);
        self.route = Some((tunnel, peer));
        let next_check = now + self.consent_interval();
        self.consent = Some(Consent { last_response: now, next_check, unanswered_since: None, failed: false });
        // Application data on the selected pair goes as ChannelData.
        if let Some(r) = self.relay_of(tunnel) {
            if let Some(client) = self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
                client.bind_channel(now, peer);
            }
            self.drain_turn(now, r);
        }
        self.events.push_back(event);
    }
}
