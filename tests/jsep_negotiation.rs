//! Two JSEP sessions negotiating with each other (RFC 8829, webrtc-pc §4.4,
//! §4.7.3, §5.4): every exchange goes through SDP text both ways.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use wasmrtc::error::ErrorName;
use wasmrtc::jsep::{
    BundlePolicy, DescriptionChanges, DtlsRole, JsepConfig, MediaKind, OfferOptions, SdpType, Session, SignalingState,
    TransceiverDirection, TransceiverId, TransceiverState,
};
use wasmrtc::random::Random;
use wasmrtc::sdp::{Attribute, Direction, MediaDescription, SessionDescription};

use MediaKind::{Audio, Video};
use TransceiverDirection::{Inactive, RecvOnly, SendOnly, SendRecv};

struct Peer {
    session: Session,
    random: Random,
}

impl Peer {
    fn new(seed: u8) -> Peer {
        let mut random = Random::from_seed([seed; 32]);
        let config = JsepConfig {
            bundle_policy: BundlePolicy::MaxBundle,
            fingerprints: vec![("sha-256".to_string(), vec![seed; 32])],
        };
        Peer { session: Session::new(config, &mut random), random }
    }

    fn add(&mut self, kind: MediaKind, direction: TransceiverDirection) -> TransceiverId {
        self.session.add_transceiver(kind, direction, vec!["stream".to_string()], &mut self.random).unwrap()
    }

    fn create_offer(&mut self) -> String {
        self.session.create_offer(OfferOptions::default(), &mut self.random).unwrap()
    }

    fn create_answer(&mut self) -> String {
        self.session.create_answer(&mut self.random).unwrap()
    }

    fn sld(&mut self, ty: SdpType, sdp: &str) -> DescriptionChanges {
        self.session.set_local_description(ty, Some(sdp), &mut self.random).unwrap()
    }

    fn srd(&mut self, ty: SdpType, sdp: &str) -> DescriptionChanges {
        self.session.set_remote_description(ty, sdp, &mut self.random).unwrap()
    }

    fn rollback(&mut self) -> DescriptionChanges {
        self.session.set_local_description(SdpType::Rollback, None, &mut self.random).unwrap()
    }

    fn t(&self, id: TransceiverId) -> TransceiverState {
        self.session.transceivers().into_iter().find(|t| t.id == id).expect("transceiver exists")
    }

    fn only(&self) -> TransceiverState {
        let all = self.session.transceivers();
        assert_eq!(all.len(), 1, "{all:?}");
        all.into_iter().next().unwrap()
    }
}

/// What one offer/answer exchange produced, text and changes.
struct Round {
    offer: String,
    answer: String,
    answerer_srd: DescriptionChanges,
    answerer_sld: DescriptionChanges,
    offerer_srd: DescriptionChanges,
}

fn negotiate(offerer: &mut Peer, answerer: &mut Peer) -> Round {
    let offer = offerer.create_offer();
    offerer.sld(SdpType::Offer, &offer);
    let answerer_srd = answerer.srd(SdpType::Offer, &offer);
    let answer = answerer.create_answer();
    let answerer_sld = answerer.sld(SdpType::Answer, &answer);
    let offerer_srd = offerer.srd(SdpType::Answer, &answer);
    assert_eq!(offerer.session.signaling_state(), SignalingState::Stable);
    assert_eq!(answerer.session.signaling_state(), SignalingState::Stable);
    Round { offer, answer, answerer_srd, answerer_sld, offerer_srd }
}

fn parse(sdp: &str) -> SessionDescription {
    SessionDescription::parse(sdp).expect("our own SDP parses")
}

fn mids(sdp: &str) -> Vec<String> {
    parse(sdp).media.iter().map(|m| m.mid().unwrap_or_default().to_string()).collect()
}

fn bundle(sdp: &str) -> Vec<String> {
    parse(sdp).bundle_groups().next().map(|g| g.to_vec()).unwrap_or_default()
}

fn section(sdp: &str, mid: &str) -> MediaDescription {
    parse(sdp).media.into_iter().find(|m| m.mid() == Some(mid)).expect("section exists")
}

fn direction(sdp: &str, mid: &str) -> Direction {
    section(sdp, mid).direction().expect("sections carry a direction")
}

fn version(sdp: &str) -> u64 {
    parse(sdp).origin.session_version
}

fn ice(sdp: &str) -> (String, String) {
    let m = parse(sdp).media.into_iter().next().expect("one section");
    (m.ice_ufrag().unwrap().to_string(), m.ice_pwd().unwrap().to_string())
}

#[test]
fn data_only() {
    let (mut a, mut b) = (Peer::new(1), Peer::new(2));
    assert!(!a.session.is_negotiation_needed());
    a.session.add_data_channel();
    assert!(a.session.is_negotiation_needed());
    assert_eq!(a.session.remote_ice_trickle(), None);

    let round = negotiate(&mut a, &mut b);
    let offer = parse(&round.offer);
    assert_eq!(offer.media.len(), 1);
    let m = &offer.media[0];
    assert_eq!((m.media.as_str(), m.port, m.proto.as_str()), ("application", 9, "UDP/DTLS/SCTP"));
    assert_eq!(m.formats, vec!["webrtc-datachannel"]);
    assert_eq!((m.sctp_port(), m.max_message_size()), (Some(5000), Some(262144)));
    assert_eq!(m.setup(), Some(wasmrtc::sdp::Setup::ActPass));
    assert!(m.attribute("candidate").is_none());
    assert_eq!(bundle(&round.offer), vec!["0"]);
    assert_eq!(section(&round.answer, "0").setup(), Some(wasmrtc::sdp::Setup::Active));

    // The association starts when the answer is applied, on both sides.
    assert!(!round.answerer_srd.data_negotiated);
    assert!(round.answerer_sld.data_negotiated);
    assert!(round.offerer_srd.data_negotiated);
    assert_eq!(a.session.dtls_role(), Some(DtlsRole::Server));
    assert_eq!(b.session.dtls_role(), Some(DtlsRole::Client));
    assert_eq!(a.session.ice_controlling(), Some(true));
    assert_eq!(b.session.ice_controlling(), Some(false));
    assert_eq!(a.session.remote_ice_trickle(), Some(true));
    let sctp = a.session.sctp_parameters().expect("negotiated");
    assert_eq!((sctp.remote_port, sctp.remote_max_message_size), (5000, 262144));
    assert!(b.session.sctp_parameters().is_some());
    assert!(!a.session.is_negotiation_needed());
    assert!(!b.session.is_negotiation_needed());

    // Each side checks the other's fingerprint and credentials.
    let remote = a.session.remote_transport().unwrap();
    assert_eq!(remote.fingerprints, vec![("sha-256".to_string(), vec![2; 32])]);
    assert_eq!((remote.ice_ufrag, remote.ice_pwd), b.session.local_ice_credentials());
    assert!(a.session.transceivers().is_empty() && b.session.transceivers().is_empty());
}

