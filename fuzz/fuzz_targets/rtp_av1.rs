//! The AV1 depacketizer on arbitrary packets: no panic; and any temporal
//! unit our packetizer takes comes back as the same OBUs, with size fields,
//! without temporal delimiters and tile lists.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::av1::{split_temporal_unit, Av1, Av1Packetizer};

fn expected(unit: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for obu in split_temporal_unit(unit).expect("the packetizer took it") {
        if matches!(obu.obu_type(), 2 | 8) {
            continue;
        }
        out.push(obu.header[0] | 0x02);
        out.extend_from_slice(&obu.header[1..]);
        let mut size = obu.payload.len();
        loop {
            let byte = (size & 0x7F) as u8;
            size >>= 7;
            out.push(byte | if size > 0 { 0x80 } else { 0 });
            if size == 0 {
                break;
            }
        }
        out.extend_from_slice(obu.payload);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(Av1::default(), data);
    rtp_common::round_trip(Av1Packetizer, Av1::default(), data, expected);
});
