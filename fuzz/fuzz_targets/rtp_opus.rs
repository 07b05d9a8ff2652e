//! The Opus depacketizer (RFC 7587) on arbitrary packets: no panic; and any
//! frame through our packetizer and back unchanged.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::opus::{Opus, OpusPacketizer};

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(Opus, data);
    rtp_common::round_trip(OpusPacketizer, Opus, data, <[u8]>::to_vec);
});
