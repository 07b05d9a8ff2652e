//! The RTP header (RFC 3550 §5.1): fixed part, CSRC list, header extension
//! (§5.3.1, with RFC 8285's one-byte and two-byte element forms) and
//! padding.
//!
//! [`RtpPacket`] borrows the datagram and reads nothing it does not need;
//! [`RtpHeader`] owns its fields and writes them.

use super::{be16, be32, PacketError};

/// RTP version 2 (RFC 3550 §5.1).
pub const VERSION: u8 = 2;
/// The fixed header: V/P/X/CC, M/PT, sequence number, timestamp, SSRC.
pub const FIXED_HEADER_LEN: usize = 12;
/// "defined by profile" of the one-byte element form (RFC 8285 §4.2).
pub const ONE_BYTE_PROFILE: u16 = 0xBEDE;
/// The two-byte form is 0x100 followed by 4 "appbits" (RFC 8285 §4.3).
pub const TWO_BYTE_PROFILE: u16 = 0x1000;
const TWO_BYTE_PROFILE_MASK: u16 = 0xFFF0;

/// Length of the RTP header at the front of `packet`: fixed part, CSRCs and
/// extension. What SRTP authenticates but does not encrypt.
pub fn header_len(packet: &[u8]) -> Result<usize, PacketError> {
    let first = *packet.first().ok_or(PacketError::Truncated("RTP header"))?;
    if first >> 6 != VERSION {
        return Err(PacketError::Malformed("RTP version is not 2"));
    }
    let mut len = FIXED_HEADER_LEN + 4 * usize::from(first & 0x0F);
    if first & 0x10 != 0 {
        let words = be16(packet, len + 2).ok_or(PacketError::Truncated("header extension"))?;
        len += 4 + 4 * usize::from(words);
    }
    if packet.len() < len {
        return Err(PacketError::Truncated("RTP header"));
    }
    Ok(len)
}

/// One header extension element (RFC 8285 §4.2, §4.3), borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionElementRef<'a> {
    pub id: u8,
    pub data: &'a [u8],
}

/// A parsed RTP packet borrowing its datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence_number: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    csrc: &'a [u8],
    /// The extension's "defined by profile" field and body.
    extension: Option<(u16, &'a [u8])>,
    pub payload: &'a [u8],
    /// Octets of padding after the payload, the count octet included
    /// (RFC 3550 §5.1 P bit); 0 when the P bit is clear.
    pub padding: u8,
    /// Length of the header: fixed part, CSRCs, extension.
    pub header_len: usize,
}

