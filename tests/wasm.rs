//! wasm-bindgen tests: the core's layers compiled for wasm32 and run in
//! headless Chromium (`wasm-pack test --headless --chrome -- --test wasm`),
//! where `std::time` and threads are unavailable, so any hidden host access
//! would fail here.
#![cfg(target_arch = "wasm32")]

mod pair_cases;

use wasm_bindgen_test::*;
use wasmrtc::datachannel::{ChannelInit, DataChannels, SctpConfig};
use wasmrtc::jsep::DtlsRole;
use wasmrtc::dtls::certificate::Certificate;
use wasmrtc::jsep::{BundlePolicy, MediaKind, OfferOptions, SdpType, SignalingState, TransceiverDirection};
use wasmrtc::peer::{PeerConfig, PeerConnection};
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc::sdp::SessionDescription;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURES: &[&str] = &[
    include_str!("fixtures/sdp/chromium-av-data-offer.sdp"),
    include_str!("fixtures/sdp/chromium-av-data-answer.sdp"),
    include_str!("fixtures/sdp/chromium-datachannel-offer.sdp"),
    include_str!("fixtures/sdp/chromium-recvonly-offer.sdp"),
    include_str!("fixtures/sdp/firefox-av-data-offer.sdp"),
    include_str!("fixtures/sdp/firefox-av-data-answer.sdp"),
    include_str!("fixtures/sdp/firefox-datachannel-offer.sdp"),
];

fn peer(seed: u8) -> PeerConnection {
    let mut random = Random::from_seed([seed; 32]);
    let certificate = Certificate::generate_ecdsa_p256(&mut random, 1_700_000_000_000, 1_800_000_000_000)
        .expect("certificate");
    PeerConnection::new(PeerConfig { bundle_policy: BundlePolicy::Balanced, certificate, relays: vec![] }, random)
}

#[wasm_bindgen_test]
fn fixtures_parse_and_round_trip_in_wasm() {
    for text in FIXTURES {
        let parsed = SessionDescription::parse(text).expect("fixture parses");
        let again = SessionDescription::parse(&parsed.to_string()).expect("serialized form parses");
        assert_eq!(parsed, again);
    }
}

#[wasm_bindgen_test]
fn two_peers_negotiate_in_wasm() {
    let mut a = peer(1);
    let mut b = peer(2);
    a.create_data_channel(Instant::ZERO, ChannelInit { label: "chat".into(), ..Default::default() }).expect("channel");
    a.add_transceiver(MediaKind::Audio, Some("t1".into()), TransceiverDirection::SendRecv, vec!["s".into()]).expect("audio");
    a.add_transceiver(MediaKind::Video, None, TransceiverDirection::SendOnly, vec![]).expect("video");
    assert!(a.is_negotiation_needed());
    let offer = a.create_offer(OfferOptions { ice_restart: false }).expect("offer");
    a.set_local_description(Instant::ZERO, SdpType::Offer, Some(&offer)).expect("sLD offer");
    b.set_remote_description(Instant::ZERO, SdpType::Offer, &offer).expect("sRD offer");
    let answer = b.create_answer().expect("answer");
    b.set_local_description(Instant::ZERO, SdpType::Answer, Some(&answer)).expect("sLD answer");
    a.set_remote_description(Instant::ZERO, SdpType::Answer, &answer).expect("sRD answer");
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    assert_eq!(b.signaling_state(), SignalingState::Stable);
    assert!(!a.is_negotiation_needed());
    let directions: Vec<_> = b.transceivers().iter().map(|t| t.current_direction).collect();
    assert_eq!(directions, vec![Some(TransceiverDirection::RecvOnly), Some(TransceiverDirection::RecvOnly)]);
}

#[wasm_bindgen_test]
fn certificates_in_wasm_have_distinct_keys_and_fingerprints() {
    let one = peer(3);
    let two = peer(4);
    assert_ne!(one.certificate().fingerprint_sha256(), two.certificate().fingerprint_sha256());
    assert_eq!(one.certificate().fingerprint_sha256().len(), 32);
}

