//! The two-peer scenarios (tests/sim's `Pair`: two whole PeerConnections
//! through the relay's sans-IO TURN server in virtual time), shared by the
//! native tests (peer_pair.rs) and the wasm32 ones (wasm.rs): how the core's
//! layers compose — connection-state aggregation, the held first DTLS
//! flight, data channels under loss, an ICE restart under SCTP, a
//! fingerprint mismatch, close from either side; `media`: encoded frames
//! over SRTP; `reports`: RTCP reports, the RTT and loss they carry, and
//! media getStats; `loss`: the jitter buffer, NACK, RTX and key-frame
//! requests; `congestion`: the target bitrate over a bottleneck.

pub mod congestion;
pub mod loss;
pub mod media;
// Native only: tests/wasm.rs runs the others.
#[cfg(not(target_arch = "wasm32"))]
pub mod reports;

use std::time::Duration;

use wasmrtc::dtls::DtlsState;
use wasmrtc::error::RtcErrorDetail;
use wasmrtc::ice::IceConnectionState;
use wasmrtc::jsep::OfferOptions;
use wasmrtc::peer::{ChannelHandle, PeerConnectionState, PeerEvent};
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::Pair;

/// 10 ms of relayed UDP each way.
const CLEAN: Impairments = Impairments::reliable(Duration::from_millis(10));
/// 10% loss, 5% duplication, 10–40 ms (which reorders).
const LOSSY: Impairments = Impairments::lossy(0.10, 0.05, (10, 40));

/// A connected pair with an open channel "chat" (peer 0's handle, peer 1's).
fn connected(seed: u64, udp: Impairments) -> (Pair, ChannelHandle, ChannelHandle) {
    let mut pair = Pair::new(seed, udp);
    let chat = pair.create_channel(0, "chat");
    pair.connect();
    assert!(pair.run_within(Duration::from_secs(20), |p| p.peers[0].is_open(chat)
        && p.peers[1].channels_by_peer().first().is_some_and(|(h, _)| p.peers[1].is_open(*h))));
    let (theirs, label) = pair.peers[1].channels_by_peer()[0].clone();
    assert_eq!(label, "chat");
    (pair, chat, theirs)
}

fn message(from: usize, n: u32) -> Vec<u8> {
    let mut m = vec![from as u8; 200];
    m[..4].copy_from_slice(&n.to_be_bytes());
    m
}

fn expected(from: usize, count: u32) -> Vec<Vec<u8>> {
    (0..count).map(|n| message(from, n)).collect()
}

pub fn connection_state_aggregates_ice_and_dtls() {
    let (pair, _, _) = connected(1, CLEAN);
    for peer in &pair.peers {
        use PeerConnectionState::*;
        assert_eq!(peer.connection_states(), vec![Connecting, Connected]);
        // connecting with ICE checking; connected only once DTLS is too.
        let connecting = peer.first(&PeerEvent::ConnectionStateChange(Connecting)).unwrap();
        assert_eq!(peer.first(&PeerEvent::IceConnectionStateChange(IceConnectionState::Checking)), Some(connecting));
        let connected = peer.first(&PeerEvent::ConnectionStateChange(Connected)).unwrap();
        assert_eq!(peer.first(&PeerEvent::DtlsStateChange(DtlsState::Connected)), Some(connected));
        let position = |e: &PeerEvent| peer.events.iter().position(|(_, x)| x == e).unwrap();
        assert!(position(&PeerEvent::DtlsStateChange(DtlsState::Connected)) < position(&PeerEvent::ConnectionStateChange(Connected)));
        assert!(peer.signal_errors.is_empty(), "{:?}", peer.signal_errors);
    }
}

