//! The ICE agent (RFC 8445) for one data stream with one component
//! (everything bundled, rtcp-mux), with trickle (RFC 8838) and consent
//! freshness (RFC 7675), sans-IO.
//!
//! A page has no UDP: every local candidate is a relay candidate, one per
//! TURN allocation, each reached through a tunnel (a WebSocket to our relay,
//! DESIGN.md "Relay protocol") named by a [`TunnelId`]. The agent owns one
//! [`TurnClient`](crate::turn::TurnClient) per tunnel; connectivity checks
//! and application datagrams go out as Send indications or ChannelData to
//! the remote candidate's address and come back as Data indications or
//! ChannelData. Remote candidates of every type come from SDP and
//! addIceCandidate.
//!
//! The driving loop is every layer's:
//!
//! ```
//! # use wasmrtc::ice::{IceAgent, IceConfig};
//! # use wasmrtc::random::Random;
//! # use wasmrtc::time::Instant;
//! let mut random = Random::from_seed([1; 32]);
//! let config = IceConfig { relays: vec![], controlling: true, ufrag: "abcd".into(), pwd: "p".repeat(22) };
//! let mut agent = IceAgent::new(config, &mut random, Instant::ZERO);
//! // ... agent.handle_tunnel_open / handle_tunnel_message / handle_timeout(now) ...
//! while let Some((_tunnel, _bytes)) = agent.poll_transmit() { /* one WebSocket message */ }
//! while let Some(_event) = agent.poll_event() { /* candidates, states, data */ }
//! let _next_wakeup = agent.poll_timeout();
//! ```
//!
//! This file is the facade: the agent's state and its public calls. The
//! protocol lives beside it:
//!
//! - [`candidate`]: priorities and foundations (RFC 8445 §5.1), usable
//!   remote candidates.
//! - `relays`: gathering over TURN allocations through the tunnels
//!   (§5.1.1.2, RFC 8656).
//! - `checklist`: pairs, their states and priorities, what is checked next
//!   (§6.1.2, §6.1.4; RFC 8838 §11).
//! - `checks`: connectivity and triggered checks, peer-reflexive candidates,
//!   role conflicts, nomination (§7, §8.1.1).
//! - `consent`: consent freshness of the selected pair (RFC 7675).
//! - `state`: the transport and gatherer states and the events (webrtc-pc
//!   §5.6).
//! - `arena`: generation-checked ids for relays, candidates and pairs, so
//!   that an id kept past an ICE restart finds nothing instead of panicking
//!   or finding another pair.

pub mod candidate;

mod arena;
mod checklist;
mod checks;
mod config;
mod consent;
mod relays;
mod state;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::Candidate;
use crate::stun::TransactionId;
use crate::time::Instant;
use crate::turn::{TurnState, NO_RESPONSE};
use arena::{Arena, LocalId, PairId, RelayId, RemoteId};
use candidate::{local_preference, usable_address};
use checklist::{Local, Pair, Remote, MAX_REMOTE_CANDIDATES};
use checks::{Check, CheckKind};
use consent::Consent;
use relays::Relay;

pub use checklist::{PairReport, PairStats};
pub use checks::{NOMINATION_WAIT, TA};
pub use config::{IceConfig, RelayConfig, TunnelId};
pub use consent::{CONSENT_INTERVAL, CONSENT_RETRY_INTERVAL, CONSENT_TIMEOUT, DISCONNECTED_TIMEOUT};
pub use state::{IceConnectionState, IceEvent, IceGatheringState};

/// The agent. See the module docs.
pub struct IceAgent {
    random: Random,
    tie_breaker: u64,
    controlling: bool,
    ufrag: String,
    pwd: String,
    remote_credentials: Option<(String, String)>,
    relays: Arena<RelayId, Relay>,
    locals: Arena<LocalId, Local>,
    /// This generation's remote candidates and pairs: both are cleared when
    /// either side restarts ICE.
    remotes: Arena<RemoteId, Remote>,
    pairs: Arena<PairId, Pair>,
    checks: HashMap<TransactionId, Check>,
    triggered: VecDeque<PairId>,
    next_check_at: Instant,
    first_valid_at: Option<Instant>,
    selected: Option<PairId>,
    /// Where application data goes: the selected pair's path, kept through
    /// an ICE restart until the new generation selects a pair (RFC 8445 §9).
    route: Option<(TunnelId, SocketAddr)>,
    consent: Option<Consent>,
    end_of_remote_candidates: bool,
    state: IceConnectionState,
    gathering_state: IceGatheringState,
    closed: bool,
    transmits: VecDeque<(TunnelId, Vec<u8>)>,
    events: VecDeque<IceEvent>,
}

