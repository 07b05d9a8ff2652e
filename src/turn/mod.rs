//! A sans-IO TURN client (RFC 8656) for one allocation on one relay.
//!
//! The client speaks to its server over one flow: for wasmrtc a tunnel (a
//! WebSocket carrying one STUN or ChannelData message per WebSocket message,
//! DESIGN.md "Relay protocol"), which is reliable; the transport kind is a
//! setting, so the same client retransmits on UDP (RFC 8489 §6.2.1).
//!
//! It allocates with the long-term credential mechanism (RFC 8489 §9.2: the
//! first Allocate is answered 401 with REALM and NONCE), refreshes the
//! allocation before it expires (§7), installs and refreshes permissions
//! (§9, every 300 s at most) and channels (§12, 600 s), sends Send
//! indications or ChannelData (§11, §12), follows 438 Stale Nonce, and
//! deallocates (Refresh with LIFETIME 0) on [`TurnClient::close`].
//!
//! The verbs are every layer's: `handle_message(now, bytes)`,
//! `handle_timeout(now)`, `poll_transmit()`, `poll_event()`, `poll_timeout()`.
//! After any call, drain `poll_transmit` and `poll_event`, then re-arm the
//! timer from `poll_timeout`.

pub mod transaction;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::random::Random;
use crate::stun::attribute::types;
use crate::stun::integrity::{self, IntegrityAlgorithm};
use crate::stun::{long_term_key, Attribute, ChannelData, Class, ErrorCode, Message, Method, TransactionId};
use crate::time::Instant;
use transaction::{Retransmit, INITIAL_RTO};

/// The error code webrtc-pc gives `icecandidateerror` when the server did
/// not answer (RTCPeerConnectionIceErrorEvent, §4.8.2): also used when the
/// tunnel closes under the allocation.
pub const NO_RESPONSE: u16 = 701;

/// The allocation lifetime asked for; the server may grant less (RFC 8656 §7.2).
const REQUESTED_LIFETIME: u32 = 600;
/// Refresh this long before the allocation expires; Chromium does the same.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Permissions last 300 s (RFC 8656 §9); refresh a minute early.
const PERMISSION_REFRESH: Duration = Duration::from_secs(240);
/// Channels last 600 s (RFC 8656 §12); refresh a minute early.
const CHANNEL_REFRESH: Duration = Duration::from_secs(540);
/// Datagrams held while a permission is being installed; more are dropped
/// as a congested network would.
const MAX_QUEUED: usize = 64;
/// Consecutive 438 answers followed before giving up, so a server that
/// always says stale cannot keep the client looping.
const MAX_STALE_NONCE_RETRIES: u8 = 3;
/// The nonce cookie of a server that supports RFC 8489's security features
/// (§9.2): then the client protects requests with MESSAGE-INTEGRITY-SHA256.
const NONCE_COOKIE: &str = "obMatJos2";
/// PASSWORD-ALGORITHM values (RFC 8489 §18.5).
const PASSWORD_MD5: u16 = 0x0001;
const PASSWORD_SHA256: u16 = 0x0002;
/// The first channel number a client may bind (RFC 8656 §12).
const FIRST_CHANNEL: u16 = 0x4000;
const LAST_CHANNEL: u16 = 0x4FFF;
/// UDP's protocol number for REQUESTED-TRANSPORT (RFC 8656 §18.7).
const UDP: u8 = 17;

/// What the client is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnConfig {
    pub username: String,
    pub credential: String,
    /// Whether the flow to the server is reliable (WebSocket, TCP): then a
    /// request is sent once and times out after 39.5 s (RFC 8489 §6.2.2);
    /// otherwise it is retransmitted (§6.2.1).
    pub reliable: bool,
}

/// Where the allocation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnState {
    /// [`TurnClient::start`] has not been called.
    Idle,
    Allocating,
    Allocated,
    /// The allocation failed or was lost; a [`TurnEvent::Failed`] said why.
    Failed,
    Closed,
}

/// What happened, for the layer above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnEvent {
    /// The allocation exists: `relayed` is the relay candidate's address,
    /// `mapped` the client's address as the server saw it.
    Allocated { relayed: SocketAddr, mapped: Option<SocketAddr> },
    /// A datagram from `peer`, through a Data indication or a channel.
    Data { peer: SocketAddr, data: Vec<u8> },
    /// The server refused (or never answered) a permission for `peer`:
    /// nothing can be exchanged with that address.
    PermissionFailed { peer: IpAddr, code: u16, reason: String },
    /// The allocation failed or was lost: the STUN error code and reason
    /// (or [`NO_RESPONSE`]).
    Failed { code: u16, reason: String },
}

