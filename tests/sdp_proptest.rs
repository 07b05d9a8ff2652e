//! Property tests of the SDP parser: whatever the input, `parse` returns
//! (never panics), and whatever it accepts, writing it out and parsing that
//! again gives the same model, written the same way.
//!
//! Inputs: the real fixtures mutated (bytes flipped, lines deleted,
//! duplicated, truncated, swapped, inserted, words replaced), descriptions
//! built from SDP-shaped lines, and arbitrary strings. `PROPTEST_CASES` sets
//! the number of cases per property (default 2048).

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::Config;

use wasmrtc::sdp::{Candidate, SessionDescription};

fn fixtures() -> &'static [String] {
    static FIXTURES: OnceLock<Vec<String>> = OnceLock::new();
    FIXTURES.get_or_init(read_fixtures)
}

fn read_fixtures() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdp");
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .expect("tests/fixtures/sdp exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "sdp"))
        .collect();
    paths.sort();
    paths.iter().map(|path| fs::read_to_string(path).expect("fixture is UTF-8")).collect()
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(2048);
    // Failures are turned into named tests instead of regression files.
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// The property: no panic (proptest reports one as a failure), and a
/// successful parse survives serialize → parse → serialize unchanged.
fn check_round_trip(text: &str) -> Result<(), TestCaseError> {
    if let Ok(parsed) = SessionDescription::parse(text) {
        let written = parsed.to_string();
        let reparsed = SessionDescription::parse(&written);
        prop_assert_eq!(reparsed.as_ref(), Ok(&parsed), "input {:?}\nwritten {:?}", text, written);
        prop_assert_eq!(&parsed.to_string(), &written);
    }
    Ok(())
}

/// Words that are meaningful somewhere in the grammar, and edge cases of
/// the number and token rules.
const VOCABULARY: &[&str] = &[
    "0",
    "1",
    "9",
    "96",
    "127",
    "128",
    "255",
    "256",
    "5000",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "-1",
    "+1",
    "",
    "*",
    "~",
    "~a",
    "a;b,c",
    "a;~b",
    ";",
    ",",
    "/",
    ":",
    "IN",
    "IP4",
    "IP6",
    "::1",
    "127.0.0.1",
    "send",
    "recv",
    "sendrecv",
    "recvonly",
    "1/recvonly",
    "2/sideways",
    "sha-256",
    "AB:CD",
    "ab:0F",
    "A:B",
    "typ",
    "host",
    "relay",
    "raddr",
    "rport",
    "tcptype",
    "active",
    "generation",
    "udp",
    "UDP",
    "nack",
    "pli",
    "ccm",
    "fir",
    "VP8/90000",
    "opus/48000/2",
    "x/1/2/3",
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "BUNDLE",
    "WMS",
    "cname:x",
    "msid:a b",
    "apt=96",
    "é",
    "🎉",
    "\t",
    "actpass",
    "holdconn",
    "trickle",
    "webrtc-datachannel",
    "UDP/TLS/RTP/SAVPF",
];

const ATTRIBUTE_NAMES: &[&str] = &[
    "group",
    "mid",
    "sendrecv",
    "sendonly",
    "recvonly",
    "inactive",
    "ice-ufrag",
    "ice-pwd",
    "ice-options",
    "ice-lite",
    "fingerprint",
    "setup",
    "sctp-port",
    "max-message-size",
    "rtpmap",
    "fmtp",
    "rtcp-fb",
    "extmap",
    "extmap-allow-mixed",
    "msid",
    "msid-semantic",
    "ssrc",
    "ssrc-group",
    "rid",
    "simulcast",
    "rtcp-mux",
    "rtcp-mux-only",
    "rtcp-rsize",
    "rtcp",
    "candidate",
    "end-of-candidates",
    "bundle-only",
    "x-other",
];

fn words() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        4 => proptest::sample::select(VOCABULARY).prop_map(str::to_owned),
        1 => "[!-~]{0,8}",
        1 => "\\PC{0,4}",
    ];
    let separator = prop_oneof![8 => Just(" "), 1 => Just("  "), 1 => Just("\t")];
    proptest::collection::vec((separator, word), 0..12).prop_map(|pairs| {
        let mut text = String::new();
        for (index, (separator, word)) in pairs.into_iter().enumerate() {
            if index > 0 {
                text.push_str(separator);
            }
            text.push_str(&word);
        }
        text
    })
}

