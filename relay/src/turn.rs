//! The TURN server's state machine (RFC 8656), sans-IO: datagrams and time
//! in, [`Output`]s out. The tokio shell (`net.rs`) owns the sockets; this
//! module owns allocations, permissions, channels, authentication, quotas and
//! rate limits, so every rule is tested here without a network.
//!
//! Time is a Unix timestamp in milliseconds passed to every call (REST API
//! usernames and nonce expiries are wall-clock times).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use wasmrtc::stun::attribute::types;
use wasmrtc::stun::integrity::{self, IntegrityAlgorithm};
use wasmrtc::stun::{Attribute, ChannelData, Class, ErrorCode, Message, Method};

use crate::auth::{Credentials, KeyError, NonceCheck, Nonces};
use crate::filter::PeerFilter;

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

/// Permission lifetime (RFC 8656 §9).
pub const PERMISSION_LIFETIME_MS: Millis = 300_000;
/// Channel binding lifetime (RFC 8656 §12).
pub const CHANNEL_LIFETIME_MS: Millis = 600_000;
/// Default and maximum allocation lifetimes in seconds (RFC 8656 §7.2).
pub const DEFAULT_LIFETIME_S: u32 = 600;
pub const MAX_LIFETIME_S: u32 = 3600;
/// At most this many permissions and channels per allocation.
const MAX_PERMISSIONS: usize = 1000;
const MAX_CHANNELS: usize = 1000;
/// Auth failures from one IP within `FAIL_WINDOW_MS` before it is ignored.
const FAIL_LIMIT: u32 = 5;
const FAIL_WINDOW_MS: Millis = 10_000;
const FAIL_TABLE_MAX: usize = 10_000;

/// The client transports. WebTransport will be a fourth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    WebSocket,
}

impl Transport {
    pub const ALL: [Transport; 3] = [Transport::Udp, Transport::Tcp, Transport::WebSocket];
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::WebSocket => "websocket",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
    /// Whether ChannelData must be padded to 4 bytes (RFC 8656 §12.5).
    fn pads_channel_data(self) -> bool {
        matches!(self, Transport::Tcp)
    }
}

/// One client flow: the transport, the connection it arrived on (0 for the
/// UDP listener) and the client's address — the 5-tuple of RFC 8656 §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey {
    pub transport: Transport,
    pub conn: u64,
    pub addr: SocketAddr,
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    ToClient { to: ClientKey, bytes: Vec<u8> },
    ToPeer { relay: SocketAddr, peer: SocketAddr, bytes: Vec<u8> },
    /// Close the relayed transport address's socket.
    Release { relay: SocketAddr },
}

/// The shell's side of allocation: bind a UDP socket for a new allocation.
pub trait RelayPorts {
    /// Binds a free port in the relay range ([`PortRequest::Any`]), an even
    /// one, or exactly the given one; `None` when there is none.
    fn bind(&mut self, want: PortRequest) -> Option<SocketAddr>;
}

/// Which relayed port an allocation needs (RFC 8656 §7.2, EVEN-PORT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortRequest {
    Any,
    Even,
    Exact(u16),
}

/// How long a port reserved by EVEN-PORT's R bit is kept (RFC 8656 §7.2
/// suggests about 30 s).
pub const RESERVATION_MS: Millis = 30_000;

/// Settings the core needs.
#[derive(Clone)]
pub struct Config {
    pub realm: String,
    pub credentials: Credentials,
    pub nonces: Nonces,
    pub peers: PeerFilter,
    /// Allocations per username, 0 = unlimited (`--user-quota`).
    pub user_quota: usize,
    /// Allocations in all, 0 = unlimited (`--total-quota`).
    pub total_quota: usize,
    /// Bytes per second per allocation, each direction, 0 = unlimited
    /// (`--max-bps`, in bytes like coturn's).
    pub max_bps: u64,
    pub max_lifetime_s: u32,
    pub software: Option<String>,
    /// On UDP, never answer an unauthenticated request with more bytes than
    /// it had (no amplification from spoofed sources). Off by default: a
    /// bare Allocate (28 bytes from Chromium) cannot be challenged in fewer
    /// bytes than a 401 with REALM and NONCE takes; challenges are kept
    /// minimal instead (no reason phrase, 16-character nonce, no
    /// FINGERPRINT unless it fits).
    pub amplification_guard: bool,
}

