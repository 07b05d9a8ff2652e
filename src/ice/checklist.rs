//! The check list (RFC 8445 §6.1.2): candidates, the pairs formed from them
//! with their priorities (§6.1.2.3) and states (§6.1.2.6), freezing by
//! foundation as trickle ICE forms pairs (RFC 8838 §11), and which pair is
//! checked next (§6.1.4.2). Pair counters are those of
//! RTCIceCandidatePairStats (webrtc-stats §7.16).

use std::net::SocketAddr;

use super::arena::{LocalId, PairId, RemoteId};
use super::candidate::pair_priority;
use super::checks::CheckKind;
use super::config::TunnelId;
use super::IceAgent;
use crate::sdp::Candidate;
use crate::time::Instant;

/// Bounds on what a peer can make the agent hold (RFC 8445 §6.1.2.5
/// suggests 100 pairs).
pub(super) const MAX_REMOTE_CANDIDATES: usize = 100;
const MAX_PAIRS: usize = 100;

/// A local candidate: the relayed address of one TURN allocation.
pub(super) struct Local {
    pub tunnel: TunnelId,
    pub address: SocketAddr,
    /// The priority a peer-reflexive candidate learned from our checks would
    /// have: the PRIORITY attribute (RFC 8445 §7.1.1).
    pub prflx_priority: u32,
    pub candidate: Candidate,
    pub url: String,
    /// False once its allocation is gone; its pairs then fail.
    pub alive: bool,
}

/// A remote candidate, signaled or peer-reflexive (RFC 8445 §7.3.1.3).
pub(super) struct Remote {
    pub address: SocketAddr,
    pub candidate: Candidate,
}

/// RFC 8445 §6.1.2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PairState {
    Frozen,
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

impl PairState {
    /// webrtc-stats RTCStatsIceCandidatePairState.
    fn as_str(self) -> &'static str {
        match self {
            PairState::Frozen => "frozen",
            PairState::Waiting => "waiting",
            PairState::InProgress => "in-progress",
            PairState::Succeeded => "succeeded",
            PairState::Failed => "failed",
        }
    }
}

pub(super) struct Pair {
    pub local: LocalId,
    pub remote: RemoteId,
    pub priority: u64,
    pub state: PairState,
    pub nominated: bool,
    /// The controlled agent saw USE-CANDIDATE before the pair succeeded:
    /// it is nominated when its own check succeeds (RFC 8445 §7.3.1.5).
    pub nominate_on_success: bool,
    pub stats: PairStats,
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

impl IceAgent {
    /// The pair and both its candidates, if `p` is of this generation.
    pub(super) fn pair_ends(&self, p: PairId) -> Option<(&Pair, &Local, &Remote)> {
        let pair = self.pairs.get(p)?;
        Some((pair, self.locals.get(pair.local)?, self.remotes.get(pair.remote)?))
    }

    /// The pair of `local` with the remote candidate at `peer`.
    pub(super) fn pair_of(&self, local: LocalId, peer: SocketAddr) -> Option<PairId> {
        self.pairs.find(|p| p.local == local && self.remotes.get(p.remote).is_some_and(|r| r.address == peer))
    }

    /// RFC 8445 §6.1.2.2 (pairing by address family), §6.1.2.5 (bounded);
    /// an existing pair is returned as it is.
    pub(super) fn add_pair(&mut self, now: Instant, local: LocalId, remote: RemoteId) -> Option<PairId> {
        let (l, rem) = (self.locals.get(local)?, self.remotes.get(remote)?);
        if let Some(p) = self.pairs.find(|p| p.local == local && p.remote == remote) {
            return Some(p);
        }
        // The limit bounds new pairs only: a full check list still answers for its own.
        if !l.alive || l.address.is_ipv4() != rem.address.is_ipv4() || self.pairs.len() >= MAX_PAIRS {
            return None;
        }
        let (peer, tunnel) = (rem.address, l.tunnel);
        // RFC 8838 §11: a new pair waits unless a pair of its foundation is
        // already being checked, in which case it is frozen behind it.
        let foundation = self.pair_foundation(local, remote)?;
        let busy = self.pairs.values().any(|p| {
            matches!(p.state, PairState::Waiting | PairState::InProgress)
                && self.pair_foundation(p.local, p.remote).as_ref() == Some(&foundation)
        });
        let state = if busy { PairState::Frozen } else { PairState::Waiting };
        let priority = self.compute_pair_priority(local, remote)?;
        let p = self.pairs.push(Pair {
            local,
            remote,
            priority,
            state,
            nominated: false,
            nominate_on_success: false,
            stats: PairStats::default(),
        });
        // The peer's checks only reach us through a permission for its address.
        if let Some(r) = self.relay_of(tunnel) {
            if let Some(client) = self.relays.get_mut(r).and_then(|r| r.client.as_mut()) {
                client.create_permission(now, peer.ip());
            }
            self.drain_turn(now, r);
        }
        Some(p)
    }

    /// RFC 8445 §6.1.2.6: a pair's foundation is its candidates' foundations.
    pub(super) fn pair_foundation(&self, local: LocalId, remote: RemoteId) -> Option<(String, String)> {
        let (l, r) = (self.locals.get(local)?, self.remotes.get(remote)?);
        Some((l.candidate.foundation.clone(), r.candidate.foundation.clone()))
    }

