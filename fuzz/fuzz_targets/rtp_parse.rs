//! RTP headers and extensions on arbitrary bytes: parsing and reading the
//! typed extensions must not panic, the header length must agree with the
//! parse, and a parsed header must write back to one that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::packet::rtp::header_len;
use wasmrtc::rtp::packet::{ExtensionKind, ExtensionMap, ExtensionValues, RtpPacket};

fuzz_target!(|data: &[u8]| {
    let mut map = ExtensionMap::new();
    for (id, kind) in (1u8..).zip(ExtensionKind::ALL) {
        let _ = map.insert(id, kind.uri());
    }
    let _ = map.insert(200, ExtensionKind::Mid.uri());
    map.allow_mixed = true;
    let Ok(packet) = RtpPacket::parse(data) else { return };
    assert_eq!(header_len(data), Ok(packet.header_len));
    assert!(packet.header_len + packet.payload.len() + usize::from(packet.padding) == data.len());
    let values = ExtensionValues::read(&map, &packet);
    let header = packet.to_header();
    let mut out = Vec::new();
    if header.write_packet(packet.payload, packet.padding, &mut out).is_ok() {
        let again = RtpPacket::parse(&out).expect("a written packet parses");
        assert_eq!(again.to_header(), header);
        assert_eq!(again.payload, packet.payload);
    }
    let mut rewritten = header.clone();
    if values.write_into(&map, &mut rewritten).is_ok() {
        out.clear();
        rewritten.write_packet(b"", 0, &mut out).expect("typed values write");
        let again = RtpPacket::parse(&out).expect("a written packet parses");
        assert_eq!(ExtensionValues::read(&map, &again), values);
    }
});
