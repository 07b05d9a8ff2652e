//! The agent's arithmetic and input handling. Two agents connecting
//! through the relay's TURN server are in relay/tests/ice_agents.rs.

use super::candidate::*;
use super::*;
use std::time::Duration;

use crate::stun::{Attribute, Class, ErrorCode, IntegrityAlgorithm, Message, Method};

fn agent(relays: Vec<RelayConfig>) -> IceAgent {
    let mut random = Random::from_seed([9; 32]);
    let config = IceConfig { relays, controlling: true, ufrag: "abcd".into(), pwd: "p".repeat(22) };
    IceAgent::new(config, &mut random, Instant::ZERO)
}

fn relay(tunnel: u32) -> RelayConfig {
    RelayConfig {
        tunnel: TunnelId(tunnel),
        url: format!("ws://127.0.0.1:{tunnel}/turn"),
        username: "u".into(),
        credential: "c".into(),
        reliable: true,
    }
}

fn events(a: &mut IceAgent) -> Vec<IceEvent> {
    std::iter::from_fn(|| a.poll_event()).collect()
}

#[test]
fn priorities_follow_rfc_8445() {
    // §5.1.2.1 with the recommended preferences.
    assert_eq!(priority(TYPE_PREFERENCE_RELAY, 65535, 1), 0x00FF_FFFF);
    assert_eq!(priority(TYPE_PREFERENCE_PRFLX, 65535, 1), 0x6EFF_FFFF);
    assert_eq!(priority(126, 65535, 2), 0x7EFF_FFFE);
    assert_eq!(local_preference(0), 65535);
    assert_eq!(local_preference(1_000_000), 0);
    // §6.1.2.3: symmetric but for the last bit, which favours the controlling side.
    assert_eq!(pair_priority(10, 20), (10u64 << 32) + 40);
    assert_eq!(pair_priority(20, 10), (10u64 << 32) + 41);
    assert_eq!(pair_priority(u32::MAX, u32::MAX), u64::MAX, "hostile priorities saturate");
    // Foundations: the same relay and base give the same one.
    let ip = "198.51.100.1".parse().unwrap();
    assert_eq!(relay_foundation("ws://a/turn", ip), relay_foundation("ws://a/turn", ip));
    assert_ne!(relay_foundation("ws://a/turn", ip), relay_foundation("ws://b/turn", ip));
}

#[test]
fn unusable_candidates_are_accepted_and_ignored() {
    let mut a = agent(vec![]);
    for text in [
        "candidate:1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active",
        "candidate:2 1 udp 2122260223 ::1 50000 typ host",
        "candidate:3 1 udp 2122260223 0f8b1a5c-6e3e-4a2c-9d1e-1b2c3d4e5f60.local 50000 typ host",
        "candidate:4 2 udp 2122260222 192.0.2.1 50001 typ host",
        "candidate:5 1 udp 2122260223 192.0.2.1 0 typ host",
        "candidate:6 1 UDP 2122260223 192.0.2.1 50000 typ host",
    ] {
        let c = Candidate::parse(text).unwrap();
        assert_eq!(a.add_remote_candidate(Instant::ZERO, &c), Ok(()), "{text}");
    }
    // ::1 and the UDP one (upper case) are kept; with no relay of either
    // family they have no pair.
    assert_eq!(a.remote_candidates().len(), 2);
    assert!(a.pair_reports().is_empty());
    assert_eq!(
        usable_address(&Candidate::parse("candidate:6 1 UDP 1 192.0.2.1 5 typ host").unwrap()),
        Ok("192.0.2.1:5".parse().unwrap())
    );
}

#[test]
fn a_candidate_of_another_generation_is_an_operation_error() {
    let mut a = agent(vec![]);
    a.set_remote_credentials("theirs".into(), "x".repeat(22));
    let c = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 5 typ host ufrag old").unwrap();
    assert_eq!(a.add_remote_candidate(Instant::ZERO, &c).unwrap_err().name, crate::error::ErrorName::OperationError);
    a.close(Instant::ZERO);
    assert_eq!(a.add_remote_candidate(Instant::ZERO, &c).unwrap_err().name, crate::error::ErrorName::InvalidStateError);
}

#[test]
fn no_relays_means_gathering_completes_at_once_and_end_of_candidates_fails() {
    let mut a = agent(vec![]);
    assert_eq!(
        events(&mut a),
        vec![
            IceEvent::GatheringStateChange(IceGatheringState::Gathering),
            IceEvent::GatheringStateChange(IceGatheringState::Complete),
            IceEvent::GatheringComplete,
        ]
    );
    a.set_remote_credentials("theirs".into(), "x".repeat(22));
    let c = Candidate::parse("candidate:1 1 udp 1 192.0.2.1 5 typ host").unwrap();
    a.add_remote_candidate(Instant::ZERO, &c).unwrap();
    a.end_of_remote_candidates();
    a.handle_timeout(Instant::ZERO);
    assert_eq!(events(&mut a), vec![IceEvent::ConnectionStateChange(IceConnectionState::Failed)]);
    assert!(a.send(Instant::ZERO, b"x").is_err());
}

