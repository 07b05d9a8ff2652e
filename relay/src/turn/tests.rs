//! The server's rules in virtual time, without sockets.

use super::*;
use crate::auth::rest_password;
use wasmrtc::stun::long_term_key;

const T0: Millis = 1_800_000_000_000;

struct Ports(u16);
impl RelayPorts for Ports {
    fn bind(&mut self, want: PortRequest) -> Option<SocketAddr> {
        if self.0 == 0 {
            return None;
        }
        self.0 += 1;
        match want {
            PortRequest::Exact(p) => Some(SocketAddr::from(([127, 0, 0, 1], p))),
            PortRequest::Even => {
                self.0 += self.0 % 2;
                Some(SocketAddr::from(([127, 0, 0, 1], 50000 + self.0)))
            }
            PortRequest::Any => Some(SocketAddr::from(([127, 0, 0, 1], 50000 + self.0))),
        }
    }
}

fn config() -> Config {
    let mut users = HashMap::new();
    users.insert("alice".to_string(), "secret".to_string());
    users.insert("bob".to_string(), "pw".to_string());
    Config {
        realm: "wasmrtc".into(),
        credentials: Credentials { users, auth_secrets: vec!["rest".into()] },
        nonces: Nonces::new([1; 32], 600),
        peers: PeerFilter { allow_loopback: true, allowed: vec![], denied: vec!["127.0.0.99".parse().unwrap()] },
        user_quota: 2,
        total_quota: 3,
        max_bps: 0,
        max_lifetime_s: MAX_LIFETIME_S,
        software: Some("wasmrtc-relay".into()),
        amplification_guard: false,
    }
}

fn client(port: u16) -> ClientKey {
    ClientKey { transport: Transport::Udp, conn: 0, addr: SocketAddr::from(([127, 0, 0, 1], port)) }
}

struct Harness {
    s: TurnServer,
    ports: Ports,
    now: Millis,
    tid: u8,
}

impl Harness {
    fn new(cfg: Config) -> Self {
        Harness { s: TurnServer::new(cfg), ports: Ports(1), now: T0, tid: 0 }
    }
    fn send(&mut self, from: ClientKey, bytes: &[u8]) -> Vec<Output> {
        let mut out = vec![];
        self.s.handle_client(from, bytes, self.now, &mut self.ports, &mut out);
        out
    }
    fn msg(&mut self, method: Method, attrs: Vec<Attribute>) -> Message {
        self.tid += 1;
        let mut m = Message::new(method, Class::Request, [self.tid; 12]);
        m.attributes = attrs;
        m
    }
    /// Sends `m` signed as `user`/`pw` with `nonce`; returns the decoded reply.
    fn signed(&mut self, from: ClientKey, m: &Message, user: &str, pw: &str, nonce: &str) -> Option<Message> {
        let mut m = m.clone();
        m.attributes.push(Attribute::Username(user.into()));
        m.attributes.push(Attribute::Realm("wasmrtc".into()));
        m.attributes.push(Attribute::Nonce(nonce.into()));
        let key = long_term_key(user, "wasmrtc", pw);
        let b = m.encode_with(Some((IntegrityAlgorithm::Sha1, &key)), true).unwrap();
        self.reply(from, &b)
    }
    fn reply(&mut self, from: ClientKey, b: &[u8]) -> Option<Message> {
        self.send(from, b).into_iter().find_map(|o| match o {
            Output::ToClient { bytes, .. } => Some(Message::decode(&bytes).unwrap()),
            _ => None,
        })
    }
    fn nonce(&mut self, from: ClientKey) -> String {
        let m = self.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
        let r = self.reply(from, &m.encode().unwrap()).unwrap();
        assert_eq!(r.error_code().unwrap().code, 401);
        assert_eq!(r.realm(), Some("wasmrtc"));
        r.nonce().unwrap().to_string()
    }
    fn allocate(&mut self, from: ClientKey, user: &str, pw: &str) -> Message {
        let n = self.nonce(from);
        let m = self.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
        self.signed(from, &m, user, pw, &n).unwrap()
    }
    fn code(r: &Message) -> u16 {
        r.error_code().map_or(0, |e| e.code)
    }
}

