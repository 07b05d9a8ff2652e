//! Two sans-IO ICE agents (wasmrtc's src/ice) connect through the relay's
//! sans-IO TURN server, in virtual time: each agent's tunnel is a reliable,
//! ordered WebSocket-like link to the server; between the two relayed
//! addresses is "UDP" (tests/sim's shared network) that can drop, delay and
//! reorder, or be cut.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use wasmrtc::ice::{IceAgent, IceConfig, IceConnectionState, IceEvent, RelayConfig, TunnelId};
use wasmrtc::random::Random;
use wasmrtc::sdp::Candidate;
use wasmrtc::stun::{Class, ErrorCode, Message};
use wasmrtc::time::Instant;
use wasmrtc_relay::turn::{ClientKey, Output, PortRequest, RelayPorts, Transport, TurnServer};
use wasmrtc_sim::net::{Impairments, Network};
use wasmrtc_sim::pair::{turn_server, USERS};

const T0: u64 = 1_800_000_000_000;
const TUNNEL: TunnelId = TunnelId(1);
const TUNNEL_DELAY_US: u64 = 5_000;
const SIGNAL_DELAY_US: u64 = 50_000;
/// Relayed UDP: 10 ms each way, plus what a test adds.
const UDP: Impairments = Impairments::reliable(Duration::from_millis(10));

struct Ports(u16);
impl RelayPorts for Ports {
    fn bind(&mut self, _want: PortRequest) -> Option<SocketAddr> {
        self.0 += 1;
        Some(SocketAddr::from(([127, 0, 0, 1], 50000 + self.0)))
    }
}

enum Packet {
    ToServer(usize, Vec<u8>),
    ToAgent(usize, Vec<u8>),
    Candidate(usize, Candidate),
    EndOfCandidates(usize),
}

struct Sim {
    server: TurnServer,
    ports: Ports,
    agents: Vec<IceAgent>,
    now: u64,
    queue: BTreeMap<(u64, u64), Packet>,
    seq: u64,
    /// The UDP between relayed addresses.
    udp: Network<SocketAddr>,
    udp_cut: bool,
    tunnel_up: Vec<bool>,
    /// Whether candidates are passed to the other agent as they come.
    signal: Vec<bool>,
    events: Vec<Vec<(u64, IceEvent)>>,
    role_conflicts: usize,
}

fn credentials(i: usize, generation: u32) -> (String, String) {
    (format!("uf{i}g{generation}"), format!("password-of-agent-{i}-gen-{generation}"))
}

impl Sim {
    fn new(seed: u8, controlling: [bool; 2]) -> Sim {
        let mut random = Random::from_seed([seed; 32]);
        let agents = (0..2)
            .map(|i| {
                let (ufrag, pwd) = credentials(i, 0);
                let (username, credential) = USERS[i];
                let relay = RelayConfig {
                    tunnel: TUNNEL,
                    url: "ws://127.0.0.1:8080/turn".into(),
                    username: username.into(),
                    credential: credential.into(),
                    reliable: true,
                };
                let config = IceConfig { relays: vec![relay], controlling: controlling[i], ufrag, pwd };
                IceAgent::new(config, &mut random, Instant::ZERO)
            })
            .collect();
        let mut sim = Sim {
            server: turn_server(),
            ports: Ports(0),
            agents,
            now: 0,
            queue: BTreeMap::new(),
            seq: 0,
            udp: Network::new(u64::from(seed) + 100, UDP),
            udp_cut: false,
            tunnel_up: vec![true, true],
            signal: vec![true, true],
            events: vec![vec![], vec![]],
            role_conflicts: 0,
        };
        for i in 0..2 {
            let (u, p) = credentials(1 - i, 0);
            sim.agents[i].set_remote_credentials(u, p);
            sim.agents[i].handle_tunnel_open(Instant::ZERO, TUNNEL);
        }
        sim.drain();
        sim
    }

