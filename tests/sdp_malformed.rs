//! Descriptions that break the SDP grammar (RFC 8866) must give an error on
//! the right line, and no input — megabytes of garbage included — may panic
//! or take more than linear time.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use wasmrtc::sdp::{Attribute, Candidate, SessionDescription, MAX_ENTRIES};

const HEADER: &str = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
/// Lines in [`HEADER`].
const HEADER_LINES: usize = 4;

/// The line number of the error `text` gives; panics if it parses.
fn error_line(text: &str) -> usize {
    match SessionDescription::parse(text) {
        Ok(parsed) => panic!("{text:?} parsed as {parsed:?}"),
        Err(error) => {
            assert!(!error.message.is_empty(), "{text:?}: empty message");
            error.line
        }
    }
}

/// `lines` after the header: the error must be on the header's last line
/// plus `line`.
fn assert_error_after_header(lines: &str, line: usize) {
    let text = format!("{HEADER}{lines}");
    assert_eq!(error_line(&text), HEADER_LINES + line, "{lines:?}");
}

#[test]
fn truncated_and_bad_media_lines() {
    for media in [
        "m=audio",
        "m=audio ",
        "m=audio 9",
        "m=audio 9 UDP/TLS/RTP/SAVPF",
        "m=audio 70000 UDP/TLS/RTP/SAVPF 0",
        "m=audio -1 UDP/TLS/RTP/SAVPF 0",
        "m=audio -1",
        "m=audio +9 UDP/TLS/RTP/SAVPF 0",
        "m=audio 9/ UDP/TLS/RTP/SAVPF 0",
        "m=audio 9/70000 UDP/TLS/RTP/SAVPF 0",
        "m=audio 0x10 UDP/TLS/RTP/SAVPF 0",
        "m=audio 9 UDP//SAVPF 0",
        "m=",
        "m=au:dio 9 RTP/AVP 0",
    ] {
        assert_error_after_header(&format!("{media}\r\n"), 1);
        assert_error_after_header(&format!("a=x\r\n{media}\r\na=mid:0\r\n"), 2);
        assert_error_after_header(&format!("m=video 9 RTP/AVP 96\r\na=mid:0\r\n{media}\r\n"), 3);
    }
}

#[test]
fn unknown_line_types() {
    assert_error_after_header("x=foo\r\n", 1);
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\nx=foo\r\n", 2);
    assert_error_after_header("A=foo\r\n", 1);
    assert_eq!(error_line("x=foo"), 1);
    assert_eq!(error_line("v=0\r\nx=foo\r\n"), 2);
}

#[test]
fn lines_that_are_not_type_equals_value() {
    assert_eq!(error_line("v0\r\n"), 1);
    assert_eq!(error_line("v =0\r\n"), 1);
    assert_eq!(error_line("=0\r\n"), 1);
    assert_eq!(error_line("v"), 1);
    assert_error_after_header("\r\na=x\r\n", 1);
    assert_error_after_header("a=x\r\n\r\n", 2);
    assert_error_after_header("a=x\n\n", 2);
    assert_error_after_header(" a=x\r\n", 1);
}

#[test]
fn empty_input() {
    assert_eq!(error_line(""), 1);
    assert_eq!(error_line("\n"), 1);
    assert_eq!(error_line("\r\n"), 1);
}

#[test]
fn missing_or_wrong_version() {
    assert_eq!(error_line("o=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"), 1);
    assert_eq!(error_line("s=-\r\n"), 1);
    assert_eq!(error_line("v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"), 1);
    assert_eq!(error_line("v=\r\n"), 1);
    assert_eq!(error_line("v=00\r\n"), 1);
    assert_eq!(error_line("v=0\r\nv=0\r\n"), 2);
}

#[test]
fn lines_out_of_order() {
    // a= before o=
    assert_eq!(error_line("v=0\r\na=foo\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"), 2);
    // s= before o=
    assert_eq!(error_line("v=0\r\ns=-\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0 0\r\n"), 2);
    // t= missing before a=
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=foo\r\nt=0 0\r\n"), 4);
    // t= missing before m=
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n"), 4);
    // r= with no t= before it
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nr=7d 1h 0 25h\r\nt=0 0\r\n"), 4);
    // c= after t=, b= after a=
    assert_error_after_header("c=IN IP4 0.0.0.0\r\n", 1);
    assert_error_after_header("a=x\r\nb=AS:1\r\n", 2);
    // duplicates of single lines
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"), 3);
    assert_error_after_header("z=0 0\r\nz=0 0\r\n", 2);
    // session-level lines inside a media section
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", 2);
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\ns=-\r\n", 2);
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\nv=0\r\n", 2);
    // media-level order: m i c b k a
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\na=x\r\nc=IN IP4 0.0.0.0\r\n", 3);
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\ni=a\r\ni=b\r\n", 3);
    assert_error_after_header("m=audio 9 RTP/AVP 0\r\nk=clear:x\r\nb=AS:1\r\n", 3);
}

