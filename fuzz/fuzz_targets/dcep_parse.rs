//! The DCEP parser (RFC 8832 §5) on arbitrary bytes: decoding must not
//! panic, and whatever decodes must encode to bytes that decode to the same
//! message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::datachannel::dcep::DcepMessage;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = DcepMessage::decode(data) {
        let again = message.encode().expect("a decoded message fits its length fields");
        assert_eq!(DcepMessage::decode(&again), Ok(message));
    }
});