    fn key(i: usize) -> ClientKey {
        ClientKey {
            transport: Transport::WebSocket,
            conn: i as u64 + 1,
            addr: SocketAddr::from(([127, 0, 0, 1], 9000 + i as u16)),
        }
    }

    fn at(&self) -> Instant {
        Instant::from_micros(self.now)
    }

    fn push(&mut self, delay: u64, p: Packet) {
        self.seq += 1;
        self.queue.insert((self.now + delay, self.seq), p);
    }

    fn server_outputs(&mut self, out: Vec<Output>) {
        for o in out {
            match o {
                Output::ToClient { to, bytes } => {
                    let i = (to.conn - 1) as usize;
                    if self.tunnel_up[i] {
                        self.push(TUNNEL_DELAY_US, Packet::ToAgent(i, bytes));
                    }
                }
                Output::ToPeer { relay, peer, bytes } => {
                    if let Ok(m) = Message::decode(&bytes) {
                        if m.class == Class::ErrorResponse
                            && m.error_code().map(|e| e.code) == Some(ErrorCode::ROLE_CONFLICT)
                        {
                            self.role_conflicts += 1;
                        }
                    }
                    if !self.udp_cut {
                        self.udp.send(self.at(), relay, peer, bytes);
                    }
                }
                Output::Release { .. } => {}
            }
        }
    }

    fn drain(&mut self) {
        for i in 0..2 {
            while let Some((tunnel, bytes)) = self.agents[i].poll_transmit() {
                assert_eq!(tunnel, TUNNEL);
                if self.tunnel_up[i] {
                    self.push(TUNNEL_DELAY_US, Packet::ToServer(i, bytes));
                }
            }
            while let Some(e) = self.agents[i].poll_event() {
                match &e {
                    IceEvent::LocalCandidate { candidate, .. } if self.signal[i] => {
                        self.push(SIGNAL_DELAY_US, Packet::Candidate(1 - i, candidate.clone()))
                    }
                    IceEvent::GatheringComplete if self.signal[i] => {
                        self.push(SIGNAL_DELAY_US, Packet::EndOfCandidates(1 - i))
                    }
                    _ => {}
                }
                self.events[i].push((self.now, e));
            }
        }
    }

    /// Runs until `until` µs of virtual time, or until `stop` holds.
    fn run_until(&mut self, until: u64, stop: impl Fn(&Sim) -> bool) -> bool {
        for _ in 0..2_000_000 {
            if stop(self) {
                return true;
            }
            let server_next = self.server.next_timeout().map(|ms| ms.saturating_sub(T0) * 1000);
            let next = self
                .agents
                .iter()
                .filter_map(|a| a.poll_timeout().map(|t| t.as_micros()))
                .chain(server_next)
                .chain(self.queue.keys().next().map(|k| k.0))
                .chain(self.udp.next_delivery().map(|t| t.as_micros()))
                .min()
                .unwrap_or(until);
            if next > until {
                self.now = until;
                return stop(self);
            }
            self.now = self.now.max(next);
            let now = self.at();
            let server_now = T0 + self.now / 1000;
            while let Some(entry) = self.queue.first_entry() {
                if entry.key().0 > self.now {
                    break;
                }
                let mut out = vec![];
                match entry.remove() {
                    Packet::ToServer(i, bytes) => {
                        self.server.handle_client(Self::key(i), &bytes, server_now, &mut self.ports, &mut out)
                    }
                    Packet::ToAgent(i, bytes) => self.agents[i].handle_tunnel_message(now, TUNNEL, &bytes),
                    Packet::Candidate(i, c) => self.agents[i].add_remote_candidate(now, &c).unwrap(),
                    Packet::EndOfCandidates(i) => self.agents[i].end_of_remote_candidates(),
                }
                self.server_outputs(out);
                self.drain();
            }
            while let Some(datagram) = self.udp.poll(now) {
                let mut out = vec![];
                if !self.udp_cut {
                    self.server.handle_peer(datagram.to, datagram.from, &datagram.data, server_now, &mut out);
                }
                self.server_outputs(out);
                self.drain();
            }
            for i in 0..2 {
                if self.agents[i].poll_timeout().is_some_and(|t| t <= now) {
                    self.agents[i].handle_timeout(now);
                }
            }
            if server_next.is_some_and(|t| t <= self.now) {
                let mut out = vec![];
                self.server.handle_timeout(server_now, &mut out);
                self.server_outputs(out);
            }
            self.drain();
        }
        panic!("simulation did not settle");
    }

