//! STUN and TURN attributes (RFC 8489 §14, RFC 8656 §18).
//!
//! Each attribute is a TLV padded to a multiple of four bytes (RFC 8489
//! §14). Types 0x0000–0x7FFF are comprehension-required, 0x8000–0xFFFF
//! comprehension-optional; a type this codec does not know decodes to
//! [`Attribute::Unknown`] and re-encodes unchanged, so a later layer can add
//! its own attributes (ICE's PRIORITY, USE-CANDIDATE, ICE-CONTROLLING, ...)
//! as new variants without touching the framing.

use std::net::SocketAddr;

use super::{address, StunError};

/// Attribute type codes (IANA "STUN Attributes" registry).
pub mod types {
    pub const MAPPED_ADDRESS: u16 = 0x0001;
    pub const USERNAME: u16 = 0x0006;
    pub const MESSAGE_INTEGRITY: u16 = 0x0008;
    pub const ERROR_CODE: u16 = 0x0009;
    pub const UNKNOWN_ATTRIBUTES: u16 = 0x000A;
    pub const CHANNEL_NUMBER: u16 = 0x000C;
    pub const LIFETIME: u16 = 0x000D;
    pub const XOR_PEER_ADDRESS: u16 = 0x0012;
    pub const DATA: u16 = 0x0013;
    pub const REALM: u16 = 0x0014;
    pub const NONCE: u16 = 0x0015;
    pub const XOR_RELAYED_ADDRESS: u16 = 0x0016;
    pub const REQUESTED_ADDRESS_FAMILY: u16 = 0x0017;
    pub const EVEN_PORT: u16 = 0x0018;
    pub const REQUESTED_TRANSPORT: u16 = 0x0019;
    pub const DONT_FRAGMENT: u16 = 0x001A;
    pub const MESSAGE_INTEGRITY_SHA256: u16 = 0x001C;
    pub const PASSWORD_ALGORITHM: u16 = 0x001D;
    pub const USERHASH: u16 = 0x001E;
    pub const XOR_MAPPED_ADDRESS: u16 = 0x0020;
    pub const RESERVATION_TOKEN: u16 = 0x0022;
    pub const PRIORITY: u16 = 0x0024;
    pub const USE_CANDIDATE: u16 = 0x0025;
    pub const PASSWORD_ALGORITHMS: u16 = 0x8002;
    pub const ALTERNATE_DOMAIN: u16 = 0x8003;
    pub const SOFTWARE: u16 = 0x8022;
    pub const ALTERNATE_SERVER: u16 = 0x8023;
    pub const FINGERPRINT: u16 = 0x8028;
    pub const ICE_CONTROLLED: u16 = 0x8029;
    pub const ICE_CONTROLLING: u16 = 0x802A;
    pub const ADDITIONAL_ADDRESS_FAMILY: u16 = 0x8000;
}

/// ERROR-CODE (RFC 8489 §14.8): a code 300–699 and a reason phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    pub code: u16,
    pub reason: String,
}

impl ErrorCode {
    pub const TRY_ALTERNATE: u16 = 300;
    pub const BAD_REQUEST: u16 = 400;
    pub const UNAUTHORIZED: u16 = 401;
    pub const FORBIDDEN: u16 = 403;
    pub const UNKNOWN_ATTRIBUTE: u16 = 420;
    pub const ALLOCATION_MISMATCH: u16 = 437;
    pub const STALE_NONCE: u16 = 438;
    pub const ADDRESS_FAMILY_NOT_SUPPORTED: u16 = 440;
    pub const WRONG_CREDENTIALS: u16 = 441;
    pub const UNSUPPORTED_TRANSPORT_PROTOCOL: u16 = 442;
    pub const PEER_ADDRESS_FAMILY_MISMATCH: u16 = 443;
    pub const ALLOCATION_QUOTA_REACHED: u16 = 486;
    pub const SERVER_ERROR: u16 = 500;
    pub const INSUFFICIENT_CAPACITY: u16 = 508;