#[test]
fn offers_carry_what_chromium_expects() {
    let mut a = Peer::new(1);
    let audio = a.add(Audio, SendRecv);
    let video = a.add(Video, SendRecv);
    a.session.add_data_channel();
    let offer = a.create_offer();
    assert!(offer.contains("\r\n") && offer.starts_with("v=0\r\no=- "));
    let d = parse(&offer);
    assert!(d.origin.session_id < 1 << 63);
    assert_eq!(d.origin.unicast_address, "127.0.0.1");
    assert!(d.attribute("extmap-allow-mixed").is_some());
    assert!(
        matches!(d.attribute("msid-semantic"), Some(Attribute::MsidSemantic { semantic, .. }) if semantic == "WMS")
    );
    assert_eq!(mids(&offer), vec!["0", "1", "2"]);
    assert_eq!(bundle(&offer), vec!["0", "1", "2"]);
    let (ufrag, pwd) = ice(&offer);
    assert!((4..=8).contains(&ufrag.len()) && pwd.len() == 24);

    for (mid, id) in [("0", audio), ("1", video)] {
        let m = section(&offer, mid);
        let t = a.t(id);
        assert_eq!((m.port, m.proto.as_str()), (9, "UDP/TLS/RTP/SAVPF"));
        assert!(m.has_attribute("rtcp-mux") && m.has_attribute("rtcp-rsize"));
        let extmaps: Vec<(u16, &str)> = m
            .attributes_named("extmap")
            .filter_map(|a| match a {
                Attribute::Extmap { id, uri, .. } => Some((*id, uri.as_str())),
                _ => None,
            })
            .collect();
        let twcc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
        assert_eq!(extmaps, [(3, twcc), (4, "urn:ietf:params:rtp-hdrext:sdes:mid")], "Chromium's IDs");
        assert!(m.attributes.contains(&Attribute::Msid {
            stream_id: "stream".to_string(),
            track_id: Some(t.sender_msid_track_id.clone()),
        }));
        let cname = m.attributes.iter().any(
            |a| matches!(a, Attribute::Ssrc { ssrc, attribute, .. } if *ssrc == t.sender_ssrc && attribute == "cname"),
        );
        assert!(cname);
    }
    let audio_section = section(&offer, "0");
    assert_eq!(audio_section.formats, vec!["111", "0", "8", "110", "126"]);
    assert_eq!(audio_section.fmtp(111), Some("minptime=10;useinbandfec=1"));
    assert_eq!(audio_section.rtpmap(126).unwrap().encoding_name, "telephone-event");
    let video_section = section(&offer, "1");
    assert_eq!(video_section.rtpmap(96).unwrap().encoding_name, "VP8");
    assert_eq!(video_section.fmtp(97), Some("apt=96"));
    assert_eq!(video_section.fmtp(98), Some("profile-id=0"));
    assert_eq!(video_section.fmtp(100), Some("profile-id=2"));
    assert_eq!(video_section.rtpmap(45).unwrap().encoding_name, "AV1");
    let fb: Vec<(&str, Option<&str>)> = video_section.rtcp_fbs(96).collect();
    assert_eq!(fb, vec![("transport-cc", None), ("ccm", Some("fir")), ("nack", None), ("nack", Some("pli"))]);
    let rtx = a.t(video).sender_rtx_ssrc.unwrap();
    assert!(video_section
        .attributes
        .contains(&Attribute::SsrcGroup { semantics: "FID".to_string(), ssrcs: vec![a.t(video).sender_ssrc, rtx] }));

    // Nothing changed: the same version. Something changed: one more.
    assert_eq!(version(&a.create_offer()), version(&offer));
    a.sld(SdpType::Offer, &offer);
    assert_eq!(version(&a.create_offer()), version(&offer));
    a.session.set_direction(audio, RecvOnly).unwrap();
    assert_eq!(version(&a.create_offer()), version(&offer) + 1);
}