    fn state(&self, i: usize) -> IceConnectionState {
        self.agents[i].connection_state()
    }

    fn connected(&self, i: usize) -> bool {
        matches!(self.state(i), IceConnectionState::Connected | IceConnectionState::Completed)
    }

    fn both_connected(&self) -> bool {
        self.connected(0) && self.connected(1)
    }

    /// When agent `i` last entered `state`, in µs.
    fn entered(&self, i: usize, state: IceConnectionState) -> Option<u64> {
        self.events[i].iter().rev().find(|(_, e)| *e == IceEvent::ConnectionStateChange(state)).map(|(t, _)| *t)
    }

    fn data_received(&self, i: usize) -> Vec<Vec<u8>> {
        self.events[i]
            .iter()
            .filter_map(|(_, e)| if let IceEvent::Data(d) = e { Some(d.clone()) } else { None })
            .collect()
    }

    fn assert_same_pair(&self) {
        let (a_local, a_remote) = self.agents[0].selected_pair().expect("A has a selected pair");
        let (b_local, b_remote) = self.agents[1].selected_pair().expect("B has a selected pair");
        assert_eq!((a_local.address.clone(), a_local.port), (b_remote.address.clone(), b_remote.port));
        assert_eq!((a_remote.address.clone(), a_remote.port), (b_local.address.clone(), b_local.port));
        assert_eq!(a_local.typ, "relay");
    }

    /// Restarts both agents (A offers new credentials, B answers with its
    /// own) and signals the new generation's candidates.
    fn restart_both(&mut self, generation: u32) {
        let now = self.at();
        for i in 0..2 {
            let (u, p) = credentials(i, generation);
            self.agents[i].restart(now, u, p);
        }
        for i in 0..2 {
            let (u, p) = credentials(1 - i, generation);
            self.agents[i].set_remote_credentials(u, p);
        }
        self.drain();
    }
}

const SECOND: u64 = 1_000_000;

#[test]
fn connect_through_loss_and_reordering() {
    let mut worst = 0;
    for seed in 1..=10u8 {
        let mut sim = Sim::new(seed, [true, false]);
        // 10% loss and 10–50 ms (which reorders).
        sim.udp.set_default(Impairments::lossy(0.10, 0.0, (10, 50)));
        assert!(
            sim.run_until(30 * SECOND, |s| s.both_connected()),
            "seed {seed}: {:?} {:?}",
            sim.state(0),
            sim.state(1)
        );
        worst = worst.max(sim.now);
        // Let nomination settle on both sides, then compare.
        sim.run_until(sim.now + SECOND, |_| false);
        sim.assert_same_pair();
        assert!(sim.agents[0].controlling() && !sim.agents[1].controlling());
        // Application datagrams both ways over the selected pair (ChannelData).
        for n in 0..20u8 {
            let now = sim.at();
            sim.agents[0].send(now, &[0x17, 0xfe, 0xfd, n]).unwrap();
            sim.agents[1].send(now, &[0x16, 0xfe, 0xfd, n]).unwrap();
            sim.drain();
            sim.run_until(sim.now + 20_000, |_| false);
        }
        sim.run_until(sim.now + SECOND, |_| false);
        let (to_b, to_a) = (sim.data_received(1).len(), sim.data_received(0).len());
        assert!(to_b >= 10 && to_a >= 10, "seed {seed}: {to_b} and {to_a} of 20 arrived at 10% loss");
        assert_eq!(sim.role_conflicts, 0);
    }
    println!("10 seeds, 10% loss, 10-50 ms reordering delay: both connected within {} ms", worst / 1000);
}

