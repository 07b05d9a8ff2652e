//! Real descriptions from Chromium 156 and Firefox ESR 153
//! (tests/fixtures/sdp/): their offers are answered, and their answers are
//! applied to our offers with the same sections.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use wasmrtc::jsep::{
    BundlePolicy, DtlsRole, JsepConfig, MediaKind, OfferOptions, SdpType, Session, SignalingState, TransceiverDirection,
};
use wasmrtc::random::Random;
use wasmrtc::sdp::{Direction, MediaDescription, SessionDescription, Setup};

const CHROMIUM_AV_DATA_OFFER: &str = include_str!("fixtures/sdp/chromium-av-data-offer.sdp");
const CHROMIUM_AV_DATA_ANSWER: &str = include_str!("fixtures/sdp/chromium-av-data-answer.sdp");
const CHROMIUM_DATA_OFFER: &str = include_str!("fixtures/sdp/chromium-datachannel-offer.sdp");
const CHROMIUM_DATA_ANSWER: &str = include_str!("fixtures/sdp/chromium-datachannel-answer.sdp");
const CHROMIUM_RECVONLY_OFFER: &str = include_str!("fixtures/sdp/chromium-recvonly-offer.sdp");
const FIREFOX_AV_DATA_OFFER: &str = include_str!("fixtures/sdp/firefox-av-data-offer.sdp");
const FIREFOX_AV_DATA_ANSWER: &str = include_str!("fixtures/sdp/firefox-av-data-answer.sdp");
const FIREFOX_DATA_OFFER: &str = include_str!("fixtures/sdp/firefox-datachannel-offer.sdp");
const FIREFOX_DATA_ANSWER: &str = include_str!("fixtures/sdp/firefox-datachannel-answer.sdp");

fn session(seed: u8) -> (Session, Random) {
    let mut random = Random::from_seed([seed; 32]);
    let config = JsepConfig {
        bundle_policy: BundlePolicy::MaxBundle,
        fingerprints: vec![("sha-256".to_string(), vec![0x5A; 32])],
    };
    (Session::new(config, &mut random), random)
}

fn parse(sdp: &str) -> SessionDescription {
    SessionDescription::parse(sdp).expect("parses")
}

fn payload_types(m: &MediaDescription) -> Vec<u8> {
    m.formats.iter().map(|f| f.parse().expect("a payload type")).collect()
}

/// What the answer to a fixture offer must say, section by section:
/// (media, port, direction, payload types in order).
struct Expected<'a> {
    sections: Vec<(&'a str, u16, Option<Direction>, Vec<u8>)>,
    bundle: Vec<&'a str>,
}

