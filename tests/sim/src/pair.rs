//! Two whole [`PeerConnection`]s and the relay's sans-IO [`TurnServer`] in
//! virtual time. Each peer's tunnels are reliable, ordered links to the
//! server (WebSockets); the relayed UDP between allocations crosses the
//! impairable [`Network`]; offers, answers and trickled candidates are
//! delivered in-process after `signal_delay`. [`Pair::step`] advances to the
//! earliest of the peers' `Output::Timeout`s, the network's next delivery,
//! the next signaling message and the TURN server's `next_timeout`, as
//! quinn-proto's test `Pair` does; every run stops at a virtual-time limit,
//! so a broken test fails instead of hanging.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use wasmrtc::datachannel::ChannelInit;
use wasmrtc::dtls::certificate::Certificate;
use wasmrtc::error::RtcError;
use wasmrtc::ice::TunnelId;
use wasmrtc::jsep::{BundlePolicy, OfferOptions, SdpType};
use wasmrtc::peer::{ChannelHandle, Output, PeerConfig, PeerConnection, PeerConnectionState, PeerEvent, Relay};
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc_relay::auth::{Credentials, Nonces};
use wasmrtc_relay::filter::PeerFilter;
use wasmrtc_relay::turn::{self, ClientKey, Config, PortRequest, RelayPorts, TurnServer, MAX_LIFETIME_S};

use crate::net::{Impairments, Network};

/// The Unix time (ms) the TURN server sees at virtual time zero.
pub const UNIX_T0_MS: u64 = 1_800_000_000_000;
pub const RELAY_URL: &str = "ws://relay.test/turn";
/// The TURN users of [`turn_server`]: one per peer.
pub const USERS: [(&str, &str); 2] = [("alice", "alice-secret"), ("bob", "bob-secret")];

/// The endpoints of the simulated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Addr {
    /// One tunnel connection's client end, by connection number.
    Client(u64),
    /// The relay's end of a tunnel connection.
    Server(u64),
    /// A relayed transport address of the TURN server.
    Relayed(SocketAddr),
}

/// Something delivered in-process: signaling, and tunnels opening.
#[derive(Debug, Clone)]
enum Signal {
    Description { to: usize, ty: SdpType, sdp: String },
    Candidate { to: usize, candidate: Option<String>, mid: String },
    TunnelOpen { peer: usize, tunnel: TunnelId, conn: u64 },
    /// A WebSocket close frame reaches the relay, after what was sent before it.
    TunnelClosed { conn: u64 },
}

/// The relayed addresses allocated so far, 127.0.0.1:50001 on.
struct Ports(Vec<SocketAddr>);

impl RelayPorts for Ports {
    fn bind(&mut self, _want: PortRequest) -> Option<SocketAddr> {
        let port = 50_001u16.checked_add(u16::try_from(self.0.len()).ok()?)?;
        self.0.push(SocketAddr::from(([127, 0, 0, 1], port)));
        self.0.last().copied()
    }
}

/// One peer and everything it reported.
pub struct Peer {
    pub pc: PeerConnection,
    /// Every event, with the virtual time it was drained.
    pub events: Vec<(Instant, PeerEvent)>,
    /// What signaling could not apply (a test expecting none asserts so).
    pub signal_errors: Vec<RtcError>,
    timeout: Option<Instant>,
    /// Open tunnels: tunnel → connection number.
    tunnels: HashMap<TunnelId, u64>,
    last_mid: String,
    /// Applied to each description this peer sends (to tamper with it).
    pub munge: Option<fn(String) -> String>,
}

impl Peer {
    pub fn has(&self, event: &PeerEvent) -> bool {
        self.events.iter().any(|(_, e)| e == event)
    }

    /// When this peer first reported `event`.
    pub fn first(&self, event: &PeerEvent) -> Option<Instant> {
        self.events.iter().find(|(_, e)| e == event).map(|(t, _)| *t)
    }

