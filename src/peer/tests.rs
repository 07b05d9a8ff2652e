//! The peer's contract with its host: each call does its work, the polls
//! hand it out, a drain ends with the next deadline.

use std::time::Duration;

use super::*;
use crate::datachannel::ChannelInit;

fn peer(relays: usize) -> PeerConnection {
    let mut random = Random::from_seed([7; 32]);
    let certificate =
        Certificate::generate_ecdsa_p256(&mut random, 1_700_000_000_000, 1_800_000_000_000)
            .expect("certificate");
    let relays = (0..relays)
        .map(|i| Relay {
            url: format!("ws://127.0.0.1:{}/turn", 8080 + i),
            username: "u".into(),
            credential: "p".into(),
        })
        .collect();
    PeerConnection::new(
        PeerConfig {
            bundle_policy: BundlePolicy::Balanced,
            certificate,
            relays,
        },
        random,
    )
}

fn drain(pc: &mut PeerConnection) -> Vec<Output> {
    std::iter::from_fn(|| pc.poll_output()).collect()
}

fn offer(pc: &mut PeerConnection, now: Instant) {
    pc.create_data_channel(
        now,
        ChannelInit {
            label: "chat".into(),
            ..Default::default()
        },
    )
    .expect("channel");
    let offer = pc
        .create_offer(OfferOptions { ice_restart: false })
        .expect("offer");
    pc.set_local_description(now, SdpType::Offer, Some(&offer))
        .expect("sLD");
}

#[test]
fn a_drain_ends_with_the_earliest_deadline_then_none_once() {
    let mut pc = peer(2);
    offer(&mut pc, Instant::ZERO);
    assert_eq!(
        pc.poll_timeout(),
        None,
        "nothing is timed before a tunnel opens"
    );
    assert_eq!(
        drain(&mut pc),
        [
            Output::OpenTunnel {
                tunnel: TunnelId(0),
                url: "ws://127.0.0.1:8080/turn".into()
            },
            Output::OpenTunnel {
                tunnel: TunnelId(1),
                url: "ws://127.0.0.1:8081/turn".into()
            },
            Output::Event(Box::new(PeerEvent::IceGatheringStateChange(
                crate::ice::IceGatheringState::Gathering
            ))),
        ]
    );
    pc.handle_tunnel_open(Instant::ZERO, TunnelId(0));
    let deadline = pc.poll_timeout().expect("the Allocate request is timed");
    let outputs = drain(&mut pc);
    assert!(
        matches!(outputs.as_slice(), [Output::Transmit { tunnel: TunnelId(0), .. }, Output::Timeout(at)] if *at == deadline),
        "{outputs:?}"
    );
    assert_eq!(
        drain(&mut pc),
        [Output::Timeout(deadline)],
        "a later poll starts a new drain"
    );
}

#[test]
fn without_relays_gathering_completes_at_once_and_nothing_is_timed() {
    let mut pc = peer(0);
    assert_eq!(pc.poll_output(), None);
    offer(&mut pc, Instant::ZERO);
    let outputs = drain(&mut pc);
    assert_eq!(
        outputs.last(),
        Some(&Output::Event(Box::new(PeerEvent::IceCandidateEnd))),
        "{outputs:?}"
    );
    assert_eq!(drain(&mut pc), []);
}

#[test]
fn the_end_of_candidates_joins_the_description_as_its_event_is_taken() {
    let mut pc = peer(1);
    offer(&mut pc, Instant::ZERO);
    let ended = |pc: &PeerConnection| {
        pc.jsep()
            .local_description()
            .expect("local description")
            .1
            .contains("a=end-of-candidates")
    };
    pc.handle_tunnel_closed(Instant::ZERO + Duration::from_millis(5), TunnelId(0));
    // The only relay is gone, so gathering is complete; a description read
    // before the event is taken does not say so yet (as in the spec, where
    // it changes in the task that fires the event).
    assert!(!ended(&pc));
    let mut events = Vec::new();
    while let Some(output) = pc.poll_output() {
        if let Output::Event(e) = output {
            assert_eq!(ended(&pc), *e == PeerEvent::IceCandidateEnd, "after {e:?}");
            events.push(*e);
        }
    }
    assert!(
        events.iter().any(|e| matches!(
            e,
            PeerEvent::IceCandidateError {
                error_code: 701,
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(events.last(), Some(&PeerEvent::IceCandidateEnd));
    assert!(ended(&pc));
}

#[test]
fn close_ends_with_the_tunnels_closing() {
    let mut pc = peer(2);
    offer(&mut pc, Instant::ZERO);
    drain(&mut pc);
    pc.close(Instant::ZERO + Duration::from_secs(1));
    let outputs = drain(&mut pc);
    assert_eq!(pc.poll_timeout(), None);
    let closes = [
        Output::CloseTunnel {
            tunnel: TunnelId(0),
        },
        Output::CloseTunnel {
            tunnel: TunnelId(1),
        },
    ];
    assert_eq!(outputs, closes, "nothing is timed after close");
    assert_eq!(pc.connection_state(), PeerConnectionState::Closed);
}