/// Why a datagram could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TurnError {
    #[error("the TURN allocation is not ready")]
    NotAllocated,
    #[error("the TURN server refused a permission for this peer")]
    PermissionRefused,
    #[error("datagram too long for a TURN message")]
    TooLong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Allocate,
    Refresh { lifetime: u32 },
    Permission(IpAddr),
    ChannelBind { peer: SocketAddr, channel: u16 },
}

struct Transaction {
    kind: Kind,
    /// The request without its credentials, so a 401 or 438 answer can be
    /// followed by the same request signed anew.
    request: Message,
    bytes: Vec<u8>,
    retransmit: Retransmit,
    stale_retries: u8,
}

/// The long-term credential state learned from the server's challenge.
struct Auth {
    realm: String,
    nonce: String,
    key: Vec<u8>,
    algorithm: IntegrityAlgorithm,
    /// PASSWORD-ALGORITHMS as the server sent it, echoed with the chosen
    /// PASSWORD-ALGORITHM (RFC 8489 §9.2.4).
    password_algorithms: Option<(Vec<u8>, u16)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PermissionState {
    Pending,
    Installed,
    Refused,
}

struct Permission {
    state: PermissionState,
    refresh_at: Instant,
    /// Traffic since the last refresh: idle permissions are left to expire.
    used: bool,
}

struct Channel {
    number: u16,
    bound: bool,
    refresh_at: Instant,
    used: bool,
}

/// One allocation's client. See the module docs.
pub struct TurnClient {
    config: TurnConfig,
    random: Random,
    state: TurnState,
    auth: Option<Auth>,
    relayed: Option<SocketAddr>,
    refresh_at: Option<Instant>,
    transactions: HashMap<TransactionId, Transaction>,
    permissions: HashMap<IpAddr, Permission>,
    channels: HashMap<SocketAddr, Channel>,
    peer_of_channel: HashMap<u16, SocketAddr>,
    next_channel: u16,
    queued: VecDeque<(SocketAddr, Vec<u8>)>,
    transmits: VecDeque<Vec<u8>>,
    events: VecDeque<TurnEvent>,
}

impl TurnClient {
    /// A client that will allocate once [`Self::start`] is called. Its
    /// transaction ids come from a generator seeded from `random`.
    pub fn new(config: TurnConfig, random: &mut Random) -> Self {
        let mut seed = [0u8; 32];
        random.fill(&mut seed);
        TurnClient {
            config,
            random: Random::from_seed(seed),
            state: TurnState::Idle,
            auth: None,
            relayed: None,
            refresh_at: None,
            transactions: HashMap::new(),
            permissions: HashMap::new(),
            channels: HashMap::new(),
            peer_of_channel: HashMap::new(),
            next_channel: FIRST_CHANNEL,
            queued: VecDeque::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    pub fn state(&self) -> TurnState {
        self.state
    }

    /// The relayed transport address, once allocated.
    pub fn relayed_address(&self) -> Option<SocketAddr> {
        self.relayed.filter(|_| self.state == TurnState::Allocated)
    }

    /// Sends the first Allocate, without credentials: the server's 401
    /// gives the realm and nonce (RFC 8489 §9.2.3.1). Call when the flow
    /// to the server is open.
    pub fn start(&mut self, now: Instant) {
        if self.state != TurnState::Idle {
            return;
        }
        self.state = TurnState::Allocating;
        let request = self
            .request(Method::ALLOCATE)
            .with(Attribute::RequestedTransport(UDP))
            .with(Attribute::Lifetime(REQUESTED_LIFETIME));
        self.begin(now, Kind::Allocate, request);
    }

    /// The flow to the server closed: the allocation is gone with it
    /// (RFC 8656 §3.1 — the 5-tuple no longer exists).
    pub fn handle_transport_closed(&mut self) {
        if matches!(self.state, TurnState::Idle | TurnState::Allocating | TurnState::Allocated) {
            self.fail(NO_RESPONSE, "the connection to the TURN server closed");
        }
    }

    /// Installs (or keeps) a permission for `peer`'s IP, so that the peer's
    /// datagrams reach us (RFC 8656 §9).
    pub fn create_permission(&mut self, now: Instant, peer: IpAddr) {
        if self.state != TurnState::Allocated || self.permissions.contains_key(&peer) {
            return;
        }
        self.permissions.insert(peer, Permission { state: PermissionState::Pending, refresh_at: now, used: true });
        self.send_permission(now, peer);
    }

    /// Binds a channel to `peer` (RFC 8656 §12): once bound, datagrams to
    /// and from it travel as ChannelData, 4 bytes of overhead instead of 36.
    pub fn bind_channel(&mut self, now: Instant, peer: SocketAddr) {
        if self.state != TurnState::Allocated || self.channels.contains_key(&peer) {
            return;
        }
        if self.next_channel > LAST_CHANNEL {
            return; // every channel is taken; Send indications still work
        }
        let number = self.next_channel;
        self.next_channel += 1;
        self.channels.insert(peer, Channel { number, bound: false, refresh_at: now, used: true });
        self.peer_of_channel.insert(number, peer);
        self.send_channel_bind(now, peer, number);
    }

    /// Sends `data` to `peer` through the relay, installing a permission
    /// first if there is none (datagrams wait for it, up to a bound).
    pub fn send_to(&mut self, now: Instant, peer: SocketAddr, data: &[u8]) -> Result<(), TurnError> {
        if self.state != TurnState::Allocated {
            return Err(TurnError::NotAllocated);
        }
        self.create_permission(now, peer.ip());
        let Some(permission) = self.permissions.get_mut(&peer.ip()) else {
            return Err(TurnError::NotAllocated);
        };
        permission.used = true;
        match permission.state {
            PermissionState::Refused => Err(TurnError::PermissionRefused),
            PermissionState::Pending => {
                if self.queued.len() < MAX_QUEUED {
                    self.queued.push_back((peer, data.to_vec()));
                }
                Ok(())
            }
            PermissionState::Installed => {
                let bytes = self.encode_data(peer, data)?;
                self.transmits.push_back(bytes);
                Ok(())
            }
        }
    }

    /// One message from the server.
    pub fn handle_message(&mut self, now: Instant, bytes: &[u8]) {
        if matches!(self.state, TurnState::Idle | TurnState::Closed) {
            return;
        }
        if crate::stun::is_channel_data(bytes) {
            let Ok(cd) = ChannelData::decode(bytes) else {
                return;
            };
            let Some(peer) = self.peer_of_channel.get(&cd.channel).copied() else {
                return;
            };
            self.mark_used(peer);
            self.events.push_back(TurnEvent::Data { peer, data: cd.data.to_vec() });
            return;
        }
        let Ok(message) = Message::decode(bytes) else {
            return;
        };
        match message.class {
            Class::Indication if message.method == Method::DATA => {
                let peer = message.xor_peer_addresses().next();
                if let (Some(peer), Some(data)) = (peer, message.data()) {
                    self.mark_used(peer);
                    self.events.push_back(TurnEvent::Data { peer, data: data.to_vec() });
                }
            }
            Class::SuccessResponse | Class::ErrorResponse => self.handle_response(now, bytes, &message),
            _ => {}
        }
    }

    /// Runs retransmissions, timeouts and refreshes due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let due: Vec<TransactionId> =
            self.transactions.iter().filter(|(_, t)| t.retransmit.deadline() <= now).map(|(id, _)| *id).collect();
        for id in due {
            let Some(t) = self.transactions.get_mut(&id) else {
                continue;
            };
            if t.retransmit.on_timeout(now) {
                self.transmits.push_back(t.bytes.clone());
            } else if let Some(t) = self.transactions.remove(&id) {
                self.on_failure(t.kind, NO_RESPONSE, "the TURN server did not respond".into());
            }
        }
        if self.state != TurnState::Allocated {
            return;
        }
        if self.refresh_at.is_some_and(|at| at <= now) {
            self.refresh_at = None;
            let request = self.request(Method::REFRESH).with(Attribute::Lifetime(REQUESTED_LIFETIME));
            self.begin(now, Kind::Refresh { lifetime: REQUESTED_LIFETIME }, request);
        }
        let due: Vec<IpAddr> = self
            .permissions
            .iter()
            .filter(|(_, p)| p.state == PermissionState::Installed && p.refresh_at <= now)
            .map(|(ip, _)| *ip)
            .collect();
        for ip in due {
            let Some(p) = self.permissions.get_mut(&ip) else {
                continue;
            };
            if p.used {
                p.used = false;
                p.refresh_at = now + PERMISSION_REFRESH;
                self.send_permission(now, ip);
            } else {
                // Idle for a whole lifetime: let the server expire it.
                self.permissions.remove(&ip);
            }
        }
        let due: Vec<SocketAddr> =
            self.channels.iter().filter(|(_, c)| c.bound && c.refresh_at <= now).map(|(p, _)| *p).collect();
        for peer in due {
            let Some(c) = self.channels.get_mut(&peer) else {
                continue;
            };
            if c.used {
                c.used = false;
                c.refresh_at = now + CHANNEL_REFRESH;
                let number = c.number;
                self.send_channel_bind(now, peer, number);
            } else if let Some(c) = self.channels.remove(&peer) {
                // The server keeps the number reserved for 5 more minutes
                // (RFC 8656 §12): it is not reused; next_channel only grows.
                self.peer_of_channel.remove(&c.number);
            }
        }
    }

    /// Deallocates: a Refresh with LIFETIME 0 (RFC 8656 §7.3), sent once,
    /// not waited for.
    pub fn close(&mut self) {
        let was_allocated = self.state == TurnState::Allocated;
        self.state = TurnState::Closed;
        self.transactions.clear();
        self.queued.clear();
        if was_allocated {
            let request = self.request(Method::REFRESH).with(Attribute::Lifetime(0));
            if let Ok(bytes) = self.sign(&request) {
                self.transmits.push_back(bytes);
            }
        }
    }

    /// The next message for the server.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<TurnEvent> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if matches!(self.state, TurnState::Closed | TurnState::Failed) {
            return None;
        }
        let transactions = self.transactions.values().map(|t| t.retransmit.deadline());
        let permissions =
            self.permissions.values().filter(|p| p.state == PermissionState::Installed).map(|p| p.refresh_at);
        let channels = self.channels.values().filter(|c| c.bound).map(|c| c.refresh_at);
        transactions.chain(permissions).chain(channels).chain(self.refresh_at).min()
    }