pub fn the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once() {
    let (pair, _, _) = connected(2, CLEAN);
    // The answerer is the DTLS client (a=setup:active); its first
    // flight was made before ICE had a path.
    let client = &pair.peers[1];
    let selected = client
        .events
        .iter()
        .find(|(_, e)| matches!(e, PeerEvent::SelectedCandidatePairChange { .. }))
        .map(|(t, _)| *t)
        .unwrap();
    let dtls_connecting = client.first(&PeerEvent::DtlsStateChange(DtlsState::Connecting)).unwrap();
    let dtls_connected = client.first(&PeerEvent::DtlsStateChange(DtlsState::Connected)).unwrap();
    assert!(dtls_connecting <= selected);
    // Two round trips through the relay (100 ms each), not a 1 s retransmission.
    let handshake = dtls_connected - selected;
    println!("DTLS handshake {handshake:?} after the first selected pair");
    assert!(handshake <= Duration::from_millis(300), "{handshake:?}");
}

pub fn data_channels_under_ten_percent_loss() {
    for seed in 10..12 {
        let (mut pair, ours, theirs) = connected(seed, LOSSY);
        for n in 0..50 {
            pair.send(0, ours, &message(0, n)).unwrap();
            pair.send(1, theirs, &message(1, n)).unwrap();
            pair.run_for(Duration::from_millis(5));
        }
        assert!(pair.run_within(Duration::from_secs(30), |p| p.peers[1].message_count(theirs) == 50
            && p.peers[0].message_count(ours) == 50));
        assert_eq!(pair.peers[1].messages(theirs), expected(0, 50));
        assert_eq!(pair.peers[0].messages(ours), expected(1, 50));
        let stats = pair.net.stats();
        assert!(stats.lost > 0 && stats.duplicated > 0, "{stats:?}");
        println!("seed {seed}: all 100 in order at {:?}, {stats:?}", pair.now);
    }
}

pub fn ice_restart_mid_transfer_loses_nothing() {
    let (mut pair, ours, theirs) = connected(3, CLEAN);
    let pairs_before = [selected_pairs(&pair, 0), selected_pairs(&pair, 1)];
    // 80 messages each way, 20 ms apart; the restart begins after the
    // 10th and its new pair is selected well before the last.
    for n in 0..80 {
        if n == 10 {
            pair.offer(0, OfferOptions { ice_restart: true });
        }
        pair.send(0, ours, &message(0, n)).unwrap();
        pair.send(1, theirs, &message(1, n)).unwrap();
        pair.run_for(Duration::from_millis(20));
    }
    assert!(pair.run_within(Duration::from_secs(10), |p| p.peers[1].message_count(theirs) == 80
        && p.peers[0].message_count(ours) == 80));
    assert_eq!(pair.peers[1].messages(theirs), expected(0, 80));
    assert_eq!(pair.peers[0].messages(ours), expected(1, 80));
    for (i, peer) in pair.peers.iter().enumerate() {
        assert!(selected_pairs(&pair, i) > pairs_before[i], "peer {i} selected a new generation's pair");
        assert_eq!(peer.connection_states(), vec![PeerConnectionState::Connecting, PeerConnectionState::Connected]);
        assert!(!peer.has(&PeerEvent::SctpStateChange(wasmrtc::datachannel::SctpTransportState::Closed)));
        assert!(peer.signal_errors.is_empty(), "{:?}", peer.signal_errors);
    }
    let restarted = |i: usize| {
        pair.peers[i].events.iter().filter(|(_, e)| matches!(e, PeerEvent::IceCandidate { .. })).count()
    };
    assert!(restarted(0) >= 2 && restarted(1) >= 2, "both gathered again");
}

fn selected_pairs(pair: &Pair, i: usize) -> usize {
    pair.peers[i].events.iter().filter(|(_, e)| matches!(e, PeerEvent::SelectedCandidatePairChange { .. })).count()
}