fn answer_fixture_offer(offer: &str, expected: Expected<'_>) {
    let (mut s, mut random) = session(1);
    let srd = s.set_remote_description(SdpType::Offer, offer, &mut random).expect("the offer is accepted");
    assert_eq!(s.signaling_state(), SignalingState::HaveRemoteOffer);
    let rtp_sections = expected.sections.iter().filter(|(media, ..)| *media != "application").count();
    assert_eq!(srd.created_transceivers.len(), rtp_sections);
    for t in s.transceivers() {
        assert_eq!(t.direction, TransceiverDirection::RecvOnly);
    }
    assert_eq!(s.remote_ice_trickle(), Some(true));

    let answer_text = s.create_answer(&mut random).expect("an answer");
    let answer = parse(&answer_text);
    let offered = parse(offer);
    assert_eq!(answer.media.len(), offered.media.len());
    for ((m, o), (media, port, direction, pts)) in answer.media.iter().zip(&offered.media).zip(&expected.sections) {
        assert_eq!(m.mid(), o.mid(), "same mids in order");
        assert_eq!(m.proto, o.proto);
        assert_eq!((m.media.as_str(), m.port), (*media, *port), "section {:?}", m.mid());
        assert_eq!(m.direction(), *direction, "section {:?}", m.mid());
        if *media != "application" {
            assert_eq!(&payload_types(m), pts, "section {:?}", m.mid());
            assert!(m.has_attribute("rtcp-mux"));
        } else {
            assert_eq!((m.sctp_port(), m.max_message_size()), (Some(5000), Some(262144)));
        }
        assert_eq!(m.setup(), Some(Setup::Active));
        assert!(m.ice_ufrag().is_some() && m.fingerprints().count() == 1);
    }
    let bundle: Vec<&str> = answer.bundle_groups().next().unwrap_or_default().iter().map(String::as_str).collect();
    assert_eq!(bundle, expected.bundle);

    let sld = s.set_local_description(SdpType::Answer, Some(&answer_text), &mut random).expect("our answer applies");
    assert_eq!(s.signaling_state(), SignalingState::Stable);
    let has_data = expected.sections.iter().any(|(media, ..)| *media == "application");
    assert_eq!(sld.data_negotiated, has_data);
    assert_eq!(s.dtls_role(), Some(DtlsRole::Client));
    assert_eq!(s.ice_controlling(), Some(false));
    assert!(!s.is_negotiation_needed());
    // The remote transport is the one the fixture describes.
    let remote = s.remote_transport().unwrap();
    assert_eq!(Some(remote.ice_ufrag.as_str()), offered.ice_ufrag(0));
    assert_eq!(remote.fingerprints.len(), 1);
    assert_eq!(remote.candidates.is_empty(), !offer.contains("a=candidate"));
}

#[test]
fn chromium_data_channel_offer() {
    answer_fixture_offer(
        CHROMIUM_DATA_OFFER,
        Expected { sections: vec![("application", 9, None, vec![])], bundle: vec!["0"] },
    );
}

#[test]
fn firefox_data_channel_offer() {
    // Firefox writes the fingerprint and ice-options at session level.
    answer_fixture_offer(
        FIREFOX_DATA_OFFER,
        Expected { sections: vec![("application", 9, None, vec![])], bundle: vec!["0"] },
    );
}

#[test]
fn chromium_audio_video_data_offer() {
    answer_fixture_offer(
        CHROMIUM_AV_DATA_OFFER,
        Expected {
            sections: vec![
                // opus, PCMU, PCMA, telephone-event 48000 and 8000; not red, G722, CN.
                ("audio", 9, Some(Direction::RecvOnly), vec![111, 0, 8, 110, 126]),
                // VP8, H.264 baseline and constrained baseline in both modes,
                // AV1, VP9 profiles 0 and 2, with their RTX; not H.264 main,
                // red, ulpfec.
                (
                    "video",
                    9,
                    Some(Direction::RecvOnly),
                    vec![96, 97, 102, 103, 104, 107, 108, 109, 114, 115, 45, 46, 98, 99, 100, 101],
                ),
                ("application", 9, None, vec![]),
            ],
            bundle: vec!["0", "1", "2"],
        },
    );
}

#[test]
fn chromium_recvonly_offer() {
    answer_fixture_offer(
        CHROMIUM_RECVONLY_OFFER,
        Expected {
            sections: vec![
                ("audio", 9, Some(Direction::Inactive), vec![111, 0, 8, 110, 126]),
                // Not VP9 profiles 1 and 3, H.264 high 4:4:4, AV1 profile 1, flexfec.
                (
                    "video",
                    9,
                    Some(Direction::Inactive),
                    vec![96, 97, 98, 99, 100, 101, 102, 103, 104, 107, 108, 109, 114, 115, 45, 46],
                ),
            ],
            bundle: vec!["0", "1"],
        },
    );
}

#[test]
fn firefox_audio_video_data_offer() {
    answer_fixture_offer(
        FIREFOX_AV_DATA_OFFER,
        Expected {
            sections: vec![
                ("audio", 9, Some(Direction::RecvOnly), vec![109, 0, 8, 101]),
                ("video", 9, Some(Direction::RecvOnly), vec![120, 124, 121, 125, 99, 100]),
                ("application", 9, None, vec![]),
            ],
            bundle: vec!["0", "1", "2"],
        },
    );
}