#[test]
fn audio_video_data_then_answerer_sends_back() {
    let (mut a, mut b) = (Peer::new(1), Peer::new(2));
    let audio = a.add(Audio, SendRecv);
    let video = a.add(Video, SendRecv);
    a.session.add_data_channel();
    let round = negotiate(&mut a, &mut b);

    assert_eq!(mids(&round.answer), vec!["0", "1", "2"]);
    assert_eq!(bundle(&round.answer), vec!["0", "1", "2"]);
    let created = round.answerer_srd.created_transceivers.clone();
    assert_eq!(created.len(), 2);
    assert_eq!(
        round.answerer_srd.tracks_added,
        vec![(created[0], vec!["stream".to_string()]), (created[1], vec!["stream".to_string()])]
    );
    assert_eq!(
        round.answerer_srd.stream_tracks_added,
        vec![("stream".to_string(), created[0]), ("stream".to_string(), created[1])]
    );
    for id in &created {
        let t = b.t(*id);
        assert_eq!(t.direction, RecvOnly, "a transceiver made by SRD is recvonly");
        assert_eq!(t.current_direction, Some(RecvOnly));
        assert_eq!(t.receiver_stream_ids, vec!["stream"]);
        assert!(!t.codecs.is_empty());
    }
    assert_eq!(b.t(created[0]).mid.as_deref(), Some("0"));
    assert_eq!(b.t(created[1]).kind, Video);
    assert_eq!(direction(&round.answer, "0"), Direction::RecvOnly);
    assert_eq!(a.t(audio).current_direction, Some(SendOnly));
    assert_eq!(a.t(video).current_direction, Some(SendOnly));
    assert!(round.offerer_srd.tracks_added.is_empty());
    assert!(round.offerer_srd.data_negotiated);
    // The negotiated codecs are the answer's, in the offerer's numbering.
    let video_codecs = a.t(video).codecs;
    assert_eq!(video_codecs.first().map(|c| (c.payload_type, c.name.as_str())), Some((96, "VP8")));
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());

    // The answerer now wants to send too: it renegotiates as the offerer.
    b.session.set_direction(created[0], SendRecv).unwrap();
    b.session.set_direction(created[1], SendRecv).unwrap();
    assert!(b.session.is_negotiation_needed());
    let round = negotiate(&mut b, &mut a);
    assert_eq!(mids(&round.offer), vec!["0", "1", "2"]);
    assert_eq!(round.answerer_srd.tracks_added.len(), 2);
    assert!(
        round.answerer_srd.tracks_added.iter().all(|(_, streams)| streams.is_empty()),
        "addTransceiver(kind): no stream"
    );
    assert_eq!(a.t(audio).current_direction, Some(SendRecv));
    assert_eq!(b.t(created[0]).current_direction, Some(SendRecv));
    assert!(round.answerer_srd.created_transceivers.is_empty());
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());
}

#[test]
fn every_direction_combination() {
    let all = [SendRecv, SendOnly, RecvOnly, Inactive];
    for offered in all {
        for wanted in all {
            let (mut a, mut b) = (Peer::new(3), Peer::new(4));
            let ta = a.add(Audio, offered);
            let offer = a.create_offer();
            a.sld(SdpType::Offer, &offer);
            let srd = b.srd(SdpType::Offer, &offer);
            let tb = srd.created_transceivers[0];
            b.session.set_direction(tb, wanted).unwrap();
            let answer = b.create_answer();
            b.sld(SdpType::Answer, &answer);
            let offerer_srd = a.srd(SdpType::Answer, &answer);

            let expected = match (wanted.has_send() && offered.has_recv(), wanted.has_recv() && offered.has_send()) {
                (true, true) => SendRecv,
                (true, false) => SendOnly,
                (false, true) => RecvOnly,
                (false, false) => Inactive,
            };
            let case = format!("offered {offered}, answerer {wanted}");
            assert_eq!(direction(&offer, "0").as_str(), offered.as_str(), "{case}");
            assert_eq!(direction(&answer, "0").as_str(), expected.as_str(), "{case}");
            assert_eq!(b.t(tb).current_direction, Some(expected), "{case}");
            let reversed = match expected {
                SendOnly => RecvOnly,
                RecvOnly => SendOnly,
                other => other,
            };
            assert_eq!(a.t(ta).current_direction, Some(reversed), "{case}");
            assert_eq!(srd.tracks_added.len(), usize::from(offered.has_send()), "{case}");
            assert_eq!(offerer_srd.tracks_added.len(), usize::from(expected.has_send()), "{case}");
            // A sender's MSID is written whenever its own direction sends.
            assert_eq!(section(&answer, "0").attribute("msid").is_some(), wanted.has_send(), "{case}");
            assert!(!a.session.is_negotiation_needed(), "{case}");
            assert!(!b.session.is_negotiation_needed(), "{case}");
        }
    }
}

#[test]
fn renegotiation_adds_a_transceiver_then_a_data_channel() {
    let (mut a, mut b) = (Peer::new(5), Peer::new(6));
    a.add(Audio, SendRecv);
    let first = negotiate(&mut a, &mut b);
    assert!(!a.session.is_negotiation_needed());

    let video = a.add(Video, SendOnly);
    assert!(a.session.is_negotiation_needed());
    let second = negotiate(&mut a, &mut b);
    assert_eq!(mids(&second.offer), vec!["0", "1"]);
    assert_eq!(version(&second.offer), version(&first.offer) + 1);
    assert_eq!(a.t(video).mid.as_deref(), Some("1"));
    assert_eq!(second.answerer_srd.created_transceivers.len(), 1);
    // The session-level origin keeps its id.
    assert_eq!(parse(&second.offer).origin.session_id, parse(&first.offer).origin.session_id);

    a.session.add_data_channel();
    assert!(a.session.is_negotiation_needed());
    let third = negotiate(&mut a, &mut b);
    assert_eq!(mids(&third.offer), vec!["0", "1", "2"]);
    assert_eq!(section(&third.offer, "2").media, "application");
    assert!(third.offerer_srd.data_negotiated && third.answerer_sld.data_negotiated);
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());

    // The answerer may renegotiate too, keeping the same sections.
    b.add(Audio, SendRecv);
    let fourth = negotiate(&mut b, &mut a);
    assert_eq!(mids(&fourth.offer), vec!["0", "1", "2", "3"]);
    assert_eq!(section(&fourth.offer, "2").media, "application");
    assert!(!fourth.offerer_srd.data_negotiated, "the association already exists");
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());
}

