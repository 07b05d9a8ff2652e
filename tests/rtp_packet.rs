//! RTP headers and header extensions (src/rtp/packet): byte layouts from
//! RFC 3550 §5.1 and RFC 8285 §4, the typed WebRTC extensions through an
//! extension map, padding, round trips (fixed and proptest), and a
//! cross-check against webrtc-rs's `rtp` crate.

// Native only: proptest and the rtp crate are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use proptest::prelude::*;
use wasmrtc::rtp::packet::extension::{abs_send_time, abs_send_time_duration};
use wasmrtc::rtp::packet::{
    AudioLevel, ExtensionElement, ExtensionKind, ExtensionMap, ExtensionValues, HeaderExtension, PacketError, RtpHeader,
    RtpPacket, VideoOrientation,
};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

#[test]
fn fixed_header_and_csrcs() {
    // V=2 P=0 X=0 CC=2, M=1 PT=111, seq 0x1234, ts 0xdecafbad, SSRC, 2 CSRCs.
    let bytes = hex("82ef1234 decafbad cafebabe 00000001 00000002 c0ffee");
    let p = RtpPacket::parse(&bytes).unwrap();
    assert!(p.marker);
    assert_eq!((p.payload_type, p.sequence_number, p.timestamp, p.ssrc), (111, 0x1234, 0xdecafbad, 0xcafebabe));
    assert_eq!(p.csrcs().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(p.header_len, 20);
    assert_eq!(p.payload, hex("c0ffee"));
    assert_eq!(p.padding, 0);
    assert_eq!(p.extension_profile(), None);
    let mut again = Vec::new();
    p.to_header().write_packet(p.payload, 0, &mut again).unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn padding_counts_itself_and_may_not_exceed_the_payload() {
    let bytes = hex("a0000001 00000000 00000001 aabb 000003");
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.payload, hex("aabb"));
    assert_eq!(p.padding, 3);
    let mut again = Vec::new();
    p.to_header().write_packet(p.payload, 3, &mut again).unwrap();
    assert_eq!(again, bytes);
    // All of the payload is padding: allowed, empty payload.
    assert_eq!(RtpPacket::parse(&hex("a0000001 00000000 00000001 0002")).unwrap().payload, b"");
    for bad in ["a0000001 00000000 00000001 aabb04", "a0000001 00000000 00000001 aabb00", "a0000001 00000000 00000001"] {
        assert!(matches!(RtpPacket::parse(&hex(bad)), Err(PacketError::Malformed(_))), "{bad}");
    }
}

#[test]
fn malformed_headers_are_errors() {
    for bad in [
        "",
        "80",
        "8000000100000000000000",             // 11 bytes
        "40000001 00000000 00000001",         // version 1
        "81000001 00000000 00000001",         // CC=1 without the CSRC
        "90000001 00000000 00000001 bede",    // X without the extension header
        "90000001 00000000 00000001 bede0002 10aa0000", // length beyond the packet
    ] {
        assert!(RtpPacket::parse(&hex(bad)).is_err(), "{bad:?}");
    }
}

/// RFC 8285 §4.2's layout: ID 1 with one octet, ID 2 with two, two padding
/// octets between elements, ID 3 with four, then padding to the word.
#[test]
fn one_byte_elements_with_padding_between_them() {
    let bytes = hex("90000001 00000000 00000001 bede0003 10aa21bb bb000033 cccccccc 00 feed");
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_profile(), Some(0xBEDE));
    let elements: Vec<(u8, Vec<u8>)> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(elements, [(1, hex("aa")), (2, hex("bbbb")), (3, hex("cccccccc"))]);
    assert_eq!(p.payload, hex("00feed"));
    assert_eq!(p.extension(2), Some(&hex("bbbb")[..]));
}

#[test]
fn one_byte_id_15_stops_parsing() {
    let bytes = hex("90000001 00000000 00000001 bede0002 10aaf0bb 20cc0000");
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extensions().map(|e| e.id).collect::<Vec<_>>(), [1]);
}

