//! A running ICE agent (src/ice) driven by a sequence of host calls decoded
//! from the input: tunnels opening and closing, raw tunnel messages, TURN
//! answers and peer checks and answers built from fuzz bytes and signed
//! with the right credentials (so the fuzzer gets past MESSAGE-INTEGRITY
//! into allocations, permissions, checks, nomination and role conflicts),
//! remote candidates, credentials, restarts, end-of-candidates, send(),
//! close, and time moving to fuzz-chosen instants. Nothing may panic, and
//! after `handle_timeout(now)` the next timeout is later than `now`.
#![no_main]

use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use wasmrtc::ice::{IceAgent, IceConfig, RelayConfig, TunnelId};
use wasmrtc::random::Random;
use wasmrtc::sdp::Candidate;
use wasmrtc::stun::ice_attributes::{self, IceRole};
use wasmrtc::stun::{
    is_channel_data, long_term_key, Attribute, ChannelData, Class, ErrorCode, IntegrityAlgorithm, Message, Method,
};
use wasmrtc::time::Instant;

const REALM: &str = "wasmrtc";
/// The relays: tunnel, username, credential, reliable. Tunnel 3 is unknown.
const RELAYS: [(u32, &str, &str, bool); 2] = [(1, "alice", "secret", true), (2, "bob", "pw", false)];
const PEERS: [&str; 5] = ["192.0.2.1:5000", "192.0.2.1:5001", "192.0.2.2:5000", "[2001:db8::1]:5000", "203.0.113.9:9"];
const RELAYED: [&str; 3] = ["198.51.100.7:40000", "198.51.100.8:40001", "[2001:db8::7]:40000"];
const REMOTE_UFRAGS: [&str; 3] = ["theirs", "theirs2", "x"];
/// How many unanswered requests the harness remembers.
const KEEP: usize = 32;

/// The input as a stream of numbers; zeros once it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        b
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn u64(&mut self) -> u64 {
        (u64::from(self.u32()) << 32) | u64::from(self.u32())
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        b.to_vec()
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.u8()) % from.len()]
    }
}

fn remote_pwd(ufrag: &str) -> String {
    format!("password-of-{ufrag}-0123456789")
}

/// The agent, and what a relay and a peer would know of it.
struct Harness {
    agent: IceAgent,
    now: u64,
    ufrag: String,
    pwd: String,
    remote_pwd: String,
    restarts: u32,
    /// TURN requests sent, not yet answered, and whether the answer is
    /// signed with SHA-256 (the relay's nonce carried the RFC 8489 cookie).
    turn_requests: Vec<(TunnelId, Message)>,
    sha256: [bool; 2],
    /// Binding requests the agent sent: tunnel, peer, request.
    checks: Vec<(TunnelId, SocketAddr, Message)>,
    channels: Vec<(TunnelId, u16, SocketAddr)>,
}

impl Harness {
    fn at(&self) -> Instant {
        Instant::from_micros(self.now)
    }

    /// Sorts the agent's output into what the relay and peers may answer.
    fn drain(&mut self) {
        while let Some((tunnel, bytes)) = self.agent.poll_transmit() {
            if is_channel_data(&bytes) {
                let Ok(cd) = ChannelData::decode(&bytes) else { continue };
                let peer = self.channels.iter().find(|(t, n, _)| *t == tunnel && *n == cd.channel).map(|c| c.2);
                if let (Some(peer), Ok(m)) = (peer, Message::decode(cd.data)) {
                    self.record_check(tunnel, peer, m);
                }
                continue;
            }
            let Ok(m) = Message::decode(&bytes) else { continue };
            match (m.class, m.method) {
                (Class::Indication, Method::SEND) => {
                    let inner = m.data().and_then(|d| Message::decode(d).ok());
                    if let (Some(peer), Some(inner)) = (m.xor_peer_addresses().next(), inner) {
                        self.record_check(tunnel, peer, inner);
                    }
                }
                (Class::Request, method) => {
                    if method == Method::CHANNEL_BIND {
                        if let (Some(n), Some(peer)) = (m.channel_number(), m.xor_peer_addresses().next()) {
                            self.channels.push((tunnel, n, peer));
                        }
                    }
                    keep(&mut self.turn_requests, (tunnel, m));
                }
                _ => {}
            }
        }
        while self.agent.poll_event().is_some() {}
        // The getters, as the peer and getStats call them.
        let _ = (self.agent.connection_state(), self.agent.gathering_state(), self.agent.controlling());
        let _ = (self.agent.local_candidates(), self.agent.remote_candidates(), self.agent.selected_pair());
        let _ = self.agent.pair_reports();
    }