    /// The code with the reason phrase the RFCs give it.
    pub fn new(code: u16) -> Self {
        let reason = match code {
            300 => "Try Alternate",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            420 => "Unknown Attribute",
            437 => "Allocation Mismatch",
            438 => "Stale Nonce",
            440 => "Address Family not Supported",
            441 => "Wrong Credentials",
            442 => "Unsupported Transport Protocol",
            443 => "Peer Address Family Mismatch",
            486 => "Allocation Quota Reached",
            487 => "Role Conflict",
            500 => "Server Error",
            508 => "Insufficient Capacity",
            _ => "",
        };
        ErrorCode { code, reason: reason.to_string() }
    }
}

/// One attribute. Addresses are plain [`SocketAddr`]s: the XOR is applied by
/// the codec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    MappedAddress(SocketAddr),
    XorMappedAddress(SocketAddr),
    XorPeerAddress(SocketAddr),
    XorRelayedAddress(SocketAddr),
    AlternateServer(SocketAddr),
    Username(String),
    Realm(String),
    Nonce(String),
    Software(String),
    AlternateDomain(String),
    ErrorCode(ErrorCode),
    UnknownAttributes(Vec<u16>),
    /// Seconds (RFC 8656 §18.2).
    Lifetime(u32),
    /// The IP protocol number: 17 for UDP (RFC 8656 §18.7).
    RequestedTransport(u8),
    DontFragment,
    /// RFC 8656 §18.1.
    ChannelNumber(u16),
    Data(Vec<u8>),
    /// The R bit (RFC 8656 §18.6).
    EvenPort(bool),
    ReservationToken([u8; 8]),
    /// 0x01 IPv4, 0x02 IPv6 (RFC 8656 §18.8).
    RequestedAddressFamily(u8),
    AdditionalAddressFamily(u8),
    UserHash([u8; 32]),
    /// The 20-byte HMAC-SHA1 (RFC 8489 §14.5).
    MessageIntegrity([u8; 20]),
    /// An HMAC-SHA256, truncated to 16–32 bytes (RFC 8489 §14.6).
    MessageIntegritySha256(Vec<u8>),
    /// The CRC-32 xor 0x5354554e (RFC 8489 §14.7).
    Fingerprint(u32),
    /// Any other type: kept as raw bytes, re-encoded unchanged.
    Unknown { typ: u16, value: Vec<u8> },
}

fn utf8(typ: u16, v: &[u8], max: usize) -> Result<String, StunError> {
    if v.len() > max {
        return Err(StunError::BadAttribute { typ, reason: "value too long" });
    }
    String::from_utf8(v.to_vec()).map_err(|_| StunError::BadAttribute { typ, reason: "not UTF-8" })
}

fn fixed<const N: usize>(typ: u16, v: &[u8]) -> Result<[u8; N], StunError> {
    v.try_into().map_err(|_| StunError::BadAttribute { typ, reason: "wrong length" })
}

