//! RTCP (src/rtp/packet/rtcp): byte layouts from RFC 3550 §6, RFC 4585
//! §6, RFC 5104 §4.3.1 and the congestion control drafts, Chromium
//! captures that webrtc-rs keeps as test data, compound and reduced-size
//! packets, RTT, proptest round trips, and both directions against
//! webrtc-rs's `rtcp` crate.

// Native only: proptest and the rtcp crate are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use wasmrtc::rtp::packet::rtcp::{
    self, round_trip_time, Fir, FirEntry, Goodbye, Nack, NackPair, Pli, ReceiverReport, Remb, ReportBlock, RtcpPacket,
    SdesChunk, SdesItem, SenderReport, SourceDescription, TransportCc,
};

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

fn write(packets: &[RtcpPacket]) -> Vec<u8> {
    let mut out = Vec::new();
    rtcp::write(packets, &mut out).unwrap();
    out
}

fn block() -> ReportBlock {
    ReportBlock {
        ssrc: 0xBC5E9A40,
        fraction_lost: 0x10,
        cumulative_lost: -1,
        extended_highest_sequence: 0x0001_0046,
        jitter: 0x273,
        last_sr: 0x9F36432,
        delay_since_last_sr: 0x1_5000,
    }
}

/// RFC 3550 §6.4.1: header (RC=1, PT=200, length 12), sender info, one
/// report block with a 24-bit signed cumulative loss of -1.
#[test]
fn sender_report_layout() {
    let bytes = hex(
        "81c8000c 902f9e2e da8bd1fc dde1b3a0 01bc5a10 00000040 00001360
         bc5e9a40 10ffffff 00010046 00000273 09f36432 00015000",
    );
    let sr = SenderReport {
        ssrc: 0x902f9e2e,
        ntp_timestamp: 0xda8bd1fc_dde1b3a0,
        rtp_timestamp: 0x01bc5a10,
        packet_count: 0x40,
        octet_count: 0x1360,
        reports: vec![block()],
    };
    assert_eq!(rtcp::parse(&bytes, false).unwrap(), [RtcpPacket::SenderReport(sr.clone())]);
    assert_eq!(write(&[RtcpPacket::SenderReport(sr)]), bytes);
}

#[test]
fn receiver_report_and_sdes_cname_compound() {
    let bytes = hex(
        "81c90007 902f9e2e bc5e9a40 10ffffff 00010046 00000273 09f36432 00015000
         81ca0006 902f9e2e 010e 7b3939383236373835 2d313834 7d 00000000",
    );
    let packets = rtcp::parse(&bytes, false).unwrap();
    let cname = b"{99826785-184}".to_vec();
    assert_eq!(cname.len(), 14);
    assert_eq!(
        packets,
        [
            RtcpPacket::ReceiverReport(ReceiverReport { ssrc: 0x902f9e2e, reports: vec![block()] }),
            RtcpPacket::SourceDescription(SourceDescription {
                chunks: vec![SdesChunk { ssrc: 0x902f9e2e, items: vec![SdesItem { item_type: 1, value: cname.clone() }] }]
            }),
        ]
    );
    let RtcpPacket::SourceDescription(sdes) = &packets[1] else { unreachable!() };
    assert_eq!(sdes.cname(0x902f9e2e), Some(&cname[..]));
    assert_eq!(write(&packets), bytes);
}

#[test]
fn sdes_chunk_ends_with_a_null_item_and_a_whole_word() {
    // CNAME of 2 octets: 4 + 2 + 2 = 8, and the null item needs one more
    // word of which it takes the first octet.
    let out = write(&[RtcpPacket::SourceDescription(SourceDescription { chunks: vec![SdesChunk::cname(1, "ab")] })]);
    assert_eq!(out, hex("81ca0003 00000001 01026162 00000000"));
}

#[test]
fn goodbye_with_reason() {
    let bye = Goodbye { sources: vec![0x902f9e2e, 5], reason: Some(b"FOO".to_vec()) };
    let bytes = hex("82cb0003 902f9e2e 00000005 03464f4f");
    assert_eq!(write(&[RtcpPacket::Goodbye(bye.clone())]), bytes);
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::Goodbye(bye)]);
}