#[test]
fn stopping_a_transceiver_rejects_then_removes_it_and_its_slot_is_recycled() {
    let (mut a, mut b) = (Peer::new(7), Peer::new(8));
    let audio = a.add(Audio, SendRecv);
    let video = a.add(Video, SendRecv);
    let first = negotiate(&mut a, &mut b);
    let b_video = first.answerer_srd.created_transceivers[1];

    a.session.stop_transceiver(video).unwrap();
    let t = a.t(video);
    assert_eq!((t.direction, t.stopping, t.stopped), (TransceiverDirection::Stopped, true, false));
    assert_eq!(t.current_direction, Some(SendOnly));
    assert!(a.session.is_negotiation_needed());
    assert_eq!(a.session.set_direction(video, SendRecv).unwrap_err().name, ErrorName::InvalidStateError);

    let round = negotiate(&mut a, &mut b);
    assert_eq!(section(&round.offer, "1").port, 0);
    assert_eq!(bundle(&round.offer), vec!["0"]);
    assert_eq!(round.answerer_srd.stopped_transceivers, vec![b_video]);
    assert_eq!(round.answerer_srd.tracks_removed, vec![b_video]);
    assert_eq!(section(&round.answer, "1").port, 0);
    assert_eq!(round.answerer_sld.removed_transceivers, vec![b_video]);
    assert_eq!(round.offerer_srd.stopped_transceivers, vec![video]);
    assert_eq!(round.offerer_srd.removed_transceivers, vec![video]);
    assert_eq!(a.session.transceivers().len(), 1);
    assert_eq!(b.session.transceivers().len(), 1);
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());

    // The rejected section stays, rejected, in later offers ...
    a.session.set_direction(audio, RecvOnly).unwrap();
    let round = negotiate(&mut a, &mut b);
    assert_eq!(mids(&round.offer), vec!["0", "1"]);
    assert_eq!(section(&round.offer, "1").port, 0);

    // ... until a new transceiver recycles it with a new mid (RFC 8829 §5.2.2).
    let again = a.add(Audio, SendRecv);
    let round = negotiate(&mut a, &mut b);
    assert_eq!(mids(&round.offer), vec!["0", "2"]);
    assert_eq!(parse(&round.offer).media[1].media, "audio");
    assert_eq!(a.t(again).mid.as_deref(), Some("2"));
    assert_eq!(a.t(again).current_direction, Some(SendOnly));
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());
}

#[test]
fn a_transceiver_stopped_before_any_offer_is_never_offered() {
    let (mut a, mut b) = (Peer::new(9), Peer::new(10));
    let gone = a.add(Video, SendRecv);
    a.session.stop_transceiver(gone).unwrap();
    assert!(a.t(gone).stopped);
    assert!(!a.session.is_negotiation_needed());
    a.add(Audio, SendRecv);
    let round = negotiate(&mut a, &mut b);
    assert_eq!(mids(&round.offer), vec!["0"]);
    assert_eq!(round.offerer_srd.removed_transceivers, vec![gone]);
    assert!(!a.session.is_negotiation_needed());
}

#[test]
fn answerer_stopping_during_negotiation_answers_inactive_then_renegotiates() {
    let (mut a, mut b) = (Peer::new(11), Peer::new(12));
    a.add(Audio, SendRecv);
    negotiate(&mut a, &mut b);
    a.add(Video, SendRecv);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let srd = b.srd(SdpType::Offer, &offer);
    let audio_b = b.session.transceivers()[0].id;
    b.session.stop_transceiver(audio_b).unwrap();
    // Stopping but not stopped does not change createAnswer's sections.
    let answer = b.create_answer();
    assert_eq!(section(&answer, "0").port, 9);
    assert_eq!(direction(&answer, "0"), Direction::Inactive);
    b.sld(SdpType::Answer, &answer);
    a.srd(SdpType::Answer, &answer);
    assert_eq!(srd.created_transceivers.len(), 1);
    assert!(b.session.is_negotiation_needed());
    let round = negotiate(&mut b, &mut a);
    assert_eq!(section(&round.offer, "0").port, 0);
    assert_eq!(round.offerer_srd.removed_transceivers, vec![audio_b]);
    assert_eq!(a.session.transceivers().len(), 1);
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());
}

#[test]
fn rollback_of_a_local_offer() {
    let (mut a, mut b) = (Peer::new(13), Peer::new(14));
    let audio = a.add(Audio, SendRecv);
    let offer = a.create_offer();
    let sld = a.sld(SdpType::Offer, &offer);
    assert!(sld.signaling_state_changed);
    assert_eq!(a.t(audio).mid.as_deref(), Some("0"));
    assert_eq!(a.session.local_description().map(|(ty, _)| ty), Some(SdpType::Offer));
    assert!(!a.session.is_negotiation_needed(), "not stable");

    let rollback = a.rollback();
    assert!(rollback.signaling_state_changed);
    assert!(rollback.removed_transceivers.is_empty(), "addTransceiver's transceiver stays");
    assert_eq!(a.session.signaling_state(), SignalingState::Stable);
    assert_eq!(a.t(audio).mid, None);
    assert_eq!(a.session.local_description(), None);
    assert_eq!(a.session.pending_local_description(), None);
    assert!(a.session.is_negotiation_needed());

    // The next offer works as a first one (with a mid not handed out before).
    let round = negotiate(&mut a, &mut b);
    assert_eq!(mids(&round.offer), vec!["1"]);
    assert_eq!(a.t(audio).current_direction, Some(SendOnly));

    // A renegotiation's rollback keeps what the session had negotiated.
    let video = a.add(Video, SendRecv);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    a.rollback();
    assert_eq!(a.t(audio).mid.as_deref(), Some("1"));
    assert_eq!(a.t(video).mid, None);
    assert_eq!(a.session.local_description().map(|(ty, _)| ty), Some(SdpType::Offer));
    assert_eq!(a.session.current_local_description(), a.session.local_description());
}