    fn request(&mut self, method: Method) -> Message {
        let mut id = [0u8; 12];
        self.random.fill(&mut id);
        Message::new(method, Class::Request, id)
    }

    /// The request with the long-term credentials (RFC 8489 §9.2.3.2), or
    /// as it is before the challenge.
    fn sign(&self, request: &Message) -> Result<Vec<u8>, TurnError> {
        let Some(auth) = &self.auth else {
            return request.encode().map_err(|_| TurnError::TooLong);
        };
        let mut m = request.clone();
        m.attributes.push(Attribute::Username(self.config.username.clone()));
        m.attributes.push(Attribute::Realm(auth.realm.clone()));
        m.attributes.push(Attribute::Nonce(auth.nonce.clone()));
        if let Some((list, chosen)) = &auth.password_algorithms {
            let mut value = chosen.to_be_bytes().to_vec();
            value.extend_from_slice(&[0, 0]);
            m.attributes.push(Attribute::Unknown { typ: types::PASSWORD_ALGORITHM, value });
            m.attributes.push(Attribute::Unknown { typ: types::PASSWORD_ALGORITHMS, value: list.clone() });
        }
        m.encode_with(Some((auth.algorithm, &auth.key)), false).map_err(|_| TurnError::TooLong)
    }

    fn begin(&mut self, now: Instant, kind: Kind, request: Message) {
        let Ok(bytes) = self.sign(&request) else {
            return;
        };
        self.transmits.push_back(bytes.clone());
        let retransmit = Retransmit::new(now, self.config.reliable, INITIAL_RTO);
        self.transactions
            .insert(request.transaction_id, Transaction { kind, request, bytes, retransmit, stale_retries: 0 });
    }

