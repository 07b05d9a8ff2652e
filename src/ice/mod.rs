//! The ICE agent (RFC 8445) for one data stream with one component
//! (everything bundled, rtcp-mux), with trickle (RFC 8838) and consent
//! freshness (RFC 7675), sans-IO.
//!
//! A page has no UDP: every local candidate is a relay candidate, one per
//! TURN allocation, each reached through a tunnel (a WebSocket to our relay,
//! DESIGN.md "Relay protocol") named by a [`TunnelId`]. The agent owns one
//! [`TurnClient`] per tunnel; connectivity checks and application datagrams
//! go out as Send indications or ChannelData to the remote candidate's
//! address and come back as Data indications or ChannelData. Remote
//! candidates of every type come from SDP and addIceCandidate.
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
//! Checks follow RFC 8445 §6.1.4 (one new check per Ta = 50 ms, triggered
//! checks first), roles §7.3.1.1 (tie-breaker, 487), regular nomination
//! §8.1.1 (the controlling agent repeats a check of a succeeded pair with
//! USE-CANDIDATE, which is what Chromium and Firefox do and accept). Consent
//! (RFC 7675): the selected pair is checked about every 5 s; a check
//! unanswered for 2.5 s makes the state `disconnected` (libwebrtc's receiving
//! timeout), 30 s without a response `failed`.

pub mod candidate;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::Candidate;
use crate::stun::ice_attributes::{self, IceRole};
use crate::stun::integrity::{self, IntegrityAlgorithm};
use crate::stun::{Attribute, Class, ErrorCode, Message, Method, TransactionId};
use crate::time::Instant;
use crate::turn::transaction::{Retransmit, INITIAL_RTO};
use crate::turn::{TurnClient, TurnConfig, TurnEvent, TurnState, NO_RESPONSE};
use candidate::{
    local_preference, pair_priority, peer_reflexive, priority, relay_candidate, relay_foundation, usable_address,
    COMPONENT, TYPE_PREFERENCE_PRFLX, TYPE_PREFERENCE_RELAY,
};

/// Ta, the pacing of new checks (RFC 8445 §14.2: 50 ms for one stream).
pub const TA: Duration = Duration::from_millis(50);
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
/// The controlling agent nominates the best succeeded pair once no better
/// pair is still being checked, or after this long regardless.
pub const NOMINATION_WAIT: Duration = Duration::from_millis(1000);
/// Bounds on what a peer can make the agent hold (RFC 8445 §6.1.2.5
/// suggests 100 pairs).
const MAX_REMOTE_CANDIDATES: usize = 100;
const MAX_PAIRS: usize = 100;

/// Which tunnel (relay connection) a message travels on, as the host names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TunnelId(pub u32);

/// One relay from iceServers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    pub tunnel: TunnelId,
    /// The iceServers URL, reported with candidates and candidate errors.
    pub url: String,
    pub username: String,
    pub credential: String,
    /// Whether the tunnel is reliable (a WebSocket is): TURN requests are
    /// then not retransmitted.
    pub reliable: bool,
}

/// What the agent is built with. The transport policy is not here: every
/// local candidate is a relay candidate, so `relay` and `all` gather the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceConfig {
    pub relays: Vec<RelayConfig>,
    /// The initial role (RFC 8445 §6.1.1: the offerer controls); a role
    /// conflict may change it.
    pub controlling: bool,
    pub ufrag: String,
    pub pwd: String,
}

/// RTCIceTransportState / RTCIceConnectionState (webrtc-pc §5.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceConnectionState {
    New,
    Checking,
    Connected,
    Completed,
    Disconnected,
    Failed,
    Closed,
}

impl IceConnectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            IceConnectionState::New => "new",
            IceConnectionState::Checking => "checking",
            IceConnectionState::Connected => "connected",
            IceConnectionState::Completed => "completed",
            IceConnectionState::Disconnected => "disconnected",
            IceConnectionState::Failed => "failed",
            IceConnectionState::Closed => "closed",
        }
    }
}

/// RTCIceGathererState / RTCIceGatheringState (webrtc-pc §5.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceGatheringState {
    New,
    Gathering,
    Complete,
}

impl IceGatheringState {
    pub fn as_str(self) -> &'static str {
        match self {
            IceGatheringState::New => "new",
            IceGatheringState::Gathering => "gathering",
            IceGatheringState::Complete => "complete",
        }
    }
}