/// Counters the shell exports at /metrics.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub allocations_total: u64,
    pub packets_to_peer: [u64; 3],
    pub bytes_to_peer: [u64; 3],
    pub packets_to_client: [u64; 3],
    pub bytes_to_client: [u64; 3],
    pub auth_failures: u64,
    pub malformed: u64,
    pub rate_limited: u64,
    pub amplification_drops: u64,
    /// Relayed packets dropped because a stream client's queue was full.
    pub queue_drops: u64,
}

struct TokenBucket {
    tokens: f64,
    last: Millis,
}

impl TokenBucket {
    fn take(&mut self, bytes: usize, rate: u64, now: Millis) -> bool {
        if rate == 0 {
            return true;
        }
        let cap = rate as f64; // one second of burst
        self.tokens = (self.tokens + (now.saturating_sub(self.last)) as f64 * rate as f64 / 1000.0).min(cap);
        self.last = now;
        if self.tokens >= bytes as f64 {
            self.tokens -= bytes as f64;
            true
        } else {
            false
        }
    }
}

struct Allocation {
    relay: SocketAddr,
    username: String,
    expires: Millis,
    allocate_tid: [u8; 12],
    permissions: HashMap<IpAddr, Millis>,
    channels: HashMap<u16, (SocketAddr, Millis)>,
    channel_of_peer: HashMap<SocketAddr, u16>,
    up: TokenBucket,
    down: TokenBucket,
}

impl Allocation {
    fn permitted(&self, ip: IpAddr, now: Millis) -> bool {
        self.permissions.get(&ip).is_some_and(|&e| e > now)
    }
}

/// The server.
pub struct TurnServer {
    cfg: Config,
    allocations: HashMap<ClientKey, Allocation>,
    by_relay: HashMap<SocketAddr, ClientKey>,
    per_user: HashMap<String, usize>,
    failures: HashMap<IpAddr, (u32, Millis)>,
    /// RESERVATION-TOKEN → (bound port, expiry).
    reservations: HashMap<[u8; 8], (SocketAddr, Millis)>,
    reservation_counter: u64,
    /// Ports bound and then not used, to hand back to the shell.
    pending_release: Vec<SocketAddr>,
    pub stats: Stats,
}

/// The outcome of authenticating a request (RFC 8489 §9.2.4).
enum Auth {
    Ok { username: String, key: Vec<u8>, alg: IntegrityAlgorithm },
    /// Send this error response (already encoded); nothing else to do.
    Reject(Vec<u8>),
    /// Say nothing.
    Drop,
}

impl TurnServer {
    pub fn new(cfg: Config) -> Self {
        TurnServer {
            cfg,
            allocations: HashMap::new(),
            by_relay: HashMap::new(),
            per_user: HashMap::new(),
            failures: HashMap::new(),
            reservations: HashMap::new(),
            reservation_counter: 0,
            pending_release: Vec::new(),
            stats: Stats::default(),
        }
    }

    pub fn allocation_count(&self) -> usize {
        self.allocations.len()
    }

    /// The earliest time anything expires, for the shell's timer.
    pub fn next_timeout(&self) -> Option<Millis> {
        let mut t: Option<Millis> = None;
        for a in self.allocations.values() {
            let m = a
                .permissions
                .values()
                .chain(a.channels.values().map(|(_, e)| e))
                .fold(a.expires, |m, &e| m.min(e));
            t = Some(t.map_or(m, |t| t.min(m)));
        }
        t
    }

