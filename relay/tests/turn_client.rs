//! wasmrtc's sans-IO TURN client (src/turn) against the relay's sans-IO
//! TURN server, over a WebSocket-like reliable flow, in virtual time.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::net::SocketAddr;

use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc::turn::{TurnClient, TurnConfig, TurnEvent, TurnState};
use wasmrtc_relay::auth::{Credentials, Nonces};
use wasmrtc_relay::filter::PeerFilter;
use wasmrtc_relay::turn::{ClientKey, Config, Output, PortRequest, RelayPorts, Transport, TurnServer, MAX_LIFETIME_S};

const T0: u64 = 1_800_000_000_000;
const PEER: &str = "127.0.0.1:7000";

struct Ports(u16);
impl RelayPorts for Ports {
    fn bind(&mut self, _want: PortRequest) -> Option<SocketAddr> {
        self.0 += 1;
        Some(SocketAddr::from(([127, 0, 0, 1], 50000 + self.0)))
    }
}

fn server(nonce_lifetime_s: u64, user_quota: usize) -> TurnServer {
    let mut users = HashMap::new();
    users.insert("alice".to_string(), "secret".to_string());
    TurnServer::new(Config {
        realm: "wasmrtc".into(),
        credentials: Credentials { users, auth_secrets: vec![] },
        nonces: Nonces::new([2; 32], nonce_lifetime_s),
        peers: PeerFilter { allow_loopback: true, allowed: vec![], denied: vec!["127.0.0.99".parse().unwrap()] },
        user_quota,
        total_quota: 0,
        max_bps: 0,
        max_lifetime_s: MAX_LIFETIME_S,
        software: None,
        amplification_guard: false,
    })
}

struct Link {
    server: TurnServer,
    ports: Ports,
    now_ms: u64,
    to_peer: Vec<(SocketAddr, SocketAddr, Vec<u8>)>,
    events: Vec<TurnEvent>,
    sent: Vec<Vec<u8>>,
}

fn key(conn: u64) -> ClientKey {
    ClientKey { transport: Transport::WebSocket, conn, addr: SocketAddr::from(([127, 0, 0, 1], 9000 + conn as u16)) }
}

fn client(password: &str) -> TurnClient {
    let mut random = Random::from_seed([8; 32]);
    TurnClient::new(TurnConfig { username: "alice".into(), credential: password.into(), reliable: true }, &mut random)
}

impl Link {
    fn new(server: TurnServer) -> Link {
        Link { server, ports: Ports(0), now_ms: 0, to_peer: vec![], events: vec![], sent: vec![] }
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.now_ms * 1000)
    }

    /// Delivers everything the client has to send, and the answers, until quiet.
    fn pump(&mut self, c: &mut TurnClient, conn: u64) {
        while let Some(bytes) = c.poll_transmit() {
            self.sent.push(bytes.clone());
            let mut out = vec![];
            self.server.handle_client(key(conn), &bytes, T0 + self.now_ms, &mut self.ports, &mut out);
            for o in out {
                match o {
                    Output::ToClient { bytes, .. } => c.handle_message(self.now(), &bytes),
                    Output::ToPeer { relay, peer, bytes } => self.to_peer.push((relay, peer, bytes)),
                    Output::Release { .. } => {}
                }
            }
        }
        self.events.extend(std::iter::from_fn(|| c.poll_event()));
    }

    /// Advances virtual time to `until_ms`, running both sides' timers.
    fn advance(&mut self, c: &mut TurnClient, conn: u64, until_ms: u64) {
        loop {
            let client_next = c.poll_timeout().map(|t| t.as_micros() / 1000);
            let server_next = self.server.next_timeout().map(|t| t - T0);
            let next = client_next.into_iter().chain(server_next).min().unwrap_or(u64::MAX);
            if next > until_ms {
                self.now_ms = until_ms;
                return;
            }
            self.now_ms = self.now_ms.max(next);
            if client_next.is_some_and(|t| t <= self.now_ms) {
                c.handle_timeout(self.now());
            }
            let mut out = vec![];
            self.server.handle_timeout(T0 + self.now_ms, &mut out);
            self.pump(c, conn);
        }
    }

    fn relayed(&self) -> SocketAddr {
        self.events
            .iter()
            .find_map(|e| if let TurnEvent::Allocated { relayed, .. } = e { Some(*relayed) } else { None })
            .expect("allocated")
    }

    /// A datagram from the peer to the relayed address; what the client got.
    fn peer_sends(&mut self, c: &mut TurnClient, data: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![];
        self.server.handle_peer(self.relayed(), PEER.parse().unwrap(), data, T0 + self.now_ms, &mut out);
        for o in out {
            if let Output::ToClient { bytes, .. } = o {
                c.handle_message(self.now(), &bytes);
            }
        }
        c.poll_event().and_then(|e| if let TurnEvent::Data { data, .. } = e { Some(data) } else { None })
    }
}