/// RFC 4585 §6.2.1: PID and the bitmask of the 16 following packets.
#[test]
fn generic_nack_layout_and_lost_list() {
    let nack = Nack::from_lost(0x902f9e2e, 0x902f9e2e, [100, 101, 105, 116, 117, 0xFFFF, 0, 1]);
    assert_eq!(
        nack.pairs,
        [NackPair { pid: 100, blp: 0b1000_0000_0001_0001 }, NackPair { pid: 117, blp: 0 }, NackPair { pid: 0xFFFF, blp: 0b11 }]
    );
    assert_eq!(nack.lost().collect::<Vec<_>>(), [100, 101, 105, 116, 117, 0xFFFF, 0, 1]);
    let bytes = write(&[RtcpPacket::Nack(nack.clone())]);
    assert_eq!(bytes, hex("81cd0005 902f9e2e 902f9e2e 00648011 00750000 ffff0003"));
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::Nack(nack)]);
}

#[test]
fn pli_and_fir_layouts() {
    let pli = Pli { sender_ssrc: 0x902f9e2e, media_ssrc: 0x902f9e2f };
    assert_eq!(write(&[RtcpPacket::Pli(pli)]), hex("81ce0002 902f9e2e 902f9e2f"));
    // RFC 5104 §4.3.1: media source SSRC 0, then SSRC + seq nr + reserved.
    let fir = Fir { sender_ssrc: 1, entries: vec![FirEntry { ssrc: 0x12345678, sequence_number: 0x42 }] };
    let bytes = hex("84ce0004 00000001 00000000 12345678 42000000");
    assert_eq!(write(&[RtcpPacket::Fir(fir.clone())]), bytes);
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::Fir(fir)]);
}

/// A REMB Chromium sent while receiving a 6 Mb/s stream (from webrtc-rs's
/// test data): exponent 6, mantissa 139487.
#[test]
fn remb_from_chromium() {
    let bytes = [143, 206, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 82, 69, 77, 66, 1, 26, 32, 223, 72, 116, 237, 22];
    let remb = Remb { sender_ssrc: 1, bitrate: 8_927_168, ssrcs: vec![1215622422] };
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::Remb(remb.clone())]);
    assert_eq!(write(&[RtcpPacket::Remb(remb)]), bytes);
    // Exponent 63 with a full mantissa is beyond a u64: it saturates at
    // the largest value that writes back the same.
    let huge = hex("8fce0004 00000001 00000000 52454d42 00ffffff");
    let [RtcpPacket::Remb(remb)] = &rtcp::parse(&huge, true).unwrap()[..] else { panic!("one REMB") };
    assert_eq!(remb.bitrate, 0x3_FFFF << 46);
    assert_eq!(rtcp::parse(&write(&[RtcpPacket::Remb(remb.clone())]), true).unwrap(), [RtcpPacket::Remb(remb.clone())]);
}

/// A transport-cc feedback from Chromium (webrtc-rs's test data): two
/// large deltas then four small ones.
#[test]
fn transport_cc_from_chromium() {
    let bytes = [
        0x8f, 0xcd, 0x0, 0x7, 0xfa, 0x17, 0xfa, 0x17, 0x19, 0x3d, 0xd8, 0xbb, 0x1, 0x74, 0x0, 0x6, 0x45, 0xb1, 0x5a, 0x40,
        0x40, 0x2, 0x20, 0x04, 0x1f, 0xfe, 0x1f, 0x9a, 0xd0, 0x0, 0xd0, 0x0,
    ];
    let tcc = TransportCc {
        sender_ssrc: 4195875351,
        media_ssrc: 423483579,
        base_sequence_number: 372,
        reference_time: 4567386,
        feedback_packet_count: 64,
        packets: vec![Some(8190), Some(8090), Some(208), Some(0), Some(208), Some(0)],
    };
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::TransportCc(tcc.clone())]);
    let again = write(&[RtcpPacket::TransportCc(tcc.clone())]);
    assert_eq!(rtcp::parse(&again, true).unwrap(), [RtcpPacket::TransportCc(tcc)]);
}

#[test]
fn transport_cc_chunks() {
    // 20 received small, 3 lost, one negative, then 30 lost: a run-length
    // chunk, a two-bit vector (for the large delta), and a run.
    let mut packets: Vec<Option<i16>> = (0..20).map(Some).collect();
    packets.extend([None, None, None, Some(-4)]);
    packets.extend(std::iter::repeat_n(None, 30));
    packets.push(Some(1000));
    let tcc = TransportCc { sender_ssrc: 1, media_ssrc: 2, base_sequence_number: 65530, reference_time: -2, feedback_packet_count: 9, packets };
    let bytes = write(&[RtcpPacket::TransportCc(tcc.clone())]);
    // base 65530, count 55, reference time -2 (24-bit), fb count 9.
    assert_eq!(bytes[12..20], hex("fffa0037 fffffe09")[..]);
    // Run of 20 "small": 0 01 0000000010100.
    assert_eq!(bytes[20..22], [0x20, 0x14]);
    assert_eq!(rtcp::parse(&bytes, true).unwrap(), [RtcpPacket::TransportCc(tcc)]);
}