impl Attribute {
    /// The attribute's type code.
    pub fn typ(&self) -> u16 {
        use types::*;
        match self {
            Attribute::MappedAddress(_) => MAPPED_ADDRESS,
            Attribute::XorMappedAddress(_) => XOR_MAPPED_ADDRESS,
            Attribute::XorPeerAddress(_) => XOR_PEER_ADDRESS,
            Attribute::XorRelayedAddress(_) => XOR_RELAYED_ADDRESS,
            Attribute::AlternateServer(_) => ALTERNATE_SERVER,
            Attribute::Username(_) => USERNAME,
            Attribute::Realm(_) => REALM,
            Attribute::Nonce(_) => NONCE,
            Attribute::Software(_) => SOFTWARE,
            Attribute::AlternateDomain(_) => ALTERNATE_DOMAIN,
            Attribute::ErrorCode(_) => ERROR_CODE,
            Attribute::UnknownAttributes(_) => UNKNOWN_ATTRIBUTES,
            Attribute::Lifetime(_) => LIFETIME,
            Attribute::RequestedTransport(_) => REQUESTED_TRANSPORT,
            Attribute::DontFragment => DONT_FRAGMENT,
            Attribute::ChannelNumber(_) => CHANNEL_NUMBER,
            Attribute::Data(_) => DATA,
            Attribute::EvenPort(_) => EVEN_PORT,
            Attribute::ReservationToken(_) => RESERVATION_TOKEN,
            Attribute::RequestedAddressFamily(_) => REQUESTED_ADDRESS_FAMILY,
            Attribute::AdditionalAddressFamily(_) => ADDITIONAL_ADDRESS_FAMILY,
            Attribute::UserHash(_) => USERHASH,
            Attribute::MessageIntegrity(_) => MESSAGE_INTEGRITY,
            Attribute::MessageIntegritySha256(_) => MESSAGE_INTEGRITY_SHA256,
            Attribute::Fingerprint(_) => FINGERPRINT,
            Attribute::Unknown { typ, .. } => *typ,
        }
    }