#[test]
fn a_relay_that_cannot_be_reached_is_a_candidate_error() {
    let mut a = agent(vec![relay(1), relay(2)]);
    events(&mut a);
    a.handle_tunnel_closed(Instant::ZERO, TunnelId(1));
    assert_eq!(
        events(&mut a),
        vec![IceEvent::CandidateError {
            url: "ws://127.0.0.1:1/turn".into(),
            error_code: 701,
            error_text: "the relay's tunnel closed".into()
        }]
    );
    assert_eq!(a.gathering_state(), IceGatheringState::Gathering);
    a.handle_tunnel_open(Instant::ZERO, TunnelId(2));
    let (tunnel, allocate) = a.poll_transmit().unwrap();
    assert_eq!(tunnel, TunnelId(2));
    let allocate = Message::decode(&allocate).unwrap();
    assert_eq!(allocate.method, Method::ALLOCATE);
    let refused =
        allocate.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(403))).encode().unwrap();
    a.handle_tunnel_message(Instant::ZERO, TunnelId(2), &refused);
    assert_eq!(
        events(&mut a),
        vec![
            IceEvent::CandidateError {
                url: "ws://127.0.0.1:2/turn".into(),
                error_code: 403,
                error_text: "Forbidden".into()
            },
            IceEvent::GatheringStateChange(IceGatheringState::Complete),
            IceEvent::GatheringComplete,
        ]
    );
}

#[test]
fn garbage_from_a_tunnel_never_panics() {
    let mut a = agent(vec![relay(1)]);
    a.handle_tunnel_open(Instant::ZERO, TunnelId(1));
    let mut r = Random::from_seed([4; 32]);
    for len in 0..200 {
        let mut b = vec![0u8; len];
        r.fill(&mut b);
        a.handle_tunnel_message(Instant::ZERO, TunnelId(1), &b);
        a.handle_tunnel_message(Instant::ZERO, TunnelId(7), &b);
    }
    // The allocation timed out (no valid answer came): a candidate error.
    a.handle_timeout(Instant::from_micros(40_000_000));
    assert!(events(&mut a).iter().any(|e| matches!(e, IceEvent::CandidateError { error_code: 701, .. })));
}

// ----- a relay answering the agent, and a peer behind it -----

const RELAYED: &str = "198.51.100.7:40000";
const THEIR_PWD: &str = "their-password-of-22ch";

fn at(ms: u64) -> Instant {
    Instant::from_micros(ms * 1000)
}

/// Answers every TURN request the agent sent as a relay would (a 401
/// challenge first, then success); returns the peer-bound datagrams of its
/// Send indications as (peer, bytes).
fn relay_answers(a: &mut IceAgent, now: Instant) -> Vec<(SocketAddr, Vec<u8>)> {
    let key = crate::stun::long_term_key("u", "r", "c");
    let mut to_peers = Vec::new();
    while let Some((tunnel, bytes)) = a.poll_transmit() {
        let Ok(m) = Message::decode(&bytes) else { continue };
        if m.class == Class::Indication && m.method == Method::SEND {
            to_peers.push((m.xor_peer_addresses().next().unwrap(), m.data().unwrap().to_vec()));
            continue;
        }
        let answer = if m.username().is_none() {
            m.response(Class::ErrorResponse)
                .with(Attribute::ErrorCode(ErrorCode::new(401)))
                .with(Attribute::Realm("r".into()))
                .with(Attribute::Nonce("n".into()))
                .encode()
                .unwrap()
        } else {
            let mut ok = m.response(Class::SuccessResponse);
            if m.method == Method::ALLOCATE {
                ok = ok.with(Attribute::XorRelayedAddress(RELAYED.parse().unwrap())).with(Attribute::Lifetime(600));
            }
            ok.encode_with(Some((IntegrityAlgorithm::Sha1, &key)), false).unwrap()
        };
        a.handle_tunnel_message(now, tunnel, &answer);
    }
    to_peers
}

/// `bytes` from `peer`, as the relay delivers them: a Data indication.
fn from_peer(a: &mut IceAgent, now: Instant, peer: SocketAddr, bytes: &[u8]) {
    let indication = Message::new(Method::DATA, Class::Indication, [3; 12])
        .with(Attribute::XorPeerAddress(peer))
        .with(Attribute::Data(bytes.to_vec()))
        .encode()
        .unwrap();
    a.handle_tunnel_message(now, TunnelId(1), &indication);
}

