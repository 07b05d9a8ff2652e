//! RTX (RFC 4588 §4) on arbitrary RTP packets: unwrapping an RTX payload
//! must not panic, and what unwraps wraps back into the same packet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::packet::RtpPacket;
use wasmrtc::rtp::rtx;

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = RtpPacket::parse(data) else { return };
    let Ok((original_sequence_number, payload)) = rtx::unwrap(packet.payload) else { return };
    let mut original = packet.to_header();
    original.sequence_number = original_sequence_number;
    let (header, rewrapped) = rtx::wrap(&original, payload, packet.ssrc, packet.payload_type, packet.sequence_number);
    assert_eq!(header, packet.to_header());
    assert_eq!(rewrapped, packet.payload);
});
