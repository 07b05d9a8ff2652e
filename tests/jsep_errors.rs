//! The errors webrtc-pc names for descriptions that do not fit the state
//! (§4.4.1.5: InvalidStateError), do not parse (RTCError sdp-syntax-error)
//! or are invalid (InvalidAccessError); and no input, however mangled,
//! makes the session panic.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use wasmrtc::error::{ErrorName, RtcError, RtcErrorDetail};
use wasmrtc::jsep::{
    BundlePolicy, JsepConfig, MediaKind, OfferOptions, SdpType, Session, SignalingState, TransceiverDirection,
};
use wasmrtc::random::Random;

const FIXTURES: [&str; 9] = [
    include_str!("fixtures/sdp/chromium-av-data-offer.sdp"),
    include_str!("fixtures/sdp/chromium-av-data-answer.sdp"),
    include_str!("fixtures/sdp/chromium-datachannel-offer.sdp"),
    include_str!("fixtures/sdp/chromium-datachannel-answer.sdp"),
    include_str!("fixtures/sdp/chromium-recvonly-offer.sdp"),
    include_str!("fixtures/sdp/firefox-av-data-offer.sdp"),
    include_str!("fixtures/sdp/firefox-av-data-answer.sdp"),
    include_str!("fixtures/sdp/firefox-datachannel-offer.sdp"),
    include_str!("fixtures/sdp/firefox-datachannel-answer.sdp"),
];

fn session(seed: u8) -> (Session, Random) {
    let mut random = Random::from_seed([seed; 32]);
    let config = JsepConfig {
        bundle_policy: BundlePolicy::MaxBundle,
        fingerprints: vec![("sha-256".to_string(), vec![seed; 32])],
    };
    (Session::new(config, &mut random), random)
}

/// A session with audio, video and data, and its offer (not applied).
fn offerer(seed: u8) -> (Session, Random, String) {
    let (mut s, mut random) = session(seed);
    s.add_transceiver(MediaKind::Audio, TransceiverDirection::SendRecv, vec![], &mut random).unwrap();
    s.add_transceiver(MediaKind::Video, TransceiverDirection::SendRecv, vec![], &mut random).unwrap();
    s.add_data_channel();
    let offer = s.create_offer(OfferOptions::default(), &mut random).unwrap();
    (s, random, offer)
}

fn name(result: Result<impl std::fmt::Debug, RtcError>) -> ErrorName {
    result.expect_err("an error").name
}