    fn record_check(&mut self, tunnel: TunnelId, peer: SocketAddr, m: Message) {
        if m.method == Method::BINDING && m.class == Class::Request {
            keep(&mut self.checks, (tunnel, peer, m));
        }
    }

    /// `bytes` from `peer` through the relay on `tunnel`: ChannelData when
    /// a channel is bound and `channel` says so, else a Data indication.
    fn from_peer(&mut self, tunnel: TunnelId, peer: SocketAddr, bytes: &[u8], channel: bool) {
        let bound = self.channels.iter().find(|(t, _, p)| *t == tunnel && *p == peer).map(|c| c.1);
        let message = match bound.filter(|_| channel) {
            Some(channel) => ChannelData { channel, data: bytes }.encode(false).ok(),
            None => Message::new(Method::DATA, Class::Indication, [7; 12])
                .with(Attribute::XorPeerAddress(peer))
                .with(Attribute::Data(bytes.to_vec()))
                .encode()
                .ok(),
        };
        if let Some(message) = message {
            self.agent.handle_tunnel_message(self.at(), tunnel, &message);
        }
    }

    fn answer_turn(&mut self, input: &mut Input) {
        if self.turn_requests.is_empty() {
            return;
        }
        let i = usize::from(input.u8()) % self.turn_requests.len();
        let (tunnel, request) = self.turn_requests.remove(i);
        let relay = usize::from(tunnel.0 == 2);
        let (_, username, credential, _) = RELAYS[relay];
        let choice = input.u8();
        let mut answer = match choice % 4 {
            0 => {
                let cookie = choice & 0x10 != 0;
                self.sha256[relay] = cookie;
                let nonce = if cookie { "obMatJos2AAAAnonce" } else { "nonce" };
                request
                    .response(Class::ErrorResponse)
                    .with(Attribute::ErrorCode(ErrorCode::new(401)))
                    .with(Attribute::Realm(REALM.into()))
                    .with(Attribute::Nonce(nonce.into()))
            }
            1 | 2 => {
                let mut ok = request.response(Class::SuccessResponse);
                if request.method == Method::ALLOCATE {
                    let relayed = input.pick(&RELAYED).parse().unwrap_or_else(|_| unreachable!());
                    ok = ok.with(Attribute::XorRelayedAddress(relayed));
                    if choice & 0x10 != 0 {
                        ok = ok.with(Attribute::XorMappedAddress(SocketAddr::from(([192, 0, 2, 200], 3478))));
                    }
                }
                if choice & 0x20 != 0 {
                    ok = ok.with(Attribute::Lifetime(u32::from(input.u16())));
                }
                ok
            }
            _ => {
                let code = input.pick(&[400, 403, 437, 438, 441, 486, 500, 508, 699]);
                let mut error = request.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(code)));
                if code == 438 {
                    error = error.with(Attribute::Nonce(format!("nonce{}", input.u8())));
                }
                error
            }
        };
        if choice & 0x40 != 0 {
            answer = answer.with(Attribute::Unknown { typ: 0x8000 | input.u16(), value: input.bytes(8) });
        }
        let key = long_term_key(username, REALM, credential);
        let algorithm = if self.sha256[relay] { IntegrityAlgorithm::Sha256 } else { IntegrityAlgorithm::Sha1 };
        // A challenge is never signed; other answers mostly with the right key.
        let signed = if choice % 4 == 0 {
            None
        } else if choice & 0x80 == 0 {
            Some((algorithm, &key[..]))
        } else {
            Some((algorithm, &b"wrong"[..]))
        };
        if let Ok(bytes) = answer.encode_with(signed, false) {
            self.agent.handle_tunnel_message(self.at(), tunnel, &bytes);
        }
    }

    /// A peer's Binding request, signed with the agent's password.
    fn peer_check(&mut self, input: &mut Input) {
        let tunnel = TunnelId(input.pick(&[1, 2]));
        let peer: SocketAddr = input.pick(&PEERS).parse().unwrap_or_else(|_| unreachable!());
        let flags = input.u8();
        let mut id = [0u8; 12];
        id[..8].copy_from_slice(&input.u64().to_be_bytes());
        let username = if flags & 1 == 0 { format!("{}:theirs", self.ufrag) } else { "nobody:theirs".into() };
        let mut m = Message::new(Method::BINDING, Class::Request, id).with(Attribute::Username(username));
        if flags & 2 == 0 {
            m = m.with(ice_attributes::priority(input.u32()));
        }
        let tie_breaker = input.u64();
        match (flags >> 2) & 3 {
            0 => m = m.with(ice_attributes::ice_role(IceRole::Controlling(tie_breaker))),
            1 => m = m.with(ice_attributes::ice_role(IceRole::Controlled(tie_breaker))),
            2 => {}
            _ => {
                m = m.with(ice_attributes::ice_role(IceRole::Controlled(tie_breaker)));
                m = m.with(ice_attributes::ice_role(IceRole::Controlling(tie_breaker)));
            }
        }
        if flags & 0x10 != 0 {
            m = m.with(ice_attributes::use_candidate());
        }
        let pwd = self.pwd.clone();
        let integrity = if flags & 0x20 == 0 { Some((IntegrityAlgorithm::Sha1, pwd.as_bytes())) } else { None };
        if let Ok(bytes) = m.encode_with(integrity, flags & 0x40 == 0) {
            self.from_peer(tunnel, peer, &bytes, flags & 0x80 != 0);
        }
    }

    /// A peer's answer to one of the agent's checks, signed with the
    /// remote password.
    fn answer_check(&mut self, input: &mut Input) {
        if self.checks.is_empty() {
            return;
        }
        let i = usize::from(input.u8()) % self.checks.len();
        let flags = input.u8();
        let (tunnel, mut peer, request) = if flags & 1 == 0 { self.checks.remove(i) } else { self.checks[i].clone() };
        if flags & 2 != 0 {
            peer = input.pick(&PEERS).parse().unwrap_or_else(|_| unreachable!());
        }
        let answer = match (flags >> 2) & 3 {
            0 | 1 => request.response(Class::SuccessResponse).with(Attribute::XorMappedAddress(peer)),
            2 => request.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(487))),
            _ => {
                let code = input.pick(&[400, 401, 420, 500, 599]);
                request.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(code)))
            }
        };
        let pwd = if flags & 0x10 == 0 { self.remote_pwd.clone() } else { "wrong".into() };
        if let Ok(bytes) = answer.encode_with(Some((IntegrityAlgorithm::Sha1, pwd.as_bytes())), flags & 0x20 == 0) {
            self.from_peer(tunnel, peer, &bytes, flags & 0x80 != 0);
        }
    }

    fn remote_candidate(&mut self, input: &mut Input) {
        let flags = input.u8();
        let candidate = if flags & 1 == 0 {
            let peer: SocketAddr = input.pick(&PEERS).parse().unwrap_or_else(|_| unreachable!());
            let typ = input.pick(&["host", "srflx", "relay", "prflx"]);
            let transport = if flags & 2 == 0 { "udp" } else { "tcp" };
            let component = if flags & 4 == 0 { 1 } else { 2 };
            let mut text = format!(
                "candidate:{} {component} {transport} {} {} {} typ {typ}",
                input.u8() % 4,
                input.u32(),
                peer.ip(),
                peer.port()
            );
            if flags & 8 != 0 {
                text += &format!(" ufrag {}", input.pick(&REMOTE_UFRAGS));
            }
            Candidate::parse(&text).ok()
        } else {
            let len = usize::from(input.u8() % 96);
            Candidate::parse(&String::from_utf8_lossy(&input.bytes(len))).ok()
        };
        if let Some(c) = candidate {
            let _ = self.agent.add_remote_candidate(self.at(), &c);
        }
    }

    fn advance(&mut self, input: &mut Input) {
        let how = input.u8();
        let next = self.agent.poll_timeout().map(Instant::as_micros);
        self.now = match (how % 4, next) {
            (0, Some(t)) => t.max(self.now),
            (1, Some(t)) => t.max(self.now) + u64::from(input.u16()),
            (2, _) => self.now + u64::from(input.u16()) * 1000,
            _ => self.now + u64::from(input.u8()) * 1_000_000,
        };
        self.agent.handle_timeout(self.at());
        if let Some(t) = self.agent.poll_timeout() {
            assert!(t > self.at(), "poll_timeout {t:?} is not after handle_timeout({:?})", self.at());
        }
    }
}