#[test]
fn rollback_of_a_remote_offer() {
    let (mut a, mut b) = (Peer::new(15), Peer::new(16));
    a.add(Audio, SendRecv);
    a.add(Video, SendRecv);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let srd = b.srd(SdpType::Offer, &offer);
    let [first, second] = srd.created_transceivers[..] else { panic!("two transceivers") };
    // addTrack takes over the first one (RFC 8829 §5.10 in reverse: it never sent).
    let reused = b.session.add_track(Audio, "mic".to_string(), vec!["local".to_string()], &mut b.random).unwrap();
    assert_eq!(reused, first);
    assert_eq!(b.t(first).direction, SendRecv);

    let rollback = b.session.set_remote_description(SdpType::Rollback, "", &mut b.random).unwrap();
    assert_eq!(rollback.removed_transceivers, vec![second], "a track was attached to the first via addTrack");
    assert_eq!(rollback.stream_tracks_removed, vec![("stream".to_string(), first), ("stream".to_string(), second)]);
    assert_eq!(b.session.signaling_state(), SignalingState::Stable);
    assert_eq!(b.session.remote_description(), None);
    let kept = b.only();
    assert_eq!((kept.id, kept.mid.clone()), (first, None));
    assert!(kept.receiver_stream_ids.is_empty());
    assert!(b.session.is_negotiation_needed());

    // Rollback needs something to roll back.
    let err = b.session.set_remote_description(SdpType::Rollback, "", &mut b.random).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidStateError);
}

#[test]
fn rollback_of_a_remote_reoffer_restores_tracks() {
    let (mut a, mut b) = (Peer::new(17), Peer::new(18));
    let audio = a.add(Audio, SendRecv);
    let first = negotiate(&mut a, &mut b);
    let tb = first.answerer_srd.created_transceivers[0];

    // The offerer stops sending: the track would be muted ...
    a.session.set_direction(audio, RecvOnly).unwrap();
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let srd = b.srd(SdpType::Offer, &offer);
    assert_eq!(srd.tracks_removed, vec![tb]);
    assert_eq!(srd.stream_tracks_removed, vec![("stream".to_string(), tb)]);
    // ... and the rollback brings back the stable state's streams.
    let rollback = b.session.set_remote_description(SdpType::Rollback, "", &mut b.random).unwrap();
    assert_eq!(rollback.stream_tracks_added, vec![("stream".to_string(), tb)]);
    assert_eq!(rollback.tracks_added, vec![(tb, vec!["stream".to_string()])]);
    assert_eq!(b.t(tb).receiver_stream_ids, vec!["stream"]);
}

#[test]
fn glare_resolved_by_implicit_rollback() {
    let (mut a, mut b) = (Peer::new(19), Peer::new(20));
    let ta = a.add(Audio, SendRecv);
    let tb = b.add(Video, SendRecv);
    let offer_a = a.create_offer();
    a.sld(SdpType::Offer, &offer_a);
    let offer_b = b.create_offer();
    b.sld(SdpType::Offer, &offer_b);

    // The polite peer takes the other's offer: its own is rolled back first.
    let srd = a.srd(SdpType::Offer, &offer_b);
    let rollback = srd.implicit_rollback.as_deref().expect("implicit rollback");
    assert!(rollback.signaling_state_changed);
    assert_eq!(a.session.signaling_state(), SignalingState::HaveRemoteOffer);
    assert_eq!(a.t(ta).mid, None);
    assert_eq!(srd.created_transceivers.len(), 1);
    let answer = a.create_answer();
    a.sld(SdpType::Answer, &answer);
    b.srd(SdpType::Answer, &answer);
    assert_eq!(b.t(tb).current_direction, Some(SendOnly));

    // Then it offers what it wanted.
    assert!(a.session.is_negotiation_needed());
    assert!(!b.session.is_negotiation_needed());
    let round = negotiate(&mut a, &mut b);
    assert_eq!(mids(&round.offer), vec!["0", "1"]);
    assert_eq!(a.t(ta).mid.as_deref(), Some("1"));
    assert!(!a.session.is_negotiation_needed() && !b.session.is_negotiation_needed());
}

#[test]
fn ice_restart_changes_credentials_on_both_sides() {
    let (mut a, mut b) = (Peer::new(21), Peer::new(22));
    a.session.add_data_channel();
    a.add(Audio, SendRecv);
    let first = negotiate(&mut a, &mut b);
    assert!(!a.session.is_negotiation_needed());

    a.session.restart_ice();
    assert!(a.session.is_negotiation_needed());
    let second = negotiate(&mut a, &mut b);
    assert_ne!(ice(&second.offer), ice(&first.offer));
    assert_ne!(ice(&second.answer), ice(&first.answer), "the answerer restarts too");
    for m in parse(&second.offer).media {
        assert_eq!((m.ice_ufrag().unwrap().to_string(), m.ice_pwd().unwrap().to_string()), ice(&second.offer));
    }
    assert_eq!(a.session.local_ice_credentials(), ice(&second.offer));
    assert_eq!(b.session.remote_transport().unwrap().ice_ufrag, ice(&second.offer).0);
    assert!(!a.session.is_negotiation_needed());

    // Without a restart the credentials stay.
    let third = negotiate(&mut a, &mut b);
    assert_eq!(ice(&third.offer), ice(&second.offer));
    assert_eq!(ice(&third.answer), ice(&second.answer));

    // The createOffer option restarts ICE as well, and a rollback undoes it.
    let restarted = a.session.create_offer(OfferOptions { ice_restart: true }, &mut a.random).unwrap();
    assert_ne!(ice(&restarted), ice(&third.offer));
    a.sld(SdpType::Offer, &restarted);
    a.rollback();
    assert_eq!(ice(&a.create_offer()), ice(&third.offer));
}