impl IceAgent {
    /// An agent that starts gathering: one allocation per relay, each as
    /// soon as its tunnel opens ([`Self::handle_tunnel_open`]).
    pub fn new(config: IceConfig, random: &mut Random, now: Instant) -> IceAgent {
        let mut seed = [0u8; 32];
        random.fill(&mut seed);
        let mut random = Random::from_seed(seed);
        let tie_breaker = random.next_u64();
        let mut relays = Arena::default();
        for (i, config) in config.relays.into_iter().enumerate() {
            let preference = local_preference(i);
            relays.push(Relay { config, preference, client: None, local: None, gathering: true, open: false });
        }
        let mut agent = IceAgent {
            random,
            tie_breaker,
            controlling: config.controlling,
            ufrag: config.ufrag,
            pwd: config.pwd,
            remote_credentials: None,
            relays,
            locals: Arena::default(),
            remotes: Arena::default(),
            pairs: Arena::default(),
            checks: HashMap::new(),
            triggered: VecDeque::new(),
            next_check_at: now,
            first_valid_at: None,
            selected: None,
            route: None,
            consent: None,
            end_of_remote_candidates: false,
            state: IceConnectionState::New,
            gathering_state: IceGatheringState::New,
            closed: false,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        };
        agent.set_gathering(IceGatheringState::Gathering);
        agent.update_gathering();
        agent
    }

    // ----- getters -----

    pub fn connection_state(&self) -> IceConnectionState {
        self.state
    }

    pub fn gathering_state(&self) -> IceGatheringState {
        self.gathering_state
    }

    /// The current role (RTCIceTransport.role).
    pub fn controlling(&self) -> bool {
        self.controlling
    }

    /// The local candidates of live allocations (getLocalCandidates).
    pub fn local_candidates(&self) -> Vec<Candidate> {
        self.locals.values().filter(|l| l.alive).map(|l| l.candidate.clone()).collect()
    }

    /// The remote candidates of this generation, peer-reflexive included
    /// (getRemoteCandidates).
    pub fn remote_candidates(&self) -> Vec<Candidate> {
        self.remotes.values().map(|r| r.candidate.clone()).collect()
    }

    /// The selected pair as (local, remote) (getSelectedCandidatePair).
    pub fn selected_pair(&self) -> Option<(Candidate, Candidate)> {
        let (_, local, remote) = self.pair_ends(self.selected?)?;
        Some((local.candidate.clone(), remote.candidate.clone()))
    }

    // ----- the application's calls -----

    /// The peer's ufrag and password from its description. A different
    /// ufrag than before means the peer restarted ICE: its old candidates
    /// and the pairs made from them are dropped.
    pub fn set_remote_credentials(&mut self, ufrag: String, pwd: String) {
        if self.closed {
            return;
        }
        if self.remote_credentials.as_ref().is_some_and(|(u, _)| *u != ufrag) {
            self.clear_generation();
        }
        self.remote_credentials = Some((ufrag, pwd));
    }