/// RFC 8285 §4.3: ID and length octets; zero-length elements, IDs below 15
/// (the extmap-allow-mixed case) and above, padding between elements.
#[test]
fn two_byte_elements() {
    let bytes = hex("90000001 00000000 00000001 10000003 0100 0201bb 00 1e02cccc 0000 99");
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_profile(), Some(0x1000));
    let elements: Vec<(u8, Vec<u8>)> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(elements, [(1, vec![]), (2, hex("bb")), (30, hex("cccc"))]);
    assert_eq!(p.payload, hex("99"));
    // Writing it back gives the same elements (padding is not kept).
    let header = p.to_header();
    assert!(matches!(header.extension, Some(HeaderExtension::TwoByte(_))));
    let mut out = Vec::new();
    header.write_packet(p.payload, 0, &mut out).unwrap();
    assert_eq!(out, hex("90000001 00000000 00000001 10000003 0100 0201bb 1e02cccc 000000 99"));
}

fn webrtc_map() -> ExtensionMap {
    let mut map = ExtensionMap::new();
    for (id, kind) in [
        (1, ExtensionKind::AudioLevel),
        (2, ExtensionKind::AbsSendTime),
        (3, ExtensionKind::TransportWideCc),
        (4, ExtensionKind::Mid),
        (10, ExtensionKind::RtpStreamId),
        (11, ExtensionKind::RepairedRtpStreamId),
        (13, ExtensionKind::VideoOrientation),
    ] {
        map.insert(id, kind.uri()).unwrap();
    }
    map
}

