//! The H.264 depacketizer (RFC 6184) on arbitrary packets: no panic; and
//! any Annex B frame our packetizer takes comes back as the same NAL units.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::h264::{split_annex_b, H264Packetizer, H264};

fn with_four_byte_start_codes(frame: &[u8]) -> Vec<u8> {
    let units = split_annex_b(frame).expect("the packetizer took it");
    units.iter().flat_map(|unit| [&[0, 0, 0, 1][..], unit]).flatten().copied().collect()
}

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(H264::default(), data);
    // Without an IDR slice the frame comes back as it went.
    let no_idr = split_annex_b(data.get(1..).unwrap_or_default())
        .is_ok_and(|units| units.iter().all(|unit| unit[0] & 0x1F != 5));
    if no_idr {
        rtp_common::round_trip(H264Packetizer, H264::default(), data, with_four_byte_start_codes);
    }
});