#[test]
fn answers_to_fixture_offers_keep_codec_details() {
    let (mut s, mut random) = session(2);
    s.set_remote_description(SdpType::Offer, FIREFOX_AV_DATA_OFFER, &mut random).unwrap();
    let answer = parse(&s.create_answer(&mut random).unwrap());
    let audio = &answer.media[0];
    assert_eq!(
        audio.rtpmap(109).map(|r| (r.encoding_name, r.clock_rate, r.encoding_params)),
        Some(("opus", 48000, Some(2)))
    );
    assert_eq!(audio.rtpmap(101).map(|r| r.encoding_name), Some("telephone-event"));
    // Firefox numbers the mid extension 3 and transport-wide-cc 7; the
    // answer keeps its ids and leaves out the extensions we do not implement.
    let extmaps = |m: &MediaDescription| -> Vec<(u16, String)> {
        m.attributes
            .iter()
            .filter_map(|a| match a {
                wasmrtc::sdp::Attribute::Extmap { id, uri, .. } => Some((*id, uri.clone())),
                _ => None,
            })
            .collect()
    };
    let ours = vec![
        (3, "urn:ietf:params:rtp-hdrext:sdes:mid".to_string()),
        (7, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01".to_string()),
    ];
    assert_eq!(extmaps(audio), ours);
    let video = &answer.media[1];
    assert_eq!(extmaps(video), ours);
    assert_eq!(video.fmtp(124), Some("apt=120"));
    let fb: Vec<(&str, Option<&str>)> = video.rtcp_fbs(120).collect();
    assert_eq!(fb, vec![("transport-cc", None), ("ccm", Some("fir")), ("nack", None), ("nack", Some("pli"))]);

    let (mut s, mut random) = session(3);
    s.set_remote_description(SdpType::Offer, CHROMIUM_AV_DATA_OFFER, &mut random).unwrap();
    let answer = parse(&s.create_answer(&mut random).unwrap());
    let video = &answer.media[1];
    assert_eq!(video.fmtp(108), Some("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"));
    assert_eq!(video.fmtp(100), Some("profile-id=2"));
    assert!(answer.attribute("extmap-allow-mixed").is_some());
}

#[test]
fn fixture_offers_give_tracks_with_their_streams() {
    for (offer, stream) in [
        (CHROMIUM_AV_DATA_OFFER, "3d994ebf-d87a-4a89-90e7-eae6b2da30ba"),
        (FIREFOX_AV_DATA_OFFER, "{be9abdb6-368b-44bf-be1e-aa5fdf78ccb3}"),
    ] {
        let (mut s, mut random) = session(4);
        let srd = s.set_remote_description(SdpType::Offer, offer, &mut random).unwrap();
        assert_eq!(srd.tracks_added.len(), 2);
        for (id, streams) in &srd.tracks_added {
            assert_eq!(streams, &vec![stream.to_string()]);
            assert!(srd.created_transceivers.contains(id));
        }
        let kinds: Vec<MediaKind> = s.transceivers().iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![MediaKind::Audio, MediaKind::Video]);
        assert!(!s.transceivers()[1].receiver_ssrcs.is_empty());
    }
    let (mut s, mut random) = session(5);
    let srd = s.set_remote_description(SdpType::Offer, CHROMIUM_RECVONLY_OFFER, &mut random).unwrap();
    assert!(srd.tracks_added.is_empty(), "a recvonly offer sends nothing");
}