fn role_conflict(controlling: bool) {
    let mut sim = Sim::new(7, [controlling, controlling]);
    sim.udp.set_default(Impairments::lossy(0.0, 0.0, (10, 30)));
    assert!(sim.run_until(20 * SECOND, |s| s.both_connected()), "{:?} {:?}", sim.state(0), sim.state(1));
    sim.run_until(sim.now + SECOND, |_| false);
    assert!(sim.role_conflicts >= 1, "a 487 was sent");
    assert_ne!(sim.agents[0].controlling(), sim.agents[1].controlling(), "exactly one agent controls");
    sim.assert_same_pair();
    println!(
        "both {}: resolved with {} x 487 in {} ms",
        if controlling { "controlling" } else { "controlled" },
        sim.role_conflicts,
        sim.now / 1000
    );
}

#[test]
fn role_conflict_both_controlling() {
    role_conflict(true);
}

#[test]
fn role_conflict_both_controlled() {
    role_conflict(false);
}

#[test]
fn consent_loss_disconnects_then_fails_and_restart_reconnects() {
    let mut sim = Sim::new(3, [true, false]);
    assert!(sim.run_until(10 * SECOND, |s| s.both_connected()));
    sim.run_until(sim.now + 10 * SECOND, |_| false);
    assert!(sim.both_connected(), "consent keeps the pair alive: {:?}", sim.state(0));
    let cut = sim.now;
    sim.udp_cut = true;
    assert!(sim.run_until(cut + 60 * SECOND, |s| s.state(0) == IceConnectionState::Failed
        && s.state(1) == IceConnectionState::Failed));
    for i in 0..2 {
        let disconnected = sim.entered(i, IceConnectionState::Disconnected).expect("disconnected first") - cut;
        let failed = sim.entered(i, IceConnectionState::Failed).unwrap() - cut;
        println!("agent {i}: cut → disconnected {} ms, failed {} ms", disconnected / 1000, failed / 1000);
        // A check is due within 6 s of the cut and is unanswered 2.5 s later.
        assert!((2_500_000..=8_500_000).contains(&disconnected), "{disconnected}");
        // Consent expires 30 s after the last response, which came ≤ 6 s before the cut.
        assert!((24 * SECOND..=30 * SECOND + 100_000).contains(&failed), "{failed}");
    }
    let now = sim.at();
    assert!(sim.agents[0].send(now, b"\x17x").is_err(), "no sending without consent");

    // The network comes back; an ICE restart reconnects.
    sim.udp_cut = false;
    sim.restart_both(1);
    let restart = sim.now;
    assert!(sim.run_until(restart + 20 * SECOND, |s| s.both_connected()));
    sim.run_until(sim.now + SECOND, |_| false);
    sim.assert_same_pair();
    println!("restart after failure: connected in {} ms", (sim.now - restart) / 1000);
}

#[test]
fn restart_while_connected_gathers_again_and_reconnects() {
    let mut sim = Sim::new(4, [true, false]);
    assert!(sim.run_until(10 * SECOND, |s| s.both_connected()));
    sim.run_until(sim.now + SECOND, |_| false);
    let before = sim.events[0].len();
    sim.restart_both(1);
    let restart = sim.now;
    // A new generation: a fresh gathering with the same allocation, and a
    // new selected pair once the new checks succeed.
    assert!(sim.run_until(restart + 10 * SECOND, |s| {
        s.events[0][before..].iter().any(|(_, e)| matches!(e, IceEvent::SelectedPairChange { .. }))
    }));
    let new_events: Vec<&IceEvent> = sim.events[0][before..].iter().map(|(_, e)| e).collect();
    assert!(matches!(new_events[0], IceEvent::GatheringStateChange(wasmrtc::ice::IceGatheringState::Gathering)));
    let Some(IceEvent::LocalCandidate { candidate, .. }) = new_events.get(1) else { panic!("{new_events:?}") };
    assert!(candidate.extensions.contains(&("ufrag".into(), "uf0g1".into())));
    assert!(sim.both_connected());
    sim.assert_same_pair();
    println!("restart while connected: new pair selected in {} ms", (sim.now - restart) / 1000);
}