    /// Sends the transaction's request again, under a new id and signed with
    /// the current nonce.
    fn resend(&mut self, now: Instant, mut t: Transaction) {
        let fresh = self.request(t.request.method);
        t.request.transaction_id = fresh.transaction_id;
        let Ok(bytes) = self.sign(&t.request) else {
            return;
        };
        self.transmits.push_back(bytes.clone());
        t.bytes = bytes;
        t.retransmit = Retransmit::new(now, self.config.reliable, INITIAL_RTO);
        self.transactions.insert(t.request.transaction_id, t);
    }

    fn send_permission(&mut self, now: Instant, peer: IpAddr) {
        let request = self.request(Method::CREATE_PERMISSION).with(Attribute::XorPeerAddress(SocketAddr::new(peer, 0)));
        self.begin(now, Kind::Permission(peer), request);
    }

    fn send_channel_bind(&mut self, now: Instant, peer: SocketAddr, channel: u16) {
        let request = self
            .request(Method::CHANNEL_BIND)
            .with(Attribute::ChannelNumber(channel))
            .with(Attribute::XorPeerAddress(peer));
        self.begin(now, Kind::ChannelBind { peer, channel }, request);
    }

    fn encode_data(&mut self, peer: SocketAddr, data: &[u8]) -> Result<Vec<u8>, TurnError> {
        if let Some(c) = self.channels.get_mut(&peer).filter(|c| c.bound) {
            c.used = true;
            // One message per WebSocket message: no stream padding (§12.5
            // pads only where the transport has no framing of its own).
            return ChannelData { channel: c.number, data }.encode(false).map_err(|_| TurnError::TooLong);
        }
        let mut id = [0u8; 12];
        self.random.fill(&mut id);
        Message::new(Method::SEND, Class::Indication, id)
            .with(Attribute::XorPeerAddress(peer))
            .with(Attribute::Data(data.to_vec()))
            .encode()
            .map_err(|_| TurnError::TooLong)
    }

