//! `SessionDescription::parse` on arbitrary UTF-8: it must not panic, and
//! whatever it accepts must survive serialize → parse → serialize unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::sdp::SessionDescription;

fuzz_target!(|text: &str| {
    if let Ok(parsed) = SessionDescription::parse(text) {
        let written = parsed.to_string();
        let reparsed = SessionDescription::parse(&written).expect("a written description parses");
        assert_eq!(reparsed, parsed, "written as {written:?}");
        assert_eq!(reparsed.to_string(), written);
    }
});
