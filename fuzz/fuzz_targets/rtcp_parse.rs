//! RTCP compounds on arbitrary bytes: parsing (full and reduced-size) must
//! not panic, and what parses must write back to bytes that parse to the
//! same packets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::rtp::packet::rtcp;

fuzz_target!(|data: &[u8]| {
    let _ = rtcp::parse(data, false);
    // A compound of unknown types parses to no packets, which write to no
    // bytes: nothing to compare.
    if let Some(packets) = rtcp::parse(data, true).ok().filter(|p| !p.is_empty()) {
        let mut out = Vec::new();
        rtcp::write(&packets, &mut out).expect("parsed packets write");
        assert_eq!(rtcp::parse(&out, true).expect("written packets parse"), packets);
    }
});