    /// Bytes from a client flow: a STUN message or ChannelData.
    pub fn handle_client(
        &mut self,
        from: ClientKey,
        bytes: &[u8],
        now: Millis,
        ports: &mut dyn RelayPorts,
        out: &mut Vec<Output>,
    ) {
        if wasmrtc::stun::is_channel_data(bytes) {
            self.client_channel_data(from, bytes, now, out);
            return;
        }
        let msg = match Message::decode(bytes) {
            Ok(m) => m,
            Err(e) => {
                self.stats.malformed += 1;
                tracing::debug!(client = %from.addr, transport = from.transport.as_str(), error = %e, "dropped malformed message");
                return;
            }
        };
        match (msg.class, msg.method) {
            (Class::Request, Method::BINDING) => self.binding(from, &msg, bytes, out),
            (Class::Request, _) => self.request(from, &msg, bytes, now, ports, out),
            (Class::Indication, Method::SEND) => self.send_indication(from, &msg, now, out),
            _ => {} // responses and other indications: ignored (RFC 8489 §6.3)
        }
    }

    /// A datagram from a peer arrived on the relayed address `relay`
    /// (RFC 8656 §11.3, §12.6).
    pub fn handle_peer(&mut self, relay: SocketAddr, peer: SocketAddr, data: &[u8], now: Millis, out: &mut Vec<Output>) {
        let Some(key) = self.by_relay.get(&relay).copied() else { return };
        let Some(a) = self.allocations.get_mut(&key) else { return };
        if !a.permitted(peer.ip(), now) {
            return;
        }
        if !a.down.take(data.len(), self.cfg.max_bps, now) {
            self.stats.rate_limited += 1;
            return;
        }
        let channel = a.channel_of_peer.get(&peer).copied().filter(|c| a.channels.get(c).is_some_and(|(_, e)| *e > now));
        let bytes = match channel {
            Some(channel) => ChannelData { channel, data }.encode(key.transport.pads_channel_data()),
            None => {
                let mut tid = [0u8; 12];
                // Indications need unique ids only for the client's benefit;
                // derive one from time and size (no randomness in the path).
                tid[..8].copy_from_slice(&now.to_be_bytes());
                tid[8..].copy_from_slice(&(data.len() as u32).to_be_bytes());
                Message::new(Method::DATA, Class::Indication, tid)
                    .with(Attribute::XorPeerAddress(peer))
                    .with(Attribute::Data(data.to_vec()))
                    .encode()
            }
        };
        let Ok(bytes) = bytes else { return };
        let t = key.transport.index();
        self.stats.packets_to_client[t] += 1;
        self.stats.bytes_to_client[t] += data.len() as u64;
        out.push(Output::ToClient { to: key, bytes });
    }

    /// Expires allocations, permissions and channels.
    pub fn handle_timeout(&mut self, now: Millis, out: &mut Vec<Output>) {
        let expired: Vec<ClientKey> = self.allocations.iter().filter(|(_, a)| a.expires <= now).map(|(k, _)| *k).collect();
        for k in expired {
            self.remove(k, out);
        }
        for a in self.allocations.values_mut() {
            a.permissions.retain(|_, e| *e > now);
            let gone: Vec<u16> = a.channels.iter().filter(|(_, (_, e))| *e <= now).map(|(c, _)| *c).collect();
            for c in gone {
                if let Some((peer, _)) = a.channels.remove(&c) {
                    a.channel_of_peer.remove(&peer);
                }
            }
        }
        self.failures.retain(|_, (_, since)| now.saturating_sub(*since) < FAIL_WINDOW_MS);
        let stale: Vec<[u8; 8]> = self.reservations.iter().filter(|(_, (_, e))| *e <= now).map(|(t, _)| *t).collect();
        for t in stale {
            if let Some((relay, _)) = self.reservations.remove(&t) {
                out.push(Output::Release { relay });
            }
        }
    }

    /// A stream connection (TCP, WebSocket) closed: its allocations go
    /// (RFC 8656 §3.1 — the 5-tuple is gone).
    pub fn handle_disconnect(&mut self, transport: Transport, conn: u64, out: &mut Vec<Output>) {
        let gone: Vec<ClientKey> =
            self.allocations.keys().filter(|k| k.transport == transport && k.conn == conn).copied().collect();
        for k in gone {
            self.remove(k, out);
        }
    }

    /// Drops every allocation (shutdown).
    pub fn release_all(&mut self, out: &mut Vec<Output>) {
        let all: Vec<ClientKey> = self.allocations.keys().copied().collect();
        for k in all {
            self.remove(k, out);
        }
        for (_, (relay, _)) in self.reservations.drain() {
            out.push(Output::Release { relay });
        }
    }

