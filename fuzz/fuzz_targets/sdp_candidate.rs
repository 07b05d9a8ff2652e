//! `Candidate::parse` on arbitrary UTF-8 (an `RTCIceCandidate.candidate`
//! string from the remote peer): no panic, and a round trip through Display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::sdp::Candidate;

fuzz_target!(|text: &str| {
    if let Ok(candidate) = Candidate::parse(text) {
        let written = candidate.to_string();
        assert_eq!(Candidate::parse(&written), Ok(candidate), "written as {written:?}");
    }
});
