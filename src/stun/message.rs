//! The STUN message: header (RFC 8489 §5), attribute list (§14), and the
//! encoder that appends MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and
//! FINGERPRINT in the order §14.5–§14.7 require.

use super::attribute::{types, Attribute};
use super::integrity::{self, IntegrityAlgorithm};
use super::{StunError, HEADER_LEN, MAGIC_COOKIE};

/// The 96-bit transaction id (RFC 8489 §5).
pub type TransactionId = [u8; 12];

/// The message class (RFC 8489 §5): C1 C0 bits of the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Request,
    Indication,
    SuccessResponse,
    ErrorResponse,
}

/// The 12-bit method. Known methods are associated constants; any other value
/// round-trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method(pub u16);

impl Method {
    /// RFC 8489 §18.2.
    pub const BINDING: Method = Method(0x001);
    /// RFC 8656 §17.
    pub const ALLOCATE: Method = Method(0x003);
    pub const REFRESH: Method = Method(0x004);
    pub const SEND: Method = Method(0x006);
    pub const DATA: Method = Method(0x007);
    pub const CREATE_PERMISSION: Method = Method(0x008);
    pub const CHANNEL_BIND: Method = Method(0x009);
}

/// Packs method and class into the 14-bit message type (RFC 8489 §5, Figure 3).
pub fn message_type(method: Method, class: Class) -> u16 {
    let m = method.0 & 0x0FFF;
    let c: u16 = match class {
        Class::Request => 0b00,
        Class::Indication => 0b01,
        Class::SuccessResponse => 0b10,
        Class::ErrorResponse => 0b11,
    };
    (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7)
}

/// Splits a message type into method and class.
pub fn split_type(t: u16) -> (Method, Class) {
    let m = (t & 0x000F) | ((t >> 1) & 0x0070) | ((t >> 2) & 0x0F80);
    let class = match ((t >> 7) & 2) | ((t >> 4) & 1) {
        0 => Class::Request,
        1 => Class::Indication,
        2 => Class::SuccessResponse,
        _ => Class::ErrorResponse,
    };
    (Method(m), class)
}

/// A decoded or to-be-encoded STUN message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub method: Method,
    pub class: Class,
    pub transaction_id: TransactionId,
    pub attributes: Vec<Attribute>,
}

/// One attribute as it sits in the bytes: type, value, and the offset of its
/// 4-byte header from the start of the message.
#[derive(Debug, Clone, Copy)]
pub struct RawAttribute<'a> {
    pub typ: u16,
    pub value: &'a [u8],
    pub offset: usize,
}

/// Checks the header (RFC 8489 §6.3: top bits zero, magic cookie, length a
/// multiple of 4 and equal to what follows) and returns the body length.
pub fn check_header(bytes: &[u8]) -> Result<usize, StunError> {
    if bytes.len() < HEADER_LEN {
        return Err(StunError::Truncated { needed: HEADER_LEN, have: bytes.len() });
    }
    if bytes[0] & 0xC0 != 0 {
        return Err(StunError::NotStun("top two bits not zero"));
    }
    if bytes[4..8] != MAGIC_COOKIE.to_be_bytes() {
        return Err(StunError::NotStun("no magic cookie"));
    }
    let len = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
    if len % 4 != 0 {
        return Err(StunError::NotStun("length not a multiple of 4"));
    }
    if bytes.len() < HEADER_LEN + len {
        return Err(StunError::Truncated { needed: HEADER_LEN + len, have: bytes.len() });
    }
    if bytes.len() > HEADER_LEN + len {
        return Err(StunError::NotStun("bytes after the message"));
    }
    Ok(len)
}

/// Walks the attributes of a message whose header passed [`check_header`].
pub fn raw_attributes(bytes: &[u8]) -> impl Iterator<Item = Result<RawAttribute<'_>, StunError>> + '_ {
    let mut pos = HEADER_LEN;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= bytes.len() {
            return None;
        }
        let Some(h) = bytes.get(pos..pos + 4) else {
            failed = true;
            return Some(Err(StunError::Truncated { needed: pos + 4, have: bytes.len() }));
        };
        let typ = u16::from_be_bytes([h[0], h[1]]);
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        let Some(value) = bytes.get(pos + 4..pos + 4 + len) else {
            failed = true;
            return Some(Err(StunError::BadAttribute { typ, reason: "value runs past the message" }));
        };
        let offset = pos;
        pos += 4 + len.div_ceil(4) * 4;
        Some(Ok(RawAttribute { typ, value, offset }))
    })
}

impl Message {
    pub fn new(method: Method, class: Class, transaction_id: TransactionId) -> Self {
        Message { method, class, transaction_id, attributes: Vec::new() }
    }

    /// A response (success or error) to `self`, same method and transaction.
    pub fn response(&self, class: Class) -> Self {
        Message::new(self.method, class, self.transaction_id)
    }