    fn mark_used(&mut self, peer: SocketAddr) {
        if let Some(p) = self.permissions.get_mut(&peer.ip()) {
            p.used = true;
        }
        if let Some(c) = self.channels.get_mut(&peer) {
            c.used = true;
        }
    }

    fn fail(&mut self, code: u16, reason: &str) {
        self.state = TurnState::Failed;
        self.transactions.clear();
        self.queued.clear();
        self.refresh_at = None;
        self.events.push_back(TurnEvent::Failed { code, reason: reason.to_string() });
    }

    fn handle_response(&mut self, now: Instant, bytes: &[u8], message: &Message) {
        let Some(t) = self.transactions.get(&message.transaction_id) else {
            return;
        };
        if t.request.method != message.method {
            return;
        }
        // A response carrying integrity must verify under our key; one
        // without it is accepted (a 401 challenge never has it, and the
        // tunnel is a TLS or TCP stream nobody else can inject into).
        if let Some(auth) = &self.auth {
            let has_integrity = message.get(types::MESSAGE_INTEGRITY).is_some()
                || message.get(types::MESSAGE_INTEGRITY_SHA256).is_some();
            if has_integrity && integrity::verify(bytes, &auth.key).is_err() {
                return;
            }
        }
        let Some(t) = self.transactions.remove(&message.transaction_id) else {
            return;
        };
        if message.class == Class::SuccessResponse {
            self.on_success(now, t.kind, message);
            return;
        }
        let error = message.error_code().cloned().unwrap_or_else(|| ErrorCode::new(ErrorCode::BAD_REQUEST));
        match error.code {
            ErrorCode::UNAUTHORIZED if self.auth.is_none() => {
                if self.learn_challenge(message) {
                    self.resend(now, t);
                } else {
                    self.on_failure(t.kind, error.code, error.reason);
                }
            }
            ErrorCode::STALE_NONCE if t.stale_retries < MAX_STALE_NONCE_RETRIES => {
                let nonce = message.nonce().map(str::to_string);
                match (nonce, self.auth.as_mut()) {
                    (Some(nonce), Some(auth)) => {
                        if let Some(realm) = message.realm() {
                            auth.realm = realm.to_string();
                        }
                        auth.nonce = nonce;
                        let mut t = t;
                        t.stale_retries += 1;
                        self.resend(now, t);
                    }
                    _ => self.on_failure(t.kind, error.code, error.reason),
                }
            }
            _ => self.on_failure(t.kind, error.code, error.reason),
        }
    }

    /// Takes realm, nonce and password algorithm from a 401 (RFC 8489
    /// §9.2.5); false when the challenge lacks them.
    fn learn_challenge(&mut self, message: &Message) -> bool {
        let (Some(realm), Some(nonce)) = (message.realm(), message.nonce()) else {
            return false;
        };
        let offered = message.attributes.iter().find_map(|a| match a {
            Attribute::Unknown { typ: types::PASSWORD_ALGORITHMS, value } => Some(value.clone()),
            _ => None,
        });
        let password = match &offered {
            Some(list) if algorithms(list).contains(&PASSWORD_SHA256) && !algorithms(list).contains(&PASSWORD_MD5) => {
                PASSWORD_SHA256
            }
            _ => PASSWORD_MD5,
        };
        let key = if password == PASSWORD_SHA256 {
            let mut h = Sha256::new();
            h.update(format!("{}:{}:{}", self.config.username, realm, self.config.credential).as_bytes());
            h.finalize().to_vec()
        } else {
            long_term_key(&self.config.username, realm, &self.config.credential).to_vec()
        };
        let algorithm =
            if nonce.starts_with(NONCE_COOKIE) { IntegrityAlgorithm::Sha256 } else { IntegrityAlgorithm::Sha1 };
        // PASSWORD-ALGORITHMS is only meaningful with the nonce cookie
        // (RFC 8489 §9.2.4); echo it then.
        let password_algorithms = offered.filter(|_| nonce.starts_with(NONCE_COOKIE)).map(|l| (l, password));
        self.auth =
            Some(Auth { realm: realm.to_string(), nonce: nonce.to_string(), key, algorithm, password_algorithms });
        true
    }