    pub fn connection_states(&self) -> Vec<PeerConnectionState> {
        self.events
            .iter()
            .filter_map(|(_, e)| if let PeerEvent::ConnectionStateChange(s) = e { Some(*s) } else { None })
            .collect()
    }

    /// The messages received on `channel`, in arrival order.
    pub fn messages(&self, channel: ChannelHandle) -> Vec<Vec<u8>> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                PeerEvent::DataChannelMessage { handle, data, .. } if *handle == channel => Some(data.clone()),
                _ => None,
            })
            .collect()
    }

    /// How many messages arrived on `channel`.
    pub fn message_count(&self, channel: ChannelHandle) -> usize {
        self.events
            .iter()
            .filter(|(_, e)| matches!(e, PeerEvent::DataChannelMessage { handle, .. } if *handle == channel))
            .count()
    }

    /// The channels the other peer opened: (handle, label).
    pub fn channels_by_peer(&self) -> Vec<(ChannelHandle, String)> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                PeerEvent::DataChannelCreatedByPeer { handle, channel } => Some((*handle, channel.label.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn is_open(&self, channel: ChannelHandle) -> bool {
        self.has(&PeerEvent::DataChannelOpen(channel))
    }

    pub fn tunnels_open(&self) -> usize {
        self.tunnels.len()
    }
}

pub struct Pair {
    pub now: Instant,
    /// Peer 0 offers first; peer 1 answers.
    pub peers: [Peer; 2],
    pub server: TurnServer,
    ports: Ports,
    /// Tunnels and relayed UDP. Tunnels are [`Impairments::reliable`]
    /// links; the default impairments are the relayed UDP's.
    pub net: Network<Addr>,
    signals: BTreeMap<(Instant, u64), Signal>,
    seq: u64,
    next_conn: u64,
    /// Connection number → (peer, tunnel).
    conns: HashMap<u64, (usize, TunnelId)>,
    pub signal_delay: Duration,
    pub tunnel_delay: Duration,
    /// Whether candidates are passed on as they are gathered.
    pub trickle: bool,
    /// Runs stop here: a test's outer bound on virtual time.
    pub limit: Instant,
}

/// The relay every virtual-time test uses: long-term credentials for
/// [`USERS`], loopback peers allowed, no quotas.
pub fn turn_server() -> TurnServer {
    let users = USERS.iter().map(|(u, p)| (u.to_string(), p.to_string())).collect();
    TurnServer::new(Config {
        realm: "wasmrtc".into(),
        credentials: Credentials { users, auth_secrets: vec![] },
        nonces: Nonces::new([7; 32], 3600),
        peers: PeerFilter { allow_loopback: true, allowed: vec![], denied: vec![] },
        user_quota: 0,
        total_quota: 0,
        max_bps: 0,
        max_lifetime_s: MAX_LIFETIME_S,
        software: None,
        amplification_guard: false,
    })
}

/// A P-256 certificate, deterministic for a seed.
pub fn certificate(seed: u8) -> Certificate {
    let mut random = Random::from_seed([seed; 32]);
    Certificate::generate_ecdsa_p256(&mut random, UNIX_T0_MS - 86_400_000, UNIX_T0_MS + 30 * 86_400_000)
        .expect("certificate")
}

fn peer(i: usize, seed: u64) -> Peer {
    let (username, credential) = USERS[i];
    let config = PeerConfig {
        bundle_policy: BundlePolicy::Balanced,
        certificate: certificate((seed as u8).wrapping_mul(2).wrapping_add(i as u8)),
        relays: vec![Relay { url: RELAY_URL.into(), username: username.into(), credential: credential.into() }],
    };
    let mut seed_bytes = [i as u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    Peer {
        pc: PeerConnection::new(config, Random::from_seed(seed_bytes)),
        events: Vec::new(),
        signal_errors: Vec::new(),
        timeout: None,
        tunnels: HashMap::new(),
        last_mid: "0".into(),
        munge: None,
    }
}

impl Pair {
    /// Two peers, 20 ms to the relay each, 30 ms of signaling, and relayed
    /// UDP impaired by `udp`; all dice from `seed`.
    pub fn new(seed: u64, udp: Impairments) -> Pair {
        Pair {
            now: Instant::ZERO,
            peers: [peer(0, seed), peer(1, seed)],
            server: turn_server(),
            ports: Ports(Vec::new()),
            net: Network::new(seed, udp),
            signals: BTreeMap::new(),
            seq: 0,
            next_conn: 0,
            conns: HashMap::new(),
            signal_delay: Duration::from_millis(30),
            tunnel_delay: Duration::from_millis(20),
            trickle: true,
            limit: Instant::ZERO + Duration::from_secs(120),
        }
    }

    fn server_ms(&self) -> u64 {
        UNIX_T0_MS + self.now.as_micros() / 1000
    }

    fn signal(&mut self, signal: Signal) {
        self.seq += 1;
        self.signals.insert((self.now + self.signal_delay, self.seq), signal);
    }

    /// Peer `from` creates an offer, applies it and signals it; the other
    /// peer answers when it arrives.
    pub fn offer(&mut self, from: usize, options: OfferOptions) {
        let now = self.now;
        let peer = &mut self.peers[from];
        let offer = peer.pc.create_offer(options).expect("createOffer");
        peer.pc.set_local_description(now, SdpType::Offer, Some(&offer)).expect("setLocalDescription(offer)");
        let sdp = peer.munge.map_or(offer.clone(), |m| m(offer));
        self.signal(Signal::Description { to: 1 - from, ty: SdpType::Offer, sdp });
        self.drain();
    }

    /// Negotiates (peer 0 offers) and runs until both peers are connected.
    pub fn connect(&mut self) {
        self.offer(0, OfferOptions { ice_restart: false });
        let up = self.run_until(|p| p.both(PeerConnectionState::Connected));
        assert!(up, "not connected at {:?}: {:?} {:?}", self.now, self.state(0), self.state(1));
    }

    pub fn state(&self, i: usize) -> PeerConnectionState {
        self.peers[i].pc.connection_state()
    }

    pub fn both(&self, state: PeerConnectionState) -> bool {
        self.state(0) == state && self.state(1) == state
    }

    pub fn create_channel(&mut self, on: usize, label: &str) -> ChannelHandle {
        let now = self.now;
        let handle = self.peers[on]
            .pc
            .create_data_channel(now, ChannelInit { label: label.into(), ..Default::default() })
            .expect("createDataChannel");
        self.drain();
        handle
    }

    pub fn send(&mut self, on: usize, channel: ChannelHandle, data: &[u8]) -> Result<(), RtcError> {
        let now = self.now;
        let sent = self.peers[on].pc.send(now, channel, true, data);
        self.drain();
        sent
    }

    pub fn close(&mut self, on: usize) {
        let now = self.now;
        self.peers[on].pc.close(now);
        self.drain();
    }

    /// Cuts the relayed UDP between every pair of allocations made so far
    /// from `start` until `end` (None: until [`Network::heal`]).
    pub fn partition_relayed(&mut self, start: Instant, end: Option<Instant>) {
        let relayed = self.ports.0.clone();
        for (i, a) in relayed.iter().enumerate() {
            for b in &relayed[i + 1..] {
                self.net.partition(Addr::Relayed(*a), Addr::Relayed(*b), start, end);
            }
        }
    }

    /// The relay drops peer `i`'s tunnel connections (the WebSocket
    /// breaks): both ends learn it now, and what was in flight is lost.
    pub fn break_tunnels(&mut self, i: usize) {
        let now = self.now;
        let tunnels: Vec<(TunnelId, u64)> = self.peers[i].tunnels.drain().collect();
        for (tunnel, conn) in tunnels {
            self.disconnect(conn);
            self.peers[i].pc.handle_tunnel_closed(now, tunnel);
        }
        self.drain();
    }

    fn disconnect(&mut self, conn: u64) {
        self.conns.remove(&conn);
        self.net.drop_in_flight(&Addr::Client(conn));
        self.net.drop_in_flight(&Addr::Server(conn));
        let mut out = Vec::new();
        self.server.handle_disconnect(turn::Transport::WebSocket, conn, &mut out);
        self.server_outputs(out);
    }

    fn key(conn: u64) -> ClientKey {
        ClientKey {
            transport: turn::Transport::WebSocket,
            conn,
            addr: SocketAddr::from(([10, 0, 0, 1], 40_000u16.wrapping_add(conn as u16))),
        }
    }

    fn server_outputs(&mut self, out: Vec<turn::Output>) {
        let now = self.now;
        for o in out {
            match o {
                turn::Output::ToClient { to, bytes } => {
                    if self.conns.contains_key(&to.conn) {
                        self.net.send(now, Addr::Server(to.conn), Addr::Client(to.conn), bytes);
                    }
                }
                turn::Output::ToPeer { relay, peer, bytes } => {
                    self.net.send(now, Addr::Relayed(relay), Addr::Relayed(peer), bytes)
                }
                turn::Output::Release { .. } => {}
            }
        }
    }

    /// Drains both peers' outputs: tunnels, transmits, events, timeouts.
    pub fn drain(&mut self) {
        for i in 0..2 {
            self.peers[i].timeout = None;
            while let Some(output) = self.peers[i].pc.poll_output() {
                self.output(i, output);
            }
        }
    }

    fn output(&mut self, i: usize, output: Output) {
        let now = self.now;
        match output {
            Output::OpenTunnel { tunnel, url } => {
                assert_eq!(url, RELAY_URL);
                self.next_conn += 1;
                let conn = self.next_conn;
                let reliable = Impairments::reliable(self.tunnel_delay);
                self.net.set_both(Addr::Client(conn), Addr::Server(conn), reliable);
                // The WebSocket handshake: a round trip before it is open.
                self.seq += 1;
                self.signals.insert((now + self.tunnel_delay * 2, self.seq), Signal::TunnelOpen { peer: i, tunnel, conn });
            }
            Output::CloseTunnel { tunnel } => {
                if let Some(conn) = self.peers[i].tunnels.remove(&tunnel) {
                    self.seq += 1;
                    self.signals.insert((now + self.tunnel_delay, self.seq), Signal::TunnelClosed { conn });
                }
            }
            Output::Transmit { tunnel, data } => {
                let conn = self.peers[i].tunnels.get(&tunnel).copied();
                let conn = conn.unwrap_or_else(|| panic!("peer {i} transmits on {tunnel:?}, which is not open"));
                self.net.send(now, Addr::Client(conn), Addr::Server(conn), data);
            }
            Output::Event(event) => {
                match &*event {
                    PeerEvent::IceCandidate { candidate, sdp_mid, .. } => {
                        self.peers[i].last_mid = sdp_mid.clone();
                        if self.trickle {
                            let candidate = Some(candidate.to_string());
                            self.signal(Signal::Candidate { to: 1 - i, candidate, mid: sdp_mid.clone() });
                        }
                    }
                    PeerEvent::IceCandidateEnd if self.trickle => {
                        let mid = self.peers[i].last_mid.clone();
                        self.signal(Signal::Candidate { to: 1 - i, candidate: None, mid });
                    }
                    _ => {}
                }
                self.peers[i].events.push((now, *event));
            }
            Output::Timeout(at) => self.peers[i].timeout = Some(at),
        }
    }

    fn deliver(&mut self, signal: Signal) {
        let now = self.now;
        match signal {
            Signal::Description { to, ty, sdp } => {
                let peer = &mut self.peers[to];
                if let Err(e) = peer.pc.set_remote_description(now, ty, &sdp) {
                    peer.signal_errors.push(e);
                    return;
                }
                if ty == SdpType::Offer {
                    let answer = peer.pc.create_answer().expect("createAnswer");
                    peer.pc.set_local_description(now, SdpType::Answer, Some(&answer)).expect("setLocalDescription(answer)");
                    let sdp = peer.munge.map_or(answer.clone(), |m| m(answer));
                    self.signal(Signal::Description { to: 1 - to, ty: SdpType::Answer, sdp });
                }
            }
            Signal::Candidate { to, candidate, mid } => {
                let peer = &mut self.peers[to];
                if let Err(e) = peer.pc.add_ice_candidate(now, candidate.as_deref(), Some(&mid), None) {
                    peer.signal_errors.push(e);
                }
            }
            Signal::TunnelOpen { peer, tunnel, conn } => {
                self.conns.insert(conn, (peer, tunnel));
                self.peers[peer].tunnels.insert(tunnel, conn);
                self.peers[peer].pc.handle_tunnel_open(now, tunnel);
            }
            Signal::TunnelClosed { conn } => self.disconnect(conn),
        }
    }

    fn server_deadline(&self) -> Option<Instant> {
        self.server.next_timeout().map(|ms| Instant::from_micros(ms.saturating_sub(UNIX_T0_MS) * 1000))
    }

    /// The earliest thing that happens next.
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.peers[0].timeout,
            self.peers[1].timeout,
            self.net.next_delivery(),
            self.signals.keys().next().map(|(t, _)| *t),
            self.server_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Advances to the next deadline (not past `until`) and handles all
    /// that is due then; false when nothing is due by `until`.
    pub fn step(&mut self, until: Instant) -> bool {
        self.drain();
        let Some(next) = self.next_deadline().filter(|t| *t <= until) else {
            self.now = self.now.max(until);
            return false;
        };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(datagram) = self.net.poll(now) {
            let server_ms = self.server_ms();
            let mut out = Vec::new();
            match (datagram.from, datagram.to) {
                (Addr::Client(conn), Addr::Server(_)) if self.conns.contains_key(&conn) => {
                    self.server.handle_client(Self::key(conn), &datagram.data, server_ms, &mut self.ports, &mut out)
                }
                (Addr::Server(conn), Addr::Client(_)) => {
                    let open = self.conns.get(&conn).copied();
                    if let Some((i, tunnel)) = open.filter(|(i, t)| self.peers[*i].tunnels.get(t) == Some(&conn)) {
                        self.peers[i].pc.handle_tunnel_message(now, tunnel, &datagram.data);
                    }
                }
                (Addr::Relayed(from), Addr::Relayed(to)) => {
                    self.server.handle_peer(to, from, &datagram.data, server_ms, &mut out)
                }
                _ => {}
            }
            self.server_outputs(out);
            self.drain();
        }
        while let Some(entry) = self.signals.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let signal = entry.remove();
            self.deliver(signal);
            self.drain();
        }
        for i in 0..2 {
            if self.peers[i].timeout.is_some_and(|t| t <= now) {
                self.peers[i].pc.handle_timeout(now);
            }
        }
        if self.server_deadline().is_some_and(|t| t <= now) {
            let mut out = Vec::new();
            let server_ms = self.server_ms();
            self.server.handle_timeout(server_ms, &mut out);
            self.server_outputs(out);
        }
        self.drain();
        true
    }

    /// Runs until `done` holds (true) or the virtual-time limit (false).
    pub fn run_until(&mut self, done: impl FnMut(&Pair) -> bool) -> bool {
        self.run_within(self.limit - self.now, done)
    }

    /// Runs until `done` holds or `within` passes (false).
    pub fn run_within(&mut self, within: Duration, mut done: impl FnMut(&Pair) -> bool) -> bool {
        let end = (self.now + within).min(self.limit);
        let mut steps_at_now = 0;
        loop {
            if done(self) {
                return true;
            }
            let before = self.now;
            if !self.step(end) {
                return done(self);
            }
            steps_at_now = if self.now == before { steps_at_now + 1 } else { 0 };
            assert!(steps_at_now < 10_000, "time does not advance at {:?}: a deadline is never handled", self.now);
        }
    }

    /// Runs for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        self.run_within(d, |_| false);
    }
}