/// What the agent tells its host, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IceEvent {
    /// A new local (relay) candidate, and the iceServers URL it came from.
    LocalCandidate {
        candidate: Candidate,
        url: String,
    },
    GatheringStateChange(IceGatheringState),
    /// End of candidates for this generation (the null icecandidate); comes
    /// right after `GatheringStateChange(Complete)`.
    GatheringComplete,
    ConnectionStateChange(IceConnectionState),
    SelectedPairChange {
        local: Candidate,
        remote: Candidate,
    },
    /// A datagram from the peer that is not STUN: DTLS, or SRTP/SRTCP.
    Data(Vec<u8>),
    /// A relay could not be used (icecandidateerror): the STUN error code
    /// and reason, or 701 when the relay did not answer or its tunnel closed.
    CandidateError {
        url: String,
        error_code: u16,
        error_text: String,
    },
}

struct Relay {
    config: RelayConfig,
    client: Option<TurnClient>,
    /// The local candidate of the current allocation.
    local: Option<usize>,
    /// Whether this relay's allocation is still being gathered.
    gathering: bool,
    open: bool,
}

struct Local {
    tunnel: TunnelId,
    address: SocketAddr,
    /// The priority a peer-reflexive candidate learned from our checks would
    /// have: the PRIORITY attribute (RFC 8445 §7.1.1).
    prflx_priority: u32,
    candidate: Candidate,
    url: String,
    alive: bool,
}

struct Remote {
    address: SocketAddr,
    candidate: Candidate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairState {
    Frozen,
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

struct Pair {
    local: usize,
    remote: usize,
    priority: u64,
    state: PairState,
    nominated: bool,
    /// The controlled agent saw USE-CANDIDATE before the pair succeeded:
    /// it is nominated when its own check succeeds (RFC 8445 §7.3.1.5).
    nominate_on_success: bool,
    stats: PairStats,
}

/// What RTCIceCandidatePairStats counts (webrtc-stats §7.16): every
/// datagram on the pair, STUN included, as Chromium counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairStats {
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_received: u64,
    pub bytes_received: u64,
    pub last_packet_sent: Option<Instant>,
    pub last_packet_received: Option<Instant>,
    pub requests_sent: u64,
    pub requests_received: u64,
    pub responses_sent: u64,
    pub responses_received: u64,
    pub consent_requests_sent: u64,
    pub packets_discarded_on_send: u64,
    pub bytes_discarded_on_send: u64,
    /// The last connectivity or consent check's round trip.
    pub current_round_trip_time: Option<std::time::Duration>,
    pub total_round_trip_time: std::time::Duration,
}

/// One candidate pair as getStats reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairReport {
    pub local: Candidate,
    pub remote: Candidate,
    /// webrtc-stats RTCStatsIceCandidatePairState.
    pub state: &'static str,
    pub nominated: bool,
    pub priority: u64,
    pub selected: bool,
    pub stats: PairStats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CheckKind {
    Connectivity { nominating: bool },
    Consent,
}

struct Check {
    pair: usize,
    kind: CheckKind,
    /// The role the request claimed, for a 487 answer (RFC 8445 §7.2.5.1).
    claimed_controlling: bool,
    bytes: Vec<u8>,
    retransmit: Retransmit,
    sent_at: Instant,
}

/// Consent freshness of the selected pair (RFC 7675).
struct Consent {
    last_response: Instant,
    next_check: Instant,
    /// The first consent check sent since the last response.
    unanswered_since: Option<Instant>,
    failed: bool,
}

/// The agent. See the module docs.
pub struct IceAgent {
    random: Random,
    tie_breaker: u64,
    controlling: bool,
    ufrag: String,
    pwd: String,
    remote_credentials: Option<(String, String)>,
    relays: Vec<Relay>,
    locals: Vec<Local>,
    remotes: Vec<Remote>,
    pairs: Vec<Pair>,
    checks: HashMap<TransactionId, Check>,
    triggered: VecDeque<usize>,
    next_check_at: Instant,
    first_valid_at: Option<Instant>,
    selected: Option<usize>,
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
        let relays = config
            .relays
            .into_iter()
            .map(|config| Relay { config, client: None, local: None, gathering: true, open: false })
            .collect();
        let mut agent = IceAgent {
            random,
            tie_breaker,
            controlling: config.controlling,
            ufrag: config.ufrag,
            pwd: config.pwd,
            remote_credentials: None,
            relays,
            locals: Vec::new(),
            remotes: Vec::new(),
            pairs: Vec::new(),
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
        self.locals.iter().filter(|l| l.alive).map(|l| l.candidate.clone()).collect()
    }