impl<'a> RtpPacket<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<RtpPacket<'a>, PacketError> {
        let header_len = header_len(bytes)?;
        let first = bytes.first().copied().unwrap_or_default();
        let second = bytes.get(1).copied().unwrap_or_default();
        let csrc_end = FIXED_HEADER_LEN + 4 * usize::from(first & 0x0F);
        let csrc = bytes.get(FIXED_HEADER_LEN..csrc_end).ok_or(PacketError::Truncated("CSRC list"))?;
        let extension = if first & 0x10 != 0 {
            let profile = be16(bytes, csrc_end).ok_or(PacketError::Truncated("header extension"))?;
            let body = bytes.get(csrc_end + 4..header_len).ok_or(PacketError::Truncated("header extension"))?;
            Some((profile, body))
        } else {
            None
        };
        let after_header = bytes.get(header_len..).unwrap_or_default();
        let padding = if first & 0x20 != 0 {
            let count = *after_header.last().ok_or(PacketError::Malformed("P bit set without padding"))?;
            if count == 0 || usize::from(count) > after_header.len() {
                return Err(PacketError::Malformed("padding count exceeds the payload"));
            }
            count
        } else {
            0
        };
        let payload = after_header.get(..after_header.len() - usize::from(padding)).unwrap_or_default();
        Ok(RtpPacket {
            marker: second & 0x80 != 0,
            payload_type: second & 0x7F,
            sequence_number: be16(bytes, 2).unwrap_or_default(),
            timestamp: be32(bytes, 4).unwrap_or_default(),
            ssrc: be32(bytes, 8).unwrap_or_default(),
            csrc,
            extension,
            payload,
            padding,
            header_len,
        })
    }

    pub fn csrcs(&self) -> impl Iterator<Item = u32> + 'a {
        self.csrc.chunks_exact(4).filter_map(|w| be32(w, 0))
    }

    /// The header extension's "defined by profile" field, if there is one.
    pub fn extension_profile(&self) -> Option<u16> {
        self.extension.map(|(profile, _)| profile)
    }

    /// The header extension's body, whatever its profile.
    pub fn extension_data(&self) -> Option<&'a [u8]> {
        self.extension.map(|(_, body)| body)
    }

    /// The RFC 8285 elements, in order. Empty for other extension profiles.
    /// Iteration stops at a malformed element or ID 15 (RFC 8285 §4.2).
    pub fn extensions(&self) -> ExtensionElements<'a> {
        match self.extension {
            Some((ONE_BYTE_PROFILE, body)) => ExtensionElements { body, two_byte: false },
            Some((profile, body)) if profile & TWO_BYTE_PROFILE_MASK == TWO_BYTE_PROFILE => {
                ExtensionElements { body, two_byte: true }
            }
            _ => ExtensionElements { body: &[], two_byte: false },
        }
    }

    /// The data of element `id`, the first if it repeats.
    pub fn extension(&self, id: u8) -> Option<&'a [u8]> {
        self.extensions().find(|e| e.id == id).map(|e| e.data)
    }

    /// The header as owned values, to change and write again.
    pub fn to_header(&self) -> RtpHeader {
        let extension = match self.extension {
            None => None,
            Some((ONE_BYTE_PROFILE, _)) => Some(HeaderExtension::OneByte(self.owned_elements())),
            Some((profile, _)) if profile & TWO_BYTE_PROFILE_MASK == TWO_BYTE_PROFILE => {
                Some(HeaderExtension::TwoByte(self.owned_elements()))
            }
            Some((profile, body)) => Some(HeaderExtension::Other { profile, data: body.to_vec() }),
        };
        RtpHeader {
            marker: self.marker,
            payload_type: self.payload_type,
            sequence_number: self.sequence_number,
            timestamp: self.timestamp,
            ssrc: self.ssrc,
            csrc: self.csrcs().collect(),
            extension,
        }
    }

    fn owned_elements(&self) -> Vec<ExtensionElement> {
        self.extensions().map(|e| ExtensionElement { id: e.id, data: e.data.to_vec() }).collect()
    }
}

/// Iterator over RFC 8285 elements; padding octets (ID 0) are skipped.
#[derive(Debug, Clone)]
pub struct ExtensionElements<'a> {
    body: &'a [u8],
    two_byte: bool,
}

impl<'a> Iterator for ExtensionElements<'a> {
    type Item = ExtensionElementRef<'a>;

    fn next(&mut self) -> Option<ExtensionElementRef<'a>> {
        loop {
            let (&first, rest) = self.body.split_first()?;
            if first == 0 {
                // Padding between elements or at the end (RFC 8285 §4.1).
                self.body = rest;
                continue;
            }
            let (id, len, rest) = if self.two_byte {
                let (&len, rest) = rest.split_first().or_else(|| {
                    self.body = &[];
                    None
                })?;
                (first, usize::from(len), rest)
            } else {
                let id = first >> 4;
                if id == 15 {
                    // Reserved: stop processing the extension (RFC 8285 §4.2).
                    self.body = &[];
                    return None;
                }
                (id, usize::from(first & 0x0F) + 1, rest)
            };
            let Some(data) = rest.get(..len) else {
                self.body = &[];
                return None;
            };
            self.body = rest.get(len..).unwrap_or_default();
            return Some(ExtensionElementRef { id, data });
        }
    }
}

/// One header extension element, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionElement {
    pub id: u8,
    pub data: Vec<u8>,
}

/// An RTP header extension (RFC 3550 §5.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderExtension {
    /// RFC 8285 §4.2: IDs 1..=14, 1..=16 octets of data.
    OneByte(Vec<ExtensionElement>),
    /// RFC 8285 §4.3: IDs 1..=255, 0..=255 octets (with extmap-allow-mixed,
    /// a stream may switch between the forms packet by packet).
    TwoByte(Vec<ExtensionElement>),
    /// Another profile's extension, kept as it came.
    Other { profile: u16, data: Vec<u8> },
}

