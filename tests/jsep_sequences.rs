//! Random sequences of webrtc-pc operations on two sessions, with the
//! invariants every completed offer/answer exchange must leave: both sides
//! stable, the offerer with nothing left to negotiate (webrtc-pc §4.7.3),
//! the two sides agreeing on mids and (reversed) current directions, and
//! sections never reordered (RFC 8829 §5.2.2).

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use wasmrtc::jsep::{
    BundlePolicy, JsepConfig, MediaKind, OfferOptions, SdpType, Session, SignalingState, TransceiverDirection,
};
use wasmrtc::random::Random;
use wasmrtc::sdp::SessionDescription;

#[derive(Debug, Clone)]
enum Op {
    AddTransceiver(bool, bool, u8),
    AddTrack(bool, bool),
    SetDirection(bool, usize, u8),
    Stop(bool, usize),
    RemoveTrack(bool, usize),
    SetStreams(bool, usize, u8),
    AddDataChannel(bool),
    RestartIce(bool),
    Negotiate(bool),
    RollbackLocal(bool),
    RollbackRemote(bool),
    Glare(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (any::<bool>(), any::<bool>(), 0..4u8).prop_map(|(s, v, d)| Op::AddTransceiver(s, v, d)),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(s, v)| Op::AddTrack(s, v)),
        1 => (any::<bool>(), any::<usize>(), 0..4u8).prop_map(|(s, i, d)| Op::SetDirection(s, i, d)),
        1 => (any::<bool>(), any::<usize>()).prop_map(|(s, i)| Op::Stop(s, i)),
        1 => (any::<bool>(), any::<usize>()).prop_map(|(s, i)| Op::RemoveTrack(s, i)),
        1 => (any::<bool>(), any::<usize>(), 0..3u8).prop_map(|(s, i, n)| Op::SetStreams(s, i, n)),
        1 => any::<bool>().prop_map(Op::AddDataChannel),
        1 => any::<bool>().prop_map(Op::RestartIce),
        3 => any::<bool>().prop_map(Op::Negotiate),
        1 => any::<bool>().prop_map(Op::RollbackLocal),
        1 => any::<bool>().prop_map(Op::RollbackRemote),
        1 => any::<bool>().prop_map(Op::Glare),
    ]
}

struct Peer {
    session: Session,
    random: Random,
    tracks: u32,
    /// The mids of the last local description, to check sections stay put.
    layout: Vec<String>,
}

fn peer(seed: u8) -> Peer {
    let mut random = Random::from_seed([seed; 32]);
    let config =
        JsepConfig { bundle_policy: BundlePolicy::MaxBundle, fingerprints: vec![("sha-256".into(), vec![seed; 32])] };
    Peer { session: Session::new(config, &mut random), random, tracks: 0, layout: Vec::new() }
}

fn direction(d: u8) -> TransceiverDirection {
    [
        TransceiverDirection::SendRecv,
        TransceiverDirection::SendOnly,
        TransceiverDirection::RecvOnly,
        TransceiverDirection::Inactive,
    ][usize::from(d % 4)]
}

fn kind(video: bool) -> MediaKind {
    if video {
        MediaKind::Video
    } else {
        MediaKind::Audio
    }
}

fn pick(p: &Peer, index: usize) -> Option<wasmrtc::jsep::TransceiverId> {
    let all = p.session.transceivers();
    if all.is_empty() {
        None
    } else {
        all.get(index % all.len()).map(|t| t.id)
    }
}

fn mids(sdp: &str) -> Vec<String> {
    SessionDescription::parse(sdp).unwrap().media.iter().map(|m| m.mid().unwrap().to_string()).collect()
}

/// Sections of the new local description keep the old ones' places, a
/// rejected one possibly taken over by a new mid.
fn check_layout(p: &mut Peer, sdp: &str) {
    let description = SessionDescription::parse(sdp).unwrap();
    let new = mids(sdp);
    assert!(new.len() >= p.layout.len(), "sections were dropped: {:?} -> {new:?}", p.layout);
    let unique: std::collections::BTreeSet<&String> = new.iter().collect();
    assert_eq!(unique.len(), new.len(), "duplicate mids in {new:?}");
    for (i, (old, now)) in p.layout.iter().zip(&new).enumerate() {
        let recycled = description.media.get(i).is_some_and(|m| m.port != 0) && old != now;
        assert!(old == now || recycled || description.media[i].port == 0, "section {i} moved: {old} -> {now}");
    }
    p.layout = new;
}

fn negotiate(offerer: &mut Peer, answerer: &mut Peer) {
    let offer = offerer.session.create_offer(OfferOptions::default(), &mut offerer.random).unwrap();
    offerer.session.set_local_description(SdpType::Offer, Some(&offer), &mut offerer.random).unwrap();
    check_layout(offerer, &offer);
    answerer.session.set_remote_description(SdpType::Offer, &offer, &mut answerer.random).unwrap();
    let answer = answerer.session.create_answer(&mut answerer.random).unwrap();
    answerer.session.set_local_description(SdpType::Answer, Some(&answer), &mut answerer.random).unwrap();
    check_layout(answerer, &answer);
    offerer.session.set_remote_description(SdpType::Answer, &answer, &mut offerer.random).unwrap();
    check_agreement(offerer, answerer);
}