#[test]
fn allocate_permission_channel_and_data_both_ways() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let r = h.allocate(c, "alice", "secret");
    assert_eq!(r.class, Class::SuccessResponse);
    let relay = r.xor_relayed_address().unwrap();
    assert_eq!(r.xor_mapped_address(), Some(c.addr));
    assert_eq!(r.lifetime(), Some(600));
    let n = h.nonce(c);
    let peer: SocketAddr = "127.0.0.1:7000".parse().unwrap();

    // Without a permission nothing flows.
    let send = Message::new(Method::SEND, Class::Indication, [9; 12])
        .with(Attribute::XorPeerAddress(peer))
        .with(Attribute::Data(b"hi".to_vec()))
        .encode()
        .unwrap();
    assert!(h.send(c, &send).is_empty());
    let mut out = vec![];
    h.s.handle_peer(relay, peer, b"x", h.now, &mut out);
    assert!(out.is_empty());

    let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress(peer)]);
    let r = h.signed(c, &m, "alice", "secret", &n).unwrap();
    assert_eq!(r.class, Class::SuccessResponse);
    assert_eq!(h.send(c, &send), vec![Output::ToPeer { relay, peer, bytes: b"hi".to_vec() }]);

    h.s.handle_peer(relay, peer, b"back", h.now, &mut out);
    let Output::ToClient { bytes, .. } = &out[0] else { panic!() };
    let d = Message::decode(bytes).unwrap();
    assert_eq!((d.method, d.class), (Method::DATA, Class::Indication));
    assert_eq!(d.data(), Some(&b"back"[..]));
    assert_eq!(d.xor_peer_addresses().next(), Some(peer));

    let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4001), Attribute::XorPeerAddress(peer)]);
    assert_eq!(h.signed(c, &m, "alice", "secret", &n).unwrap().class, Class::SuccessResponse);
    let cd = ChannelData { channel: 0x4001, data: b"cd" }.encode(false).unwrap();
    assert_eq!(h.send(c, &cd), vec![Output::ToPeer { relay, peer, bytes: b"cd".to_vec() }]);
    out.clear();
    h.s.handle_peer(relay, peer, b"pong", h.now, &mut out);
    let Output::ToClient { bytes, .. } = &out[0] else { panic!() };
    assert_eq!(ChannelData::decode(bytes).unwrap(), ChannelData { channel: 0x4001, data: b"pong" });

    // Rebinding the channel to another peer, or the peer to another channel: 400.
    let other: SocketAddr = "127.0.0.1:7001".parse().unwrap();
    let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4001), Attribute::XorPeerAddress(other)]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 400);
    let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4002), Attribute::XorPeerAddress(peer)]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 400);
    for bad in [0x3FFF, 0x8000, 0xFFFF] {
        let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(bad), Attribute::XorPeerAddress(other)]);
        assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 400);
    }
    assert_eq!(h.s.stats.packets_to_peer[0], 2);
    assert_eq!(h.s.stats.packets_to_client[0], 2);
}

#[test]
fn lifetimes_expire_in_virtual_time() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let relay = h.allocate(c, "alice", "secret").xor_relayed_address().unwrap();
    let peer: SocketAddr = "127.0.0.1:7000".parse().unwrap();
    let n = h.nonce(c);
    let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress(peer)]);
    h.signed(c, &m, "alice", "secret", &n).unwrap();
    let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4000), Attribute::XorPeerAddress("127.0.0.1:7002".parse().unwrap())]);
    h.signed(c, &m, "alice", "secret", &n).unwrap();
    let mut out = vec![];
    // Permission: 300 s.
    h.now += PERMISSION_LIFETIME_MS - 1;
    h.s.handle_timeout(h.now, &mut out);
    h.s.handle_peer(relay, peer, b"x", h.now, &mut out);
    assert_eq!(out.len(), 1);
    out.clear();
    h.now += 1;
    h.s.handle_timeout(h.now, &mut out);
    h.s.handle_peer(relay, peer, b"x", h.now, &mut out);
    assert!(out.is_empty());
    // The channel's peer permission also lapsed at 300 s; the channel itself lives 600 s.
    let cd = ChannelData { channel: 0x4000, data: b"x" }.encode(false).unwrap();
    assert!(h.send(c, &cd).is_empty());
    // Refresh keeps the allocation; the 600 s default lifetime ends it otherwise.
    let n = h.nonce(c);
    let m = h.msg(Method::REFRESH, vec![Attribute::Lifetime(5000)]);
    let r = h.signed(c, &m, "alice", "secret", &n).unwrap();
    assert_eq!(r.lifetime(), Some(MAX_LIFETIME_S));
    h.now += u64::from(MAX_LIFETIME_S) * 1000;
    h.s.handle_timeout(h.now, &mut out);
    assert_eq!(out, vec![Output::Release { relay }]);
    assert_eq!(h.s.allocation_count(), 0);
}

