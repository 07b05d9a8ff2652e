//! The DTLS record layer's framing (RFC 6347 §4.1): a 13-byte header (type,
//! version, epoch, 48-bit sequence number, length) and the fragment. One UDP
//! datagram may carry several records (§4.1.1); a malformed one ends the
//! datagram's parse, and what came before it still counts (§4.1.2.7: invalid
//! records are dropped silently).

use super::codec::{put_u16, put_u48, Reader};

pub const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
pub const CONTENT_ALERT: u8 = 21;
pub const CONTENT_HANDSHAKE: u8 = 22;
pub const CONTENT_APPLICATION_DATA: u8 = 23;

/// DTLS 1.2 on the wire (RFC 6347 §4.1: {254, 253}).
pub const DTLS_1_2: u16 = 0xfefd;
/// DTLS 1.0, which clients (Chromium, OpenSSL) put in the record header of
/// their first ClientHello for compatibility.
pub const DTLS_1_0: u16 = 0xfeff;

pub const HEADER_LEN: usize = 13;

/// RFC 6347 §4.1.2.1: sequence numbers are 48 bits wide.
pub const MAX_SEQUENCE: u64 = (1 << 48) - 1;

/// RFC 6347 §4.1: a record's fragment may not exceed 2^14 + 2048 bytes.
const MAX_FRAGMENT: usize = (1 << 14) + 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub content_type: u8,
    pub version: u16,
    pub epoch: u16,
    pub sequence: u64,
    pub fragment: &'a [u8],
}

impl Record<'_> {
    /// The epoch and sequence number as one 64-bit value, as the AEAD nonce
    /// and additional data use them (RFC 6347 §4.1.2.1).
    pub fn epoch_sequence(&self) -> u64 {
        (u64::from(self.epoch) << 48) | self.sequence
    }
}

/// Splits a datagram into records, stopping at the first malformed one.
pub fn parse_datagram(datagram: &[u8]) -> Vec<Record<'_>> {
    let mut records = Vec::new();
    let mut r = Reader::new(datagram);
    while !r.is_empty() {
        match parse_one(&mut r) {
            Some(record) => records.push(record),
            None => break,
        }
    }
    records
}

fn parse_one<'a>(r: &mut Reader<'a>) -> Option<Record<'a>> {
    let content_type = r.u8()?;
    let version = r.u16()?;
    let epoch = r.u16()?;
    let sequence = r.u48()?;
    let fragment = r.vec16()?;
    let known_type = (CONTENT_CHANGE_CIPHER_SPEC..=CONTENT_APPLICATION_DATA).contains(&content_type);
    // Any DTLS version is framed alike; the handshake decides which one is
    // spoken, so only the major byte (254) is checked here.
    if !known_type || version >> 8 != 0xfe || fragment.len() > MAX_FRAGMENT {
        return None;
    }
    Some(Record {
        content_type,
        version,
        epoch,
        sequence,
        fragment,
    })
}

/// Appends a record header for a fragment of `len` bytes.
pub fn write_header(out: &mut Vec<u8>, content_type: u8, epoch: u16, sequence: u64, len: usize) {
    out.push(content_type);
    put_u16(out, DTLS_1_2);
    put_u16(out, epoch);
    put_u48(out, sequence);
    put_u16(out, u16::try_from(len).unwrap_or(u16::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_records_and_a_truncated_tail() {
        let mut datagram = Vec::new();
        write_header(&mut datagram, CONTENT_HANDSHAKE, 0, 5, 2);
        datagram.extend_from_slice(&[1, 2]);
        write_header(&mut datagram, CONTENT_APPLICATION_DATA, 1, 7, 1);
        datagram.push(9);
        write_header(&mut datagram, CONTENT_ALERT, 1, 8, 10);
        datagram.push(0);
        let records = parse_datagram(&datagram);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].sequence, 5);
        assert_eq!(records[0].fragment, &[1, 2]);
        assert_eq!(records[1].epoch_sequence(), (1 << 48) | 7);
    }

    #[test]
    fn unknown_types_and_versions_end_the_parse() {
        let mut datagram = Vec::new();
        write_header(&mut datagram, 99, 0, 0, 0);
        assert!(parse_datagram(&datagram).is_empty());
        let mut tls = Vec::new();
        write_header(&mut tls, CONTENT_HANDSHAKE, 0, 0, 0);
        tls[1] = 3;
        assert!(parse_datagram(&tls).is_empty());
    }
}