    fn remove(&mut self, k: ClientKey, out: &mut Vec<Output>) {
        if let Some(a) = self.allocations.remove(&k) {
            self.by_relay.remove(&a.relay);
            if let Some(n) = self.per_user.get_mut(&a.username) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.per_user.remove(&a.username);
                }
            }
            tracing::info!(client = %k.addr, transport = k.transport.as_str(), relay = %a.relay, user = %a.username, "allocation released");
            out.push(Output::Release { relay: a.relay });
        }
    }

    fn client_channel_data(&mut self, from: ClientKey, bytes: &[u8], now: Millis, out: &mut Vec<Output>) {
        let Ok(cd) = ChannelData::decode(bytes) else {
            self.stats.malformed += 1;
            tracing::debug!(client = %from.addr, transport = from.transport.as_str(), "dropped malformed ChannelData");
            return;
        };
        let Some(a) = self.allocations.get_mut(&from) else { return };
        let Some(&(peer, exp)) = a.channels.get(&cd.channel) else { return };
        if exp <= now || !a.permitted(peer.ip(), now) {
            return;
        }
        if !a.up.take(cd.data.len(), self.cfg.max_bps, now) {
            self.stats.rate_limited += 1;
            return;
        }
        let t = from.transport.index();
        self.stats.packets_to_peer[t] += 1;
        self.stats.bytes_to_peer[t] += cd.data.len() as u64;
        out.push(Output::ToPeer { relay: a.relay, peer, bytes: cd.data.to_vec() });
    }

    fn send_indication(&mut self, from: ClientKey, msg: &Message, now: Millis, out: &mut Vec<Output>) {
        let Some(a) = self.allocations.get_mut(&from) else { return };
        let (Some(peer), Some(data)) = (msg.xor_peer_addresses().next(), msg.data()) else { return };
        if !a.permitted(peer.ip(), now) {
            return;
        }
        if !a.up.take(data.len(), self.cfg.max_bps, now) {
            self.stats.rate_limited += 1;
            return;
        }
        let t = from.transport.index();
        self.stats.packets_to_peer[t] += 1;
        self.stats.bytes_to_peer[t] += data.len() as u64;
        out.push(Output::ToPeer { relay: a.relay, peer, bytes: data.to_vec() });
    }

    /// Binding (RFC 8489 §6.3.1): the client's address, unauthenticated.
    fn binding(&mut self, from: ClientKey, msg: &Message, raw: &[u8], out: &mut Vec<Output>) {
        let resp = msg.response(Class::SuccessResponse).with(Attribute::XorMappedAddress(from.addr));
        let fingerprint = msg.get(types::FINGERPRINT).is_some();
        if let Ok(bytes) = resp.encode_with(None, fingerprint) {
            self.unauthenticated_reply(from, raw.len(), bytes, out);
        }
    }

    fn unauthenticated_reply(&mut self, to: ClientKey, request_len: usize, bytes: Vec<u8>, out: &mut Vec<Output>) {
        if self.cfg.amplification_guard && to.transport == Transport::Udp && bytes.len() > request_len {
            self.stats.amplification_drops += 1;
            tracing::debug!(client = %to.addr, request_len, reply_len = bytes.len(), "unauthenticated reply larger than request: not sent");
            return;
        }
        out.push(Output::ToClient { to, bytes });
    }

    fn error(&self, msg: &Message, code: u16, extra: Vec<Attribute>, key: Option<(IntegrityAlgorithm, &[u8])>) -> Vec<u8> {
        let mut r = msg.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(code)));
        r.attributes.extend(extra);
        if key.is_some() {
            if let Some(s) = &self.cfg.software {
                r.attributes.push(Attribute::Software(s.clone()));
            }
        }
        r.encode_with(key, msg.get(types::FINGERPRINT).is_some()).unwrap_or_default()
    }

    /// A 401 or 438 challenge: REALM and a fresh NONCE, reason phrase left
    /// out to keep it small (RFC 8489 §9.2.4).
    fn challenge(&self, msg: &Message, raw_len: usize, code: u16, ip: IpAddr, now: Millis) -> Vec<u8> {
        let r = msg
            .response(Class::ErrorResponse)
            .with(Attribute::ErrorCode(ErrorCode { code, reason: String::new() }))
            .with(Attribute::Realm(self.cfg.realm.clone()))
            .with(Attribute::Nonce(self.cfg.nonces.issue(ip, now / 1000)));
        let plain = r.encode_with(None, false).unwrap_or_default();
        if msg.get(types::FINGERPRINT).is_some() && plain.len() + 8 <= raw_len {
            return r.encode_with(None, true).unwrap_or_default();
        }
        plain
    }

    fn note_failure(&mut self, ip: IpAddr, now: Millis) {
        self.stats.auth_failures += 1;
        if self.failures.len() >= FAIL_TABLE_MAX {
            self.failures.clear();
        }
        let e = self.failures.entry(ip).or_insert((0, now));
        if now.saturating_sub(e.1) >= FAIL_WINDOW_MS {
            *e = (0, now);
        }
        e.0 += 1;
    }

    fn throttled(&self, ip: IpAddr, now: Millis) -> bool {
        self.failures.get(&ip).is_some_and(|(n, since)| *n >= FAIL_LIMIT && now.saturating_sub(*since) < FAIL_WINDOW_MS)
    }

    fn authenticate(&mut self, from: ClientKey, msg: &Message, raw: &[u8], now: Millis) -> Auth {
        let ip = from.addr.ip();
        if self.throttled(ip, now) {
            return Auth::Drop;
        }
        let has_mi = msg.get(types::MESSAGE_INTEGRITY).is_some() || msg.get(types::MESSAGE_INTEGRITY_SHA256).is_some();
        if !has_mi {
            return Auth::Reject(self.challenge(msg, raw.len(), ErrorCode::UNAUTHORIZED, ip, now));
        }
        let (Some(username), Some(realm), Some(nonce)) = (msg.username(), msg.realm(), msg.nonce()) else {
            return Auth::Reject(self.error(msg, ErrorCode::BAD_REQUEST, vec![], None));
        };
        if self.cfg.nonces.check(nonce, ip, now / 1000) == NonceCheck::Stale || realm != self.cfg.realm {
            return Auth::Reject(self.challenge(msg, raw.len(), ErrorCode::STALE_NONCE, ip, now));
        }
        let keys = match self.cfg.credentials.keys(username, realm, now / 1000) {
            Ok(k) => k,
            Err(e) => {
                self.note_failure(ip, now);
                tracing::info!(client = %from.addr, user = username, reason = ?e, "authentication failed");
                if e == KeyError::Expired {
                    tracing::debug!("REST credential expired");
                }
                return Auth::Reject(self.challenge(msg, raw.len(), ErrorCode::UNAUTHORIZED, ip, now));
            }
        };
        for key in keys {
            if let Ok(alg) = integrity::verify(raw, &key) {
                return Auth::Ok { username: username.to_string(), key: key.to_vec(), alg };
            }
        }
        self.note_failure(ip, now);
        tracing::info!(client = %from.addr, user = username, "authentication failed: wrong password");
        Auth::Reject(self.challenge(msg, raw.len(), ErrorCode::UNAUTHORIZED, ip, now))
    }

    fn request(
        &mut self,
        from: ClientKey,
        msg: &Message,
        raw: &[u8],
        now: Millis,
        ports: &mut dyn RelayPorts,
        out: &mut Vec<Output>,
    ) {
        if !matches!(msg.method, Method::ALLOCATE | Method::REFRESH | Method::CREATE_PERMISSION | Method::CHANNEL_BIND) {
            let b = self.error(msg, ErrorCode::BAD_REQUEST, vec![], None);
            self.unauthenticated_reply(from, raw.len(), b, out);
            return;
        }
        let (username, key, alg) = match self.authenticate(from, msg, raw, now) {
            Auth::Ok { username, key, alg } => (username, key, alg),
            Auth::Reject(b) => {
                self.unauthenticated_reply(from, raw.len(), b, out);
                return;
            }
            Auth::Drop => return,
        };
        let keyed = Some((alg, key.as_slice()));
        // Unknown comprehension-required attributes: 420 (RFC 8489 §6.3.1).
        let mut unknown: Vec<u16> = msg
            .attributes
            .iter()
            .filter_map(|a| match a {
                Attribute::Unknown { typ, .. } if Attribute::is_comprehension_required(*typ) => Some(*typ),
                _ => None,
            })
            .collect();
        // What this relay does not do, it refuses as RFC 8656 §7.2 says:
        // DONT-FRAGMENT, EVEN-PORT, RESERVATION-TOKEN are treated as unknown.
        if msg.method == Method::ALLOCATE {
            for t in [types::DONT_FRAGMENT] {
                if msg.get(t).is_some() {
                    unknown.push(t);
                }
            }
        }
        if !unknown.is_empty() {
            tracing::debug!(client = %from.addr, ?unknown, "420 Unknown Attribute");
            let b = self.error(msg, ErrorCode::UNKNOWN_ATTRIBUTE, vec![Attribute::UnknownAttributes(unknown)], keyed);
            out.push(Output::ToClient { to: from, bytes: b });
            return;
        }
        // An existing allocation belongs to the user who made it (§5, 441).
        if let Some(a) = self.allocations.get(&from) {
            if a.username != username {
                let b = self.error(msg, ErrorCode::WRONG_CREDENTIALS, vec![], None);
                out.push(Output::ToClient { to: from, bytes: b });
                return;
            }
        }
        let reply = match msg.method {
            Method::ALLOCATE => {
                let r = self.allocate(from, msg, &username, now, ports);
                out.extend(self.pending_release.drain(..).map(|relay| Output::Release { relay }));
                r
            }
            Method::REFRESH => self.refresh(from, msg, now, out),
            Method::CREATE_PERMISSION => self.create_permission(from, msg, now),
            _ => self.channel_bind(from, msg, now),
        };
        let reply = match reply {
            Ok(mut r) => {
                if let Some(s) = &self.cfg.software {
                    r.attributes.push(Attribute::Software(s.clone()));
                }
                r.encode_with(keyed, msg.get(types::FINGERPRINT).is_some()).unwrap_or_default()
            }
            Err((code, extra)) => self.error(msg, code, extra, keyed),
        };
        out.push(Output::ToClient { to: from, bytes: reply });
    }

    fn allocate(
        &mut self,
        from: ClientKey,
        msg: &Message,
        username: &str,
        now: Millis,
        ports: &mut dyn RelayPorts,
    ) -> Result<Message, (u16, Vec<Attribute>)> {
        if let Some(a) = self.allocations.get(&from) {
            // A retransmitted Allocate gets the same success (§7.2 step 1).
            if a.allocate_tid == msg.transaction_id {
                let left = (a.expires.saturating_sub(now) / 1000) as u32;
                return Ok(msg
                    .response(Class::SuccessResponse)
                    .with(Attribute::XorRelayedAddress(a.relay))
                    .with(Attribute::Lifetime(left))
                    .with(Attribute::XorMappedAddress(from.addr)));
            }
            return Err((ErrorCode::ALLOCATION_MISMATCH, vec![]));
        }
        match msg.attributes.iter().find_map(|a| if let Attribute::RequestedTransport(p) = a { Some(*p) } else { None }) {
            None => return Err((ErrorCode::BAD_REQUEST, vec![])),
            Some(17) => {}
            Some(_) => return Err((ErrorCode::UNSUPPORTED_TRANSPORT_PROTOCOL, vec![])),
        }
        if let Some(Attribute::RequestedAddressFamily(f)) = msg.get(types::REQUESTED_ADDRESS_FAMILY) {
            if *f != 0x01 {
                return Err((ErrorCode::ADDRESS_FAMILY_NOT_SUPPORTED, vec![]));
            }
        }
        if self.cfg.user_quota > 0 && self.per_user.get(username).copied().unwrap_or(0) >= self.cfg.user_quota {
            tracing::info!(client = %from.addr, user = username, "allocation refused: user quota");
            return Err((ErrorCode::ALLOCATION_QUOTA_REACHED, vec![]));
        }
        if self.cfg.total_quota > 0 && self.allocations.len() >= self.cfg.total_quota {
            tracing::info!(client = %from.addr, user = username, "allocation refused: total quota");
            return Err((ErrorCode::ALLOCATION_QUOTA_REACHED, vec![]));
        }
        let even = msg.attributes.iter().find_map(|a| if let Attribute::EvenPort(r) = a { Some(*r) } else { None });
        let token = msg.attributes.iter().find_map(|a| if let Attribute::ReservationToken(t) = a { Some(*t) } else { None });
        let mut reserved_token = None;
        let relay = match (even, token) {
            // §7.2: both EVEN-PORT and RESERVATION-TOKEN is a 400.
            (Some(_), Some(_)) => return Err((ErrorCode::BAD_REQUEST, vec![])),
            (None, Some(t)) => match self.reservations.remove(&t) {
                Some((relay, exp)) if exp > now => relay,
                _ => return Err((ErrorCode::INSUFFICIENT_CAPACITY, vec![])),
            },
            (Some(reserve_next), None) => {
                let mut got = None;
                for _ in 0..16 {
                    let Some(a) = ports.bind(PortRequest::Even) else { break };
                    if !reserve_next {
                        got = Some(a);
                        break;
                    }
                    if let Some(next) = a.port().checked_add(1).and_then(|p| ports.bind(PortRequest::Exact(p))) {
                        self.reservation_counter += 1;
                        let t = self.cfg.nonces.token(self.reservation_counter);
                        self.reservations.insert(t, (next, now + RESERVATION_MS));
                        reserved_token = Some(t);
                        got = Some(a);
                        break;
                    }
                    // The odd neighbour is taken: give the even port back, try another.
                    self.pending_release.push(a);
                }
                match got {
                    Some(a) => a,
                    None => return Err((ErrorCode::INSUFFICIENT_CAPACITY, vec![])),
                }
            }
            (None, None) => match ports.bind(PortRequest::Any) {
                Some(a) => a,
                None => {
                    tracing::warn!("no relay port free");
                    return Err((ErrorCode::INSUFFICIENT_CAPACITY, vec![]));
                }
            },
        };
        let lifetime = self.lifetime(msg.lifetime());
        let bucket = || TokenBucket { tokens: self.cfg.max_bps as f64, last: now };
        let a = Allocation {
            relay,
            username: username.to_string(),
            expires: now + u64::from(lifetime) * 1000,
            allocate_tid: msg.transaction_id,
            permissions: HashMap::new(),
            channels: HashMap::new(),
            channel_of_peer: HashMap::new(),
            up: bucket(),
            down: bucket(),
        };
        self.allocations.insert(from, a);
        self.by_relay.insert(relay, from);
        *self.per_user.entry(username.to_string()).or_insert(0) += 1;
        self.stats.allocations_total += 1;
        tracing::info!(client = %from.addr, transport = from.transport.as_str(), relay = %relay, user = username, lifetime, "allocation created");
        let mut r = msg
            .response(Class::SuccessResponse)
            .with(Attribute::XorRelayedAddress(relay))
            .with(Attribute::Lifetime(lifetime))
            .with(Attribute::XorMappedAddress(from.addr));
        if let Some(t) = reserved_token {
            r.attributes.push(Attribute::ReservationToken(t));
        }
        Ok(r)
    }

    /// RFC 8656 §7.2: the requested lifetime, at least the default, at most
    /// the maximum.
    fn lifetime(&self, requested: Option<u32>) -> u32 {
        let max = self.cfg.max_lifetime_s.max(1);
        requested.unwrap_or(DEFAULT_LIFETIME_S).max(DEFAULT_LIFETIME_S.min(max)).min(max)
    }

    fn refresh(&mut self, from: ClientKey, msg: &Message, now: Millis, out: &mut Vec<Output>) -> Result<Message, (u16, Vec<Attribute>)> {
        if !self.allocations.contains_key(&from) {
            return Err((ErrorCode::ALLOCATION_MISMATCH, vec![]));
        }
        let requested = msg.lifetime();
        if requested == Some(0) {
            self.remove(from, out);
            return Ok(msg.response(Class::SuccessResponse).with(Attribute::Lifetime(0)));
        }
        let lifetime = self.lifetime(requested);
        if let Some(a) = self.allocations.get_mut(&from) {
            a.expires = now + u64::from(lifetime) * 1000;
        }
        Ok(msg.response(Class::SuccessResponse).with(Attribute::Lifetime(lifetime)))
    }

    fn check_peer(&self, relay: SocketAddr, peer: SocketAddr) -> Result<(), (u16, Vec<Attribute>)> {
        if peer.is_ipv4() != relay.is_ipv4() {
            return Err((ErrorCode::PEER_ADDRESS_FAMILY_MISMATCH, vec![]));
        }
        if !self.cfg.peers.allows(peer.ip()) {
            tracing::info!(peer = %peer, "peer address refused");
            return Err((ErrorCode::FORBIDDEN, vec![]));
        }
        Ok(())
    }

    fn create_permission(&mut self, from: ClientKey, msg: &Message, now: Millis) -> Result<Message, (u16, Vec<Attribute>)> {
        let Some(a) = self.allocations.get(&from) else { return Err((ErrorCode::ALLOCATION_MISMATCH, vec![])) };
        let peers: Vec<SocketAddr> = msg.xor_peer_addresses().collect();
        if peers.is_empty() {
            return Err((ErrorCode::BAD_REQUEST, vec![]));
        }
        for p in &peers {
            self.check_peer(a.relay, *p)?;
        }
        let a = self.allocations.get_mut(&from).ok_or((ErrorCode::ALLOCATION_MISMATCH, vec![]))?;
        let new = peers.iter().filter(|p| !a.permissions.contains_key(&p.ip())).count();
        if a.permissions.len() + new > MAX_PERMISSIONS {
            return Err((ErrorCode::INSUFFICIENT_CAPACITY, vec![]));
        }
        for p in peers {
            a.permissions.insert(p.ip(), now + PERMISSION_LIFETIME_MS);
        }
        Ok(msg.response(Class::SuccessResponse))
    }

    fn channel_bind(&mut self, from: ClientKey, msg: &Message, now: Millis) -> Result<Message, (u16, Vec<Attribute>)> {
        let Some(a) = self.allocations.get(&from) else { return Err((ErrorCode::ALLOCATION_MISMATCH, vec![])) };
        let (Some(channel), Some(peer)) = (msg.channel_number(), msg.xor_peer_addresses().next()) else {
            tracing::debug!(client = %from.addr, attrs = ?msg.attributes.iter().map(|a| a.typ()).collect::<Vec<_>>(), "ChannelBind without CHANNEL-NUMBER or XOR-PEER-ADDRESS");
            return Err((ErrorCode::BAD_REQUEST, vec![]));
        };
        tracing::debug!(client = %from.addr, channel, peer = %peer, "ChannelBind");
        // RFC 8656 §12 says 0x4000–0x4FFF; RFC 5766 clients use up to 0x7FFF.
        if !(0x4000..=0x7FFF).contains(&channel) {
            return Err((ErrorCode::BAD_REQUEST, vec![]));
        }
        self.check_peer(a.relay, peer)?;
        let a = self.allocations.get_mut(&from).ok_or((ErrorCode::ALLOCATION_MISMATCH, vec![]))?;
        // §12.2: a channel is bound to one peer, a peer to one channel.
        if let Some((p, _)) = a.channels.get(&channel) {
            if *p != peer {
                return Err((ErrorCode::BAD_REQUEST, vec![]));
            }
        } else if a.channel_of_peer.contains_key(&peer) {
            return Err((ErrorCode::BAD_REQUEST, vec![]));
        } else if a.channels.len() >= MAX_CHANNELS {
            return Err((ErrorCode::INSUFFICIENT_CAPACITY, vec![]));
        }
        a.channels.insert(channel, (peer, now + CHANNEL_LIFETIME_MS));
        a.channel_of_peer.insert(peer, channel);
        a.permissions.insert(peer.ip(), now + PERMISSION_LIFETIME_MS);
        Ok(msg.response(Class::SuccessResponse))
    }
}

#[cfg(test)]
mod tests;