#[test]
fn negotiation_needed_follows_webrtc_pc() {
    let (mut a, mut b) = (Peer::new(23), Peer::new(24));
    assert!(!a.session.is_negotiation_needed());
    let audio = a.add(Audio, SendRecv);
    assert!(a.session.is_negotiation_needed());
    negotiate(&mut a, &mut b);
    assert!(!a.session.is_negotiation_needed());

    a.session.set_direction(audio, SendRecv).unwrap();
    assert!(!a.session.is_negotiation_needed(), "same direction");
    // The answer made it sendonly: that matches the remote side's view.
    a.session.set_direction(audio, SendOnly).unwrap();
    assert!(!a.session.is_negotiation_needed(), "matches the current remote description, reversed");
    a.session.set_direction(audio, RecvOnly).unwrap();
    assert!(a.session.is_negotiation_needed());
    a.session.set_direction(audio, SendRecv).unwrap();
    assert!(!a.session.is_negotiation_needed(), "back to what was negotiated");
    a.session.set_direction(audio, Inactive).unwrap();
    negotiate(&mut a, &mut b);
    assert!(!a.session.is_negotiation_needed());

    a.session.set_direction(audio, SendRecv).unwrap();
    negotiate(&mut a, &mut b);
    a.session.set_sender_streams(audio, vec!["other".to_string()]).unwrap();
    assert!(a.session.is_negotiation_needed(), "MSIDs differ");
    let round = negotiate(&mut a, &mut b);
    assert_eq!(round.answerer_srd.stream_tracks_removed.len(), 1);
    assert_eq!(round.answerer_srd.stream_tracks_added.len(), 1);
    assert_eq!(round.answerer_srd.tracks_added.len(), 1, "the addList grew: a new track event");
    assert!(!a.session.is_negotiation_needed());

    a.session.add_data_channel();
    assert!(a.session.is_negotiation_needed());
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    assert!(!a.session.is_negotiation_needed(), "only in stable");
    let srd = b.srd(SdpType::Offer, &offer);
    assert!(srd.tracks_added.is_empty());
    let answer = b.create_answer();
    b.sld(SdpType::Answer, &answer);
    a.srd(SdpType::Answer, &answer);
    assert!(!a.session.is_negotiation_needed());
    assert!(!b.session.is_negotiation_needed());

    // The answerer's check uses the answer's intersected direction.
    let tb = b.session.transceivers()[0].id;
    assert!(!b.session.is_negotiation_needed());
    b.session.set_direction(tb, SendOnly).unwrap();
    assert!(b.session.is_negotiation_needed());
    b.session.set_direction(tb, RecvOnly).unwrap();
    assert!(!b.session.is_negotiation_needed());

    // removeTrack changes the direction, hence needs negotiation.
    let mic = a.session.add_track(Audio, "mic".to_string(), vec![], &mut a.random).unwrap();
    negotiate(&mut a, &mut b);
    assert!(!a.session.is_negotiation_needed());
    a.session.remove_track(mic).unwrap();
    assert_eq!(a.t(mic).direction, RecvOnly);
    assert_eq!(a.t(mic).sender_track_id, None);
    assert!(a.session.is_negotiation_needed());
    a.session.close();
    assert!(!a.session.is_negotiation_needed());
}

#[test]
fn add_track_reuses_a_remote_created_transceiver() {
    let (mut a, mut b) = (Peer::new(25), Peer::new(26));
    a.add(Audio, SendRecv);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let created = b.srd(SdpType::Offer, &offer).created_transceivers[0];
    let reused = b.session.add_track(Audio, "mic".to_string(), vec!["mine".to_string()], &mut b.random).unwrap();
    assert_eq!(reused, created);
    let err = b.session.add_track(Audio, "mic".to_string(), vec![], &mut b.random).unwrap_err();
    assert_eq!(err.name, ErrorName::InvalidAccessError);
    let answer = b.create_answer();
    assert_eq!(direction(&answer, "0"), Direction::SendRecv);
    // The sender keeps the id it was created with, as Chromium's RtpSender does.
    let sender_id = b.t(created).sender_msid_track_id;
    assert!(section(&answer, "0")
        .attributes
        .contains(&Attribute::Msid { stream_id: "mine".to_string(), track_id: Some(sender_id) }));
    b.sld(SdpType::Answer, &answer);
    let srd = a.srd(SdpType::Answer, &answer);
    assert_eq!(srd.tracks_added, vec![(a.only().id, vec!["mine".to_string()])]);

    // And a remote offer takes over an addTrack transceiver of its kind.
    let (mut c, mut d) = (Peer::new(27), Peer::new(28));
    let own = d.session.add_track(Video, "cam".to_string(), vec![], &mut d.random).unwrap();
    c.add(Video, SendRecv);
    let round = negotiate(&mut c, &mut d);
    assert!(round.answerer_srd.created_transceivers.is_empty());
    assert_eq!(d.t(own).mid.as_deref(), Some("0"));
    assert_eq!(direction(&round.answer, "0"), Direction::SendRecv);
}

#[test]
fn provisional_answers() {
    let (mut a, mut b) = (Peer::new(29), Peer::new(30));
    let audio = a.add(Audio, SendRecv);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    b.srd(SdpType::Offer, &offer);
    let pranswer = b.create_answer();
    b.sld(SdpType::Pranswer, &pranswer);
    assert_eq!(b.session.signaling_state(), SignalingState::HaveLocalPranswer);
    let srd = a.srd(SdpType::Pranswer, &pranswer);
    assert!(srd.signaling_state_changed);
    assert_eq!(a.session.signaling_state(), SignalingState::HaveRemotePranswer);
    assert_eq!(a.t(audio).current_direction, None, "a pranswer sets no currentDirection");
    assert!(a.session.dtls_role().is_some());

    let answer = b.create_answer();
    b.sld(SdpType::Answer, &answer);
    a.srd(SdpType::Answer, &answer);
    assert_eq!(a.t(audio).current_direction, Some(SendOnly));
    assert_eq!(a.session.pending_remote_description(), None);
    assert_eq!(a.session.current_remote_description().map(|(ty, _)| ty), Some(SdpType::Answer));
}