    /// Decodes the value `v` of an attribute of type `typ` in a message with
    /// `transaction_id` (needed for the XOR'd addresses).
    pub fn decode(typ: u16, v: &[u8], transaction_id: &[u8; 12]) -> Result<Attribute, StunError> {
        use types::*;
        let bad = |reason| StunError::BadAttribute { typ, reason };
        Ok(match typ {
            MAPPED_ADDRESS => Attribute::MappedAddress(address::decode(typ, v, None)?),
            XOR_MAPPED_ADDRESS => Attribute::XorMappedAddress(address::decode(typ, v, Some(transaction_id))?),
            XOR_PEER_ADDRESS => Attribute::XorPeerAddress(address::decode(typ, v, Some(transaction_id))?),
            XOR_RELAYED_ADDRESS => Attribute::XorRelayedAddress(address::decode(typ, v, Some(transaction_id))?),
            ALTERNATE_SERVER => Attribute::AlternateServer(address::decode(typ, v, None)?),
            // Length limits: RFC 8489 §14.3 (USERNAME < 513 bytes), §14.9 and
            // §14.10 (REALM, NONCE < 128 characters, up to 763 bytes), §14.14.
            USERNAME => Attribute::Username(utf8(typ, v, 513)?),
            REALM => Attribute::Realm(utf8(typ, v, 763)?),
            NONCE => Attribute::Nonce(utf8(typ, v, 763)?),
            SOFTWARE => Attribute::Software(utf8(typ, v, 763)?),
            ALTERNATE_DOMAIN => Attribute::AlternateDomain(utf8(typ, v, 255)?),
            ERROR_CODE => {
                if v.len() < 4 {
                    return Err(bad("ERROR-CODE shorter than 4 bytes"));
                }
                let class = u16::from(v[2] & 0x07);
                let number = u16::from(v[3]);
                if !(3..=6).contains(&class) || number > 99 {
                    return Err(bad("error code out of range"));
                }
                Attribute::ErrorCode(ErrorCode { code: class * 100 + number, reason: utf8(typ, &v[4..], 763)? })
            }
            UNKNOWN_ATTRIBUTES => {
                if v.len() % 2 != 0 {
                    return Err(bad("odd length"));
                }
                Attribute::UnknownAttributes(v.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
            }
            LIFETIME => Attribute::Lifetime(u32::from_be_bytes(fixed(typ, v)?)),
            REQUESTED_TRANSPORT => Attribute::RequestedTransport(fixed::<4>(typ, v)?[0]),
            DONT_FRAGMENT => {
                if !v.is_empty() {
                    return Err(bad("DONT-FRAGMENT has a value"));
                }
                Attribute::DontFragment
            }
            CHANNEL_NUMBER => {
                let b = fixed::<4>(typ, v)?;
                Attribute::ChannelNumber(u16::from_be_bytes([b[0], b[1]]))
            }
            DATA => Attribute::Data(v.to_vec()),
            EVEN_PORT => Attribute::EvenPort(fixed::<1>(typ, v)?[0] & 0x80 != 0),
            RESERVATION_TOKEN => Attribute::ReservationToken(fixed(typ, v)?),
            REQUESTED_ADDRESS_FAMILY => Attribute::RequestedAddressFamily(fixed::<4>(typ, v)?[0]),
            ADDITIONAL_ADDRESS_FAMILY => Attribute::AdditionalAddressFamily(fixed::<4>(typ, v)?[0]),
            USERHASH => Attribute::UserHash(fixed(typ, v)?),
            MESSAGE_INTEGRITY => Attribute::MessageIntegrity(fixed(typ, v)?),
            MESSAGE_INTEGRITY_SHA256 => {
                if !(16..=32).contains(&v.len()) || v.len() % 4 != 0 {
                    return Err(bad("MESSAGE-INTEGRITY-SHA256 length"));
                }
                Attribute::MessageIntegritySha256(v.to_vec())
            }
            FINGERPRINT => Attribute::Fingerprint(u32::from_be_bytes(fixed(typ, v)?)),
            _ => Attribute::Unknown { typ, value: v.to_vec() },
        })
    }

    /// Appends the value (without header or padding) to `out`.
    pub fn encode_value(&self, transaction_id: &[u8; 12], out: &mut Vec<u8>) {
        match self {
            Attribute::MappedAddress(a) | Attribute::AlternateServer(a) => address::encode(a, None, out),
            Attribute::XorMappedAddress(a) | Attribute::XorPeerAddress(a) | Attribute::XorRelayedAddress(a) => {
                address::encode(a, Some(transaction_id), out)
            }
            Attribute::Username(s)
            | Attribute::Realm(s)
            | Attribute::Nonce(s)
            | Attribute::Software(s)
            | Attribute::AlternateDomain(s) => out.extend_from_slice(s.as_bytes()),
            Attribute::ErrorCode(e) => {
                out.extend_from_slice(&[0, 0, ((e.code / 100) & 0x07) as u8, (e.code % 100) as u8]);
                out.extend_from_slice(e.reason.as_bytes());
            }
            Attribute::UnknownAttributes(list) => {
                for t in list {
                    out.extend_from_slice(&t.to_be_bytes());
                }
            }
            Attribute::Lifetime(s) => out.extend_from_slice(&s.to_be_bytes()),
            Attribute::RequestedTransport(p) => out.extend_from_slice(&[*p, 0, 0, 0]),
            Attribute::DontFragment => {}
            Attribute::ChannelNumber(c) => {
                out.extend_from_slice(&c.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Attribute::Data(d) => out.extend_from_slice(d),
            Attribute::EvenPort(r) => out.push(if *r { 0x80 } else { 0 }),
            Attribute::ReservationToken(t) => out.extend_from_slice(t),
            Attribute::RequestedAddressFamily(f) | Attribute::AdditionalAddressFamily(f) => {
                out.extend_from_slice(&[*f, 0, 0, 0])
            }
            Attribute::UserHash(h) => out.extend_from_slice(h),
            Attribute::MessageIntegrity(m) => out.extend_from_slice(m),
            Attribute::MessageIntegritySha256(m) => out.extend_from_slice(m),
            Attribute::Fingerprint(f) => out.extend_from_slice(&f.to_be_bytes()),
            Attribute::Unknown { value, .. } => out.extend_from_slice(value),
        }
    }

    /// Whether an unknown attribute of this type must make a request fail with
    /// 420 (RFC 8489 §14: comprehension-required range).
    pub fn is_comprehension_required(typ: u16) -> bool {
        typ < 0x8000
    }
}