#[test]
fn valid_orders_are_accepted() {
    let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns= \r\ni=info\r\nu=http://example.com/\r\ne=a@example.com\r\n\
                e=b@example.com\r\np=+1 555\r\nc=IN IP4 224.2.1.1/127\r\nb=AS:100\r\nb=TIAS:64000\r\n\
                t=1 2\r\nr=7d 1h 0 25h\r\nr=1d 1h 0\r\nt=3 4\r\nz=2882844526 -1h\r\nk=clear:key\r\na=x\r\n\
                m=audio 9/2 RTP/AVP 0\r\ni=media info\r\nc=IN IP4 0.0.0.0\r\nc=IN IP6 ::1\r\nb=AS:1\r\nk=prompt\r\na=y\r\n";
    let parsed = SessionDescription::parse(text).expect("parses");
    assert_eq!(parsed.session_name, " ");
    assert_eq!(parsed.emails.len(), 2);
    assert_eq!(parsed.timings.len(), 2);
    assert_eq!(parsed.timings[0].repeats, ["7d 1h 0 25h", "1d 1h 0"]);
    assert_eq!(parsed.bandwidths[1].bandwidth, 64000);
    assert_eq!(parsed.media[0].number_of_ports, Some(2));
    assert_eq!(parsed.media[0].connections.len(), 2);
    assert_eq!(parsed.to_string(), text, "written back in the same order");
}

#[test]
fn missing_required_lines_at_the_end() {
    assert_eq!(error_line("v=0\r\n"), 1);
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"), 2);
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"), 3);
    assert_eq!(error_line("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-"), 3);
}