/// The INIT chunk's Initiate Tag and Initial TSN (RFC 9260 §3.3.2), from
/// the first packet an association sends: the 12-byte common header, then
/// type, flags, length, and the tag at 16..20, the TSN at 28..32.
fn init_tag_and_tsn(packet: &[u8]) -> (u32, u32) {
    assert_eq!(packet[12], 1, "an INIT chunk");
    let word = |at: usize| u32::from_be_bytes([packet[at], packet[at + 1], packet[at + 2], packet[at + 3]]);
    (word(16), word(28))
}

fn first_init(seed: [u8; 32]) -> (u32, u32) {
    let mut random = Random::from_seed(seed);
    let mut sctp = DataChannels::new(SctpConfig::new(DtlsRole::Client), &mut random, Instant::ZERO);
    sctp.connect(Instant::ZERO);
    let packet = sctp.poll_transmit().expect("an INIT goes out on connect");
    init_tag_and_tsn(&packet)
}

#[wasm_bindgen_test]
fn associations_in_the_browser_get_different_tags_and_initial_tsns() {
    // Seeded as production seeds the core: from the platform's CSPRNG.
    let seed = || {
        let mut s = [0u8; 32];
        getrandom::getrandom(&mut s).expect("crypto.getRandomValues");
        s
    };
    let (tag_a, tsn_a) = first_init(seed());
    let (tag_b, tsn_b) = first_init(seed());
    assert_ne!(tag_a, tag_b);
    assert_ne!(tsn_a, tsn_b);
    assert_ne!(tag_a, 0);
    // The same seed gives the same association: fastrand's global state
    // does not leak into it.
    assert_eq!(first_init([7; 32]), first_init([7; 32]));
}

// The two-peer scenarios of peer_pair.rs (tests/pair_cases), all of them:
// whole PeerConnections, the TURN server and the simulated network in
// virtual time, in the browser.

#[wasm_bindgen_test]
fn pair_connection_state_aggregates_ice_and_dtls() {
    pair_cases::connection_state_aggregates_ice_and_dtls();
}

#[wasm_bindgen_test]
fn pair_the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once() {
    pair_cases::the_first_flight_is_held_until_ice_has_a_pair_then_sent_at_once();
}

#[wasm_bindgen_test]
fn pair_data_channels_under_ten_percent_loss() {
    pair_cases::data_channels_under_ten_percent_loss();
}

#[wasm_bindgen_test]
fn pair_ice_restart_mid_transfer_loses_nothing() {
    pair_cases::ice_restart_mid_transfer_loses_nothing();
}

#[wasm_bindgen_test]
fn pair_a_fingerprint_mismatch_fails_both_sides() {
    pair_cases::a_fingerprint_mismatch_fails_both_sides();
}

#[wasm_bindgen_test]
fn pair_close_from_either_side() {
    pair_cases::close_from_either_side();
}

#[wasm_bindgen_test]
fn pair_a_partition_disconnects_and_sctp_carries_on_after_it_heals() {
    pair_cases::a_partition_disconnects_and_sctp_carries_on_after_it_heals();
}

#[wasm_bindgen_test]
fn pair_media_frames_arrive_whole_and_in_order_on_a_clean_network() {
    pair_cases::media::frames_arrive_whole_and_in_order_on_a_clean_network();
}

#[wasm_bindgen_test]
fn pair_media_under_five_percent_loss_a_frame_is_whole_or_reported_dropped() {
    pair_cases::media::under_five_percent_loss_a_frame_is_whole_or_reported_dropped();
}

#[wasm_bindgen_test]
fn pair_media_forged_and_garbled_rtp_is_dropped_and_counted() {
    pair_cases::media::forged_and_garbled_rtp_is_dropped_and_counted();
}

#[wasm_bindgen_test]
fn pair_media_send_frame_refuses_what_cannot_be_sent() {
    pair_cases::media::send_frame_refuses_what_cannot_be_sent();
}