#[test]
fn tunnel_loss_disconnects_fails_and_reconnects_after_restart() {
    let mut sim = Sim::new(5, [true, false]);
    assert!(sim.run_until(10 * SECOND, |s| s.both_connected()));
    sim.run_until(sim.now + 3 * SECOND, |_| false);
    let cut = sim.now;
    // The relay's WebSocket to agent 0 drops.
    sim.tunnel_up[0] = false;
    let mut out = vec![];
    sim.server.handle_disconnect(Transport::WebSocket, 1, &mut out);
    let now = sim.at();
    sim.agents[0].handle_tunnel_closed(now, TUNNEL);
    sim.drain();
    assert!(sim.run_until(cut + 60 * SECOND, |s| s.state(0) == IceConnectionState::Failed));
    let disconnected = sim.entered(0, IceConnectionState::Disconnected).unwrap() - cut;
    let failed = sim.entered(0, IceConnectionState::Failed).unwrap() - cut;
    println!("tunnel cut → disconnected {} ms, failed {} ms", disconnected / 1000, failed / 1000);
    assert!(disconnected <= 8_500_000 && failed <= 30 * SECOND + 100_000);

    // The relay is back: the driver reopens the tunnel, the app restarts ICE.
    sim.tunnel_up[0] = true;
    let now = sim.at();
    sim.agents[0].handle_tunnel_open(now, TUNNEL);
    sim.restart_both(1);
    let restart = sim.now;
    assert!(sim.run_until(restart + 20 * SECOND, |s| s.both_connected()), "{:?} {:?}", sim.state(0), sim.state(1));
    sim.run_until(sim.now + SECOND, |_| false);
    sim.assert_same_pair();
    println!("reconnected {} ms after the restart", (sim.now - restart) / 1000);
}

#[test]
fn trickled_candidates_after_checks_start() {
    let mut sim = Sim::new(6, [true, false]);
    // No candidate is signaled at first; A gets an address nobody answers
    // on, so A is checking before the real candidates trickle in. (Each
    // side needs the other's: a relay drops datagrams from an address its
    // client has no permission for, so a relay candidate is never learned
    // as peer-reflexive alone.)
    sim.signal = vec![false, false];
    let dead: Candidate = Candidate::parse("candidate:1 1 udp 100 127.0.0.1 40000 typ relay").unwrap();
    sim.agents[0].add_remote_candidate(Instant::ZERO, &dead).unwrap();
    sim.run_until(2 * SECOND, |_| false);
    assert_eq!(sim.state(0), IceConnectionState::Checking);
    for i in 0..2 {
        let trickled = sim.agents[1 - i].local_candidates();
        assert_eq!(trickled.len(), 1);
        sim.push(0, Packet::Candidate(i, trickled[0].clone()));
    }
    let t = sim.now;
    assert!(sim.run_until(t + 10 * SECOND, |s| s.both_connected()));
    println!("connected {} ms after the trickled candidate", (sim.now - t) / 1000);
}

#[test]
fn end_of_candidates_without_a_working_pair_fails() {
    let mut sim = Sim::new(8, [true, false]);
    sim.signal = vec![false, false];
    let dead: Candidate = Candidate::parse("candidate:1 1 udp 100 127.0.0.1 40000 typ relay").unwrap();
    sim.agents[0].add_remote_candidate(Instant::ZERO, &dead).unwrap();
    sim.agents[0].end_of_remote_candidates();
    assert!(sim.run_until(60 * SECOND, |s| s.state(0) == IceConnectionState::Failed));
    let failed = sim.entered(0, IceConnectionState::Failed).unwrap();
    println!("no working pair: failed at {} ms (RFC 8489 Rc=7 schedule, 39.5 s)", failed / 1000);
    assert!((39 * SECOND..41 * SECOND).contains(&failed));
}