#[test]
fn reduced_size_and_unknown_types() {
    let pli = hex("81ce0002 00000001 00000002");
    assert!(rtcp::parse(&pli, false).is_err(), "RFC 3550 compound starts with SR or RR");
    assert_eq!(rtcp::parse(&pli, true).unwrap(), [RtcpPacket::Pli(Pli { sender_ssrc: 1, media_ssrc: 2 })]);
    // RR, an APP packet, an XR, an unknown PSFB FMT, AFB other than REMB:
    // the unknown ones are skipped by their length.
    let bytes = hex(
        "80c90001 00000001
         80cc0002 00000001 6e616d65
         80cf0001 00000001
         87ce0002 00000001 00000002
         8fce0003 00000001 00000000 41424344
         81ce0002 00000001 00000002",
    );
    assert_eq!(
        rtcp::parse(&bytes, false).unwrap(),
        [
            RtcpPacket::ReceiverReport(ReceiverReport { ssrc: 1, reports: vec![] }),
            RtcpPacket::Pli(Pli { sender_ssrc: 1, media_ssrc: 2 })
        ]
    );
}

#[test]
fn padding_and_malformed_packets() {
    // P bit: the last octet counts the padding.
    let padded = hex("a1ce0003 00000001 00000002 00000004");
    assert_eq!(rtcp::parse(&padded, true).unwrap(), [RtcpPacket::Pli(Pli { sender_ssrc: 1, media_ssrc: 2 })]);
    for bad in [
        "",
        "81",
        "41ce0002 00000001 00000002", // version 1
        "81ce0003 00000001 00000002", // length beyond the datagram
        "a1ce0002 00000001 00000000", // padding count 0
        "a1ce0002 00000001 000000ff", // padding beyond the packet
        "81c80001 00000001",          // SR without sender info
        "81c90001 00000001",          // RR with RC=1 and no block
        "81cd0002 00000001 00000002 0001", // NACK FCI not whole
    ] {
        assert!(rtcp::parse(&hex(bad), true).is_err(), "{bad:?}");
    }
}

/// RFC 3550 §6.4.1's example: RTT = A - LSR - DLSR = 6.125 s.
#[test]
fn rtt_from_a_report_block() {
    let block = ReportBlock { last_sr: 0xb705_2000, delay_since_last_sr: 0x0005_4000, ..block() };
    let rtt = round_trip_time(0xb710_8000, block.last_sr, block.delay_since_last_sr);
    assert_eq!(rtt, Some(std::time::Duration::from_millis(6125)));
}

fn report_block() -> impl Strategy<Value = ReportBlock> {
    (any::<u32>(), any::<u8>(), -0x80_0000i32..0x80_0000, any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>()).prop_map(
        |(ssrc, fraction_lost, cumulative_lost, extended_highest_sequence, jitter, last_sr, delay_since_last_sr)| ReportBlock {
            ssrc,
            fraction_lost,
            cumulative_lost,
            extended_highest_sequence,
            jitter,
            last_sr,
            delay_since_last_sr,
        },
    )
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..=max)
}