#[test]
fn allocation_lives_for_an_hour_with_refreshes_and_data_flows_both_ways() {
    let mut link = Link::new(server(3600, 0));
    let mut c = client("secret");
    c.start(link.now());
    link.pump(&mut c, 1);
    assert_eq!(c.state(), TurnState::Allocated);
    assert!(matches!(link.events[0], TurnEvent::Allocated { mapped: Some(_), .. }));
    let peer: SocketAddr = PEER.parse().unwrap();

    c.send_to(link.now(), peer, b"hello").unwrap();
    link.pump(&mut c, 1);
    assert_eq!(link.to_peer.last().map(|(_, p, b)| (*p, b.clone())), Some((peer, b"hello".to_vec())));
    c.bind_channel(link.now(), peer);
    link.pump(&mut c, 1);

    // An hour with traffic every 10 s: the allocation, the permission and
    // the channel are all refreshed in time, so nothing ever stops.
    for minute in 1..=360u64 {
        link.advance(&mut c, 1, minute * 10_000);
        c.send_to(link.now(), peer, b"ping").unwrap();
        link.pump(&mut c, 1);
        assert_eq!(link.to_peer.last().map(|(_, _, b)| b.clone()), Some(b"ping".to_vec()), "at {minute}0 s");
        assert_eq!(link.peer_sends(&mut c, b"pong"), Some(b"pong".to_vec()), "at {minute}0 s");
    }
    assert_eq!(c.state(), TurnState::Allocated);
    assert_eq!(link.server.allocation_count(), 1);
    assert!(!link.events.iter().any(|e| matches!(e, TurnEvent::Failed { .. } | TurnEvent::PermissionFailed { .. })));
    // Data went as ChannelData once the channel was bound.
    assert!(wasmrtc::stun::is_channel_data(link.sent.last().unwrap()));

    c.close();
    link.pump(&mut c, 1);
    assert_eq!(link.server.allocation_count(), 0, "Refresh LIFETIME 0 deallocated");
}

#[test]
fn stale_nonces_are_followed() {
    // The server's nonces last 60 s; the refresh at 540 s meets a 438.
    let mut link = Link::new(server(60, 0));
    let mut c = client("secret");
    c.start(link.now());
    link.pump(&mut c, 1);
    link.advance(&mut c, 1, 1_200_000);
    assert_eq!(c.state(), TurnState::Allocated);
    assert_eq!(link.server.allocation_count(), 1);
    let refreshes = link
        .sent
        .iter()
        .filter_map(|b| wasmrtc::stun::Message::decode(b).ok())
        .filter(|m| m.method == wasmrtc::stun::Method::REFRESH)
        .count();
    assert_eq!(refreshes, 4, "two refreshes (540 s, 1080 s), each sent again after its 438");
}

#[test]
fn wrong_password_and_quota_are_reported_with_the_servers_codes() {
    let mut link = Link::new(server(3600, 1));
    let mut bad = client("wrong");
    bad.start(link.now());
    link.pump(&mut bad, 1);
    assert_eq!(bad.state(), TurnState::Failed);
    assert!(matches!(&link.events[..], [TurnEvent::Failed { code: 401, .. }]), "{:?}", link.events);

    link.events.clear();
    let mut first = client("secret");
    first.start(link.now());
    link.pump(&mut first, 2);
    let mut second = client("secret");
    second.start(link.now());
    link.pump(&mut second, 3);
    assert!(
        matches!(&link.events[..], [TurnEvent::Allocated { .. }, TurnEvent::Failed { code: 486, .. }]),
        "{:?}",
        link.events
    );

    // A denied peer: the permission fails with 403 and sending errors.
    link.events.clear();
    let denied: SocketAddr = "127.0.0.99:5000".parse().unwrap();
    first.send_to(link.now(), denied, b"x").unwrap();
    link.pump(&mut first, 2);
    assert!(matches!(&link.events[..], [TurnEvent::PermissionFailed { code: 403, .. }]), "{:?}", link.events);
    assert!(first.send_to(link.now(), denied, b"y").is_err());
}