#[test]
fn descriptions_invalid_for_the_state_are_invalid_state_errors() {
    let (_, _, offer) = offerer(1);
    let (mut s, mut r) = session(2);
    // In stable: no answers, no rollback, no createAnswer.
    assert_eq!(name(s.set_remote_description(SdpType::Answer, &offer, &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_remote_description(SdpType::Pranswer, &offer, &mut r)), ErrorName::InvalidStateError);
    let own = s.create_offer(OfferOptions::default(), &mut r).unwrap();
    assert_eq!(name(s.set_local_description(SdpType::Answer, Some(&own), &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_local_description(SdpType::Answer, None, &mut r)), ErrorName::InvalidStateError);
    // Someone else's description is refused before the state is looked at.
    assert_eq!(name(s.set_local_description(SdpType::Answer, Some(&offer), &mut r)), ErrorName::InvalidModificationError);
    assert_eq!(name(s.set_local_description(SdpType::Rollback, None, &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_remote_description(SdpType::Rollback, "", &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.create_answer(&mut r)), ErrorName::InvalidStateError);
    // The state is checked before the SDP is read.
    assert_eq!(name(s.set_remote_description(SdpType::Answer, "garbage", &mut r)), ErrorName::InvalidStateError);

    // In have-remote-offer: no local offer, no remote answer, no createOffer.
    s.set_remote_description(SdpType::Offer, &offer, &mut r).unwrap();
    assert_eq!(name(s.create_offer(OfferOptions::default(), &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_local_description(SdpType::Offer, None, &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_remote_description(SdpType::Answer, &offer, &mut r)), ErrorName::InvalidStateError);
    // Another remote offer is fine (webrtc-pc: "setRemoteDescription multiple times").
    s.set_remote_description(SdpType::Offer, &offer, &mut r).unwrap();
    assert_eq!(s.transceivers().len(), 2, "a repeated offer adds no transceivers");

    // In have-local-pranswer a remote offer cannot roll back.
    let answer = s.create_answer(&mut r).unwrap();
    s.set_local_description(SdpType::Pranswer, Some(&answer), &mut r).unwrap();
    assert_eq!(name(s.set_remote_description(SdpType::Offer, &offer, &mut r)), ErrorName::InvalidStateError);
    assert_eq!(name(s.set_local_description(SdpType::Rollback, None, &mut r)), ErrorName::InvalidStateError);
    assert_eq!(s.signaling_state(), SignalingState::HaveLocalPranswer);
    s.set_local_description(SdpType::Answer, Some(&answer), &mut r).unwrap();
    assert_eq!(s.signaling_state(), SignalingState::Stable);

    // In have-local-offer: no local answer.
    let (mut a, mut ra, offer) = offerer(3);
    a.set_local_description(SdpType::Offer, Some(&offer), &mut ra).unwrap();
    assert_eq!(name(a.set_local_description(SdpType::Answer, Some(&offer), &mut ra)), ErrorName::InvalidStateError);
    assert_eq!(name(a.create_answer(&mut ra)), ErrorName::InvalidStateError);
}

#[test]
fn unparsable_sdp_is_an_rtc_error_with_sdp_syntax_error() {
    let (mut s, mut r) = session(4);
    let err = s.set_remote_description(SdpType::Offer, "Invalid SDP", &mut r).unwrap_err();
    assert_eq!((err.name, err.detail), (ErrorName::OperationError, Some(RtcErrorDetail::SdpSyntaxError)));
    assert!(err.sdp_line_number.is_some());
    let err = s.set_local_description(SdpType::Offer, Some("v=0\r\nbad"), &mut r).unwrap_err();
    assert_eq!(err.detail, Some(RtcErrorDetail::SdpSyntaxError));
    assert_eq!(s.signaling_state(), SignalingState::Stable);
}

/// Chromium applies edited local SDP (SDP munging: simple-peer strips
/// a=ice-options:trickle, apps add attributes or change ICE credentials) and
/// refuses only a description whose fingerprint is not its certificate's.
#[test]
fn edited_local_descriptions_apply_unless_the_fingerprint_is_not_ours() {
    let (mut s, mut r, offer) = offerer(5);
    let edited = offer.replace("a=ice-options:trickle\r\n", "").replace("a=mid:0\r\n", "a=mid:0\r\na=x-munged:1\r\n");
    assert_ne!(edited, offer);
    s.set_local_description(SdpType::Offer, Some(&edited), &mut r).unwrap();
    assert_eq!(s.signaling_state(), SignalingState::HaveLocalOffer);
    let (mut t, mut rt, offer) = offerer(6);
    let flipped = match offer.find("a=fingerprint:sha-256 ") {
        Some(at) => {
            let digit = at + "a=fingerprint:sha-256 ".len();
            let mut bytes = offer.clone().into_bytes();
            bytes[digit] = if bytes[digit] == b'0' { b'1' } else { b'0' };
            String::from_utf8(bytes).unwrap()
        }
        None => panic!("the offer has a fingerprint"),
    };
    assert_eq!(name(t.set_local_description(SdpType::Offer, Some(&flipped), &mut rt)), ErrorName::InvalidModificationError);
    assert_eq!(t.signaling_state(), SignalingState::Stable);
}

#[test]
fn an_invalid_offer_after_an_implicit_rollback_keeps_the_rollback() {
    // WPT: setRemoteDescription(invalidOffer) from have-local-offer does
    // not undo the rollback.
    let (mut a, mut r, offer) = offerer(5);
    a.set_local_description(SdpType::Offer, Some(&offer), &mut r).unwrap();
    let err = a.set_remote_description(SdpType::Offer, "Invalid SDP", &mut r).unwrap_err();
    assert_eq!(err.detail, Some(RtcErrorDetail::SdpSyntaxError));
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    assert_eq!(a.pending_local_description(), None);
}

#[test]
fn answers_that_do_not_match_the_offer_are_invalid_access_errors() {
    let (mut a, mut ra, offer) = offerer(6);
    a.set_local_description(SdpType::Offer, Some(&offer), &mut ra).unwrap();
    let (mut b, mut rb) = session(7);
    b.set_remote_description(SdpType::Offer, &offer, &mut rb).unwrap();
    let answer = b.create_answer(&mut rb).unwrap();

    let wrong_mid = answer.replace("a=mid:1\r\n", "a=mid:7\r\n").replace("BUNDLE 0 1 2", "BUNDLE 0 7 2");
    let fewer = answer.split("m=application").next().unwrap().to_string();
    let actpass = answer.replace("a=setup:active", "a=setup:actpass");
    let no_mux = answer.replace("a=rtcp-mux\r\n", "");
    for bad in [wrong_mid, fewer, actpass, no_mux] {
        let err = a.set_remote_description(SdpType::Answer, &bad, &mut ra).unwrap_err();
        assert_eq!(err.name, ErrorName::InvalidAccessError, "{err}");
        assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer, "a refused answer changes nothing");
    }
    a.set_remote_description(SdpType::Answer, &answer, &mut ra).unwrap();

    // Our own answer is checked against the remote offer too.
    let reordered = answer.replace("a=mid:0\r\n", "a=mid:x\r\n");
    let err = b.set_local_description(SdpType::Answer, Some(&reordered), &mut rb).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidAccessError);
}

#[test]
fn offers_without_transport_parameters_are_invalid_access_errors() {
    let (_, _, offer) = offerer(8);
    let without = |prefix: &str| -> String {
        offer.split("\r\n").filter(|l| !l.starts_with(prefix)).collect::<Vec<_>>().join("\r\n")
    };
    let duplicate_mid = offer.replace("a=mid:1\r\n", "a=mid:0\r\n");
    for bad in [
        without("a=ice-ufrag"),
        without("a=ice-pwd"),
        without("a=fingerprint"),
        without("a=rtcp-mux"),
        without("a=mid"),
        duplicate_mid,
    ] {
        let (mut s, mut r) = session(9);
        let err = s.set_remote_description(SdpType::Offer, &bad, &mut r).unwrap_err();
        assert_eq!(err.name, ErrorName::InvalidAccessError, "{err}");
        assert_eq!(s.signaling_state(), SignalingState::Stable);
        assert!(s.transceivers().is_empty(), "a refused offer creates nothing");
    }
}

#[test]
fn subsequent_offers_must_keep_the_sections_in_place() {
    let (mut a, mut ra, offer) = offerer(10);
    a.set_local_description(SdpType::Offer, Some(&offer), &mut ra).unwrap();
    let (mut b, mut rb) = session(11);
    b.set_remote_description(SdpType::Offer, &offer, &mut rb).unwrap();
    let answer = b.create_answer(&mut rb).unwrap();
    b.set_local_description(SdpType::Answer, Some(&answer), &mut rb).unwrap();
    a.set_remote_description(SdpType::Answer, &answer, &mut ra).unwrap();

    let reoffer = a.create_offer(OfferOptions::default(), &mut ra).unwrap();
    let mut sections: Vec<&str> = reoffer.split("m=").collect();
    sections.swap(1, 2);
    let swapped = sections.join("m=");
    let err = b.set_remote_description(SdpType::Offer, &swapped, &mut rb).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidAccessError);
    let kind_changed = reoffer.replacen("m=audio 9", "m=video 9", 1);
    let err = b.set_remote_description(SdpType::Offer, &kind_changed, &mut rb).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidAccessError);
    b.set_remote_description(SdpType::Offer, &reoffer, &mut rb).unwrap();
}

#[test]
fn a_local_offer_with_a_section_no_transceiver_made_is_refused() {
    let (mut a, mut ra, offer) = offerer(12);
    let extra = format!("{offer}m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:9\r\na=rtcp-mux\r\n");
    let err = a.set_local_description(SdpType::Offer, Some(&extra), &mut ra).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidAccessError);
    assert_eq!(a.signaling_state(), SignalingState::Stable);
}

#[test]
fn unsupported_sections_are_rejected_not_refused() {
    let (_, _, offer) = offerer(13);
    let odd = offer.replacen("m=audio 9 UDP/TLS/RTP/SAVPF", "m=audio 9 RTP/AVP", 1).replacen(
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "m=text 9 UDP/DTLS/SCTP t140",
        1,
    );
    let (mut s, mut r) = session(14);
    let srd = s.set_remote_description(SdpType::Offer, &odd, &mut r).unwrap();
    assert_eq!(srd.created_transceivers.len(), 1, "only the video section is usable");
    let answer = wasmrtc::sdp::SessionDescription::parse(&s.create_answer(&mut r).unwrap()).unwrap();
    let ports: Vec<u16> = answer.media.iter().map(|m| m.port).collect();
    assert_eq!(ports, vec![0, 9, 0]);
    let bundle: Vec<String> = answer.bundle_groups().next().unwrap().to_vec();
    assert_eq!(bundle, vec!["1"]);
}

/// One edit to a description's lines.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, &'static str),
    FlipByte(usize, u8),
    Truncate(usize),
}