#[test]
fn implicit_descriptions_and_munged_sdp() {
    let (mut a, mut b) = (Peer::new(31), Peer::new(32));
    a.add(Video, SendRecv);
    a.session.set_local_description(SdpType::Offer, None, &mut a.random).unwrap();
    let (_, offer) = a.session.local_description().unwrap();
    b.srd(SdpType::Offer, &offer);
    b.session.set_local_description(SdpType::Answer, Some(""), &mut b.random).unwrap();
    let (ty, answer) = b.session.local_description().unwrap();
    assert_eq!(ty, SdpType::Answer);
    a.srd(SdpType::Answer, &answer);
    assert_eq!(a.session.signaling_state(), SignalingState::Stable);

    // Chromium lets setLocalDescription take a modified offer.
    let mut c = Peer::new(33);
    c.add(Audio, SendRecv);
    let munged = c.create_offer().replace("a=rtcp-rsize\r\n", "").replace("a=rtpmap:0 PCMU/8000\r\n", "");
    c.sld(SdpType::Offer, &munged);
    assert!(!c.session.local_description().unwrap().1.contains("rtcp-rsize"));
}

#[test]
fn answerer_takes_the_role_the_offer_leaves() {
    let (mut a, mut b) = (Peer::new(34), Peer::new(35));
    a.session.add_data_channel();
    let offer = a.create_offer().replace("a=setup:actpass", "a=setup:active");
    a.sld(SdpType::Offer, &offer);
    b.srd(SdpType::Offer, &offer);
    let answer = b.create_answer();
    assert_eq!(section(&answer, "0").setup(), Some(wasmrtc::sdp::Setup::Passive));
    b.sld(SdpType::Answer, &answer);
    a.srd(SdpType::Answer, &answer);
    assert_eq!(b.session.dtls_role(), Some(DtlsRole::Server));
    assert_eq!(a.session.dtls_role(), Some(DtlsRole::Client));

    // Renegotiation keeps the roles, whoever offers (RFC 8842 §5.5).
    let round = negotiate(&mut b, &mut a);
    assert_eq!(section(&round.offer, "0").setup(), Some(wasmrtc::sdp::Setup::ActPass));
    assert_eq!(section(&round.answer, "0").setup(), Some(wasmrtc::sdp::Setup::Active));
    assert_eq!(a.session.dtls_role(), Some(DtlsRole::Client));
    assert_eq!(b.session.dtls_role(), Some(DtlsRole::Server));
}

#[test]
fn transceiver_operations_follow_webrtc_pc_errors() {
    let mut a = Peer::new(36);
    let audio = a.add(Audio, SendRecv);
    assert_eq!(a.session.set_direction(audio, TransceiverDirection::Stopped).unwrap_err().name, ErrorName::TypeError);
    let err = a.session.add_transceiver(Audio, TransceiverDirection::Stopped, vec![], &mut a.random).unwrap_err();
    assert_eq!(err.name, ErrorName::TypeError);
    a.session.stop_transceiver(audio).unwrap();
    a.session.stop_transceiver(audio).unwrap();
    assert_eq!(a.session.set_direction(audio, RecvOnly).unwrap_err().name, ErrorName::InvalidStateError);
    assert_eq!(
        a.session.set_direction(audio, TransceiverDirection::Stopped).unwrap_err().name,
        ErrorName::InvalidStateError
    );
    assert_eq!(a.t(audio).current_direction, Some(TransceiverDirection::Stopped));

    let video = a.add(Video, SendRecv);
    a.session.close();
    assert_eq!(a.session.signaling_state(), SignalingState::Closed);
    assert!(a.t(video).stopped);
    for err in [
        a.session.create_offer(OfferOptions::default(), &mut a.random).unwrap_err(),
        a.session.create_answer(&mut a.random).unwrap_err(),
        a.session.set_local_description(SdpType::Offer, None, &mut a.random).unwrap_err(),
        a.session.set_remote_description(SdpType::Offer, "v=0", &mut a.random).unwrap_err(),
        a.session.add_transceiver(Audio, SendRecv, vec![], &mut a.random).unwrap_err(),
        a.session.stop_transceiver(video).unwrap_err(),
        a.session.set_direction(video, RecvOnly).unwrap_err(),
        a.session.set_config(JsepConfig { bundle_policy: BundlePolicy::MaxBundle, fingerprints: vec![] }).unwrap_err(),
    ] {
        assert_eq!(err.name, ErrorName::InvalidStateError, "{err}");
    }
}

#[test]
fn configuration_cannot_change_bundle_policy_or_certificates() {
    let mut a = Peer::new(37);
    let same = JsepConfig {
        bundle_policy: BundlePolicy::MaxBundle,
        fingerprints: vec![("sha-256".to_string(), vec![37; 32])],
    };
    a.session.set_config(same.clone()).unwrap();
    let policy = JsepConfig { bundle_policy: BundlePolicy::Balanced, ..same.clone() };
    assert_eq!(a.session.set_config(policy).unwrap_err().name, ErrorName::InvalidModificationError);
    let certificate = JsepConfig { fingerprints: vec![], ..same };
    assert_eq!(a.session.set_config(certificate).unwrap_err().name, ErrorName::InvalidModificationError);
}

#[test]
fn remote_offer_without_msid_gives_a_default_stream() {
    let (mut a, mut b) = (Peer::new(38), Peer::new(39));
    a.add(Audio, SendRecv);
    let offer = a.create_offer();
    let legacy: String = offer
        .split("\r\n")
        .filter(|line| !line.starts_with("a=msid") && !line.contains(" msid:"))
        .map(|line| format!("{line}\r\n"))
        .collect::<String>()
        .trim_end_matches("\r\n")
        .to_string()
        + "\r\n";
    let srd = b.srd(SdpType::Offer, &legacy);
    assert_eq!(srd.tracks_added.len(), 1);
    assert_eq!(srd.tracks_added[0].1.len(), 1, "one default stream");
}