#[test]
fn refresh_zero_deletes_and_mismatch_is_437() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let relay = h.allocate(c, "alice", "secret").xor_relayed_address().unwrap();
    let n = h.nonce(c);
    let m = h.msg(Method::REFRESH, vec![Attribute::Lifetime(0)]);
    let mut m2 = m.clone();
    m2.attributes.push(Attribute::Username("alice".into()));
    m2.attributes.push(Attribute::Realm("wasmrtc".into()));
    m2.attributes.push(Attribute::Nonce(n.clone()));
    let key = long_term_key("alice", "wasmrtc", "secret");
    let out = h.send(c, &m2.encode_with(Some((IntegrityAlgorithm::Sha256, &key)), false).unwrap());
    assert!(out.contains(&Output::Release { relay }));
    let Some(Output::ToClient { bytes, .. }) = out.iter().find(|o| matches!(o, Output::ToClient { .. })) else { panic!() };
    // The answer is signed the way the request was.
    assert_eq!(integrity::verify(bytes, &key), Ok(IntegrityAlgorithm::Sha256));
    let m = h.msg(Method::REFRESH, vec![]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 437);
    let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress("127.0.0.1:1".parse().unwrap())]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 437);
}

#[test]
fn auth_errors() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let n = h.nonce(c);
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    // Wrong password, unknown user: 401.
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "wrong", &n).unwrap()), 401);
    assert_eq!(Harness::code(&h.signed(c, &m, "mallory", "x", &n).unwrap()), 401);
    // A forged or expired nonce: 438 with a fresh one.
    let r = h.signed(c, &m, "alice", "secret", "0000000000000000000a").unwrap();
    assert_eq!(Harness::code(&r), 438);
    assert!(r.nonce().is_some());
    h.now += 601_000;
    let r = h.signed(c, &m, "alice", "secret", &n).unwrap();
    assert_eq!(Harness::code(&r), 438);
    let fresh = r.nonce().unwrap().to_string();
    assert_eq!(h.signed(c, &m, "alice", "secret", &fresh).unwrap().class, Class::SuccessResponse);
    // A nonce issued to another address is stale too.
    let c2 = client(1001);
    let other_ip = ClientKey { addr: "127.0.0.2:1000".parse().unwrap(), ..c2 };
    assert_eq!(Harness::code(&h.signed(other_ip, &m, "alice", "secret", &fresh).unwrap()), 438);
    // MESSAGE-INTEGRITY without USERNAME: 400.
    let b = m.encode_with(Some((IntegrityAlgorithm::Sha1, b"k")), false).unwrap();
    assert_eq!(Harness::code(&h.reply(c2, &b).unwrap()), 400);
    // Another user on the same 5-tuple: 441.
    let m = h.msg(Method::REFRESH, vec![]);
    assert_eq!(Harness::code(&h.signed(c, &m, "bob", "pw", &fresh).unwrap()), 441);
}

#[test]
fn repeated_failures_are_throttled() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let n = h.nonce(c);
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    for _ in 0..FAIL_LIMIT {
        assert_eq!(Harness::code(&h.signed(c, &m, "alice", "wrong", &n).unwrap()), 401);
    }
    assert!(h.signed(c, &m, "alice", "secret", &n).is_none());
    h.now += FAIL_WINDOW_MS;
    assert_eq!(h.signed(c, &m, "alice", "secret", &n).unwrap().class, Class::SuccessResponse);
    assert_eq!(h.s.stats.auth_failures, u64::from(FAIL_LIMIT));
}