const INTERESTING_LINES: [&str; 24] = [
    "m=audio 0 UDP/TLS/RTP/SAVPF 0",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
    "a=mid:0",
    "a=mid:",
    "a=group:BUNDLE 0 1 2 9",
    "a=group:BUNDLE",
    "a=setup:holdconn",
    "a=setup:passive",
    "a=msid:- -",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 profile-level-id=zz;packetization-mode=9",
    "a=fmtp:97 apt=999",
    "a=fmtp:97 apt=96",
    "a=rtpmap:97 rtx/90000",
    "a=bundle-only",
    "a=ice-lite",
    "a=sendonly",
    "a=inactive",
    "a=ssrc:1 msid:",
    "a=rtcp-fb:* nack",
    "a=max-message-size:0",
    "a=extmap:15 urn:ietf:params:rtp-hdrext:sdes:mid",
];

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), prop::sample::select(INTERESTING_LINES.to_vec())).prop_map(|(i, l)| Edit::Insert(i, l)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::FlipByte(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn mutate(sdp: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = sdp.split("\r\n").map(str::to_string).collect();
    for edit in edits {
        let n = lines.len().max(1);
        match edit {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Edit::Insert(i, line) => lines.insert(i % (lines.len() + 1), (*line).to_string()),
            Edit::FlipByte(i, byte) if !lines.is_empty() => {
                let line = &mut lines[i % n];
                let mut bytes = line.clone().into_bytes();
                if !bytes.is_empty() {
                    let at = i % bytes.len();
                    bytes[at] = *byte;
                }
                *line = String::from_utf8_lossy(&bytes).into_owned();
            }
            Edit::Truncate(i) => lines.truncate(i % (lines.len() + 1)),
            _ => {}
        }
    }
    lines.join("\r\n")
}

/// Runs an offer through a fresh answerer, and an answer through an
/// offerer with audio, video and data: results may be errors, never panics.
fn exercise(sdp: &str) {
    let (mut b, mut rb) = session(20);
    if b.set_remote_description(SdpType::Offer, sdp, &mut rb).is_ok() {
        if let Ok(answer) = b.create_answer(&mut rb) {
            b.set_local_description(SdpType::Answer, Some(&answer), &mut rb).expect("our own answer applies");
            let _ = b.is_negotiation_needed();
            let _ = b.remote_transport();
            // Renegotiating from there works too.
            let offer = b.create_offer(OfferOptions::default(), &mut rb).expect("an offer in stable");
            b.set_local_description(SdpType::Offer, Some(&offer), &mut rb).expect("our own offer applies");
        }
    }
    let (mut a, mut ra, offer) = offerer(21);
    a.set_local_description(SdpType::Offer, Some(&offer), &mut ra).unwrap();
    if a.set_remote_description(SdpType::Answer, sdp, &mut ra).is_ok() {
        let _ = a.transceivers();
        let _ = a.is_negotiation_needed();
        let _ = a.sctp_parameters();
        a.create_offer(OfferOptions::default(), &mut ra).expect("an offer in stable");
    }
    let (mut c, mut rc) = session(22);
    let _ = c.set_local_description(SdpType::Offer, Some(sdp), &mut rc);
}

proptest! {
    #[test]
    fn mutated_descriptions_never_panic(
        which in 0..FIXTURES.len(),
        edits in prop::collection::vec(edit_strategy(), 1..6),
    ) {
        exercise(&mutate(FIXTURES[which], &edits));
    }

    #[test]
    fn mutated_own_offers_never_panic(seed in any::<u8>(), edits in prop::collection::vec(edit_strategy(), 1..6)) {
        let (_, _, offer) = offerer(seed);
        exercise(&mutate(&offer, &edits));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(v=0\r\n)?[ -~\r\n]{0,300}") {
        exercise(&text);
    }
}
