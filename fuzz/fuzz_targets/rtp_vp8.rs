//! The VP8 depacketizer (RFC 7741) on arbitrary packets: no panic; and any
//! frame through our packetizer and back unchanged.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::vp8::{Vp8, Vp8Packetizer};

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(Vp8::default(), data);
    rtp_common::round_trip(Vp8Packetizer::new(0), Vp8::default(), data, <[u8]>::to_vec);
});
