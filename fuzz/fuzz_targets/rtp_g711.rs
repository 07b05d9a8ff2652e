//! The G.711 depacketizer (RFC 3551 §4.5.14) on arbitrary packets: no
//! panic; any frame through our packetizer and back unchanged; and the codec
//! (ITU-T G.711, μ-law and A-law): a decoded sample is a quantization level,
//! so coding it again decodes to the same sample.
#![no_main]

mod rtp_common;

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::g711::{decode, encode, G711Packetizer, Law, G711};

fuzz_target!(|data: &[u8]| {
    rtp_common::depacketize(G711, data);
    rtp_common::round_trip(G711Packetizer, G711, data, <[u8]>::to_vec);
    for law in [Law::MuLaw, Law::ALaw] {
        let samples = decode(law, data);
        assert_eq!(decode(law, &encode(law, &samples)), samples);
    }
});