    fn on_success(&mut self, now: Instant, kind: Kind, message: &Message) {
        match kind {
            Kind::Allocate => {
                let Some(relayed) = message.xor_relayed_address() else {
                    self.fail(ErrorCode::SERVER_ERROR, "Allocate success without XOR-RELAYED-ADDRESS");
                    return;
                };
                self.state = TurnState::Allocated;
                self.relayed = Some(relayed);
                self.schedule_refresh(now, message.lifetime().unwrap_or(REQUESTED_LIFETIME));
                self.events.push_back(TurnEvent::Allocated { relayed, mapped: message.xor_mapped_address() });
            }
            Kind::Refresh { lifetime } => {
                if lifetime > 0 {
                    self.schedule_refresh(now, message.lifetime().unwrap_or(lifetime));
                }
            }
            Kind::Permission(ip) => {
                if let Some(p) = self.permissions.get_mut(&ip) {
                    if p.state == PermissionState::Pending {
                        p.refresh_at = now + PERMISSION_REFRESH;
                        p.used = false;
                    }
                    p.state = PermissionState::Installed;
                }
                self.flush_queue(ip);
            }
            Kind::ChannelBind { peer, channel } => {
                if let Some(c) = self.channels.get_mut(&peer).filter(|c| c.number == channel) {
                    if !c.bound {
                        c.refresh_at = now + CHANNEL_REFRESH;
                    }
                    c.bound = true;
                }
            }
        }
    }

    fn on_failure(&mut self, kind: Kind, code: u16, reason: String) {
        match kind {
            Kind::Allocate => {
                if self.state == TurnState::Allocating {
                    self.fail(code, &reason);
                }
            }
            Kind::Refresh { lifetime: 0 } => {}
            Kind::Refresh { .. } => {
                if self.state == TurnState::Allocated {
                    self.fail(code, &reason);
                }
            }
            Kind::Permission(ip) => {
                // A failed refresh of an installed permission, like a refused
                // first one, leaves the peer unreachable.
                if let Some(p) = self.permissions.get_mut(&ip) {
                    p.state = PermissionState::Refused;
                }
                self.queued.retain(|(peer, _)| peer.ip() != ip);
                self.events.push_back(TurnEvent::PermissionFailed { peer: ip, code, reason });
            }
            Kind::ChannelBind { peer, channel } => {
                // Without the channel, Send indications still carry the data.
                if self.channels.get(&peer).is_some_and(|c| c.number == channel) {
                    self.channels.remove(&peer);
                    self.peer_of_channel.remove(&channel);
                }
            }
        }
    }

    fn schedule_refresh(&mut self, now: Instant, lifetime: u32) {
        let lifetime = Duration::from_secs(u64::from(lifetime));
        let wait = if lifetime > REFRESH_MARGIN * 2 { lifetime - REFRESH_MARGIN } else { lifetime / 2 };
        self.refresh_at = Some(now + wait);
    }

    fn flush_queue(&mut self, ip: IpAddr) {
        let (ready, rest): (VecDeque<_>, VecDeque<_>) = self.queued.drain(..).partition(|(peer, _)| peer.ip() == ip);
        self.queued = rest;
        for (peer, data) in ready {
            if let Ok(bytes) = self.encode_data(peer, &data) {
                self.transmits.push_back(bytes);
            }
        }
    }
}

/// The algorithm numbers in a PASSWORD-ALGORITHMS value (RFC 8489 §14.11):
/// each is a 2-byte number, a 2-byte parameter length and padded parameters.
fn algorithms(value: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    let mut rest = value;
    while rest.len() >= 4 {
        out.push(u16::from_be_bytes([rest[0], rest[1]]));
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]])).div_ceil(4) * 4;
        rest = rest.get(4 + len..).unwrap_or(&[]);
    }
    out
}

#[cfg(test)]
mod tests;