    /// The remote candidates of this generation, peer-reflexive included
    /// (getRemoteCandidates).
    pub fn remote_candidates(&self) -> Vec<Candidate> {
        self.remotes.iter().map(|r| r.candidate.clone()).collect()
    }

    /// The selected pair as (local, remote) (getSelectedCandidatePair).
    pub fn selected_pair(&self) -> Option<(Candidate, Candidate)> {
        let p = &self.pairs[self.selected?];
        Some((self.locals[p.local].candidate.clone(), self.remotes[p.remote].candidate.clone()))
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
        if let Some(i) = self.remotes.iter().position(|r| r.address == address) {
            // A signaled candidate replaces the peer-reflexive one a check
            // revealed first (RFC 8445 §7.3.1.3); pairs keep their state.
            if self.remotes[i].candidate.typ == "prflx" {
                self.remotes[i].candidate = candidate.clone();
                self.recompute_priorities();
            }
            return Ok(());
        }
        if self.remotes.len() >= MAX_REMOTE_CANDIDATES {
            return Ok(());
        }
        self.remotes.push(Remote { address, candidate: candidate.clone() });
        let remote = self.remotes.len() - 1;
        for local in 0..self.locals.len() {
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
        if self.consent.as_ref().is_some_and(|c| c.failed) {
            self.route = None;
        }
        self.consent = None;
        self.set_gathering(IceGatheringState::Gathering);
        for r in 0..self.relays.len() {
            let allocated = self.relays[r].client.as_ref().is_some_and(|c| c.state() == TurnState::Allocated);
            if allocated {
                if let Some(l) = self.relays[r].local {
                    let ufrag = self.ufrag.clone();
                    let local = &mut self.locals[l];
                    local.candidate.extensions = vec![("generation".into(), "0".into()), ("ufrag".into(), ufrag)];
                    self.events.push_back(IceEvent::LocalCandidate {
                        candidate: local.candidate.clone(),
                        url: local.url.clone(),
                    });
                }
            } else if self.relays[r].open {
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
            let p = self.best_valid()?;
            let pair = &self.pairs[p];
            Some((self.locals[pair.local].tunnel, self.remotes[pair.remote].address))
        });
        let Some((tunnel, peer)) = route else {
            return Err(RtcError::invalid_state("no ICE candidate pair to send on"));
        };
        let Some(r) = self.relay_index(tunnel) else {
            return Err(RtcError::invalid_state("no ICE candidate pair to send on"));
        };
        let result = match self.relays[r].client.as_mut() {
            Some(client) => client.send_to(now, peer, data).map_err(|e| RtcError::operation(e.to_string())),
            None => Err(RtcError::invalid_state("no ICE candidate pair to send on")),
        };
        let local = self.relays[r].local;
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
        for r in 0..self.relays.len() {
            if let Some(client) = self.relays[r].client.as_mut() {
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
        let Some(r) = self.relay_index(tunnel) else {
            return;
        };
        if self.closed {
            return;
        }
        self.relays[r].open = true;
        let usable = self.relays[r]
            .client
            .as_ref()
            .is_some_and(|c| matches!(c.state(), TurnState::Allocating | TurnState::Allocated));
        if !usable {
            self.allocate(now, r);
            self.update_gathering();
        }
    }

    /// The tunnel closed: its allocation is gone. A relay that never
    /// allocated reports a candidate error; a selected pair on it loses
    /// consent on the usual timers.
    pub fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        let Some(r) = self.relay_index(tunnel) else {
            return;
        };
        self.relays[r].open = false;
        if let Some(client) = self.relays[r].client.as_mut() {
            client.handle_transport_closed();
        } else if self.relays[r].gathering && !self.closed {
            self.relays[r].gathering = false;
            let url = self.relays[r].config.url.clone();
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
        let Some(r) = self.relay_index(tunnel) else {
            return;
        };
        if self.closed {
            return;
        }
        if let Some(client) = self.relays[r].client.as_mut() {
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
        for r in 0..self.relays.len() {
            if let Some(client) = self.relays[r].client.as_mut() {
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
        let turn = self.relays.iter().filter_map(|r| r.client.as_ref()?.poll_timeout());
        let checks = self.checks.values().map(|c| c.retransmit.deadline());
        let pacing = self.has_check_to_send().then_some(self.next_check_at);
        let nomination = self.nomination_deadline();
        let consent = self.consent.as_ref().filter(|c| !c.failed).map(|c| {
            let disconnect = c
                .unanswered_since
                .map(|t| t + DISCONNECTED_TIMEOUT)
                .filter(|_| self.state != IceConnectionState::Disconnected);
            let expiry = c.last_response + CONSENT_TIMEOUT;
            disconnect.map_or(c.next_check.min(expiry), |d| d.min(c.next_check).min(expiry))
        });
        turn.chain(checks).chain(pacing).chain(nomination).chain(consent).min()
    }

    // ----- internals -----

    fn relay_index(&self, tunnel: TunnelId) -> Option<usize> {
        self.relays.iter().position(|r| r.config.tunnel == tunnel)
    }

    fn allocate(&mut self, now: Instant, r: usize) {
        let c = &self.relays[r].config;
        let config =
            TurnConfig { username: c.username.clone(), credential: c.credential.clone(), reliable: c.reliable };
        let mut client = TurnClient::new(config, &mut self.random);
        client.start(now);
        self.relays[r].client = Some(client);
        self.relays[r].gathering = true;
        if let Some(l) = self.relays[r].local.take() {
            self.local_lost(l);
        }
        self.drain_turn(now, r);
    }

    /// Moves the TURN client's output into the agent's.
    fn drain_turn(&mut self, now: Instant, r: usize) {
        loop {
            let Some(client) = self.relays[r].client.as_mut() else {
                return;
            };
            if let Some(bytes) = client.poll_transmit() {
                self.transmits.push_back((self.relays[r].config.tunnel, bytes));
                continue;
            }
            let Some(event) = client.poll_event() else {
                return;
            };
            match event {
                TurnEvent::Allocated { relayed, mapped } => self.allocated(now, r, relayed, mapped),
                TurnEvent::Data { peer, data } => {
                    let Some(l) = self.relays[r].local else {
                        continue;
                    };
                    self.count_received(now, l, peer, data.len());
                    if crate::stun::is_stun(&data) {
                        self.handle_stun(now, l, peer, &data);
                    } else if !self.closed {
                        self.events.push_back(IceEvent::Data(data));
                    }
                }
                TurnEvent::PermissionFailed { peer, .. } => {
                    let Some(l) = self.relays[r].local else {
                        continue;
                    };
                    let doomed: Vec<usize> = (0..self.pairs.len())
                        .filter(|&p| {
                            let pair = &self.pairs[p];
                            pair.local == l
                                && self.remotes[pair.remote].address.ip() == peer
                                && pair.state != PairState::Succeeded
                        })
                        .collect();
                    for p in doomed {
                        self.pair_failed(p);
                    }
                }
                TurnEvent::Failed { code, reason } => match self.relays[r].local.take() {
                    Some(l) => self.local_lost(l),
                    None => {
                        self.relays[r].gathering = false;
                        let url = self.relays[r].config.url.clone();
                        self.events.push_back(IceEvent::CandidateError { url, error_code: code, error_text: reason });
                        self.update_gathering();
                    }
                },
            }
        }
    }

    fn allocated(&mut self, now: Instant, r: usize, relayed: SocketAddr, mapped: Option<SocketAddr>) {
        let url = self.relays[r].config.url.clone();
        let preference = local_preference(r);
        let foundation = relay_foundation(&url, relayed.ip());
        let candidate = relay_candidate(
            &foundation,
            priority(TYPE_PREFERENCE_RELAY, preference, COMPONENT),
            relayed,
            mapped,
            &self.ufrag,
        );
        self.locals.push(Local {
            tunnel: self.relays[r].config.tunnel,
            address: relayed,
            prflx_priority: priority(TYPE_PREFERENCE_PRFLX, preference, COMPONENT),
            candidate: candidate.clone(),
            url: url.clone(),
            alive: true,
        });
        let l = self.locals.len() - 1;
        self.relays[r].local = Some(l);
        self.relays[r].gathering = false;
        self.events.push_back(IceEvent::LocalCandidate { candidate, url });
        for remote in 0..self.remotes.len() {
            self.add_pair(now, l, remote);
        }
        self.update_gathering();
    }

    fn local_lost(&mut self, l: usize) {
        self.locals[l].alive = false;
        let doomed: Vec<usize> = (0..self.pairs.len()).filter(|&p| self.pairs[p].local == l).collect();
        for p in doomed {
            if self.pairs[p].state != PairState::Succeeded {
                self.pair_failed(p);
            }
        }
    }

    fn add_pair(&mut self, now: Instant, local: usize, remote: usize) -> Option<usize> {
        let (l, rem) = (&self.locals[local], &self.remotes[remote]);
        if !l.alive || l.address.is_ipv4() != rem.address.is_ipv4() || self.pairs.len() >= MAX_PAIRS {
            return None;
        }
        if let Some(p) = self.pairs.iter().position(|p| p.local == local && p.remote == remote) {
            return Some(p);
        }
        let peer = rem.address;
        // RFC 8838 §11: a new pair waits unless a pair of its foundation is
        // already being checked, in which case it is frozen behind it.
        let foundation = self.pair_foundation(local, remote);
        let busy = self.pairs.iter().any(|p| {
            matches!(p.state, PairState::Waiting | PairState::InProgress)
                && self.pair_foundation(p.local, p.remote) == foundation
        });
        let state = if busy { PairState::Frozen } else { PairState::Waiting };
        let priority = self.compute_pair_priority(local, remote);
        self.pairs.push(Pair {
            local,
            remote,
            priority,
            state,
            nominated: false,
            nominate_on_success: false,
            stats: PairStats::default(),
        });
        // The peer's checks only reach us through a permission for its address.
        let tunnel = self.locals[local].tunnel;
        if let Some(r) = self.relay_index(tunnel) {
            if let Some(client) = self.relays[r].client.as_mut() {
                client.create_permission(now, peer.ip());
            }
            self.drain_turn(now, r);
        }
        Some(self.pairs.len() - 1)
    }

    fn pair_foundation(&self, local: usize, remote: usize) -> (String, String) {
        (self.locals[local].candidate.foundation.clone(), self.remotes[remote].candidate.foundation.clone())
    }

    fn compute_pair_priority(&self, local: usize, remote: usize) -> u64 {
        let (ours, theirs) = (self.locals[local].candidate.priority, self.remotes[remote].candidate.priority);
        if self.controlling {
            pair_priority(ours, theirs)
        } else {
            pair_priority(theirs, ours)
        }
    }

    fn recompute_priorities(&mut self) {
        for p in 0..self.pairs.len() {
            self.pairs[p].priority = self.compute_pair_priority(self.pairs[p].local, self.pairs[p].remote);
        }
    }

    /// Forgets this generation's remote candidates, pairs and checks.
    fn clear_generation(&mut self) {
        self.remotes.clear();
        self.pairs.clear();
        self.checks.clear();
        self.triggered.clear();
        self.selected = None;
        self.first_valid_at = None;
        self.end_of_remote_candidates = false;
    }

    fn has_check_to_send(&self) -> bool {
        self.remote_credentials.is_some()
            && (!self.triggered.is_empty()
                || self.pairs.iter().any(|p| matches!(p.state, PairState::Waiting | PairState::Frozen)))
    }

    /// The paced checks, nomination, consent, and the state.
    fn run(&mut self, now: Instant) {
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

    /// RFC 8445 §6.1.4.2: a triggered check first, else the highest-priority
    /// Waiting pair, else the highest-priority Frozen one.
    fn next_pair_to_check(&mut self) -> Option<usize> {
        while let Some(p) = self.triggered.pop_front() {
            if self.pairs.get(p).is_some_and(|pair| pair.state == PairState::Waiting) {
                return Some(p);
            }
        }
        let best = |state| {
            (0..self.pairs.len()).filter(|&p| self.pairs[p].state == state).max_by_key(|&p| self.pairs[p].priority)
        };
        best(PairState::Waiting).or_else(|| best(PairState::Frozen))
    }

    fn best_valid(&self) -> Option<usize> {
        (0..self.pairs.len())
            .filter(|&p| self.pairs[p].state == PairState::Succeeded && self.locals[self.pairs[p].local].alive)
            .max_by_key(|&p| self.pairs[p].priority)
    }

    /// When the controlling agent nominates: now if the best succeeded pair
    /// outranks every pair still to check, else when the wait runs out.
    fn nomination_deadline(&self) -> Option<Instant> {
        if !self.controlling || self.selected.is_some() || self.remote_credentials.is_none() {
            return None;
        }
        let nominating = self.checks.values().any(|c| matches!(c.kind, CheckKind::Connectivity { nominating: true }));
        if nominating {
            return None;
        }
        let best = self.best_valid()?;
        let first = self.first_valid_at?;
        let better_pending = self.pairs.iter().any(|p| {
            matches!(p.state, PairState::Frozen | PairState::Waiting | PairState::InProgress)
                && p.priority > self.pairs[best].priority
        });
        Some(if better_pending { first + NOMINATION_WAIT } else { first })
    }

    fn send_check(&mut self, now: Instant, p: usize, nominating: bool) {
        let Some((remote_ufrag, remote_pwd)) = self.remote_credentials.clone() else {
            return;
        };
        let local = &self.locals[self.pairs[p].local];
        let mut id = [0u8; 12];
        self.random.fill(&mut id);
        let role = if self.controlling {
            IceRole::Controlling(self.tie_breaker)
        } else {
            IceRole::Controlled(self.tie_breaker)
        };
        let mut request = Message::new(Method::BINDING, Class::Request, id)
            .with(Attribute::Username(format!("{remote_ufrag}:{}", self.ufrag)))
            .with(ice_attributes::priority(local.prflx_priority))
            .with(ice_attributes::ice_role(role));
        if nominating && self.controlling {
            request = request.with(ice_attributes::use_candidate());
        }
        let Ok(bytes) = request.encode_with(Some((IntegrityAlgorithm::Sha1, remote_pwd.as_bytes())), true) else {
            return;
        };
        // RFC 8445 §14.3: RTO = max(500 ms, Ta × pairs being checked).
        let active = self.pairs.iter().filter(|p| matches!(p.state, PairState::Waiting | PairState::InProgress));
        let rto = INITIAL_RTO.max(TA * u32::try_from(active.count()).unwrap_or(u32::MAX));
        if self.pairs[p].state != PairState::Succeeded {
            self.pairs[p].state = PairState::InProgress;
        }
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
        self.pairs[p].stats.requests_sent += 1;
        self.send_on_pair(now, p, &bytes);
    }

    fn count_sent(&mut self, now: Instant, p: usize, len: usize, sent: bool) {
        let Some(stats) = self.pairs.get_mut(p).map(|pair| &mut pair.stats) else { return };
        if sent {
            stats.packets_sent += 1;
            stats.bytes_sent += len as u64;
            stats.last_packet_sent = Some(now);
        } else {
            stats.packets_discarded_on_send += 1;
            stats.bytes_discarded_on_send += len as u64;
        }
    }

    fn count_received(&mut self, now: Instant, local: usize, peer: SocketAddr, len: usize) {
        if let Some(p) = self.pair_of(local, peer) {
            let stats = &mut self.pairs[p].stats;
            stats.packets_received += 1;
            stats.bytes_received += len as u64;
            stats.last_packet_received = Some(now);
        }
    }

    /// getStats: every pair with its counters.
    pub fn pair_reports(&self) -> Vec<PairReport> {
        self.pairs
            .iter()
            .enumerate()
            .map(|(i, p)| PairReport {
                local: self.locals[p.local].candidate.clone(),
                remote: self.remotes[p.remote].candidate.clone(),
                state: match p.state {
                    PairState::Frozen => "frozen",
                    PairState::Waiting => "waiting",
                    PairState::InProgress => "in-progress",
                    PairState::Succeeded => "succeeded",
                    PairState::Failed => "failed",
                },
                nominated: p.nominated,
                priority: p.priority,
                selected: self.selected == Some(i),
                stats: p.stats,
            })
            .collect()
    }

    fn send_on_pair(&mut self, now: Instant, p: usize, bytes: &[u8]) {
        let (local, remote) = (self.pairs[p].local, self.pairs[p].remote);
        let (tunnel, peer) = (self.locals[local].tunnel, self.remotes[remote].address);
        let Some(r) = self.relay_index(tunnel) else {
            return;
        };
        let sent = match self.relays[r].client.as_mut() {
            Some(client) if self.locals[local].alive => client.send_to(now, peer, bytes).is_ok(),
            _ => false,
        };
        self.count_sent(now, p, bytes.len(), sent);
        self.drain_turn(now, r);
        if !sent && self.pairs.get(p).is_some_and(|pair| pair.state == PairState::InProgress) {
            self.pair_failed(p);
        }
    }

    fn pair_failed(&mut self, p: usize) {
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        pair.state = PairState::Failed;
        pair.nominate_on_success = false;
        let foundation = self.pair_foundation(self.pairs[p].local, self.pairs[p].remote);
        self.checks.retain(|_, c| c.pair != p || c.kind == CheckKind::Consent);
        // A frozen pair of the same foundation is no longer behind anything.
        if let Some(q) = (0..self.pairs.len()).find(|&q| {
            self.pairs[q].state == PairState::Frozen
                && self.pair_foundation(self.pairs[q].local, self.pairs[q].remote) == foundation
        }) {
            self.pairs[q].state = PairState::Waiting;
        }
    }

    fn handle_stun(&mut self, now: Instant, local: usize, peer: SocketAddr, bytes: &[u8]) {
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

    fn respond(&mut self, now: Instant, local: usize, peer: SocketAddr, response: Message, sign: bool) {
        let key = self.pwd.clone();
        let integrity = sign.then_some((IntegrityAlgorithm::Sha1, key.as_bytes()));
        let Ok(bytes) = response.encode_with(integrity, true) else {
            return;
        };
        let tunnel = self.locals[local].tunnel;
        let Some(r) = self.relay_index(tunnel) else {
            return;
        };
        let sent = match self.relays[r].client.as_mut() {
            Some(client) => client.send_to(now, peer, &bytes).is_ok(),
            None => false,
        };
        if let Some(p) = self.pair_of(local, peer) {
            self.pairs[p].stats.responses_sent += 1;
            self.count_sent(now, p, bytes.len(), sent);
        }
        self.drain_turn(now, r);
    }

    fn pair_of(&self, local: usize, peer: SocketAddr) -> Option<usize> {
        self.pairs.iter().position(|p| p.local == local && self.remotes[p.remote].address == peer)
    }

    /// RFC 8445 §7.3: answer a check, learn peer-reflexive candidates,
    /// trigger our own check, accept nomination.
    fn handle_request(&mut self, now: Instant, local: usize, peer: SocketAddr, message: &Message, bytes: &[u8]) {
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
        let remote = match self.remotes.iter().position(|r| r.address == peer) {
            Some(i) => i,
            None => {
                if self.remotes.len() >= MAX_REMOTE_CANDIDATES {
                    return;
                }
                let foundation = self.random.next_u32().to_string();
                self.remotes.push(Remote { address: peer, candidate: peer_reflexive(peer, priority, foundation) });
                self.remotes.len() - 1
            }
        };
        let Some(p) = self.add_pair(now, local, remote) else {
            return;
        };
        self.pairs[p].stats.requests_received += 1;
        // RFC 8445 §7.3.1.4: triggered checks.
        match self.pairs[p].state {
            PairState::Succeeded | PairState::InProgress => {}
            PairState::Frozen | PairState::Waiting | PairState::Failed => {
                self.pairs[p].state = PairState::Waiting;
                if !self.triggered.contains(&p) {
                    self.triggered.push_back(p);
                }
            }
        }
        // RFC 8445 §7.3.1.5: the controlled agent accepts a nomination.
        if message.use_candidate() && !self.controlling {
            if self.pairs[p].state == PairState::Succeeded {
                self.nominate(now, p);
            } else {
                self.pairs[p].nominate_on_success = true;
            }
        }
    }

    fn switch_role(&mut self, controlling: bool) {
        self.controlling = controlling;
        self.recompute_priorities();
    }

    fn handle_response(&mut self, now: Instant, peer: SocketAddr, message: &Message, bytes: &[u8]) {
        let Some(check) = self.checks.get(&message.transaction_id) else {
            return;
        };
        let p = check.pair;
        // RFC 8445 §7.2.5.2.1: the response must come from where the check went.
        if self.remotes[self.pairs[p].remote].address != peer {
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
        let stats = &mut self.pairs[p].stats;
        stats.responses_received += 1;
        stats.current_round_trip_time = Some(rtt);
        stats.total_round_trip_time += rtt;
        if message.class == Class::ErrorResponse {
            let code = message.error_code().map(|e| e.code);
            if code == Some(ErrorCode::ROLE_CONFLICT) {
                // RFC 8445 §7.2.5.1: take the other role, check again.
                self.switch_role(!check.claimed_controlling);
                if self.pairs[p].state != PairState::Succeeded {
                    self.pairs[p].state = PairState::Waiting;
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
                self.pairs[p].state = PairState::Succeeded;
                self.first_valid_at.get_or_insert(now);
                let foundation = self.pair_foundation(self.pairs[p].local, self.pairs[p].remote);
                for q in 0..self.pairs.len() {
                    if self.pairs[q].state == PairState::Frozen
                        && self.pair_foundation(self.pairs[q].local, self.pairs[q].remote) == foundation
                    {
                        self.pairs[q].state = PairState::Waiting;
                    }
                }
                let controlled_nomination = !self.controlling && self.pairs[p].nominate_on_success;
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

    fn consent_interval(&mut self) -> Duration {
        // 0.8–1.2 × the interval (RFC 7675 §5.1), from the injected source.
        let factor = 800 + u64::from(self.random.next_u32() % 401);
        Duration::from_millis(CONSENT_INTERVAL.as_millis() as u64 * factor / 1000)
    }

    fn nominate(&mut self, now: Instant, p: usize) {
        self.pairs[p].nominated = true;
        self.pairs[p].nominate_on_success = false;
        if self.selected == Some(p) {
            return;
        }
        self.selected = Some(p);
        let (local, remote) = (self.pairs[p].local, self.pairs[p].remote);
        let (tunnel, peer) = (self.locals[local].tunnel, self.remotes[remote].address);
        self.route = Some((tunnel, peer));
        let next_check = now + self.consent_interval();
        self.consent = Some(Consent { last_response: now, next_check, unanswered_since: None, failed: false });
        // Application data on the selected pair goes as ChannelData.
        if let Some(r) = self.relay_index(tunnel) {
            if let Some(client) = self.relays[r].client.as_mut() {
                client.bind_channel(now, peer);
            }
            self.drain_turn(now, r);
        }
        self.events.push_back(IceEvent::SelectedPairChange {
            local: self.locals[local].candidate.clone(),
            remote: self.remotes[remote].candidate.clone(),
        });
    }

    /// RFC 7675: check the selected pair; judge its silence.
    fn run_consent(&mut self, now: Instant) {
        let Some(p) = self.selected else { return };
        let Some(c) = self.consent.as_ref() else {
            return;
        };
        if c.failed {
            return;
        }
        if now >= c.last_response + CONSENT_TIMEOUT {
            if let Some(c) = self.consent.as_mut() {
                c.failed = true;
            }
            self.pairs[p].state = PairState::Failed;
            self.checks.clear();
            return;
        }
        if now < c.next_check {
            return;
        }
        let Some((remote_ufrag, remote_pwd)) = self.remote_credentials.clone() else {
            return;
        };
        let mut id = [0u8; 12];
        self.random.fill(&mut id);
        let role = if self.controlling {
            IceRole::Controlling(self.tie_breaker)
        } else {
            IceRole::Controlled(self.tie_breaker)
        };
        let local = &self.locals[self.pairs[p].local];
        let request = Message::new(Method::BINDING, Class::Request, id)
            .with(Attribute::Username(format!("{remote_ufrag}:{}", self.ufrag)))
            .with(ice_attributes::priority(local.prflx_priority))
            .with(ice_attributes::ice_role(role));
        let Ok(bytes) = request.encode_with(Some((IntegrityAlgorithm::Sha1, remote_pwd.as_bytes())), true) else {
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
        self.pairs[p].stats.requests_sent += 1;
        self.pairs[p].stats.consent_requests_sent += 1;
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

    fn set_gathering(&mut self, state: IceGatheringState) {
        if self.gathering_state != state {
            self.gathering_state = state;
            self.events.push_back(IceEvent::GatheringStateChange(state));
            if state == IceGatheringState::Complete {
                self.events.push_back(IceEvent::GatheringComplete);
            }
        }
    }

    fn update_gathering(&mut self) {
        if self.gathering_state == IceGatheringState::New {
            return;
        }
        if self.relays.iter().any(|r| r.gathering) {
            self.set_gathering(IceGatheringState::Gathering);
        } else {
            self.set_gathering(IceGatheringState::Complete);
        }
    }

    /// RTCIceTransportState from the checklist and consent (webrtc-pc §5.6.3).
    fn update_state(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        let state = match (&self.consent, self.selected) {
            (Some(c), _) if c.failed => IceConnectionState::Failed,
            (Some(c), Some(_)) => {
                if c.unanswered_since.is_some_and(|t| now >= t + DISCONNECTED_TIMEOUT) {
                    IceConnectionState::Disconnected
                } else if self.end_of_remote_candidates
                    && self.gathering_state == IceGatheringState::Complete
                    && self.pairs.iter().all(|p| matches!(p.state, PairState::Succeeded | PairState::Failed))
                {
                    IceConnectionState::Completed
                } else {
                    IceConnectionState::Connected
                }
            }
            _ if self.route.is_some() => IceConnectionState::Connected,
            _ => {
                let all_failed = self.pairs.iter().all(|p| p.state == PairState::Failed);
                let gathered = self.gathering_state == IceGatheringState::Complete;
                if all_failed && self.end_of_remote_candidates && gathered && self.remote_credentials.is_some() {
                    IceConnectionState::Failed
                } else if self.pairs.iter().any(|p| p.state != PairState::Frozen && p.state != PairState::Waiting)
                    || !self.checks.is_empty()
                {
                    IceConnectionState::Checking
                } else if self.state == IceConnectionState::New {
                    IceConnectionState::New
                } else {
                    // After a restart the state stays where it was until
                    // the new generation's checks start.
                    self.state
                }
            }
        };
        if state != self.state {
            self.state = state;
            self.events.push_back(IceEvent::ConnectionStateChange(state));
        }
    }
}

#[cfg(test)]
mod tests;
