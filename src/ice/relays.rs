//! Gathering over TURN (RFC 8445 §5.1.1.2, relayed candidates; RFC 8656):
//! one allocation per relay, each through its tunnel, whose relayed address
//! is the local candidate; the TURN client's permissions, channels and data
//! carry every check and datagram of the pairs on it.

use std::net::SocketAddr;

use super::arena::{LocalId, PairId, RelayId};
use super::candidate::{
    priority, relay_candidate, relay_foundation, COMPONENT, TYPE_PREFERENCE_PRFLX, TYPE_PREFERENCE_RELAY,
};
use super::checklist::{Local, PairState};
use super::config::{RelayConfig, TunnelId};
use super::state::IceEvent;
use super::IceAgent;
use crate::time::Instant;
use crate::turn::{TurnClient, TurnConfig, TurnEvent};

/// One relay from iceServers and its current allocation.
pub(super) struct Relay {
    pub config: RelayConfig,
    /// The local preference of its candidates: earlier relays are preferred
    /// (RFC 8445 §5.1.2.1).
    pub preference: u16,
    pub client: Option<TurnClient>,
    /// The local candidate of the current allocation.
    pub local: Option<LocalId>,
    /// Whether this relay's allocation is still being gathered.
    pub gathering: bool,
    pub open: bool,
}

impl IceAgent {
    pub(super) fn relay_of(&self, tunnel: TunnelId) -> Option<RelayId> {
        self.relays.find(|r| r.config.tunnel == tunnel)
    }

    /// A fresh allocation on relay `r`; the candidate of the one before is
    /// lost.
    pub(super) fn allocate(&mut self, now: Instant, r: RelayId) {
        let Some(relay) = self.relays.get_mut(r) else {
            return;
        };
        let c = &relay.config;
        let config =
            TurnConfig { username: c.username.clone(), credential: c.credential.clone(), reliable: c.reliable };
        let mut client = TurnClient::new(config, &mut self.random);
        client.start(now);
        relay.client = Some(client);
        relay.gathering = true;
        if let Some(l) = relay.local.take() {
            self.local_lost(l);
        }
        self.drain_turn(now, r);
    }

    /// Moves the TURN client's output into the agent's.
    pub(super) fn drain_turn(&mut self, now: Instant, r: RelayId) {
        loop {
            let Some(relay) = self.relays.get_mut(r) else {
                return;
            };
            let (tunnel, local) = (relay.config.tunnel, relay.local);
            let Some(client) = relay.client.as_mut() else {
                return;
            };
            if let Some(bytes) = client.poll_transmit() {
                self.transmits.push_back((tunnel, bytes));
                continue;
            }
            let Some(event) = client.poll_event() else {
                return;
            };
            match event {
                TurnEvent::Allocated { relayed, mapped } => self.allocated(now, r, relayed, mapped),
                TurnEvent::Data { peer, data } => {
                    let Some(l) = local else {
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
                    let Some(l) = local else {
                        continue;
                    };
                    let doomed: Vec<PairId> = self
                        .pairs
                        .iter()
                        .filter(|(_, pair)| {
                            pair.local == l
                                && self.remotes.get(pair.remote).is_some_and(|r| r.address.ip() == peer)
                                && pair.state != PairState::Succeeded
                        })
                        .map(|(p, _)| p)
                        .collect();
                    for p in doomed {
                        self.pair_failed(p);
                    }
                }
                TurnEvent::Failed { code, reason } => match self.relays.get_mut(r).and_then(|r| r.local.take()) {
                    Some(l) => self.local_lost(l),
                    None => {
                        if let Some(relay) = self.relays.get_mut(r) {
                            relay.gathering = false;
                            let url = relay.config.url.clone();
                            self.events.push_back(IceEvent::CandidateError {
                                url,
                                error_code: code,
                                error_text: reason,
                            });
                        }
                        self.update_gathering();
                    }
                },
            }
        }
    }

    /// The allocation exists: its relayed address is a new local candidate,
    /// paired with every remote one.
    fn allocated(&mut self, now: Instant, r: RelayId, relayed: SocketAddr, mapped: Option<SocketAddr>) {
        let Some(relay) = self.relays.get(r) else {
            return;
        };
        let (url, preference, tunnel) = (relay.config.url.clone(), relay.preference, relay.config.tunnel);
        let foundation = relay_foundation(&url, relayed.ip());
        let candidate = relay_candidate(
            &foundation,
            priority(TYPE_PREFERENCE_RELAY, preference, COMPONENT),
            relayed,
            mapped,
            &self.ufrag,
        );
        let l = self.locals.push(Local {
            tunnel,
            address: relayed,
            prflx_priority: priority(TYPE_PREFERENCE_PRFLX, preference, COMPONENT),
            candidate: candidate.clone(),
            url: url.clone(),
            alive: true,
        });
        if let Some(relay) = self.relays.get_mut(r) {
            relay.local = Some(l);
            relay.gathering = false;
        }
        self.events.push_back(IceEvent::LocalCandidate { candidate, url });
        for remote in self.remotes.ids() {
            self.add_pair(now, l, remote);
        }
        self.update_gathering();
    }

    /// The allocation behind `l` is gone: its pairs that have not succeeded
    /// fail (a succeeded one keeps its state; consent judges it).
    pub(super) fn local_lost(&mut self, l: LocalId) {
        if let Some(local) = self.locals.get_mut(l) {
            local.alive = false;
        }
        let doomed: Vec<PairId> = self.pairs.iter().filter(|(_, p)| p.local == l).map(|(p, _)| p).collect();
        for p in doomed {
            if self.pairs.get(p).is_some_and(|pair| pair.state != PairState::Succeeded) {
                self.pair_failed(p);
            }
        }
    }

    /// Sends a check on pair `p` through its relay; a check that
    /// cannot leave fails its pair.
    pub(super) fn send_on_pair(&mut self, now: Instant, p: PairId, bytes: &[u8]) {
        let Some((_, local, remote)) = self.pair_ends(p) else {
            return;
        };
        let (tunnel, peer, alive) = (local.tunnel, remote.address, local.alive);
        let Some(r) = self.relay_of(tunnel) else {
            return;
        };
        let sent = match self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
            Some(client) if alive => client.send_to(now, peer, bytes).is_ok(),
            _ => false,
        };
        self.count_sent(now, p, bytes.len(), sent);
        self.drain_turn(now, r);
        if !sent && self.pairs.get(p).is_some_and(|pair| pair.state == PairState::InProgress) {
            self.pair_failed(p);
        }
    }
}
