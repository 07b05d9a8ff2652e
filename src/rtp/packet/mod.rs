//! RTP and RTCP packets: parse and serialize.
//!
//! - [`rtp`]: the RTP header (RFC 3550 §5.1) as a borrowed view over the
//!   datagram ([`RtpPacket`]) and an owned header to write ([`RtpHeader`]).
//! - [`extension`]: header extensions (RFC 8285) and the typed values
//!   WebRTC negotiates, through an [`ExtensionMap`] from `a=extmap`.
//! - [`rtcp`]: RTCP (RFC 3550 §6, RFC 4585, RFC 5104 and the congestion
//!   control drafts), a file per packet type, compound and reduced-size.
//!
//! No input makes these parsers panic; they return a [`PacketError`].

pub mod extension;
pub mod rtcp;
pub mod rtp;

pub use extension::{AudioLevel, ExtensionKind, ExtensionMap, ExtensionValues, VideoOrientation};
pub use rtp::{ExtensionElement, HeaderExtension, RtpHeader, RtpPacket};

/// Why bytes are not a well-formed RTP or RTCP packet, or a value cannot
/// be written as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    #[error("packet truncated: {0}")]
    Truncated(&'static str),
    #[error("malformed packet: {0}")]
    Malformed(&'static str),
    #[error("cannot encode: {0}")]
    Unencodable(&'static str),
}

/// Big-endian reads that fail instead of panicking.
pub(crate) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

pub(crate) fn be24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(3)?)?;
    Some(u32::from_be_bytes([0, *b.first()?, *b.get(1)?, *b.get(2)?]))
}

pub(crate) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}