/// webrtc-pc §4.4.1 (localDescription) and RFC 8839 §4.2.1.2: candidates
/// gathered after setLocalDescription appear in the local description, the
/// tagged section's `m=` port and `c=` line name the default candidate
/// (relay before host, IPv4 before IPv6, UDP component 1 only), and
/// end-of-candidates follows gathering — what a non-trickle peer relies on.
#[test]
fn gathered_candidates_and_the_default_candidate_join_the_local_description() {
    use wasmrtc::sdp::Candidate;
    let mut a = Peer::new(1);
    a.add(Audio, SendRecv);
    a.session.add_data_channel();
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let candidate = |text: &str| Candidate::parse(text).unwrap();
    let section = a.session.add_local_candidate(&candidate("candidate:1 1 udp 2122260223 ::1 50000 typ host")).unwrap();
    assert_eq!(section.m_line_index, 0);
    let local = |a: &Peer| SessionDescription::parse(&a.session.local_description().unwrap().1).unwrap();
    let address = |m: &MediaDescription| (m.port, m.connections[0].addr_type.clone(), m.connections[0].address.clone());
    assert_eq!(address(&local(&a).media[0]), (50000, "IP6".into(), "::1".into()));
    a.session.add_local_candidate(&candidate("candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host"));
    assert_eq!(address(&local(&a).media[0]), (50001, "IP4".into(), "127.0.0.1".into()), "IPv4 before IPv6");
    a.session.add_local_candidate(&candidate("candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active"));
    a.session.add_local_candidate(&candidate("candidate:4 2 udp 41885439 127.0.0.1 50003 typ relay raddr 0.0.0.0 rport 0"));
    assert_eq!(address(&local(&a).media[0]).0, 50001, "TCP and RTCP-component candidates are never the default");
    a.session.add_local_candidate(&candidate("candidate:5 1 udp 41885439 127.0.0.1 50004 typ relay raddr 0.0.0.0 rport 0"));
    a.session.add_local_end_of_candidates();
    let sdp = local(&a);
    assert_eq!(address(&sdp.media[0]), (50004, "IP4".into(), "127.0.0.1".into()), "relay before host");
    let candidates = sdp.media[0].attributes.iter().filter(|x| matches!(x, Attribute::Candidate(_))).count();
    assert_eq!(candidates, 5);
    assert!(sdp.media[0].attributes.contains(&Attribute::EndOfCandidates));
    assert_eq!(sdp.media[1].port, 9, "only the tagged section carries candidates");
    // The answerer's description, once applied, takes its candidates the same way.
    let mut b = Peer::new(2);
    b.srd(SdpType::Offer, &sdp.to_string());
    let answer = b.create_answer();
    b.sld(SdpType::Answer, &answer);
    b.session.add_local_candidate(&candidate("candidate:9 1 udp 41885439 127.0.0.1 50100 typ relay raddr 0.0.0.0 rport 0"));
    assert_eq!(address(&local(&b).media[0]), (50100, "IP4".into(), "127.0.0.1".into()));
}

/// `sdp` with its `m=video` line listing only the payload types of `names`
/// (their `a=rtpmap` lines stay; unlisted formats are not negotiated).
fn only_video_codecs(sdp: &str, names: &[&str]) -> String {
    let video = parse(sdp).media.into_iter().find(|m| m.media == "video").expect("a video section");
    let kept: Vec<String> = video
        .formats
        .iter()
        .filter(|f| f.parse().ok().and_then(|pt| video.rtpmap(pt)).is_some_and(|r| names.contains(&r.encoding_name)))
        .cloned()
        .collect();
    let line = sdp.lines().find(|l| l.starts_with("m=video ")).expect("an m=video line");
    let prefix: Vec<&str> = line.split(' ').take(3).collect();
    sdp.replace(line, &format!("{} {}", prefix.join(" "), kept.join(" ")))
}

#[test]
fn the_offerer_receives_every_format_it_offered() {
    let (mut a, mut b) = (Peer::new(40), Peer::new(41));
    let video = a.add(Video, RecvOnly);
    let offer = a.create_offer();
    a.sld(SdpType::Offer, &offer);
    let offered: Vec<u8> = section(&offer, "0").formats.iter().map(|f| f.parse().unwrap()).collect();
    // Before the answer: the whole offer, nothing negotiated.
    let t = a.t(video);
    assert!(t.codecs.is_empty());
    assert_eq!(t.offered_codecs.iter().map(|c| c.payload_type).collect::<Vec<_>>(), offered);

    // An answer that keeps VP9 only, as Chromium's with setCodecPreferences.
    b.srd(SdpType::Offer, &offer);
    let answer = b.create_answer();
    b.sld(SdpType::Answer, &answer);
    a.srd(SdpType::Answer, &only_video_codecs(&answer, &["VP9"]));
    let t = a.t(video);
    assert!(!t.codecs.is_empty() && t.codecs.iter().all(|c| c.name == "VP9"), "{:?}", t.codecs);
    let vp9 = t.codecs[0].payload_type;
    assert_eq!(t.receive_codec(vp9).map(|c| c.name.as_str()), Some("VP9"));
    // RFC 3264 §5.1: what we offered and the answer left out still decodes
    // (Chromium sends the first codec of our offer it supports).
    assert_eq!(t.receive_codec(96).map(|c| c.name.as_str()), Some("VP8"));
    let unused = (0..128u8).find(|pt| !offered.contains(pt)).unwrap();
    assert_eq!(t.receive_codec(unused), None, "PT {unused} was never offered");

    // The answerer receives what its answer says, nothing more.
    assert!(b.only().offered_codecs.is_empty());

    // A rolled-back re-offer leaves the current offer's formats.
    let reoffer = a.create_offer();
    a.sld(SdpType::Offer, &reoffer);
    a.rollback();
    assert_eq!(a.t(video).receive_codec(96).map(|c| c.name.as_str()), Some("VP8"));

    // Once the other side offers and we answer, only the answer counts.
    b.session.set_direction(b.only().id, SendOnly).unwrap();
    negotiate(&mut b, &mut a);
    let t = a.t(video);
    assert!(t.offered_codecs.is_empty());
    assert!(t.codecs.iter().all(|c| t.receive_codec(c.payload_type) == Some(c)));
}
