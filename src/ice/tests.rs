//! The agent's arithmetic and input handling. Two agents connecting
//! through the relay's TURN server are in relay/tests/ice_agents.rs.

use super::*;

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
    assert!(a.pairs.is_empty());
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
