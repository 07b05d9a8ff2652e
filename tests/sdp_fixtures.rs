//! Real Chromium 156 and Firefox ESR 153 descriptions (tests/fixtures/sdp)
//! through the SDP parser and serializer, and the typed values a JSEP
//! implementation reads from them.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::PathBuf;

use wasmrtc::error::{ErrorName, RtcError, RtcErrorDetail};
use wasmrtc::sdp::{Attribute, Candidate, Direction, PayloadTypes, RtpmapRef, SdpError, SessionDescription, Setup};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdp")
}

/// Every fixture as (file name, text), sorted by name.
fn fixtures() -> Vec<(String, String)> {
    let mut fixtures: Vec<(String, String)> = fs::read_dir(fixture_dir())
        .expect("tests/fixtures/sdp exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "sdp"))
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            let text = fs::read_to_string(&path).expect("fixture is UTF-8");
            (name, text)
        })
        .collect();
    fixtures.sort();
    fixtures
}

fn fixture(name: &str) -> SessionDescription {
    let text = fs::read_to_string(fixture_dir().join(name)).expect("fixture exists");
    SessionDescription::parse(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn there_are_fixtures_from_both_browsers() {
    let names: Vec<String> = fixtures().into_iter().map(|(name, _)| name).collect();
    assert!(names.iter().filter(|name| name.starts_with("chromium-")).count() >= 4, "{names:?}");
    assert!(names.iter().filter(|name| name.starts_with("firefox-")).count() >= 4, "{names:?}");
}

#[test]
fn every_fixture_round_trips() {
    for (name, text) in fixtures() {
        let parsed = SessionDescription::parse(&text).unwrap_or_else(|error| panic!("{name}: {error}"));
        let written = parsed.to_string();
        let reparsed = SessionDescription::parse(&written).unwrap_or_else(|error| panic!("{name} rewritten: {error}"));
        assert_eq!(parsed, reparsed, "{name}: serialize then parse changed the model");
        assert_eq!(written, reparsed.to_string(), "{name}: second serialization differs");
        assert!(written.ends_with("\r\n") && !written.replace("\r\n", "").contains('\n'), "{name}: not CRLF");
    }
}

/// The serializer writes what the browsers wrote, but for one spelling:
/// Firefox's `a=msid-semantic:WMS` comes out as Chromium's `: WMS`.
#[test]
fn every_fixture_is_written_back_as_the_browser_wrote_it() {
    for (name, text) in fixtures() {
        let written = SessionDescription::parse(&text).expect("parses").to_string();
        let expected = text.replace("a=msid-semantic:WMS", "a=msid-semantic: WMS");
        if name.starts_with("chromium-") {
            assert_eq!(written, text, "{name}");
        }
        assert_eq!(written, expected, "{name}");
    }
}

#[test]
fn bare_lf_and_a_missing_final_line_end_parse_the_same() {
    for (name, text) in fixtures() {
        let parsed = SessionDescription::parse(&text).expect("parses");
        let lf = text.replace("\r\n", "\n");
        assert_eq!(SessionDescription::parse(&lf).as_ref(), Ok(&parsed), "{name} with LF");
        let unterminated = text.strip_suffix("\r\n").expect("fixtures end in CRLF");
        assert_eq!(SessionDescription::parse(unterminated).as_ref(), Ok(&parsed), "{name} unterminated");
        let lf_unterminated = lf.strip_suffix('\n').expect("ends in LF");
        assert_eq!(SessionDescription::parse(lf_unterminated).as_ref(), Ok(&parsed), "{name} LF unterminated");
    }
}

#[test]
fn chromium_offer_session_level() {
    let offer = fixture("chromium-av-data-offer.sdp");
    assert_eq!(offer.origin.username, "-");
    assert_eq!(offer.origin.session_id, 8034147608671342532);
    assert_eq!(offer.origin.session_version, 2);
    assert_eq!(offer.origin.unicast_address, "127.0.0.1");
    assert_eq!(offer.session_name, "-");
    assert_eq!((offer.timings.len(), offer.timings[0].start, offer.timings[0].stop), (1, 0, 0));
    let groups: Vec<&[String]> = offer.bundle_groups().collect();
    assert_eq!(groups, [["0", "1", "2"].map(String::from).as_slice()]);
    assert!(offer.attribute("extmap-allow-mixed").is_some());
    assert!(offer.extmap_allow_mixed(0));
    assert_eq!(
        offer.attribute("msid-semantic"),
        Some(&Attribute::MsidSemantic {
            semantic: "WMS".into(),
            identifiers: vec!["3d994ebf-d87a-4a89-90e7-eae6b2da30ba".into()],
        })
    );
    assert!(!offer.ice_lite());
    let mids: Vec<Option<&str>> = offer.media.iter().map(|media| media.mid()).collect();
    assert_eq!(mids, [Some("0"), Some("1"), Some("2")]);
    assert_eq!(offer.media_index("2"), Some(2));
    assert_eq!(offer.media_index("3"), None);
}

#[test]
fn chromium_offer_audio_section() {
    let offer = fixture("chromium-av-data-offer.sdp");
    let audio = &offer.media[0];
    assert_eq!(audio.media, "audio");
    assert_eq!(audio.port, 58187);
    assert_eq!(audio.proto, "UDP/TLS/RTP/SAVPF");
    assert_eq!(audio.formats, ["111", "63", "9", "0", "8", "13", "110", "126"]);
    assert_eq!(audio.connections[0].address, "127.0.0.1");
    assert_eq!(
        audio.rtpmap(111),
        Some(RtpmapRef { payload_type: 111, encoding_name: "opus", clock_rate: 48000, encoding_params: Some(2) })
    );
    assert_eq!(audio.rtpmap(0).map(|rtpmap| (rtpmap.encoding_name, rtpmap.encoding_params)), Some(("PCMU", None)));
    assert_eq!(audio.rtpmaps().count(), 8);
    assert_eq!(audio.fmtp(111), Some("minptime=10;useinbandfec=1"));
    assert_eq!(audio.fmtp(63), Some("111/111"));
    assert_eq!(audio.fmtp(0), None);
    assert_eq!(audio.rtcp_fbs(111).collect::<Vec<_>>(), [("transport-cc", None)]);
    assert_eq!(audio.ice_ufrag(), Some("khpi"));
    assert_eq!(audio.ice_pwd(), Some("aY3/tGkDxPSHQoBuqcG5/1H8"));
    assert_eq!(offer.ice_options(0), ["trickle"]);
    assert_eq!(audio.setup(), Some(Setup::ActPass));
    assert_eq!(audio.direction(), Some(Direction::SendRecv));
    assert!(audio.has_attribute("rtcp-mux"));
    assert!(!audio.is_rejected());
    assert_eq!(
        audio.attribute("rtcp"),
        Some(&Attribute::Rtcp {
            port: 9,
            connection: Some(wasmrtc::sdp::Connection {
                net_type: "IN".into(),
                addr_type: "IP4".into(),
                address: "0.0.0.0".into(),
            }),
        })
    );
    assert_eq!(
        audio.attribute("extmap"),
        Some(&Attribute::Extmap {
            id: 1,
            direction: None,
            uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level".into(),
            attributes: None,
        })
    );
    assert_eq!(
        audio.attribute("ssrc"),
        Some(&Attribute::Ssrc { ssrc: 3039689434, attribute: "cname".into(), value: Some("kKkEV57e9ofv+ZG+".into()) })
    );
    assert_eq!(
        audio.attributes_named("ssrc").nth(1),
        Some(&Attribute::Ssrc {
            ssrc: 3039689434,
            attribute: "msid".into(),
            value: Some("3d994ebf-d87a-4a89-90e7-eae6b2da30ba 1e4c6a04-c30f-4b52-8e43-582ef45abfee".into()),
        })
    );
    assert_eq!(
        audio.attribute("msid"),
        Some(&Attribute::Msid {
            stream_id: "3d994ebf-d87a-4a89-90e7-eae6b2da30ba".into(),
            track_id: Some("1e4c6a04-c30f-4b52-8e43-582ef45abfee".into()),
        })
    );
    assert_eq!(
        audio.attribute("rtcp-xr"),
        Some(&Attribute::Other { name: "rtcp-xr".into(), value: Some("rcvr-rtt=all".into()) })
    );
}

#[test]
fn chromium_offer_relay_candidate() {
    let offer = fixture("chromium-av-data-offer.sdp");
    let candidates: Vec<&Candidate> = offer.media[0].candidates().collect();
    assert_eq!(
        candidates,
        [&Candidate {
            foundation: "1727877714".into(),
            component: 1,
            transport: "udp".into(),
            priority: 58597375,
            address: "127.0.0.1".into(),
            port: 58187,
            typ: "relay".into(),
            rel_addr: Some("0.0.0.0".into()),
            rel_port: Some(0),
            tcp_type: None,
            extensions: vec![("generation".into(), "0".into()), ("network-id".into(), "1".into())],
        }]
    );
    assert!(!offer.media[0].end_of_candidates());
}

#[test]
fn chromium_offer_video_and_data_sections() {
    let offer = fixture("chromium-av-data-offer.sdp");
    let video = &offer.media[1];
    assert_eq!(video.formats.len(), 23);
    assert_eq!(video.rtpmap(45).map(|rtpmap| rtpmap.encoding_name), Some("AV1"));
    assert_eq!(video.fmtp(97), Some("apt=96"));
    assert_eq!(
        video.rtcp_fbs(96).collect::<Vec<_>>(),
        [("goog-remb", None), ("transport-cc", None), ("ccm", Some("fir")), ("nack", None), ("nack", Some("pli"))]
    );
    assert_eq!(
        video.attribute("ssrc-group"),
        Some(&Attribute::SsrcGroup { semantics: "FID".into(), ssrcs: vec![686853667, 2634551111] })
    );
    assert_eq!(video.attributes_named("extmap").count(), 11);

    let data = &offer.media[2];
    assert_eq!((data.media.as_str(), data.proto.as_str()), ("application", "UDP/DTLS/SCTP"));
    assert_eq!(data.formats, ["webrtc-datachannel"]);
    assert_eq!(data.sctp_port(), Some(5000));
    assert_eq!(data.max_message_size(), Some(262144));
    assert_eq!(data.rtpmaps().count(), 0);
    let fingerprints: Vec<(&str, &[u8])> = offer.fingerprints(2).collect();
    assert_eq!(fingerprints.len(), 1);
    assert_eq!(fingerprints[0].0, "sha-256");
    assert_eq!(fingerprints[0].1.len(), 32);
    assert_eq!(fingerprints[0].1[..4], [0xB4, 0xE9, 0x5C, 0x9A]);
    assert_eq!(fingerprints[0].1[31], 0x5D);
}

#[test]
fn chromium_answer_and_recvonly_offer() {
    let answer = fixture("chromium-av-data-answer.sdp");
    assert_eq!(answer.setup(0), Some(Setup::Active));
    assert_eq!(answer.media[1].port, 9);
    assert_eq!(answer.media[1].candidates().count(), 0);

    let recvonly = fixture("chromium-recvonly-offer.sdp");
    assert_eq!(recvonly.direction(0), Direction::RecvOnly);
    assert_eq!(recvonly.direction(1), Direction::RecvOnly);
    assert_eq!(recvonly.media[1].rtpmap(49).map(|rtpmap| rtpmap.encoding_name), Some("flexfec-03"));
    assert_eq!(recvonly.media[1].fmtp(49), Some("repair-window=10000000"));

    let data = fixture("chromium-datachannel-offer.sdp");
    assert_eq!(data.bundle_groups().collect::<Vec<_>>(), [["0".to_string()].as_slice()]);
    assert_eq!(
        data.attribute("msid-semantic"),
        Some(&Attribute::MsidSemantic { semantic: "WMS".into(), identifiers: vec![] })
    );
}

#[test]
fn firefox_offer_session_level_fallbacks() {
    let offer = fixture("firefox-av-data-offer.sdp");
    assert_eq!(offer.origin.username, "mozilla...THIS_IS_SDPARTA-99.0");
    assert_eq!(offer.origin.session_id, 8679062050214291746);
    assert_eq!(offer.origin.session_version, 0);
    // Firefox writes the fingerprint, ice-options and a direction once, at
    // session level.
    assert_eq!(offer.media[0].fingerprints().count(), 0);
    for index in 0..offer.media.len() {
        let fingerprints: Vec<(&str, &[u8])> = offer.fingerprints(index).collect();
        let expected: [u8; 32] = [
            0xB9, 0xE7, 0xB5, 0x9C, 0xDC, 0x14, 0x5D, 0x9C, 0x30, 0x1F, 0xCB, 0x4F, 0x3C, 0xAC, 0x4A, 0x13, 0xC7, 0x1B,
            0x67, 0x94, 0xA7, 0xF6, 0x39, 0x00, 0x06, 0x79, 0xF0, 0xD6, 0x8D, 0x4E, 0x12, 0x19,
        ];
        assert_eq!(fingerprints, [("sha-256", expected.as_slice())]);
        assert_eq!(offer.ice_options(index), ["trickle"]);
    }
    assert_eq!(offer.fingerprints(99).count(), 1, "an index past the end falls back to session level");
    assert_eq!(
        offer.attribute("msid-semantic"),
        Some(&Attribute::MsidSemantic { semantic: "WMS".into(), identifiers: vec!["*".into()] })
    );
    assert_eq!(offer.ice_ufrag(0), Some("c1ffb113"));
    assert_eq!(offer.ice_pwd(2), Some("7a91413f75747ecb291175930eed0d13"));
    assert_eq!(offer.setup(1), Some(Setup::ActPass));
    assert_eq!(offer.bundle_groups().next().map(<[String]>::len), Some(3));
}

#[test]
fn firefox_offer_media_sections() {
    let offer = fixture("firefox-av-data-offer.sdp");
    let audio = &offer.media[0];
    assert!(audio.end_of_candidates());
    let candidates: Vec<&Candidate> = audio.candidates().collect();
    assert_eq!(candidates.len(), 2);
    assert_eq!(
        *candidates[1],
        Candidate {
            foundation: "0".into(),
            component: 2,
            transport: "UDP".into(),
            priority: 92151806,
            address: "127.0.0.1".into(),
            port: 62314,
            typ: "relay".into(),
            rel_addr: Some("127.0.0.1".into()),
            rel_port: Some(62314),
            tcp_type: None,
            extensions: vec![],
        }
    );
    assert_eq!(
        audio.attributes_named("extmap").nth(1),
        Some(&Attribute::Extmap {
            id: 2,
            direction: Some(Direction::RecvOnly),
            uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level".into(),
            attributes: None,
        })
    );
    assert_eq!(audio.fmtp(109), Some("maxplaybackrate=48000;stereo=1;useinbandfec=1"));
    assert_eq!(audio.fmtp(101), Some("0-15"));
    assert_eq!(
        audio.attribute("msid"),
        Some(&Attribute::Msid {
            stream_id: "{be9abdb6-368b-44bf-be1e-aa5fdf78ccb3}".into(),
            track_id: Some("{b923f211-fa78-42d6-bb4f-d89676503ccc}".into()),
        })
    );
    let video = &offer.media[1];
    assert_eq!(video.rtcp_fbs(120).count(), 5);
    assert_eq!(video.rtpmap(99).map(|rtpmap| rtpmap.encoding_name), Some("AV1"));

    let data = &offer.media[2];
    assert_eq!(data.sctp_port(), Some(5000));
    assert_eq!(data.max_message_size(), Some(1073741823));
    assert_eq!(data.direction(), Some(Direction::SendRecv));
}

#[test]
fn firefox_answer_g722_has_explicit_channels() {
    let answer = fixture("firefox-av-data-answer.sdp");
    assert_eq!(answer.media[0].rtpmap(9).and_then(|rtpmap| rtpmap.encoding_params), Some(1));
    assert_eq!(answer.setup(0), Some(Setup::Active));
    let fingerprints: Vec<(&str, &[u8])> = answer.fingerprints(0).collect();
    assert_eq!(fingerprints[0].1[0], 0xE6);
    assert!(answer.to_string().contains(
        "a=fingerprint:sha-256 E6:B1:A0:16:01:0A:81:45:E2:0B:03:58:66:63:D3:12:18:DC:74:BE:99:F2:D2:90:62:FD:24:11:F3:AE:2E:8A\r\n"
    ));
}

#[test]
fn lowercase_fingerprints_are_written_in_uppercase() {
    let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=fingerprint:SHA-1 0a:bc:De:F0\r\n";
    let parsed = SessionDescription::parse(text).expect("parses");
    assert_eq!(
        parsed.attributes,
        [Attribute::Fingerprint { hash_function: "SHA-1".into(), fingerprint: vec![0x0A, 0xBC, 0xDE, 0xF0] }]
    );
    assert!(parsed.to_string().ends_with("a=fingerprint:SHA-1 0A:BC:DE:F0\r\n"));
}

#[test]
fn rejected_and_bundle_only_sections() {
    let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n\
                m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n\
                m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=bundle-only\r\n\
                m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n";
    let parsed = SessionDescription::parse(text).expect("parses");
    let rejected: Vec<bool> = parsed.media.iter().map(|media| media.is_rejected()).collect();
    assert_eq!(rejected, [false, false, true]);
    assert!(parsed.media[1].is_bundle_only());
    assert_eq!(parsed.direction(0), Direction::SendRecv, "sendrecv is the default");
}

#[test]
fn every_typed_attribute_round_trips() {
    let attributes = [
        "a=ice-lite",
        "a=group:LS 0 1",
        "a=group:BUNDLE",
        "a=inactive",
        "a=sendonly",
        "a=ice-options:trickle renomination",
        "a=setup:passive",
        "a=setup:holdconn",
        "a=rtcp-fb:* nack",
        "a=rtcp-fb:96 ccm tmmbr smaxpr=120",
        "a=extmap:3/sendonly urn:example extra attributes",
        "a=msid:stream",
        "a=rid:hi send max-width=1280;max-height=720",
        "a=rid:lo recv",
        "a=simulcast:send hi;~mid,lo recv r0",
        "a=simulcast:recv a",
        "a=rtcp-mux-only",
        "a=rtcp:9",
        "a=ssrc:1 foo",
        "a=candidate:abc+/ 1 tcp 1 ::1 9 typ host tcptype active generation 0",
        "a=end-of-candidates",
        "a=fmtp:96",
        "a=x-custom:with: colons",
        "a=x-flag",
        "a=x-empty:",
    ];
    let header = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
    for line in attributes {
        let text = format!("{header}{line}\r\n");
        let parsed = SessionDescription::parse(&text).unwrap_or_else(|error| panic!("{line}: {error}"));
        assert_eq!(parsed.to_string(), text, "{line}");
        assert_eq!(parsed.attributes.len(), 1);
        if line.starts_with("a=x-") {
            assert!(matches!(parsed.attributes[0], Attribute::Other { .. }), "{line}");
        } else {
            assert!(!matches!(parsed.attributes[0], Attribute::Other { .. }), "{line}");
        }
    }
}

#[test]
fn simulcast_and_rtcp_fb_are_typed() {
    let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
                m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtcp-fb:* nack\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:97 nack pli\r\n\
                a=simulcast:recv a;~b,c\r\n";
    let parsed = SessionDescription::parse(text).expect("parses");
    let video = &parsed.media[0];
    assert_eq!(video.rtcp_fbs(96).collect::<Vec<_>>(), [("nack", None), ("ccm", Some("fir"))]);
    assert_eq!(
        video.attributes_named("rtcp-fb").next(),
        Some(&Attribute::RtcpFb { payload_types: PayloadTypes::All, feedback_type: "nack".into(), parameter: None })
    );
    let Some(Attribute::Simulcast { send, recv }) = video.attribute("simulcast") else {
        panic!("simulcast is typed");
    };
    assert!(send.is_empty());
    let recv: Vec<Vec<(&str, bool)>> = recv
        .iter()
        .map(|alternatives| alternatives.iter().map(|rid| (rid.id.as_str(), rid.paused)).collect())
        .collect();
    assert_eq!(recv, [vec![("a", false)], vec![("b", true), ("c", false)]]);
}

#[test]
fn candidate_strings_with_and_without_prefix() {
    let chromium =
        "candidate:1727877714 1 udp 58597375 127.0.0.1 58187 typ relay raddr 0.0.0.0 rport 0 generation 0 network-id 1";
    let with_prefix = Candidate::parse(chromium).expect("parses");
    let without_prefix = Candidate::parse(chromium.trim_start_matches("candidate:")).expect("parses");
    assert_eq!(with_prefix, without_prefix);
    assert_eq!(with_prefix.to_string(), chromium);

    let tcp = "candidate:2 1 TCP 2105458943 fe80::1 9 typ host tcptype passive generation 0 ufrag Ab+/ network-cost 10";
    let parsed = Candidate::parse(tcp).expect("parses");
    assert_eq!(parsed.tcp_type.as_deref(), Some("passive"));
    assert_eq!(parsed.address, "fe80::1");
    assert_eq!(parsed.rel_addr, None);
    assert_eq!(
        parsed.extensions,
        [("generation", "0"), ("ufrag", "Ab+/"), ("network-cost", "10")]
            .map(|(name, value)| (name.to_string(), value.to_string()))
    );
    assert_eq!(parsed.to_string(), tcp);

    let mdns = "candidate:3 1 udp 2122260223 0c2a6a5f-0b4c-4a5e-9e34-7b1e6d2f8a11.local 54321 typ host";
    assert_eq!(Candidate::parse(mdns).expect("parses").address, "0c2a6a5f-0b4c-4a5e-9e34-7b1e6d2f8a11.local");
}

#[test]
fn bad_candidates_are_errors_on_line_1() {
    let bad = [
        "",
        "candidate:",
        "candidate:1 1 udp 1 1.2.3.4 9 host",
        "candidate:1 1 udp 1 1.2.3.4 9 typ",
        "candidate:1 1 udp 4294967296 1.2.3.4 9 typ host",
        "candidate:1 123456 udp 1 1.2.3.4 9 typ host",
        "candidate:1 1 udp 1 1.2.3.4 65536 typ host",
        "candidate:f_o 1 udp 1 1.2.3.4 9 typ host",
        "candidate:123456789012345678901234567890123 1 udp 1 1.2.3.4 9 typ host",
        "candidate:1 1 udp 1 1.2.3.4 9 typ host raddr",
        "candidate:1 1 udp 1 1.2.3.4 9 typ host raddr 1.1.1.1 rport x",
        "candidate:1 1 udp 1 1.2.3.4 9 typ host generation",
        "candidate:1 1 udp 1 1.2.3.4 9 typ host tcptype a tcptype b",
        "a=candidate:1 1 udp 1 1.2.3.4 9 typ host",
    ];
    for text in bad {
        let error = Candidate::parse(text).expect_err(text);
        assert_eq!(error.line, 1, "{text}");
        assert!(!error.message.is_empty());
    }
}

#[test]
fn sdp_errors_become_rtc_errors() {
    let error = SessionDescription::parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nx=foo\r\n").expect_err("unknown line");
    assert_eq!(error.line, 3);
    assert!(error.to_string().contains("line 3"), "{error}");
    let rtc: RtcError = error.into();
    assert_eq!(rtc.name, ErrorName::OperationError);
    assert_eq!(rtc.detail, Some(RtcErrorDetail::SdpSyntaxError));
    assert_eq!(rtc.sdp_line_number, Some(3));

    let huge = SdpError { line: usize::MAX, message: "far".into() };
    assert_eq!(RtcError::from(huge).sdp_line_number, Some(u32::MAX));
}