fn keep<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= KEEP {
        list.remove(0);
    }
    list.push(item);
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut random = Random::from_seed([input.u8(); 32]);
    let relays = RELAYS
        .iter()
        .map(|&(tunnel, username, credential, reliable)| RelayConfig {
            tunnel: TunnelId(tunnel),
            url: format!("ws://relay{tunnel}/turn"),
            username: username.into(),
            credential: credential.into(),
            reliable,
        })
        .collect();
    let (ufrag, pwd) = ("abcd".to_string(), "p".repeat(22));
    let controlling = input.u8() & 1 == 0;
    let config = IceConfig { relays, controlling, ufrag: ufrag.clone(), pwd: pwd.clone() };
    let mut h = Harness {
        agent: IceAgent::new(config, &mut random, Instant::ZERO),
        now: 0,
        ufrag,
        pwd,
        remote_pwd: String::new(),
        restarts: 0,
        turn_requests: Vec::new(),
        sha256: [false; 2],
        checks: Vec::new(),
        channels: Vec::new(),
    };
    while !input.0.is_empty() {
        let tunnel = TunnelId(u32::from(input.u8() % 3) + 1);
        match input.u8() % 16 {
            0 => h.agent.handle_tunnel_open(h.at(), tunnel),
            1 => h.agent.handle_tunnel_closed(h.at(), tunnel),
            2 => {
                let len = usize::from(input.u8());
                let bytes = input.bytes(len);
                h.agent.handle_tunnel_message(h.at(), tunnel, &bytes);
            }
            3 | 4 => h.answer_turn(&mut input),
            5 | 6 => h.peer_check(&mut input),
            7 | 8 => h.answer_check(&mut input),
            9 => h.remote_candidate(&mut input),
            10 => {
                let ufrag = input.pick(&REMOTE_UFRAGS);
                h.remote_pwd = remote_pwd(ufrag);
                h.agent.set_remote_credentials(ufrag.into(), h.remote_pwd.clone());
            }
            11 => {
                h.restarts += 1;
                h.ufrag = format!("r{}", h.restarts);
                h.pwd = format!("{:0>22}", h.restarts);
                h.agent.restart(h.at(), h.ufrag.clone(), h.pwd.clone());
            }
            12 => h.agent.end_of_remote_candidates(),
            13 => h.advance(&mut input),
            14 => {
                let len = usize::from(input.u8());
                let bytes = input.bytes(len);
                if input.u8() < 4 {
                    h.agent.close(h.at());
                } else if input.u8() & 1 == 0 {
                    let _ = h.agent.send(h.at(), &bytes);
                } else {
                    // A datagram from a peer that is not a check (DTLS, or
                    // STUN that is not for the agent).
                    let peer: SocketAddr = input.pick(&PEERS).parse().unwrap_or_else(|_| unreachable!());
                    let channel = input.u8() & 1 == 0;
                    h.from_peer(tunnel, peer, &bytes, channel);
                }
            }
            _ => h.advance(&mut input),
        }
        h.drain();
    }
});