fn packet() -> impl Strategy<Value = RtcpPacket> {
    let blocks = || proptest::collection::vec(report_block(), 0..4);
    prop_oneof![
        (any::<u32>(), any::<u64>(), any::<u32>(), any::<u32>(), any::<u32>(), blocks()).prop_map(|(ssrc, ntp, rtp, pc, oc, reports)| {
            RtcpPacket::SenderReport(SenderReport { ssrc, ntp_timestamp: ntp, rtp_timestamp: rtp, packet_count: pc, octet_count: oc, reports })
        }),
        (any::<u32>(), blocks()).prop_map(|(ssrc, reports)| RtcpPacket::ReceiverReport(ReceiverReport { ssrc, reports })),
        proptest::collection::vec(
            (any::<u32>(), proptest::collection::vec((1u8..=8, bytes(20)).prop_map(|(item_type, value)| SdesItem { item_type, value }), 0..3))
                .prop_map(|(ssrc, items)| SdesChunk { ssrc, items }),
            0..3
        )
        .prop_map(|chunks| RtcpPacket::SourceDescription(SourceDescription { chunks })),
        (proptest::collection::vec(any::<u32>(), 0..4), proptest::option::of(bytes(30)))
            .prop_map(|(sources, reason)| RtcpPacket::Goodbye(Goodbye { sources, reason })),
        (any::<u32>(), any::<u32>(), proptest::collection::vec((any::<u16>(), any::<u16>()).prop_map(|(pid, blp)| NackPair { pid, blp }), 0..5))
            .prop_map(|(sender_ssrc, media_ssrc, pairs)| RtcpPacket::Nack(Nack { sender_ssrc, media_ssrc, pairs })),
        (any::<u32>(), any::<u32>()).prop_map(|(sender_ssrc, media_ssrc)| RtcpPacket::Pli(Pli { sender_ssrc, media_ssrc })),
        (any::<u32>(), proptest::collection::vec((any::<u32>(), any::<u8>()).prop_map(|(ssrc, sequence_number)| FirEntry { ssrc, sequence_number }), 0..3))
            .prop_map(|(sender_ssrc, entries)| RtcpPacket::Fir(Fir { sender_ssrc, entries })),
        // Bitrates that 18 bits of mantissa represent exactly.
        (any::<u32>(), 0u64..0x40000, 0u32..40, proptest::collection::vec(any::<u32>(), 0..3))
            .prop_map(|(sender_ssrc, m, e, ssrcs)| RtcpPacket::Remb(Remb { sender_ssrc, bitrate: m << e, ssrcs })),
        (any::<u32>(), any::<u32>(), any::<u16>(), -0x80_0000i32..0x80_0000, any::<u8>(), proptest::collection::vec(proptest::option::of(any::<i16>()), 0..60))
            .prop_map(|(sender_ssrc, media_ssrc, base_sequence_number, reference_time, feedback_packet_count, packets)| {
                RtcpPacket::TransportCc(TransportCc { sender_ssrc, media_ssrc, base_sequence_number, reference_time, feedback_packet_count, packets })
            }),
    ]
}

proptest! {
    #[test]
    fn compound_round_trips(packets in proptest::collection::vec(packet(), 1..5)) {
        let out = write(&packets);
        prop_assert_eq!(rtcp::parse(&out, true).unwrap(), packets.clone());

        // webrtc-rs reads as many packets, and each of ours it knows by type.
        let theirs = rtcp_crate_parse(&out);
        prop_assert_eq!(theirs.len(), packets.len());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in bytes(120)) {
        if let Some(packets) = rtcp::parse(&bytes, true).ok().filter(|p| !p.is_empty()) {
            let out = write(&packets);
            prop_assert_eq!(rtcp::parse(&out, true).unwrap(), packets);
        }
    }
}

fn rtcp_crate_parse(bytes: &[u8]) -> Vec<Box<dyn ::rtcp::packet::Packet + Send + Sync>> {
    ::rtcp::packet::unmarshal(&mut &bytes[..]).unwrap()
}

