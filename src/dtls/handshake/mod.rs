//! DTLS handshake messages (RFC 6347 §4.2, RFC 5246 §7.4): the 12-byte DTLS
//! handshake header with its message_seq and fragment fields (§4.2.2), and a
//! file per message body. Parsers take untrusted bytes and return `None` on
//! anything malformed, including trailing bytes.

pub mod certificate;
pub mod certificate_request;
pub mod certificate_verify;
pub mod client_hello;
pub mod client_key_exchange;
pub mod hello_verify_request;
pub mod server_hello;
pub mod server_key_exchange;

use super::codec::{put_u16, put_u24, Reader};

pub const HELLO_REQUEST: u8 = 0;
pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;
pub const HELLO_VERIFY_REQUEST: u8 = 3;
pub const CERTIFICATE: u8 = 11;
pub const SERVER_KEY_EXCHANGE: u8 = 12;
pub const CERTIFICATE_REQUEST: u8 = 13;
pub const SERVER_HELLO_DONE: u8 = 14;
pub const CERTIFICATE_VERIFY: u8 = 15;
pub const CLIENT_KEY_EXCHANGE: u8 = 16;
pub const FINISHED: u8 = 20;

pub const HEADER_LEN: usize = 12;

/// One handshake fragment as it appears in a record (RFC 6347 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment<'a> {
    pub msg_type: u8,
    /// The whole message's body length.
    pub length: u32,
    pub message_seq: u16,
    pub offset: u32,
    pub body: &'a [u8],
}

/// Splits a handshake record's plaintext into fragments. A record may hold
/// several (RFC 6347 §4.2.3); a malformed one ends the list.
pub fn parse_fragments(plaintext: &[u8]) -> Vec<Fragment<'_>> {
    let mut out = Vec::new();
    let mut r = Reader::new(plaintext);
    while !r.is_empty() {
        let Some(fragment) = parse_fragment(&mut r) else {
            break;
        };
        out.push(fragment);
    }
    out
}

fn parse_fragment<'a>(r: &mut Reader<'a>) -> Option<Fragment<'a>> {
    let msg_type = r.u8()?;
    let length = r.u24()?;
    let message_seq = r.u16()?;
    let offset = r.u24()?;
    let fragment_length = r.u24()?;
    let body = r.bytes(usize::try_from(fragment_length).ok()?)?;
    // The fragment must lie inside the message.
    if offset.checked_add(fragment_length)? > length {
        return None;
    }
    Some(Fragment {
        msg_type,
        length,
        message_seq,
        offset,
        body,
    })
}

/// Appends a handshake header.
pub fn write_header(out: &mut Vec<u8>, msg_type: u8, length: usize, seq: u16, offset: usize, fragment_len: usize) {
    out.push(msg_type);
    put_u24(out, length);
    put_u16(out, seq);
    put_u24(out, offset);
    put_u24(out, fragment_len);
}

/// A whole message with an unfragmented header: the form that goes into the
/// handshake transcript (RFC 6347 §4.2.6).
pub fn whole_message(msg_type: u8, seq: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    write_header(&mut out, msg_type, body.len(), seq, 0, body.len());
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_must_lie_inside_their_message() {
        let mut bytes = Vec::new();
        write_header(&mut bytes, CLIENT_HELLO, 10, 3, 4, 2);
        bytes.extend_from_slice(&[1, 2]);
        write_header(&mut bytes, CLIENT_HELLO, 10, 3, 9, 2);
        bytes.extend_from_slice(&[1, 2]);
        let fragments = parse_fragments(&bytes);
        assert_eq!(fragments.len(), 1);
        assert_eq!(fragments[0].offset, 4);
        assert_eq!(fragments[0].message_seq, 3);
        let whole = whole_message(FINISHED, 7, &[9; 12]);
        let parsed = parse_fragments(&whole);
        assert_eq!(parsed[0].body, &[9; 12]);
        assert_eq!(parsed[0].length, 12);
    }
}