/// One line that is often valid: a known attribute with plausible words, a
/// media or session line, or noise.
fn sdp_line() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => (proptest::sample::select(ATTRIBUTE_NAMES), proptest::option::weighted(0.8, words()))
            .prop_map(|(name, value)| match value {
                Some(value) => format!("a={name}:{value}"),
                None => format!("a={name}"),
            }),
        2 => (proptest::sample::select(&["audio", "video", "application", "x"][..]), words())
            .prop_map(|(media, rest)| format!("m={media} {rest}")),
        1 => (proptest::sample::select(&['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k'][..]), words())
            .prop_map(|(kind, value)| format!("{kind}={value}")),
        1 => "[a-z]=[ -~]{0,30}",
        1 => "\\PC{0,30}",
    ]
}

/// A description of SDP-shaped lines after a valid header, with CRLF or LF.
fn sdp_shaped() -> impl Strategy<Value = String> {
    (proptest::collection::vec(sdp_line(), 0..10), any::<bool>()).prop_map(|(lines, crlf)| {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0"].join(end);
        for line in lines {
            text.push_str(end);
            text.push_str(&line);
        }
        text.push_str(end);
        text
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte { at: usize, byte: u8 },
    DeleteLine(usize),
    DuplicateLine(usize),
    TruncateLine { line: usize, at: usize },
    SwapLines(usize, usize),
    InsertLine { at: usize, line: String },
    ReplaceWord { line: usize, word: usize, with: String },
    BareLineFeeds,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::FlipByte { at, byte }),
        2 => any::<usize>().prop_map(Mutation::DeleteLine),
        2 => any::<usize>().prop_map(Mutation::DuplicateLine),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(line, at)| Mutation::TruncateLine { line, at }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<usize>(), sdp_line()).prop_map(|(at, line)| Mutation::InsertLine { at, line }),
        4 => (any::<usize>(), any::<usize>(), proptest::sample::select(VOCABULARY))
            .prop_map(|(line, word, with)| Mutation::ReplaceWord { line, word, with: with.to_owned() }),
        1 => Just(Mutation::BareLineFeeds),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    let count = lines.len();
    match mutation {
        Mutation::FlipByte { at, byte } => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let len = bytes.len();
                bytes[at % len] = *byte;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::DeleteLine(line) => {
            lines.remove(line % count);
        }
        Mutation::DuplicateLine(line) => {
            let copy = lines[line % count].clone();
            lines.insert(line % count, copy);
        }
        Mutation::TruncateLine { line, at } => {
            let target = &mut lines[line % count];
            let cut = target.char_indices().map(|(index, _)| index).nth(at % (target.chars().count() + 1));
            target.truncate(cut.unwrap_or(target.len()));
        }
        Mutation::SwapLines(a, b) => lines.swap(a % count, b % count),
        Mutation::InsertLine { at, line } => lines.insert(at % (count + 1), line.clone()),
        Mutation::ReplaceWord { line, word, with } => {
            let target = &mut lines[line % count];
            let mut words: Vec<&str> = target.split(' ').collect();
            let index = word % words.len();
            words[index] = with;
            *target = words.join(" ");
        }
        Mutation::BareLineFeeds => return text.replace("\r\n", "\n"),
    }
    lines.join("\r\n")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_fixtures_never_panic_and_round_trip(
        fixture in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let fixtures = fixtures();
        let mut text = fixture.get(fixtures).clone();
        for mutation in &mutations {
            text = apply(&text, mutation);
        }
        check_round_trip(&text)?;
    }

    #[test]
    fn sdp_shaped_descriptions_never_panic_and_round_trip(text in sdp_shaped()) {
        check_round_trip(&text)?;
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_round_trip(&text)?;
        check_round_trip(&format!("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n{text}"))?;
    }

    #[test]
    fn arbitrary_candidates_never_panic_and_round_trip(
        text in prop_oneof![
            any::<String>(),
            words().prop_map(|words| format!("candidate:{words}")),
            words().prop_map(|words| format!("candidate:1 1 udp 1 1.2.3.4 9 typ host {words}")),
        ],
    ) {
        if let Ok(candidate) = Candidate::parse(&text) {
            let written = candidate.to_string();
            prop_assert_eq!(Candidate::parse(&written), Ok(candidate), "input {:?}", text);
        }
    }
}