fn check_agreement(offerer: &Peer, answerer: &Peer) {
    assert_eq!(offerer.session.signaling_state(), SignalingState::Stable);
    assert_eq!(answerer.session.signaling_state(), SignalingState::Stable);
    assert!(!offerer.session.is_negotiation_needed(), "the offer carried every change");
    for t in offerer.session.transceivers() {
        let Some(mid) = &t.mid else { continue };
        let Some(other) = answerer.session.transceivers().into_iter().find(|o| o.mid.as_ref() == Some(mid)) else {
            assert!(t.stopped, "an unstopped transceiver has a peer: {t:?}");
            continue;
        };
        assert_eq!(t.kind, other.kind);
        if let (Some(mine), Some(theirs)) = (t.current_direction, other.current_direction) {
            if !t.stopped && !other.stopped {
                let reversed = match theirs {
                    TransceiverDirection::SendOnly => TransceiverDirection::RecvOnly,
                    TransceiverDirection::RecvOnly => TransceiverDirection::SendOnly,
                    d => d,
                };
                assert_eq!(mine, reversed, "mid {mid}");
            }
        }
    }
    assert_eq!(offerer.session.dtls_role().is_some(), answerer.session.dtls_role().is_some());
    if let (Some(a), Some(b)) = (offerer.session.dtls_role(), answerer.session.dtls_role()) {
        assert_ne!(a, b, "one DTLS client, one server");
    }
}

fn apply(op: &Op, a: &mut Peer, b: &mut Peer) {
    let (p, q) = match op {
        Op::AddTransceiver(side, ..)
        | Op::AddTrack(side, _)
        | Op::SetDirection(side, ..)
        | Op::Stop(side, _)
        | Op::RemoveTrack(side, _)
        | Op::SetStreams(side, ..)
        | Op::AddDataChannel(side)
        | Op::RestartIce(side)
        | Op::Negotiate(side)
        | Op::RollbackLocal(side)
        | Op::RollbackRemote(side)
        | Op::Glare(side) => {
            if *side {
                (a, b)
            } else {
                (b, a)
            }
        }
    };
    match op {
        Op::AddTransceiver(_, video, d) => {
            p.session.add_transceiver(kind(*video), direction(*d), vec!["s".into()], &mut p.random).unwrap();
        }
        Op::AddTrack(_, video) => {
            p.tracks += 1;
            p.session.add_track(kind(*video), format!("track{}", p.tracks), vec!["s".into()], &mut p.random).unwrap();
        }
        Op::SetDirection(_, i, d) => {
            if let Some(id) = pick(p, *i) {
                let _ = p.session.set_direction(id, direction(*d));
            }
        }
        Op::Stop(_, i) => {
            if let Some(id) = pick(p, *i) {
                p.session.stop_transceiver(id).unwrap();
            }
        }
        Op::RemoveTrack(_, i) => {
            if let Some(id) = pick(p, *i) {
                p.session.remove_track(id).unwrap();
            }
        }
        Op::SetStreams(_, i, n) => {
            if let Some(id) = pick(p, *i) {
                let streams = (0..*n).map(|k| format!("s{k}")).collect();
                let _ = p.session.set_sender_streams(id, streams);
            }
        }
        Op::AddDataChannel(_) => p.session.add_data_channel(),
        Op::RestartIce(_) => p.session.restart_ice(),
        Op::Negotiate(_) => negotiate(p, q),
        Op::RollbackLocal(_) => {
            let offer = p.session.create_offer(OfferOptions::default(), &mut p.random).unwrap();
            p.session.set_local_description(SdpType::Offer, Some(&offer), &mut p.random).unwrap();
            p.session.set_local_description(SdpType::Rollback, None, &mut p.random).unwrap();
            assert_eq!(p.session.signaling_state(), SignalingState::Stable);
        }
        Op::RollbackRemote(_) => {
            let offer = p.session.create_offer(OfferOptions::default(), &mut p.random).unwrap();
            q.session.set_remote_description(SdpType::Offer, &offer, &mut q.random).unwrap();
            q.session.set_remote_description(SdpType::Rollback, "", &mut q.random).unwrap();
            assert_eq!(q.session.signaling_state(), SignalingState::Stable);
        }
        Op::Glare(_) => {
            // Both offer; `p` yields (an implicit rollback) and answers.
            let mine = p.session.create_offer(OfferOptions::default(), &mut p.random).unwrap();
            p.session.set_local_description(SdpType::Offer, Some(&mine), &mut p.random).unwrap();
            let theirs = q.session.create_offer(OfferOptions::default(), &mut q.random).unwrap();
            q.session.set_local_description(SdpType::Offer, Some(&theirs), &mut q.random).unwrap();
            check_layout(q, &theirs);
            let changes = p.session.set_remote_description(SdpType::Offer, &theirs, &mut p.random).unwrap();
            assert!(changes.implicit_rollback.is_some());
            let answer = p.session.create_answer(&mut p.random).unwrap();
            p.session.set_local_description(SdpType::Answer, Some(&answer), &mut p.random).unwrap();
            check_layout(p, &answer);
            q.session.set_remote_description(SdpType::Answer, &answer, &mut q.random).unwrap();
            check_agreement(q, p);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_operation_sequences_keep_the_invariants(ops in prop::collection::vec(op(), 1..25)) {
        let (mut a, mut b) = (peer(1), peer(2));
        for op in &ops {
            apply(op, &mut a, &mut b);
        }
        // Whatever happened, two more rounds settle everything.
        negotiate(&mut a, &mut b);
        negotiate(&mut b, &mut a);
        prop_assert!(!a.session.is_negotiation_needed());
        prop_assert!(!b.session.is_negotiation_needed());
    }
}