    /// A remote candidate from SDP or addIceCandidate. Candidates the agent
    /// cannot use (TCP, component 2, mDNS names, IPv6 where no relay has an
    /// IPv6 address) are accepted and ignored. A candidate whose `ufrag`
    /// names another generation is an OperationError (webrtc-pc §4.4.1.6).
    pub fn add_remote_candidate(&mut self, now: Instant, candidate: &Candidate) -> Result<(), RtcError> {
        if self.closed {
            return Err(RtcError::invalid_state("the ICE agent is closed"));
        }
        let ufrag = candidate.extensions.iter().find(|(n, _)| n == "ufrag").map(|(_, v)| v.as_str());
        if let (Some(ufrag), Some((remote, _))) = (ufrag, &self.remote_credentials) {
            if ufrag != remote {
                return Err(RtcError::operation("the candidate's ufrag matches no remote description"));
            }
        }
        let Ok(address) = usable_address(candidate) else {
            return Ok(());
        };
        if let Some(known) = self.remotes.find(|r| r.address == address) {
            // A signaled candidate replaces the peer-reflexive one a check
            // revealed first (RFC 8445 §7.3.1.3); pairs keep their state.
            if let Some(remote) = self.remotes.get_mut(known).filter(|r| r.candidate.typ == "prflx") {
                remote.candidate = candidate.clone();
                self.recompute_priorities();
            }
            return Ok(());
        }
        if self.remotes.len() >= MAX_REMOTE_CANDIDATES {
            return Ok(());
        }
        let remote = self.remotes.push(Remote { address, candidate: candidate.clone() });
        for local in self.locals.ids() {
            self.add_pair(now, local, remote);
        }
        self.update_state(now);
        Ok(())
    }

    /// The peer has no more candidates for this generation (RFC 8838 §13):
    /// once every pair has failed, the state is `failed`.
    pub fn end_of_remote_candidates(&mut self) {
        self.end_of_remote_candidates = true;
    }

    /// ICE restart (RFC 8445 §9): new local credentials, a fresh checklist,
    /// the same allocations (their candidates are announced again). Data
    /// keeps flowing on the old selected pair until a new one is selected.
    /// Relays whose allocation was lost allocate again if their tunnel is open.
    pub fn restart(&mut self, now: Instant, ufrag: String, pwd: String) {
        if self.closed {
            return;
        }
        self.ufrag = ufrag;
        self.pwd = pwd;
        self.remote_credentials = None;
        self.clear_generation();
        self.set_gathering(IceGatheringState::Gathering);
        for r in self.relays.ids() {
            let Some(relay) = self.relays.get(r) else {
                continue;
            };
            let allocated = relay.client.as_ref().is_some_and(|c| c.state() == TurnState::Allocated);
            let (local, open) = (relay.local, relay.open);
            if allocated {
                if let Some(local) = local.and_then(|l| self.locals.get_mut(l)) {
                    let extensions = vec![("generation".into(), "0".into()), ("ufrag".into(), self.ufrag.clone())];
                    local.candidate.extensions = extensions;
                    self.events.push_back(IceEvent::LocalCandidate {
                        candidate: local.candidate.clone(),
                        url: local.url.clone(),
                    });
                }
            } else if open {
                self.allocate(now, r);
            }
        }
        self.update_gathering();
        self.update_state(now);
    }

    /// Sends an application datagram (DTLS) over the selected pair, or, as
    /// the controlled agent may before nomination, the best succeeded pair.
    pub fn send(&mut self, now: Instant, data: &[u8]) -> Result<(), RtcError> {
        if self.closed {
            return Err(RtcError::invalid_state("the ICE agent is closed"));
        }
        if self.consent.as_ref().is_some_and(|c| c.failed) {
            // RFC 7675 §5.1: without consent nothing may be sent.
            return Err(RtcError::invalid_state("consent to send expired"));
        }
        let route = self.route.or_else(|| {
            let (_, local, remote) = self.pair_ends(self.best_valid()?)?;
            Some((local.tunnel, remote.address))
        });
        let no_pair = || RtcError::invalid_state("no ICE candidate pair to send on");
        let (tunnel, peer) = route.ok_or_else(no_pair)?;
        let r = self.relay_of(tunnel).ok_or_else(no_pair)?;
        let relay = self.relays.get_mut(r).ok_or_else(no_pair)?;
        let local = relay.local;
        let result = match relay.client.as_mut() {
            Some(client) => client.send_to(now, peer, data).map_err(|e| RtcError::operation(e.to_string())),
            None => Err(no_pair()),
        };
        if let Some(p) = local.and_then(|l| self.pair_of(l, peer)) {
            self.count_sent(now, p, data.len(), result.is_ok());
        }
        self.drain_turn(now, r);
        result
    }

