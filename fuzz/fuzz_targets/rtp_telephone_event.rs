//! The telephone-event payload (RFC 4733 §2.3) on arbitrary bytes: decoding
//! must not panic, and what decodes encodes back to the input with the R
//! bit cleared.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::format::telephone_event::TelephoneEvent;

fuzz_target!(|data: &[u8]| {
    if let Ok(events) = TelephoneEvent::decode_payload(data) {
        let mut expected = data.to_vec();
        for block in expected.chunks_exact_mut(4) {
            block[1] &= !0x40;
        }
        assert_eq!(TelephoneEvent::encode_payload(&events).as_deref(), Ok(&expected[..]));
    }
});
