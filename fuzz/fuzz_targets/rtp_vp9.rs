//! The VP9 depacketizer (RFC 9628) on arbitrary packets: no panic; and any
//! frame our packetizer takes through it and back unchanged.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::vp9::{Vp9, Vp9Packetizer};

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(Vp9::default(), data);
    rtp_common::round_trip(Vp9Packetizer::new(0), Vp9::default(), data, <[u8]>::to_vec);
});