    /// Deallocates every allocation and stops. No state event follows
    /// (closing a peer connection fires none, webrtc-pc §4.4.1.5).
    pub fn close(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        for r in self.relays.ids() {
            if let Some(client) = self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
                client.close();
            }
            self.drain_turn(now, r);
        }
        self.closed = true;
        self.state = IceConnectionState::Closed;
        self.checks.clear();
        self.triggered.clear();
        self.consent = None;
        self.events.clear();
    }

    // ----- the host's calls -----

    /// The tunnel to a relay opened: allocate on it.
    pub fn handle_tunnel_open(&mut self, now: Instant, tunnel: TunnelId) {
        let Some(r) = self.relay_of(tunnel) else {
            return;
        };
        if self.closed {
            return;
        }
        let Some(relay) = self.relays.get_mut(r) else {
            return;
        };
        relay.open = true;
        let usable =
            relay.client.as_ref().is_some_and(|c| matches!(c.state(), TurnState::Allocating | TurnState::Allocated));
        if !usable {
            self.allocate(now, r);
            self.update_gathering();
        }
    }

    /// The tunnel closed: its allocation is gone. A relay that never
    /// allocated reports a candidate error; a selected pair on it loses
    /// consent on the usual timers.
    pub fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        let Some(r) = self.relay_of(tunnel) else {
            return;
        };
        let closed = self.closed;
        let Some(relay) = self.relays.get_mut(r) else {
            return;
        };
        relay.open = false;
        if let Some(client) = relay.client.as_mut() {
            client.handle_transport_closed();
        } else if relay.gathering && !closed {
            relay.gathering = false;
            let url = relay.config.url.clone();
            self.events.push_back(IceEvent::CandidateError {
                url,
                error_code: NO_RESPONSE,
                error_text: "the relay's tunnel closed".into(),
            });
            self.update_gathering();
        }
        self.drain_turn(now, r);
        self.update_state(now);
    }

    /// One WebSocket message from a relay.
    pub fn handle_tunnel_message(&mut self, now: Instant, tunnel: TunnelId, message: &[u8]) {
        let Some(r) = self.relay_of(tunnel) else {
            return;
        };
        if self.closed {
            return;
        }
        if let Some(client) = self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
            client.handle_message(now, message);
        }
        self.drain_turn(now, r);
        self.run(now);
    }

    /// Runs everything due at `now`: TURN timers, retransmissions, the next
    /// paced check, nomination, consent.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        for r in self.relays.ids() {
            if let Some(client) = self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
                client.handle_timeout(now);
            }
            self.drain_turn(now, r);
        }
        let due: Vec<TransactionId> =
            self.checks.iter().filter(|(_, c)| c.retransmit.deadline() <= now).map(|(id, _)| *id).collect();
        for id in due {
            let Some(check) = self.checks.get_mut(&id) else {
                continue;
            };
            if check.retransmit.on_timeout(now) {
                let (pair, bytes) = (check.pair, check.bytes.clone());
                self.send_on_pair(now, pair, &bytes);
            } else if let Some(check) = self.checks.remove(&id) {
                // A consent check's silence is judged by the consent timers.
                if matches!(check.kind, CheckKind::Connectivity { .. }) {
                    self.pair_failed(check.pair);
                }
            }
        }
        self.run(now);
    }

    /// The next WebSocket message to send, and on which tunnel.
    pub fn poll_transmit(&mut self) -> Option<(TunnelId, Vec<u8>)> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<IceEvent> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] must be called next. Every `handle_*`
    /// call and `send`, `add_remote_candidate`, `restart` may change it.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.closed {
            return None;
        }
        let turn = self.relays.values().filter_map(|r| r.client.as_ref()?.poll_timeout());
        let checks = self.checks.values().map(|c| c.retransmit.deadline());
        let pacing = self.has_check_to_send().then_some(self.next_check_at);
        let nomination = self.nomination_deadline();
        let disconnected = self.state == IceConnectionState::Disconnected;
        let consent = self.consent.as_ref().and_then(|c| c.deadline(disconnected));
        turn.chain(checks).chain(pacing).chain(nomination).chain(consent).min()
    }
}

#[cfg(test)]
mod tests;