#[test]
fn rest_api_credentials() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let user = format!("{}:carol", T0 / 1000 + 60);
    let pw = rest_password("rest", &user);
    assert_eq!(h.allocate(c, &user, &pw).class, Class::SuccessResponse);
    let expired = format!("{}:carol", T0 / 1000 - 1);
    let pw = rest_password("rest", &expired);
    assert_eq!(Harness::code(&h.allocate(client(1001), &expired, &pw)), 401);
}

#[test]
fn allocate_errors_and_quotas() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let n = h.nonce(c);
    for (attrs, code) in [
        (vec![], 400),
        (vec![Attribute::RequestedTransport(6)], 442),
        (vec![Attribute::RequestedTransport(17), Attribute::DontFragment], 420),
        (vec![Attribute::RequestedTransport(17), Attribute::Unknown { typ: 0x7F00, value: vec![] }], 420),
        (vec![Attribute::RequestedTransport(17), Attribute::RequestedAddressFamily(2)], 440),
        (vec![Attribute::RequestedTransport(17), Attribute::EvenPort(true), Attribute::ReservationToken([0; 8])], 400),
        (vec![Attribute::RequestedTransport(17), Attribute::ReservationToken([0; 8])], 508),
    ] {
        let m = h.msg(Method::ALLOCATE, attrs);
        let r = h.signed(c, &m, "alice", "secret", &n).unwrap();
        assert_eq!(Harness::code(&r), code);
        if code == 420 {
            assert!(r.get(types::UNKNOWN_ATTRIBUTES).is_some());
        }
    }
    // Allocate, retransmit (same success), then a new Allocate on the same 5-tuple: 437.
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    let r1 = h.signed(c, &m, "alice", "secret", &n).unwrap();
    let r2 = h.signed(c, &m, "alice", "secret", &n).unwrap();
    assert_eq!(r1.xor_relayed_address(), r2.xor_relayed_address());
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 437);
    // User quota 2, total quota 3.
    assert_eq!(h.allocate(client(1001), "alice", "secret").class, Class::SuccessResponse);
    assert_eq!(Harness::code(&h.allocate(client(1002), "alice", "secret")), 486);
    assert_eq!(h.allocate(client(1003), "bob", "pw").class, Class::SuccessResponse);
    assert_eq!(Harness::code(&h.allocate(client(1004), "bob", "pw")), 486);
    // No port: 508.
    let mut h = Harness::new(config());
    h.ports = Ports(0);
    assert_eq!(Harness::code(&h.allocate(c, "alice", "secret")), 508);
}

#[test]
fn denied_peers_are_403() {
    let mut cfg = config();
    cfg.peers.allow_loopback = false;
    let mut h = Harness::new(cfg);
    let c = client(1000);
    h.allocate(c, "alice", "secret");
    let n = h.nonce(c);
    for p in ["127.0.0.1:1", "10.0.0.1:1", "192.168.0.1:1", "224.0.0.1:1", "0.0.0.0:1"] {
        let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress(p.parse().unwrap())]);
        assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 403, "{p}");
        let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4000), Attribute::XorPeerAddress(p.parse().unwrap())]);
        assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 403, "{p}");
    }
    let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress("[::1]:1".parse().unwrap())]);
    assert_eq!(Harness::code(&h.signed(c, &m, "alice", "secret", &n).unwrap()), 443);
    let m = h.msg(Method::CREATE_PERMISSION, vec![Attribute::XorPeerAddress("8.8.8.8:53".parse().unwrap())]);
    assert_eq!(h.signed(c, &m, "alice", "secret", &n).unwrap().class, Class::SuccessResponse);
}