    /// Builder-style append.
    pub fn with(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    /// Decodes one whole message (RFC 8489 §6.3). Attributes after
    /// MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
    /// are ignored (§14.5); anything after FINGERPRINT is an error (§14.7).
    pub fn decode(bytes: &[u8]) -> Result<Message, StunError> {
        check_header(bytes)?;
        let (method, class) = split_type(u16::from_be_bytes([bytes[0], bytes[1]]));
        let mut transaction_id = [0u8; 12];
        transaction_id.copy_from_slice(&bytes[8..20]);
        let mut attributes = Vec::new();
        let mut seen_integrity = false;
        let mut seen_fingerprint = false;
        for raw in raw_attributes(bytes) {
            let raw = raw?;
            if seen_fingerprint {
                return Err(StunError::NotStun("attribute after FINGERPRINT"));
            }
            match raw.typ {
                types::FINGERPRINT => seen_fingerprint = true,
                types::MESSAGE_INTEGRITY | types::MESSAGE_INTEGRITY_SHA256 => {}
                _ if seen_integrity => continue,
                _ => {}
            }
            if matches!(raw.typ, types::MESSAGE_INTEGRITY | types::MESSAGE_INTEGRITY_SHA256) {
                seen_integrity = true;
            }
            attributes.push(Attribute::decode(raw.typ, raw.value, &transaction_id)?);
        }
        Ok(Message { method, class, transaction_id, attributes })
    }

    /// Encodes the message with its attributes exactly as listed.
    pub fn encode(&self) -> Result<Vec<u8>, StunError> {
        let mut out = self.encode_header();
        for a in &self.attributes {
            push_attribute(&mut out, a, &self.transaction_id)?;
        }
        set_length(&mut out)?;
        Ok(out)
    }

    /// Encodes the message, leaving out any integrity or fingerprint
    /// attributes in the list, then appends MESSAGE-INTEGRITY (or
    /// -SHA256) keyed with `integrity` and a FINGERPRINT when asked
    /// (RFC 8489 §14.5–§14.7).
    pub fn encode_with(
        &self,
        integrity: Option<(IntegrityAlgorithm, &[u8])>,
        fingerprint: bool,
    ) -> Result<Vec<u8>, StunError> {
        let mut out = self.encode_header();
        for a in &self.attributes {
            if matches!(
                a,
                Attribute::MessageIntegrity(_) | Attribute::MessageIntegritySha256(_) | Attribute::Fingerprint(_)
            ) {
                continue;
            }
            push_attribute(&mut out, a, &self.transaction_id)?;
        }
        if let Some((alg, key)) = integrity {
            integrity::append_integrity(&mut out, alg, key)?;
        }
        if fingerprint {
            integrity::append_fingerprint(&mut out)?;
        }
        set_length(&mut out)?;
        Ok(out)
    }

    fn encode_header(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(&message_type(self.method, self.class).to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        out.extend_from_slice(&self.transaction_id);
        out
    }

    /// The first attribute of type `typ`.
    pub fn get(&self, typ: u16) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.typ() == typ)
    }

    pub fn username(&self) -> Option<&str> {
        self.attributes.iter().find_map(|a| if let Attribute::Username(s) = a { Some(s.as_str()) } else { None })
    }
    pub fn realm(&self) -> Option<&str> {
        self.attributes.iter().find_map(|a| if let Attribute::Realm(s) = a { Some(s.as_str()) } else { None })
    }
    pub fn nonce(&self) -> Option<&str> {
        self.attributes.iter().find_map(|a| if let Attribute::Nonce(s) = a { Some(s.as_str()) } else { None })
    }
    pub fn lifetime(&self) -> Option<u32> {
        self.attributes.iter().find_map(|a| if let Attribute::Lifetime(s) = a { Some(*s) } else { None })
    }
    pub fn error_code(&self) -> Option<&super::ErrorCode> {
        self.attributes.iter().find_map(|a| if let Attribute::ErrorCode(e) = a { Some(e) } else { None })
    }
    pub fn data(&self) -> Option<&[u8]> {
        self.attributes.iter().find_map(|a| if let Attribute::Data(d) = a { Some(d.as_slice()) } else { None })
    }
    pub fn channel_number(&self) -> Option<u16> {
        self.attributes.iter().find_map(|a| if let Attribute::ChannelNumber(c) = a { Some(*c) } else { None })
    }
    pub fn xor_relayed_address(&self) -> Option<std::net::SocketAddr> {
        self.attributes.iter().find_map(|a| if let Attribute::XorRelayedAddress(s) = a { Some(*s) } else { None })
    }
    pub fn xor_mapped_address(&self) -> Option<std::net::SocketAddr> {
        self.attributes.iter().find_map(|a| if let Attribute::XorMappedAddress(s) = a { Some(*s) } else { None })
    }
    /// Every XOR-PEER-ADDRESS (CreatePermission may carry several).
    pub fn xor_peer_addresses(&self) -> impl Iterator<Item = std::net::SocketAddr> + '_ {
        self.attributes.iter().filter_map(|a| if let Attribute::XorPeerAddress(s) = a { Some(*s) } else { None })
    }
}

/// Appends one attribute (header, value, zero padding).
pub fn push_attribute(out: &mut Vec<u8>, a: &Attribute, transaction_id: &TransactionId) -> Result<(), StunError> {
    let start = out.len();
    out.extend_from_slice(&a.typ().to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    a.encode_value(transaction_id, out);
    let len = out.len() - start - 4;
    let len16 = u16::try_from(len).map_err(|_| StunError::TooLong)?;
    out[start + 2..start + 4].copy_from_slice(&len16.to_be_bytes());
    out.resize(out.len() + (4 - len % 4) % 4, 0);
    Ok(())
}

/// Writes the header's length field from the buffer's size.
pub(crate) fn set_length(out: &mut [u8]) -> Result<(), StunError> {
    let len = u16::try_from(out.len() - HEADER_LEN).map_err(|_| StunError::TooLong)?;
    out[2..4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}