/// Changes the first hex digit of the SDP's fingerprint.
fn tamper_fingerprint(sdp: String) -> String {
    let at = sdp.find("a=fingerprint:sha-256 ").expect("a fingerprint") + "a=fingerprint:sha-256 ".len();
    let mut bytes = sdp.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

pub fn a_fingerprint_mismatch_fails_both_sides() {
    // Peer `liar`'s description carries a fingerprint its certificate
    // does not have: the other side detects it, whichever DTLS role.
    for liar in [0, 1] {
        let mut pair = Pair::new(4, CLEAN);
        pair.peers[liar].munge = Some(tamper_fingerprint);
        pair.create_channel(0, "chat");
        pair.offer(0, OfferOptions { ice_restart: false });
        assert!(pair.run_within(Duration::from_secs(10), |p| p.both(PeerConnectionState::Failed)));
        let checker = &pair.peers[1 - liar];
        let errors: Vec<_> = checker
            .events
            .iter()
            .filter_map(|(_, e)| if let PeerEvent::DtlsError(e) = e { e.detail } else { None })
            .collect();
        assert_eq!(errors, vec![RtcErrorDetail::FingerprintFailure], "liar {liar}");
        for peer in &pair.peers {
            assert_eq!(peer.pc.dtls_state(), DtlsState::Failed);
            assert!(!peer.has(&PeerEvent::ConnectionStateChange(PeerConnectionState::Connected)));
            assert!(peer.has(&PeerEvent::ConnectionStateChange(PeerConnectionState::Failed)));
        }
        println!("liar {liar}: both failed at {:?}", pair.now);
    }
}

pub fn close_from_either_side() {
    for closer in [0, 1] {
        let (mut pair, ours, theirs) = connected(5 + closer as u64, CLEAN);
        let handles = [ours, theirs];
        let other = 1 - closer;
        pair.close(closer);
        assert_eq!(pair.state(closer), PeerConnectionState::Closed);
        assert_eq!(pair.peers[closer].pc.dtls_state(), DtlsState::Closed);
        // Nothing more happens at the closing side after close() (webrtc-pc §4.4.1.3)…
        let closing_events = pair.peers[closer].events.len();
        // …and the other side learns it from DTLS close_notify.
        assert!(pair.run_within(Duration::from_secs(5), |p| {
            p.peers[other].has(&PeerEvent::DataChannelClosed(handles[other]))
                && p.peers[other].pc.dtls_state() == DtlsState::Closed
        }));
        assert!(pair.peers[other].has(&PeerEvent::DtlsStateChange(DtlsState::Closed)));
        assert!(pair.send(other, handles[other], b"late").is_err());
        // A closed DTLS transport counts as connected (webrtc-pc §4.3.3).
        assert_eq!(pair.state(other), PeerConnectionState::Connected);
        pair.run_for(Duration::from_secs(1));
        assert_eq!(pair.peers[closer].events.len(), closing_events, "{:?}", &pair.peers[closer].events[closing_events..]);
        println!("closer {closer}: other side closed at {:?}, its states {:?}", pair.now, pair.peers[other].connection_states());
    }
}

pub fn a_partition_disconnects_and_sctp_carries_on_after_it_heals() {
    let (mut pair, ours, theirs) = connected(8, CLEAN);
    let cut = pair.now;
    pair.partition_relayed(cut, Some(cut + Duration::from_secs(12)));
    for n in 0..10 {
        pair.send(0, ours, &message(0, n)).unwrap();
        pair.run_for(Duration::from_millis(500));
    }
    assert!(pair.run_within(Duration::from_secs(10), |p| p.both(PeerConnectionState::Disconnected)));
    assert!(pair.peers[1].message_count(theirs) < 10, "the partition held messages back");
    // Once it heals, consent checks succeed again and SCTP retransmits.
    assert!(pair.run_within(Duration::from_secs(30), |p| p.both(PeerConnectionState::Connected)
        && p.peers[1].message_count(theirs) == 10));
    assert_eq!(pair.peers[1].messages(theirs), expected(0, 10));
    use PeerConnectionState::*;
    for peer in &pair.peers {
        assert_eq!(peer.connection_states(), vec![Connecting, Connected, Disconnected, Connected]);
    }
    assert!(pair.net.stats().partitioned > 0);
}