#[test]
fn max_bps_drops_over_the_rate() {
    let mut cfg = config();
    cfg.max_bps = 1000;
    let mut h = Harness::new(cfg);
    let c = client(1000);
    let relay = h.allocate(c, "alice", "secret").xor_relayed_address().unwrap();
    let n = h.nonce(c);
    let peer: SocketAddr = "127.0.0.1:7000".parse().unwrap();
    let m = h.msg(Method::CHANNEL_BIND, vec![Attribute::ChannelNumber(0x4000), Attribute::XorPeerAddress(peer)]);
    h.signed(c, &m, "alice", "secret", &n).unwrap();
    let cd = ChannelData { channel: 0x4000, data: &[0; 400] }.encode(false).unwrap();
    let sent: usize = (0..5).map(|_| h.send(c, &cd).len()).sum();
    assert_eq!(sent, 2);
    h.now += 1000;
    assert_eq!(h.send(c, &cd).len(), 1);
    let mut out = vec![];
    for _ in 0..5 {
        h.s.handle_peer(relay, peer, &[0; 400], h.now, &mut out);
    }
    assert_eq!(out.len(), 2);
    assert!(h.s.stats.rate_limited >= 5);
}

#[test]
fn amplification_guard_and_garbage() {
    let mut cfg = config();
    cfg.amplification_guard = true;
    let mut h = Harness::new(cfg);
    let c = client(1000);
    // A bare 28-byte Allocate would draw a larger 401: not answered over UDP.
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    assert!(h.send(c, &m.encode().unwrap()).is_empty());
    assert_eq!(h.s.stats.amplification_drops, 1);
    // Padded with SOFTWARE it is answered.
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17), Attribute::Software("x".repeat(40))]);
    assert_eq!(h.send(c, &m.encode().unwrap()).len(), 1);
    // Over TCP the guard does not apply.
    let tcp = ClientKey { transport: Transport::Tcp, conn: 1, addr: c.addr };
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
    assert_eq!(h.send(tcp, &m.encode().unwrap()).len(), 1);
    // Garbage, truncated STUN and ChannelData without an allocation: nothing, no panic.
    for b in [&b""[..], b"\x00\x01\x00", b"\x40\x00\x00\x10abc", b"\xff\xff\xff\xff", &[0u8; 20]] {
        assert!(h.send(c, b).is_empty());
    }
    assert!(h.s.stats.malformed >= 3);
}

#[test]
fn disconnect_releases_stream_allocations() {
    let mut h = Harness::new(config());
    let tcp = ClientKey { transport: Transport::Tcp, conn: 7, addr: "127.0.0.1:1000".parse().unwrap() };
    let relay = h.allocate(tcp, "alice", "secret").xor_relayed_address().unwrap();
    let mut out = vec![];
    h.s.handle_disconnect(Transport::Tcp, 8, &mut out);
    assert!(out.is_empty());
    h.s.handle_disconnect(Transport::Tcp, 7, &mut out);
    assert_eq!(out, vec![Output::Release { relay }]);
}

#[test]
fn even_port_reserves_the_next_one() {
    let mut h = Harness::new(config());
    let c = client(1000);
    let n = h.nonce(c);
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17), Attribute::EvenPort(true)]);
    let r = h.signed(c, &m, "alice", "secret", &n).unwrap();
    let relay = r.xor_relayed_address().unwrap();
    assert_eq!(relay.port() % 2, 0);
    let Some(Attribute::ReservationToken(t)) = r.get(types::RESERVATION_TOKEN).cloned() else { panic!("no token") };
    let c2 = client(1001);
    let n2 = h.nonce(c2);
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17), Attribute::ReservationToken(t)]);
    let r2 = h.signed(c2, &m, "alice", "secret", &n2).unwrap();
    assert_eq!(r2.xor_relayed_address().unwrap().port(), relay.port() + 1);
    // A token is good once.
    let c3 = client(1002);
    let n3 = h.nonce(c3);
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17), Attribute::ReservationToken(t)]);
    assert_eq!(Harness::code(&h.signed(c3, &m, "bob", "pw", &n3).unwrap()), 508);
    // Unused reservations are released after 30 s.
    let m = h.msg(Method::ALLOCATE, vec![Attribute::RequestedTransport(17), Attribute::EvenPort(true)]);
    h.signed(c3, &m, "bob", "pw", &n3).unwrap();
    let mut out = vec![];
    h.now += RESERVATION_MS;
    h.s.handle_timeout(h.now, &mut out);
    assert_eq!(out.len(), 1);
}