    /// The Frozen pairs of `foundation`, in the order they were formed.
    fn frozen_of(&self, foundation: &(String, String)) -> impl Iterator<Item = PairId> + '_ {
        let foundation = foundation.clone();
        self.pairs
            .iter()
            .filter(move |(_, q)| {
                q.state == PairState::Frozen && self.pair_foundation(q.local, q.remote).as_ref() == Some(&foundation)
            })
            .map(|(q, _)| q)
    }

    /// RFC 8445 §7.2.5.3.3: a pair succeeded; the Frozen pairs of its
    /// foundation become Waiting.
    pub(super) fn unfreeze_foundation(&mut self, p: PairId) {
        let Some(foundation) = self.pairs.get(p).and_then(|pair| self.pair_foundation(pair.local, pair.remote)) else {
            return;
        };
        for q in self.frozen_of(&foundation).collect::<Vec<_>>() {
            if let Some(pair) = self.pairs.get_mut(q) {
                pair.state = PairState::Waiting;
            }
        }
    }

    fn compute_pair_priority(&self, local: LocalId, remote: RemoteId) -> Option<u64> {
        let (ours, theirs) = (self.locals.get(local)?.candidate.priority, self.remotes.get(remote)?.candidate.priority);
        Some(if self.controlling { pair_priority(ours, theirs) } else { pair_priority(theirs, ours) })
    }

    /// After a role switch or a changed remote candidate priority.
    pub(super) fn recompute_priorities(&mut self) {
        for p in self.pairs.ids() {
            let priority = self.pairs.get(p).and_then(|pair| self.compute_pair_priority(pair.local, pair.remote));
            if let (Some(priority), Some(pair)) = (priority, self.pairs.get_mut(p)) {
                pair.priority = priority;
            }
        }
    }

    /// Forgets this generation's remote candidates, pairs and checks: ids
    /// of them held anywhere stop finding anything. Data keeps its route
    /// (RFC 8445 §9) unless consent for it had expired; the consent timers
    /// go with the selected pair they judged, so none is left in the past.
    pub(super) fn clear_generation(&mut self) {
        self.remotes.clear();
        self.pairs.clear();
        self.checks.clear();
        self.triggered.clear();
        self.selected = None;
        self.first_valid_at = None;
        self.end_of_remote_candidates = false;
        if self.consent.as_ref().is_some_and(|c| c.failed) {
            self.route = None;
        }
        self.consent = None;
    }

    pub(super) fn has_check_to_send(&self) -> bool {
        self.remote_credentials.is_some()
            && (!self.triggered.is_empty()
                || self.pairs.values().any(|p| matches!(p.state, PairState::Waiting | PairState::Frozen)))
    }

    /// RFC 8445 §6.1.4.2: a triggered check first, else the highest-priority
    /// Waiting pair, else the highest-priority Frozen one.
    pub(super) fn next_pair_to_check(&mut self) -> Option<PairId> {
        while let Some(p) = self.triggered.pop_front() {
            if self.pairs.get(p).is_some_and(|pair| pair.state == PairState::Waiting) {
                return Some(p);
            }
        }
        let best =
            |state| self.pairs.iter().filter(|(_, p)| p.state == state).max_by_key(|(_, p)| p.priority).map(|(p, _)| p);
        best(PairState::Waiting).or_else(|| best(PairState::Frozen))
    }

    /// The highest-priority succeeded pair whose allocation still exists.
    pub(super) fn best_valid(&self) -> Option<PairId> {
        self.pairs
            .iter()
            .filter(|(_, p)| p.state == PairState::Succeeded && self.locals.get(p.local).is_some_and(|l| l.alive))
            .max_by_key(|(_, p)| p.priority)
            .map(|(p, _)| p)
    }

    pub(super) fn pair_failed(&mut self, p: PairId) {
        let Some(pair) = self.pairs.get_mut(p) else {
            return;
        };
        pair.state = PairState::Failed;
        pair.nominate_on_success = false;
        let (local, remote) = (pair.local, pair.remote);
        self.checks.retain(|_, c| c.pair != p || c.kind == CheckKind::Consent);
        // A frozen pair of the same foundation is no longer behind anything.
        let Some(foundation) = self.pair_foundation(local, remote) else {
            return;
        };
        let first = self.frozen_of(&foundation).next();
        if let Some(q) = first {
            if let Some(pair) = self.pairs.get_mut(q) {
                pair.state = PairState::Waiting;
            }
        }
    }

    pub(super) fn count_sent(&mut self, now: Instant, p: PairId, len: usize, sent: bool) {
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

    pub(super) fn count_received(&mut self, now: Instant, local: LocalId, peer: SocketAddr, len: usize) {
        let Some(p) = self.pair_of(local, peer) else { return };
        if let Some(pair) = self.pairs.get_mut(p) {
            pair.stats.packets_received += 1;
            pair.stats.bytes_received += len as u64;
            pair.stats.last_packet_received = Some(now);
        }
    }

    /// getStats: every pair with its counters.
    pub fn pair_reports(&self) -> Vec<PairReport> {
        self.pairs
            .iter()
            .filter_map(|(id, p)| {
                Some(PairReport {
                    local: self.locals.get(p.local)?.candidate.clone(),
                    remote: self.remotes.get(p.remote)?.candidate.clone(),
                    state: p.state.as_str(),
                    nominated: p.nominated,
                    priority: p.priority,
                    selected: self.selected == Some(id),
                    stats: p.stats,
                })
            })
            .collect()
    }
}