/// Our offer with the sections the fixture answer answers, applied
/// locally, then the fixture answer applied remotely.
fn apply_fixture_answer(answer: &str, audio_video: bool) -> (Session, wasmrtc::jsep::DescriptionChanges) {
    let (mut s, mut random) = session(6);
    if audio_video {
        s.add_transceiver(MediaKind::Audio, TransceiverDirection::SendRecv, vec!["s".into()], &mut random).unwrap();
        s.add_transceiver(MediaKind::Video, TransceiverDirection::SendRecv, vec!["s".into()], &mut random).unwrap();
    }
    s.add_data_channel();
    let offer = s.create_offer(OfferOptions::default(), &mut random).unwrap();
    s.set_local_description(SdpType::Offer, Some(&offer), &mut random).unwrap();
    let changes = s.set_remote_description(SdpType::Answer, answer, &mut random).expect("the fixture answer applies");
    assert_eq!(s.signaling_state(), SignalingState::Stable);
    assert!(changes.data_negotiated);
    // Both browsers answer active: we are the DTLS server.
    assert_eq!(s.dtls_role(), Some(DtlsRole::Server));
    assert_eq!(s.ice_controlling(), Some(true));
    assert!(!s.is_negotiation_needed());
    (s, changes)
}

#[test]
fn chromium_answers_apply_to_our_offers() {
    let (s, _) = apply_fixture_answer(CHROMIUM_DATA_ANSWER, false);
    assert_eq!(s.sctp_parameters().unwrap().remote_max_message_size, 262144);

    let (s, changes) = apply_fixture_answer(CHROMIUM_AV_DATA_ANSWER, true);
    let stream = "3d994ebf-d87a-4a89-90e7-eae6b2da30ba".to_string();
    assert_eq!(changes.tracks_added.len(), 2);
    assert!(changes.tracks_added.iter().all(|(_, streams)| streams == &vec![stream.clone()]));
    for t in s.transceivers() {
        assert_eq!(t.current_direction, Some(TransceiverDirection::SendRecv));
        assert!(!t.codecs.is_empty());
    }
    assert_eq!(s.remote_transport().unwrap().candidates.len(), 1);
}

#[test]
fn firefox_answers_apply_to_our_offers() {
    let (s, _) = apply_fixture_answer(FIREFOX_DATA_ANSWER, false);
    assert_eq!(s.sctp_parameters().unwrap().remote_max_message_size, 1_073_741_823);
    let remote = s.remote_transport().unwrap();
    assert_eq!(remote.ice_ufrag, "632fb422");
    assert_eq!(remote.fingerprints.len(), 1, "from the session level");
    assert!(remote.end_of_candidates);

    let (s, changes) = apply_fixture_answer(FIREFOX_AV_DATA_ANSWER, true);
    assert_eq!(changes.tracks_added.len(), 2);
    for t in s.transceivers() {
        assert_eq!(t.current_direction, Some(TransceiverDirection::SendRecv));
    }
}

#[test]
fn our_answers_to_our_offers_match_structurally() {
    // The same exchange as with a browser, both ends ours.
    let (mut a, mut ra) = session(7);
    let (mut b, mut rb) = session(8);
    a.add_transceiver(MediaKind::Audio, TransceiverDirection::SendRecv, vec![], &mut ra).unwrap();
    a.add_transceiver(MediaKind::Video, TransceiverDirection::RecvOnly, vec![], &mut ra).unwrap();
    a.add_data_channel();
    let offer = a.create_offer(OfferOptions::default(), &mut ra).unwrap();
    a.set_local_description(SdpType::Offer, Some(&offer), &mut ra).unwrap();
    b.set_remote_description(SdpType::Offer, &offer, &mut rb).unwrap();
    let answer = b.create_answer(&mut rb).unwrap();
    b.set_local_description(SdpType::Answer, Some(&answer), &mut rb).unwrap();
    a.set_remote_description(SdpType::Answer, &answer, &mut ra).unwrap();
    let (o, an) = (parse(&offer), parse(&answer));
    for (m_offer, m_answer) in o.media.iter().zip(&an.media) {
        assert_eq!((m_offer.mid(), m_offer.media.as_str()), (m_answer.mid(), m_answer.media.as_str()));
        assert_eq!(m_offer.formats, m_answer.formats);
    }
    assert_eq!(an.media[1].direction(), Some(Direction::Inactive), "recvonly offered, recvonly transceiver");
}
