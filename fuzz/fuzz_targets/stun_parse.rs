//! The STUN/TURN codec on arbitrary bytes: decoding, integrity and
//! fingerprint checks, ChannelData and stream framing must not panic, and a
//! decoded message must re-encode to something that decodes to the same
//! message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::stun::integrity::{self, IntegrityAlgorithm};
use wasmrtc::stun::{framing, ChannelData, Message};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Message::decode(data) {
        if let Ok(again) = m.encode() {
            let back = Message::decode(&again).expect("an encoded message decodes");
            assert_eq!(back, m);
        }
        let _ = m.encode_with(Some((IntegrityAlgorithm::Sha256, b"key")), true);
    }
    let _ = integrity::verify(data, b"key");
    let _ = integrity::check_fingerprint(data);
    if let Ok(cd) = ChannelData::decode(data) {
        assert!(cd.data.len() + 4 <= data.len());
    }
    if let Ok(Some(n)) = framing::next_message_len(data) {
        assert!(n <= data.len());
    }
});