fn allocated_agent() -> IceAgent {
    let mut a = agent(vec![relay(1)]);
    a.handle_tunnel_open(Instant::ZERO, TunnelId(1));
    relay_answers(&mut a, Instant::ZERO);
    assert_eq!(a.local_candidates().len(), 1);
    a
}

fn host(address: &str) -> Candidate {
    let (ip, port) = address.rsplit_once(':').unwrap();
    Candidate::parse(&format!("candidate:7 1 udp 2122260223 {ip} {port} typ host")).unwrap()
}

#[test]
fn ids_from_before_a_restart_find_nothing() {
    let mut a = allocated_agent();
    let old_peer: SocketAddr = "192.0.2.1:5000".parse().unwrap();
    a.set_remote_credentials("theirs".into(), THEIR_PWD.into());
    a.add_remote_candidate(at(0), &host("192.0.2.1:5000")).unwrap();
    a.handle_timeout(at(0));
    let sent = relay_answers(&mut a, at(0));
    let (peer, old_check) = sent.into_iter().find(|(_, b)| crate::stun::is_stun(b)).expect("a check went out");
    assert_eq!(peer, old_peer);
    let old_check = Message::decode(&old_check).unwrap();
    let old = a.pairs.ids()[0];

    // Both sides restart; the new generation's first pair takes the slot
    // the old one had.
    a.restart(at(10), "efgh".into(), "q".repeat(22));
    a.set_remote_credentials("theirs2".into(), THEIR_PWD.into());
    a.add_remote_candidate(at(10), &host("192.0.2.9:6000")).unwrap();
    relay_answers(&mut a, at(10));
    events(&mut a);
    let new = a.pairs.ids()[0];
    assert_ne!(old, new);
    assert!(a.pairs.get(old).is_none() && a.pair_ends(old).is_none());
    let before = a.pair_reports();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].state, "waiting");

    // A check of the old generation left behind, and every internal use of
    // the old id: all miss, none touches the new pair.
    let leftover = checks::Check {
        pair: old,
        kind: CheckKind::Connectivity { nominating: true },
        claimed_controlling: true,
        bytes: old_check.encode().unwrap(),
        retransmit: crate::turn::transaction::Retransmit::new(at(10), true, Duration::from_millis(500)),
        sent_at: at(10),
    };
    a.checks.insert(old_check.transaction_id, leftover);
    let success = old_check
        .response(Class::SuccessResponse)
        .with(Attribute::XorMappedAddress(RELAYED.parse().unwrap()))
        .encode_with(Some((IntegrityAlgorithm::Sha1, THEIR_PWD.as_bytes())), true)
        .unwrap();
    from_peer(&mut a, at(11), old_peer, &success);
    a.pair_failed(old);
    a.nominate(at(11), old);
    a.send_check(at(11), old, true);
    a.send_on_pair(at(11), old, b"x");
    a.count_sent(at(11), old, 1, true);
    a.unfreeze_foundation(old);
    a.triggered.push_back(old);
    assert_eq!(a.next_pair_to_check(), Some(new), "a stale triggered check is skipped");
    assert_eq!(a.pair_reports(), before);
    assert_eq!(a.selected_pair(), None);
    assert!(a.poll_transmit().is_none());
    assert_eq!(events(&mut a), vec![]);
    // The leftover times out (39.5 s): its pair is gone, so nothing fails.
    a.checks.retain(|_, c| c.pair == old);
    a.handle_timeout(at(40_000));
    assert_ne!(a.pair_reports()[0].state, "failed", "{:?}", a.pair_reports());
}

#[test]
fn a_response_to_a_check_of_the_old_generation_is_ignored() {
    let mut a = allocated_agent();
    let peer: SocketAddr = "192.0.2.1:5000".parse().unwrap();
    a.set_remote_credentials("theirs".into(), THEIR_PWD.into());
    a.add_remote_candidate(at(0), &host("192.0.2.1:5000")).unwrap();
    a.handle_timeout(at(0));
    let (_, check) = relay_answers(&mut a, at(0)).into_iter().find(|(_, b)| crate::stun::is_stun(b)).unwrap();
    let check = Message::decode(&check).unwrap();
    // The peer restarts (a new ufrag) but keeps its address: the same
    // candidate comes back as a new pair in the same slot.
    a.set_remote_credentials("theirs2".into(), THEIR_PWD.into());
    a.add_remote_candidate(at(5), &host("192.0.2.1:5000")).unwrap();
    relay_answers(&mut a, at(5));
    let success = check
        .response(Class::SuccessResponse)
        .with(Attribute::XorMappedAddress(RELAYED.parse().unwrap()))
        .encode_with(Some((IntegrityAlgorithm::Sha1, THEIR_PWD.as_bytes())), true)
        .unwrap();
    from_peer(&mut a, at(6), peer, &success);
    let reports = a.pair_reports();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].state, "waiting", "the new pair did not succeed on the old check's answer");
    assert_eq!(reports[0].stats.responses_received, 0);
    // Its own check does make it succeed.
    a.handle_timeout(at(100));
    let (_, check) = relay_answers(&mut a, at(100)).into_iter().find(|(_, b)| crate::stun::is_stun(b)).unwrap();
    let check = Message::decode(&check).unwrap();
    let success = check
        .response(Class::SuccessResponse)
        .with(Attribute::XorMappedAddress(RELAYED.parse().unwrap()))
        .encode_with(Some((IntegrityAlgorithm::Sha1, THEIR_PWD.as_bytes())), true)
        .unwrap();
    from_peer(&mut a, at(120), peer, &success);
    assert_eq!(a.pair_reports()[0].state, "succeeded");
}