/// Ours to webrtc-rs, field by field, for the types both have.
#[test]
fn webrtc_rs_reads_what_we_write() {
    use ::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
    use ::rtcp::receiver_report::ReceiverReport as TheirRr;
    use ::rtcp::sender_report::SenderReport as TheirSr;
    use ::rtcp::transport_feedbacks::transport_layer_cc::TransportLayerCc;
    use ::rtcp::transport_feedbacks::transport_layer_nack::TransportLayerNack;

    let sr = SenderReport { ssrc: 9, ntp_timestamp: 0x1122_3344_5566_7788, rtp_timestamp: 3, packet_count: 4, octet_count: 5, reports: vec![block()] };
    let nack = Nack::from_lost(1, 2, [10, 12, 40]);
    let tcc = TransportCc {
        sender_ssrc: 1,
        media_ssrc: 2,
        base_sequence_number: 100,
        reference_time: 1234,
        feedback_packet_count: 7,
        packets: vec![Some(4), None, Some(300), Some(-8), None, None, Some(255)],
    };
    let ours = [
        RtcpPacket::SenderReport(sr.clone()),
        RtcpPacket::ReceiverReport(ReceiverReport { ssrc: 9, reports: vec![block()] }),
        RtcpPacket::Nack(nack.clone()),
        RtcpPacket::TransportCc(tcc.clone()),
        RtcpPacket::Pli(Pli { sender_ssrc: 5, media_ssrc: 6 }),
    ];
    let theirs = rtcp_crate_parse(&write(&ours));
    assert_eq!(theirs.len(), 5);

    let their_sr = theirs[0].as_any().downcast_ref::<TheirSr>().unwrap();
    assert_eq!((their_sr.ssrc, their_sr.ntp_time, their_sr.rtp_time, their_sr.packet_count, their_sr.octet_count), (9, 0x1122_3344_5566_7788, 3, 4, 5));
    let r = &their_sr.reports[0];
    let b = block();
    assert_eq!(
        (r.ssrc, r.fraction_lost, r.total_lost, r.last_sequence_number, r.jitter, r.last_sender_report, r.delay),
        (b.ssrc, b.fraction_lost, 0xFF_FFFF, b.extended_highest_sequence, b.jitter, b.last_sr, b.delay_since_last_sr)
    );
    assert_eq!(theirs[1].as_any().downcast_ref::<TheirRr>().unwrap().reports.len(), 1);
    let their_nack = theirs[2].as_any().downcast_ref::<TransportLayerNack>().unwrap();
    let their_lost: Vec<u16> = their_nack.nacks.iter().flat_map(|p| p.packet_list()).collect();
    assert_eq!(their_lost, nack.lost().collect::<Vec<_>>());
    let their_tcc = theirs[3].as_any().downcast_ref::<TransportLayerCc>().unwrap();
    assert_eq!(
        (their_tcc.base_sequence_number, their_tcc.packet_status_count, their_tcc.reference_time, their_tcc.fb_pkt_count),
        (100, 7, 1234, 7)
    );
    let their_deltas: Vec<i64> = their_tcc.recv_deltas.iter().map(|d| d.delta).collect();
    let our_deltas: Vec<i64> = tcc.packets.iter().flatten().map(|d| i64::from(*d) * 250).collect();
    assert_eq!(their_deltas, our_deltas);
    let pli = theirs[4].as_any().downcast_ref::<PictureLossIndication>().unwrap();
    assert_eq!((pli.sender_ssrc, pli.media_ssrc), (5, 6));
}

/// webrtc-rs to ours.
#[test]
fn we_read_what_webrtc_rs_writes() {
    use ::rtcp::goodbye::Goodbye as TheirBye;
    use ::rtcp::payload_feedbacks::full_intra_request::{FirEntry as TheirFirEntry, FullIntraRequest};
    use ::rtcp::receiver_report::ReceiverReport as TheirRr;
    use ::rtcp::reception_report::ReceptionReport;
    use ::rtcp::source_description::{SdesType, SourceDescription as TheirSdes, SourceDescriptionChunk, SourceDescriptionItem};

    let packets: Vec<Box<dyn ::rtcp::packet::Packet + Send + Sync>> = vec![
        Box::new(TheirRr {
            ssrc: 77,
            reports: vec![ReceptionReport { ssrc: 1, fraction_lost: 2, total_lost: 3, last_sequence_number: 4, jitter: 5, last_sender_report: 6, delay: 7 }],
            ..Default::default()
        }),
        Box::new(TheirSdes {
            chunks: vec![SourceDescriptionChunk {
                source: 77,
                items: vec![SourceDescriptionItem { sdes_type: SdesType::SdesCname, text: bytes::Bytes::from_static(b"cname-77") }],
            }],
        }),
        Box::new(FullIntraRequest { sender_ssrc: 77, media_ssrc: 0, fir: vec![TheirFirEntry { ssrc: 9, sequence_number: 3 }] }),
        Box::new(TheirBye { sources: vec![77], reason: bytes::Bytes::from_static(b"done") }),
    ];
    let bytes = ::rtcp::packet::marshal(&packets).unwrap();
    assert_eq!(
        rtcp::parse(&bytes, false).unwrap(),
        [
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: 77,
                reports: vec![ReportBlock { ssrc: 1, fraction_lost: 2, cumulative_lost: 3, extended_highest_sequence: 4, jitter: 5, last_sr: 6, delay_since_last_sr: 7 }]
            }),
            RtcpPacket::SourceDescription(SourceDescription { chunks: vec![SdesChunk::cname(77, "cname-77")] }),
            RtcpPacket::Fir(Fir { sender_ssrc: 77, entries: vec![FirEntry { ssrc: 9, sequence_number: 3 }] }),
            RtcpPacket::Goodbye(Goodbye { sources: vec![77], reason: Some(b"done".to_vec()) }),
        ]
    );
}