/// An audio packet as Chromium sends it, laid out by hand from the specs:
/// ssrc-audio-level (ID 1, V=1, level 42), abs-send-time (ID 2),
/// transport-cc (ID 3) and mid "0" (ID 4).
#[test]
fn typed_values_of_a_chromium_style_audio_packet() {
    let bytes = hex("906f0001 00000000 00000001 bede0003 10aa2206 00003103 e8403000 fc");
    let map = webrtc_map();
    let p = RtpPacket::parse(&bytes).unwrap();
    let v = ExtensionValues::read(&map, &p);
    assert_eq!(v.audio_level, Some(AudioLevel { voice_activity: true, level: 42 }));
    assert_eq!(v.abs_send_time, Some(0x060000));
    assert_eq!(abs_send_time_duration(0x060000), Duration::from_millis(1500));
    assert_eq!(v.transport_sequence_number, Some(1000));
    assert_eq!(v.mid.as_deref(), Some("0"));
    assert_eq!(p.payload, hex("fc"));

    let mut header = p.to_header();
    v.write_into(&map, &mut header).unwrap();
    let mut out = Vec::new();
    header.write_packet(p.payload, 0, &mut out).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn abs_send_time_is_6_18_fixed_point_modulo_64_seconds() {
    assert_eq!(abs_send_time(Duration::from_millis(1500)), 0x06_0000);
    assert_eq!(abs_send_time(Duration::from_secs(64 + 1)), 0x04_0000);
    assert_eq!(abs_send_time(Duration::from_micros(63_999_999)), 0xFF_FFFF);
}

#[test]
fn video_orientation_and_stream_ids() {
    let map = webrtc_map();
    let values = ExtensionValues {
        rtp_stream_id: Some("hi".into()),
        repaired_rtp_stream_id: Some("lo".into()),
        video_orientation: Some(VideoOrientation { back_camera: true, flip: false, rotation: 3 }),
        ..ExtensionValues::default()
    };
    let elements = values.to_elements(&map).unwrap();
    assert_eq!(
        elements,
        [
            ExtensionElement { id: 10, data: b"hi".to_vec() },
            ExtensionElement { id: 11, data: b"lo".to_vec() },
            ExtensionElement { id: 13, data: vec![0b1011] },
        ]
    );
    let mut header = RtpHeader::default();
    values.write_into(&map, &mut header).unwrap();
    let mut out = Vec::new();
    header.write_packet(b"x", 0, &mut out).unwrap();
    let back = ExtensionValues::read(&map, &RtpPacket::parse(&out).unwrap());
    assert_eq!(back, values);
    assert_eq!(back.video_orientation.unwrap().rotation_degrees(), 270);
}

#[test]
fn two_byte_form_needs_allow_mixed_or_high_ids() {
    let mut map = webrtc_map();
    let long_mid = ExtensionValues { mid: Some("a-mid-longer-than-16".into()), ..ExtensionValues::default() };
    let mut header = RtpHeader::default();
    assert!(long_mid.write_into(&map, &mut header).is_err());
    map.allow_mixed = true;
    long_mid.write_into(&map, &mut header).unwrap();
    assert!(matches!(header.extension, Some(HeaderExtension::TwoByte(_))));
    let mut out = Vec::new();
    header.write_packet(&[], 0, &mut out).unwrap();
    assert_eq!(ExtensionValues::read(&map, &RtpPacket::parse(&out).unwrap()), long_mid);

    // An ID above 14 always takes the two-byte form.
    let mut map = ExtensionMap::new();
    map.insert(20, ExtensionKind::TransportWideCc.uri()).unwrap();
    let values = ExtensionValues { transport_sequence_number: Some(7), ..ExtensionValues::default() };
    values.write_into(&map, &mut header).unwrap();
    assert_eq!(header.extension, Some(HeaderExtension::TwoByte(vec![ExtensionElement { id: 20, data: vec![0, 7] }])));
}

#[test]
fn the_map_knows_ids_and_uris() {
    let mut map = webrtc_map();
    assert_eq!(map.id(ExtensionKind::Mid), Some(4));
    assert_eq!(map.kind(3), Some(ExtensionKind::TransportWideCc));
    map.insert(3, "urn:example:unknown").unwrap();
    assert_eq!(map.kind(3), None);
    assert_eq!(map.uri(3), Some("urn:example:unknown"));
    assert_eq!(map.id(ExtensionKind::TransportWideCc), None);
    assert!(map.insert(0, "x").is_err());
}

#[test]
fn unencodable_headers_are_errors_and_write_nothing() {
    let mut out = vec![1, 2, 3];
    let too_many = RtpHeader { csrc: vec![0; 16], ..RtpHeader::default() };
    assert!(too_many.write_packet(b"", 0, &mut out).is_err());
    let bad_pt = RtpHeader { payload_type: 128, ..RtpHeader::default() };
    assert!(bad_pt.write_packet(b"", 0, &mut out).is_err());
    let bad_element =
        RtpHeader { extension: Some(HeaderExtension::OneByte(vec![ExtensionElement { id: 15, data: vec![1] }])), ..RtpHeader::default() };
    assert!(bad_element.write_packet(b"", 0, &mut out).is_err());
    assert_eq!(out, [1, 2, 3]);
}

fn element(max_id: u8, lengths: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = ExtensionElement> {
    (1..=max_id, proptest::collection::vec(any::<u8>(), lengths)).prop_map(|(id, data)| ExtensionElement { id, data })
}

fn header() -> impl Strategy<Value = RtpHeader> {
    let extension = prop_oneof![
        Just(None),
        proptest::collection::vec(element(14, 1..=16), 0..5).prop_map(|e| Some(HeaderExtension::OneByte(e))),
        proptest::collection::vec(element(255, 0..=40), 0..5).prop_map(|e| Some(HeaderExtension::TwoByte(e))),
        (any::<u16>().prop_filter("not an RFC 8285 profile", |p| *p != 0xBEDE && *p & 0xFFF0 != 0x1000), proptest::collection::vec(any::<u8>(), 0..4))
            .prop_map(|(profile, words)| Some(HeaderExtension::Other { profile, data: words.iter().flat_map(|w| [*w; 4]).collect() })),
    ];
    (any::<bool>(), 0u8..128, any::<u16>(), any::<u32>(), any::<u32>(), proptest::collection::vec(any::<u32>(), 0..16), extension).prop_map(
        |(marker, payload_type, sequence_number, timestamp, ssrc, csrc, extension)| RtpHeader {
            marker,
            payload_type,
            sequence_number,
            timestamp,
            ssrc,
            csrc,
            extension,
        },
    )
}

proptest! {
    #[test]
    fn written_headers_parse_back(header in header(), payload in proptest::collection::vec(any::<u8>(), 0..64), padding in 0u8..8) {
        let mut out = Vec::new();
        header.write_packet(&payload, padding, &mut out).unwrap();
        prop_assert_eq!(out.len() % 4, (12 + payload.len() + usize::from(padding)) % 4);
        let p = RtpPacket::parse(&out).unwrap();
        prop_assert_eq!(p.to_header(), header.clone());
        prop_assert_eq!(p.payload, &payload[..]);
        prop_assert_eq!(p.padding, padding);

        // webrtc-rs's rtp crate reads the same fields.
        use webrtc_util::Unmarshal;
        let theirs = rtp::packet::Packet::unmarshal(&mut &out[..]).unwrap();
        prop_assert_eq!(theirs.header.marker, header.marker);
        prop_assert_eq!(theirs.header.payload_type, header.payload_type);
        prop_assert_eq!(theirs.header.sequence_number, header.sequence_number);
        prop_assert_eq!(theirs.header.timestamp, header.timestamp);
        prop_assert_eq!(theirs.header.ssrc, header.ssrc);
        prop_assert_eq!(&theirs.header.csrc, &header.csrc);
        prop_assert_eq!(&theirs.payload[..], &payload[..]);
        if let Some(HeaderExtension::OneByte(e) | HeaderExtension::TwoByte(e)) = &header.extension {
            let ours: Vec<(u8, Vec<u8>)> = e.iter().map(|e| (e.id, e.data.clone())).collect();
            let theirs: Vec<(u8, Vec<u8>)> = theirs.header.extensions.iter().map(|e| (e.id, e.payload.to_vec())).collect();
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(p) = RtpPacket::parse(&bytes) {
            let _ = p.extensions().count();
            let _ = ExtensionValues::read(&webrtc_map(), &p);
            let mut out = Vec::new();
            // Padding between elements is not kept, so compare the header
            // values, not the bytes.
            if p.to_header().write_packet(p.payload, p.padding, &mut out).is_ok() {
                let again = RtpPacket::parse(&out).unwrap();
                prop_assert_eq!(again.to_header(), p.to_header());
                prop_assert_eq!(again.payload, p.payload);
            }
        }
    }
}

/// webrtc-rs writes, we read.
#[test]
fn webrtc_rs_packets_parse() {
    use webrtc_util::Marshal;
    let mut header = rtp::header::Header {
        version: 2,
        marker: true,
        payload_type: 96,
        sequence_number: 27023,
        timestamp: 3653407706,
        ssrc: 476325762,
        csrc: vec![5, 6],
        ..Default::default()
    };
    header.set_extension(1, bytes::Bytes::from_static(&[0xAA])).unwrap();
    header.set_extension(3, bytes::Bytes::from_static(&[0x12, 0x34])).unwrap();
    let packet = rtp::packet::Packet { header, payload: bytes::Bytes::from_static(&[0x98, 0x36, 0xbe, 0x88, 0x9e]) };
    let bytes = packet.marshal().unwrap();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert!(p.marker);
    assert_eq!((p.payload_type, p.sequence_number, p.timestamp, p.ssrc), (96, 27023, 3653407706, 476325762));
    assert_eq!(p.csrcs().collect::<Vec<_>>(), [5, 6]);
    assert_eq!(p.extension(1), Some(&[0xAA][..]));
    assert_eq!(p.extension(3), Some(&[0x12, 0x34][..]));
    assert_eq!(p.payload, [0x98, 0x36, 0xbe, 0x88, 0x9e]);
}