impl HeaderExtension {
    /// The elements in the form they fit: one-byte when every ID and length
    /// allow it (RFC 8285 §4.2), two-byte otherwise.
    pub fn from_elements(elements: Vec<ExtensionElement>) -> HeaderExtension {
        let one_byte = elements.iter().all(|e| (1..=14).contains(&e.id) && (1..=16).contains(&e.data.len()));
        if one_byte {
            HeaderExtension::OneByte(elements)
        } else {
            HeaderExtension::TwoByte(elements)
        }
    }

    pub fn elements(&self) -> &[ExtensionElement] {
        match self {
            HeaderExtension::OneByte(e) | HeaderExtension::TwoByte(e) => e,
            HeaderExtension::Other { .. } => &[],
        }
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let start = out.len();
        let profile = match self {
            HeaderExtension::OneByte(_) => ONE_BYTE_PROFILE,
            HeaderExtension::TwoByte(_) => TWO_BYTE_PROFILE,
            HeaderExtension::Other { profile, .. } => *profile,
        };
        out.extend_from_slice(&profile.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        match self {
            HeaderExtension::OneByte(elements) => {
                for e in elements {
                    if !(1..=14).contains(&e.id) || !(1..=16).contains(&e.data.len()) {
                        return Err(PacketError::Unencodable("one-byte element needs ID 1..=14 and 1..=16 octets"));
                    }
                    out.push((e.id << 4) | (e.data.len() - 1) as u8);
                    out.extend_from_slice(&e.data);
                }
            }
            HeaderExtension::TwoByte(elements) => {
                for e in elements {
                    let len = u8::try_from(e.data.len()).map_err(|_| PacketError::Unencodable("two-byte element longer than 255"))?;
                    if e.id == 0 {
                        return Err(PacketError::Unencodable("extension ID 0 is padding"));
                    }
                    out.extend_from_slice(&[e.id, len]);
                    out.extend_from_slice(&e.data);
                }
            }
            HeaderExtension::Other { data, .. } => {
                if data.len() % 4 != 0 {
                    return Err(PacketError::Unencodable("extension length is not a multiple of 4"));
                }
                out.extend_from_slice(data);
            }
        }
        while (out.len() - start) % 4 != 0 {
            out.push(0);
        }
        let words = u16::try_from((out.len() - start - 4) / 4).map_err(|_| PacketError::Unencodable("header extension too long"))?;
        if let Some(slot) = out.get_mut(start + 2..start + 4) {
            slot.copy_from_slice(&words.to_be_bytes());
        }
        Ok(())
    }
}

/// An RTP header to write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence_number: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub csrc: Vec<u32>,
    pub extension: Option<HeaderExtension>,
}

impl RtpHeader {
    /// Appends the header, then `payload`, then `padding` octets (0: none;
    /// else the P bit is set and the last octet holds the count).
    pub fn write_packet(&self, payload: &[u8], padding: u8, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let start = out.len();
        if let Err(e) = self.write(out) {
            out.truncate(start);
            return Err(e);
        }
        out.extend_from_slice(payload);
        if padding > 0 {
            out.resize(out.len() + usize::from(padding) - 1, 0);
            out.push(padding);
            if let Some(first) = out.get_mut(start) {
                *first |= 0x20;
            }
        }
        Ok(())
    }

    /// Appends the header alone.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        if self.payload_type > 0x7F {
            return Err(PacketError::Unencodable("payload type above 127"));
        }
        let cc = u8::try_from(self.csrc.len()).ok().filter(|&n| n <= 15).ok_or(PacketError::Unencodable("more than 15 CSRCs"))?;
        let x = if self.extension.is_some() { 0x10 } else { 0 };
        out.push((VERSION << 6) | x | cc);
        out.push(if self.marker { 0x80 } else { 0 } | self.payload_type);
        out.extend_from_slice(&self.sequence_number.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for csrc in &self.csrc {
            out.extend_from_slice(&csrc.to_be_bytes());
        }
        if let Some(extension) = &self.extension {
            extension.write(out)?;
        }
        Ok(())
    }
}
