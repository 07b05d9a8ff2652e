//! The virtual-time harness of the data channel tests: two
//! [`DataChannels`] wired through the shared simulated network
//! (tests/sim's `net`) that drops, duplicates and delays packets (random
//! delays reorder them), driven in virtual time as str0m's and quinn's test
//! pairs are. The network's dice are seeded, so every run is the same.

// Each test file uses its own part of the harness.
#![allow(dead_code)]

use std::time::Duration;

use wasmrtc::datachannel::{
    ChannelId, ChannelInit, DataChannelEvent, DataChannels, SctpConfig, MAX_MESSAGE_SIZE,
};
use wasmrtc::jsep::DtlsRole;
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc_sim::net::{Impairments, Network};

/// A 10 ms link that loses nothing.
pub const PERFECT: Impairments = Impairments::reliable(Duration::from_millis(10));
/// The acceptance network: 10% loss, 5% duplication, 5–40 ms delay.
pub const LOSSY: Impairments = Impairments::lossy(0.10, 0.05, (5, 40));

/// One peer and everything it reported.
pub struct Side {
    pub dc: DataChannels,
    pub events: Vec<DataChannelEvent>,
}

impl Side {
    /// The messages received on `id`, in arrival order.
    pub fn messages(&self, id: ChannelId) -> Vec<(bool, Vec<u8>)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DataChannelEvent::Message { id: i, binary, data } if *i == id => Some((*binary, data.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn opened(&self) -> Vec<ChannelId> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DataChannelEvent::ChannelOpen(id) => Some(*id),
                _ => None,
            })
            .collect()
    }

    /// Channels the peer created: (handle, stream id, label), in announcement order.
    pub fn created_by_peer(&self) -> Vec<(ChannelId, u16, String)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DataChannelEvent::ChannelCreatedByPeer { id, channel } => {
                    Some((*id, channel.stream_id, channel.label.clone()))
                }
                _ => None,
            })
            .collect()
    }

    pub fn count(&self, pred: impl Fn(&DataChannelEvent) -> bool) -> usize {
        self.events.iter().filter(|e| pred(e)).count()
    }

    pub fn has(&self, event: &DataChannelEvent) -> bool {
        self.events.contains(event)
    }

    /// Position of an event in this side's event log.
    pub fn position(&self, event: &DataChannelEvent) -> Option<usize> {
        self.events.iter().position(|e| e == event)
    }
}

/// The two ends of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    A,
    B,
}

pub struct Pair {
    /// The DTLS client: even stream ids.
    pub a: Side,
    /// The DTLS server: odd stream ids.
    pub b: Side,
    pub now: Instant,
    net: Network<End>,
}

pub fn config(role: DtlsRole) -> SctpConfig {
    SctpConfig { remote_max_message_size: Some(MAX_MESSAGE_SIZE), ..SctpConfig::new(role) }
}

impl Pair {
    pub fn new(seed: u64, net: Impairments) -> Pair {
        Pair::with_configs(seed, net, config(DtlsRole::Client), config(DtlsRole::Server))
    }

    pub fn with_configs(seed: u64, net: Impairments, a: SctpConfig, b: SctpConfig) -> Pair {
        let mut random = Random::from_seed([seed as u8; 32]);
        let now = Instant::from_micros(1_000_000);
        Pair {
            a: Side { dc: DataChannels::new(a, &mut random, now), events: Vec::new() },
            b: Side { dc: DataChannels::new(b, &mut random, now), events: Vec::new() },
            now,
            net: Network::new(seed, net),
        }
    }

    /// Both sides start the association, as both do once DTLS is up.
    pub fn connect(&mut self) {
        let now = self.now;
        self.a.dc.connect(now);
        self.b.dc.connect(now);
        self.flush();
    }

    /// Connects and runs until both transports are up.
    pub fn connect_and_wait(&mut self) {
        self.connect();
        let up = self.run_until(Duration::from_secs(60), |p| {
            p.a.dc.max_channels().is_some() && p.b.dc.max_channels().is_some()
        });
        assert!(up, "the association did not come up");
    }

    pub fn create(&mut self, on_a: bool, init: ChannelInit) -> ChannelId {
        let side = if on_a { &mut self.a } else { &mut self.b };
        let id = side.dc.create_channel(init).expect("create_channel");
        self.flush();
        id
    }

    pub fn send(&mut self, on_a: bool, id: ChannelId, binary: bool, data: &[u8]) {
        let now = self.now;
        let side = if on_a { &mut self.a } else { &mut self.b };
        side.dc.send(now, id, binary, data).expect("send");
        self.flush();
    }

    pub fn close(&mut self, on_a: bool, id: ChannelId) {
        let now = self.now;
        let side = if on_a { &mut self.a } else { &mut self.b };
        side.dc.close_channel(now, id);
        self.flush();
    }

    /// Moves what both sides produced onto the network and into the logs.
    pub fn flush(&mut self) {
        for to_b in [true, false] {
            loop {
                let from = if to_b { &mut self.a } else { &mut self.b };
                let Some(packet) = from.dc.poll_transmit() else { break };
                let (src, dst) = if to_b { (End::A, End::B) } else { (End::B, End::A) };
                self.net.send(self.now, src, dst, packet);
            }
        }
        while let Some(e) = self.a.dc.poll_event() {
            self.a.events.push(e);
        }
        while let Some(e) = self.b.dc.poll_event() {
            self.b.events.push(e);
        }
    }

    /// Packets lost by the network so far.
    pub fn packets_lost(&self) -> u64 {
        self.net.stats().lost
    }

    fn next_time(&self) -> Option<Instant> {
        [self.net.next_delivery(), self.a.dc.poll_timeout(), self.b.dc.poll_timeout()].into_iter().flatten().min()
    }

    /// Advances virtual time to the next delivery or timer and handles it.
    pub fn step(&mut self) -> bool {
        self.flush();
        let Some(next) = self.next_time() else { return false };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(packet) = self.net.poll(now) {
            let side = if packet.to == End::B { &mut self.b } else { &mut self.a };
            side.dc.handle_sctp_packet(now, &packet.data);
            self.flush();
        }
        for side in [&mut self.a, &mut self.b] {
            if side.dc.poll_timeout().is_some_and(|t| t <= now) {
                side.dc.handle_timeout(now);
            }
        }
        self.flush();
        true
    }

    /// Runs until `done` holds (true) or `limit` of virtual time passed (false).
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut Pair) -> bool) -> bool {
        let end = self.now + limit;
        loop {
            if done(self) {
                return true;
            }
            if self.now >= end || !self.step() {
                return done(self);
            }
        }
    }

    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        self.run_until(d, |p| p.now >= end);
    }
}