#[test]
fn bad_session_level_fields() {
    for (line, text) in [
        (2, "v=0\r\no=- 1 1 IN IP4\r\n"),
        (2, "v=0\r\no=- 1 1 IN IP4 0.0.0.0 extra\r\n"),
        (2, "v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n"),
        (2, "v=0\r\no=- 1 18446744073709551616 IN IP4 0.0.0.0\r\n"),
        (2, "v=0\r\no=\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nb=AS\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nb=AS:x\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nb=:1\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0 0\r\n"),
        (4, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=now 0\r\n"),
    ] {
        assert_eq!(error_line(text), line, "{text:?}");
    }
}

#[test]
fn typed_attributes_that_do_not_parse() {
    for attribute in [
        "a=rtpmap:abc",
        "a=rtpmap:96",
        "a=rtpmap:96 VP8",
        "a=rtpmap:96 /90000",
        "a=rtpmap:96 VP8/fast",
        "a=rtpmap:96 opus/48000/2/1",
        "a=rtpmap:200 VP8/90000",
        "a=rtpmap:96 VP8/90000 extra",
        "a=fmtp:x apt=1",
        "a=fmtp",
        "a=sctp-port:99999",
        "a=sctp-port:",
        "a=sctp-port:-1",
        "a=max-message-size:lots",
        "a=fingerprint:sha-256 ZZ:00",
        "a=fingerprint:sha-256 A:BB",
        "a=fingerprint:sha-256 AB:",
        "a=fingerprint:sha-256 ABCD",
        "a=fingerprint:sha-256",
        "a=fingerprint:sha-256 AB CD",
        "a=setup:server",
        "a=mid",
        "a=mid:",
        "a=mid: 0",
        "a=mid:a b",
        "a=ice-ufrag:",
        "a=ice-pwd",
        "a=group:",
        "a=rtcp-mux:yes",
        "a=sendrecv:",
        "a=ice-lite:1",
        "a=end-of-candidates:now",
        "a=extmap:x urn:a",
        "a=extmap:1/sideways urn:a",
        "a=extmap:1",
        "a=extmap:70000 urn:a",
        "a=rtcp-fb:96",
        "a=rtcp-fb:x nack",
        "a=msid:",
        "a=msid-semantic:",
        "a=ssrc:x cname:a",
        "a=ssrc:1",
        "a=ssrc:1 :value",
        "a=ssrc-group:FID 1 x",
        "a=rid:r",
        "a=rid:r both",
        "a=simulcast:",
        "a=simulcast:send",
        "a=simulcast:both a",
        "a=simulcast:send a send b",
        "a=simulcast:send a;;b",
        "a=simulcast:send ~",
        "a=rtcp:x",
        "a=rtcp:9 IN IP4",
        "a=candidate:1 1 udp 1 1.2.3.4 9 typ",
        "a=candidate:",
        "a=",
        "a=:value",
        "a=bad name",
        "a=bad\"name:1",
    ] {
        assert_error_after_header(&format!("{attribute}\r\n"), 1);
        assert_error_after_header(&format!("m=audio 9 RTP/AVP 0\r\na=mid:0\r\n{attribute}\r\n"), 3);
    }
}

#[test]
fn trailing_whitespace_after_typed_attributes_is_ignored() {
    let text = format!("{HEADER}a=mid:0 \r\na=sendrecv\t\r\na=rtpmap:96 VP8/90000  \r\na=x-other:kept \r\n");
    let parsed = SessionDescription::parse(&text).expect("parses");
    assert_eq!(parsed.attributes[0], Attribute::Mid("0".into()));
    assert_eq!(parsed.attributes[3], Attribute::Other { name: "x-other".into(), value: Some("kept ".into()) });
    assert_eq!(SessionDescription::parse(&parsed.to_string()), Ok(parsed));
}

#[test]
fn cr_and_nul_inside_a_line() {
    assert_error_after_header("a=x\ry\r\n", 1);
    assert_error_after_header("a=x\r\r\n", 1);
    assert_error_after_header("a=x\0\r\n", 1);
    assert_error_after_header("s=\r\r\n", 1);
}

#[test]
fn non_ascii() {
    // Allowed in free text and in the words of most fields...
    let text = "v=0\r\no=jöhn 1 1 IN IP4 ::1\r\ns=Ünïcødé 🎉\r\nt=0 0\r\na=mid:é\r\na=x-u:ü\r\n";
    let parsed = SessionDescription::parse(text).expect("parses");
    assert_eq!(parsed.session_name, "Ünïcødé 🎉");
    assert_eq!(parsed.origin.username, "jöhn");
    assert_eq!(parsed.attributes[0], Attribute::Mid("é".into()));
    assert_eq!(parsed.to_string(), text);
    // ...and an error wherever the grammar wants ASCII.
    assert_error_after_header("é=x\r\n", 1);
    assert_error_after_header("🎉\r\n", 1);
    assert_error_after_header("a=ü:1\r\n", 1);
    assert_error_after_header("a=sctp-port:５０００\r\n", 1);
    assert_error_after_header("a=fingerprint:sha-256 ＡＢ:00\r\n", 1);
    assert_error_after_header("a=fingerprint:sha-256 é\r\n", 1);
    assert_error_after_header("m=audio 9 RTP/AVP ０\r\n", 1);
    assert_error_after_header("a=candidate:é 1 udp 1 1.2.3.4 9 typ host\r\n", 1);
    assert_error_after_header("a=rtpmap:96 VP8/９0000\r\n", 1);
    assert_eq!(error_line("v=0\u{2028}\r\n"), 1);
    assert_eq!(error_line("\u{feff}v=0\r\n"), 1);
}

/// xorshift64*: deterministic garbage without a dependency.
struct Garbage(u64);

impl Garbage {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `len` bytes, mostly SDP-ish ASCII with line ends and some UTF-8.
    fn text(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"vosiuepcbtrzkam=:/ \r\n0123456789abcdefABCDEF.-+;,~*";
        let mut text = String::with_capacity(len + 4);
        while text.len() < len {
            let value = self.next();
            match value % 16 {
                0 => text.push(char::from_u32((value >> 8) as u32 % 0x11_0000).unwrap_or('\u{fffd}')),
                _ => text.push(char::from(ALPHABET[(value >> 8) as usize % ALPHABET.len()])),
            }
        }
        text
    }
}

const MEGABYTES: usize = 8 << 20;

#[test]
fn megabytes_of_garbage_fail() {
    let mut garbage = Garbage(0x9E37_79B9_7F4A_7C15);
    let text = garbage.text(MEGABYTES);
    assert!(SessionDescription::parse(&text).is_err());
    // The same garbage after a valid header fails on the first garbage line
    // whose type is not `a` (or on a bad a= line).
    let after_header = format!("{HEADER}{text}");
    assert!(SessionDescription::parse(&after_header).is_err());
    // One line of garbage with no line end.
    let one_line: String = text.chars().filter(|c| *c != '\n').collect();
    assert_eq!(error_line(&one_line), 1);
    let one_attribute = format!("{HEADER}a=x-big:{one_line}");
    assert_eq!(error_line(&one_attribute), HEADER_LINES + 1, "the CRs in it are errors");
}

#[test]
fn megabytes_of_repeated_lines() {
    let repeat = |line: &str| line.repeat(MEGABYTES / line.len());

    // Valid-looking lines that are wrong from the first or second line on.
    assert_eq!(error_line(&repeat("v=0\r\n")), 2);
    assert_eq!(error_line(&repeat("a=candidate:1 1 udp 1 1.2.3.4 9 typ host\r\n")), 1);
    assert_eq!(error_line(&format!("{HEADER}{}", repeat("t=0 0\r\nb=AS:1\r\n"))), HEADER_LINES + 2);
    assert_eq!(error_line(&format!("{HEADER}{}", repeat("m=audio 9 RTP/AVP 0\r\nt=0 0\r\n"))), HEADER_LINES + 2);
    let bad_at_end = format!("{HEADER}{}a=rtpmap:x\r\n", "a=rtcp-mux\r\n".repeat(MAX_ENTRIES / 2));
    assert_eq!(error_line(&bad_at_end), HEADER_LINES + MAX_ENTRIES / 2 + 1);

    // Valid lines parse up to the limit on entries, in linear time; past it
    // the error is on the first line over.
    assert_eq!(error_line(&format!("{HEADER}{}", repeat("a=rtcp-mux\r\n"))), MAX_ENTRIES + 1);
    let candidate =
        "a=candidate:1727877714 1 udp 58597375 127.0.0.1 58187 typ relay raddr 0.0.0.0 rport 0 generation 0\r\n";
    let media = "m=audio 9 RTP/AVP 0\r\n";
    // Each candidate line is two entries: itself and its one extension.
    let fit = (MAX_ENTRIES - HEADER_LINES - 2) / 2;
    let parsed = SessionDescription::parse(&format!("{HEADER}{media}{}", candidate.repeat(fit))).expect("parses");
    assert_eq!(parsed.media[0].candidates().count(), fit);
    let over = format!("{HEADER}{media}{}", candidate.repeat(fit + 1));
    assert_eq!(error_line(&over), HEADER_LINES + 1 + fit + 1);
    assert!(over.len() < MEGABYTES, "the limit comes before 8 MB of these");
    let session_level = format!("{HEADER}{}", repeat(candidate));
    assert_eq!(error_line(&session_level), HEADER_LINES + (MAX_ENTRIES - HEADER_LINES) / 2 + 1);

    let section = "m=audio 9 RTP/AVP 0\r\na=mid:0\r\n";
    let error = SessionDescription::parse(&format!("{HEADER}{}", repeat(section))).expect_err("too many");
    assert!(error.line <= MAX_ENTRIES && error.line > MAX_ENTRIES / 2, "{error}");
    assert!(error.message.contains("100000"), "{error}");

    let group = |mids: usize| format!("{HEADER}a=group:BUNDLE{}\r\n", " 0".repeat(mids));
    let fit = MAX_ENTRIES - HEADER_LINES - 1;
    let parsed = SessionDescription::parse(&group(fit)).expect("parses");
    assert_eq!(parsed.bundle_groups().next().map(<[String]>::len), Some(fit));
    assert_eq!(error_line(&group(fit + 1)), HEADER_LINES + 1);
    assert_eq!(error_line(&group(MEGABYTES / 2)), HEADER_LINES + 1);

    let formats = |count: usize| format!("{HEADER}m=video 9 RTP/AVP{}\r\n", " 96".repeat(count));
    assert!(SessionDescription::parse(&formats(MAX_ENTRIES - HEADER_LINES - 1)).is_ok());
    assert_eq!(error_line(&formats(MEGABYTES / 3)), HEADER_LINES + 1);

    let simulcast = format!("{HEADER}a=simulcast:send {}a\r\n", "a;".repeat(MEGABYTES / 2));
    assert_eq!(error_line(&simulcast), HEADER_LINES + 1);
    let ssrcs = format!("{HEADER}a=ssrc-group:SIM{}\r\n", " 1".repeat(MEGABYTES / 2));
    assert_eq!(error_line(&ssrcs), HEADER_LINES + 1);
}

#[test]
fn candidate_strings_share_the_limit() {
    let extensions = " x 1".repeat(MAX_ENTRIES);
    let fits = format!("candidate:1 1 udp 1 1.2.3.4 9 typ host{}", " x 1".repeat(MAX_ENTRIES - 1));
    assert_eq!(Candidate::parse(&fits).map(|candidate| candidate.extensions.len()), Ok(MAX_ENTRIES - 1));
    let error = Candidate::parse(&format!("candidate:1 1 udp 1 1.2.3.4 9 typ host{extensions} x 1")).expect_err("over");
    assert_eq!(error.line, 1);
}

#[test]
fn huge_numbers() {
    let digits = "9".repeat(MEGABYTES);
    assert_error_after_header(&format!("a=sctp-port:{digits}\r\n"), 1);
    assert_error_after_header(&format!("t={digits} 0\r\n"), 1);
    let zeros = format!("{}5000", "0".repeat(MEGABYTES));
    let parsed = SessionDescription::parse(&format!("{HEADER}a=sctp-port:{zeros}\r\n")).expect("parses");
    assert_eq!(parsed.attributes, [Attribute::SctpPort(5000)]);
}
