//! Hello extensions (RFC 5246 §7.4.1.4) and the ones this DTLS understands:
//! supported_groups and ec_point_formats (RFC 8422 §5.1), signature_algorithms
//! (RFC 5246 §7.4.1.4.1), use_srtp (RFC 5764 §4.1.1), extended_master_secret
//! (RFC 7627 §5.1) and renegotiation_info (RFC 5746 §3.2). Every other
//! extension — Chromium's supported_versions, key_share with X25519MLKEM768,
//! and whatever comes next — is skipped, as a DTLS 1.2 server must.

use super::codec::{put_u16, put_vec16, put_vec8, u16_list_bytes, Reader};

pub const SUPPORTED_GROUPS: u16 = 10;
pub const EC_POINT_FORMATS: u16 = 11;
pub const SIGNATURE_ALGORITHMS: u16 = 13;
pub const USE_SRTP: u16 = 14;
pub const EXTENDED_MASTER_SECRET: u16 = 23;
pub const RENEGOTIATION_INFO: u16 = 0xff01;

/// RFC 8422 §5.1.2: the only point format, uncompressed.
pub const POINT_FORMAT_UNCOMPRESSED: u8 = 0;

/// One extension as found in a hello: its type and raw body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub kind: u16,
    pub data: Vec<u8>,
}

/// Parses an extensions block (without its outer length). `None` if it is
/// malformed or names one extension twice (RFC 5246 §7.4.1.4).
pub fn parse(block: &[u8]) -> Option<Vec<Extension>> {
    let mut r = Reader::new(block);
    let mut out: Vec<Extension> = Vec::new();
    while !r.is_empty() {
        let kind = r.u16()?;
        let data = r.vec16()?.to_vec();
        if out.iter().any(|e| e.kind == kind) {
            return None;
        }
        out.push(Extension { kind, data });
    }
    Some(out)
}

/// Writes an extensions block with its 2-byte length; nothing at all when
/// there are none (RFC 5246 §7.4.1.2 lets the block be absent).
pub fn write(out: &mut Vec<u8>, extensions: &[Extension]) {
    if extensions.is_empty() {
        return;
    }
    let mut block = Vec::new();
    for e in extensions {
        put_u16(&mut block, e.kind);
        put_vec16(&mut block, &e.data);
    }
    put_vec16(out, &block);
}

pub fn find(extensions: &[Extension], kind: u16) -> Option<&[u8]> {
    extensions.iter().find(|e| e.kind == kind).map(|e| e.data.as_slice())
}

/// A 2-byte-length list of 16-bit values: supported_groups and
/// signature_algorithms share this shape.
pub fn u16_list(kind: u16, values: &[u16]) -> Extension {
    let mut data = Vec::new();
    put_vec16(&mut data, &u16_list_bytes(values));
    Extension { kind, data }
}

pub fn parse_u16_list(data: &[u8]) -> Option<Vec<u16>> {
    let mut r = Reader::new(data);
    let list = Reader::u16_list(r.vec16()?)?;
    r.is_empty().then_some(list)
}

pub fn point_formats() -> Extension {
    let mut data = Vec::new();
    put_vec8(&mut data, &[POINT_FORMAT_UNCOMPRESSED]);
    Extension {
        kind: EC_POINT_FORMATS,
        data,
    }
}

pub fn extended_master_secret() -> Extension {
    Extension {
        kind: EXTENDED_MASTER_SECRET,
        data: Vec::new(),
    }
}

/// renegotiation_info of an initial handshake: an empty
/// renegotiated_connection (RFC 5746 §3.4, §3.6).
pub fn renegotiation_info() -> Extension {
    Extension {
        kind: RENEGOTIATION_INFO,
        data: vec![0],
    }
}

/// Whether a renegotiation_info body is the initial handshake's empty one.
pub fn is_initial_renegotiation_info(data: &[u8]) -> bool {
    data == [0]
}

/// use_srtp (RFC 5764 §4.1.1): the profiles and an empty MKI.
pub fn use_srtp(profiles: &[u16]) -> Extension {
    let mut data = Vec::new();
    put_vec16(&mut data, &u16_list_bytes(profiles));
    put_vec8(&mut data, &[]);
    Extension {
        kind: USE_SRTP,
        data,
    }
}

/// The profiles of a use_srtp body; its MKI is read and ignored (WebRTC
/// never uses one, RFC 8827 §6.5).
pub fn parse_use_srtp(data: &[u8]) -> Option<Vec<u16>> {
    let mut r = Reader::new(data);
    let profiles = Reader::u16_list(r.vec16()?)?;
    r.vec8()?;
    r.is_empty().then_some(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_duplicates() {
        let list = vec![u16_list(SUPPORTED_GROUPS, &[29, 23]), use_srtp(&[7, 1]), extended_master_secret()];
        let mut out = Vec::new();
        write(&mut out, &list);
        let parsed = parse(&out[2..]).unwrap();
        assert_eq!(parsed, list);
        assert_eq!(parse_u16_list(find(&parsed, SUPPORTED_GROUPS).unwrap()), Some(vec![29, 23]));
        assert_eq!(parse_use_srtp(find(&parsed, USE_SRTP).unwrap()), Some(vec![7, 1]));
        let mut twice = Vec::new();
        write(&mut twice, &[extended_master_secret(), extended_master_secret()]);
        assert!(parse(&twice[2..]).is_none());
        assert!(parse(&[0, 1, 0]).is_none());
    }
}