/// Answers the agent's Binding requests from `peer` with success.
fn peer_answers(a: &mut IceAgent, now: Instant, sent: Vec<(SocketAddr, Vec<u8>)>) {
    for (peer, bytes) in sent {
        let Ok(check) = Message::decode(&bytes) else { continue };
        let success = check
            .response(Class::SuccessResponse)
            .with(Attribute::XorMappedAddress(RELAYED.parse().unwrap()))
            .encode_with(Some((IntegrityAlgorithm::Sha1, THEIR_PWD.as_bytes())), true)
            .unwrap();
        from_peer(a, now, peer, &success);
    }
}

/// A controlling agent whose only pair is checked, nominated and selected.
fn connected_agent() -> IceAgent {
    let mut a = allocated_agent();
    a.set_remote_credentials("theirs".into(), THEIR_PWD.into());
    a.add_remote_candidate(at(0), &host("192.0.2.1:5000")).unwrap();
    a.handle_timeout(at(0));
    for ms in [0, 10, 20] {
        let sent = relay_answers(&mut a, at(ms));
        peer_answers(&mut a, at(ms), sent);
    }
    assert!(a.selected_pair().is_some(), "{:?}", a.pair_reports());
    events(&mut a);
    a
}

#[test]
fn the_peer_restarting_leaves_no_consent_deadline_in_the_past() {
    // Found by the ice_agent fuzz target: after the peer's new ufrag
    // cleared the check list, the consent timers of the pair that was
    // selected stayed, and poll_timeout kept returning their past deadline
    // (a host would spin on it).
    let mut a = connected_agent();
    a.handle_timeout(at(7_000));
    relay_answers(&mut a, at(7_000));
    assert_eq!(a.pair_reports()[0].stats.consent_requests_sent, 1, "a consent check is unanswered");
    a.set_remote_credentials("theirs-restarted".into(), THEIR_PWD.into());
    for ms in [10_000, 20_000, 60_000] {
        a.handle_timeout(at(ms));
        relay_answers(&mut a, at(ms));
        assert!(a.poll_timeout().is_none_or(|t| t > at(ms)), "{:?} at {ms} ms", a.poll_timeout());
    }
    // Data keeps its route until the new generation selects a pair.
    assert_eq!(a.connection_state(), IceConnectionState::Connected);
    assert!(a.send(at(60_000), b"\x17dtls").is_ok());
}

/// A check list at its limit of 100 pairs still counts, and answers on, the
/// pairs it has: a Binding request from the peer on the first pair is one of
/// that pair's requests received.
#[test]
fn a_full_check_list_still_knows_its_pairs() {
    let mut a = connected_agent();
    for i in 0..150u16 {
        a.add_remote_candidate(at(30), &host(&format!("192.0.2.2:{}", 6000 + i))).unwrap();
    }
    assert_eq!(a.pair_reports().len(), 100, "the limit holds");
    let first = |a: &IceAgent| {
        a.pair_reports().into_iter().find(|r| r.remote.port == 5000).expect("the first pair").stats.requests_received
    };
    let before = first(&a);
    let request = Message::new(Method::BINDING, Class::Request, [5; 12])
        .with(Attribute::Username("abcd:theirs".into()))
        .with(crate::stun::ice_attributes::priority(1_000))
        .with(crate::stun::ice_attributes::ice_role(crate::stun::ice_attributes::IceRole::Controlled(1)))
        .encode_with(Some((IntegrityAlgorithm::Sha1, "p".repeat(22).as_bytes())), true)
        .unwrap();
    from_peer(&mut a, at(40), "192.0.2.1:5000".parse().unwrap(), &request);
    assert_eq!(first(&a), before + 1);
}
