//! STUN (RFC 8489) and TURN (RFC 8656) messages: the one codec the relay and
//! the browser-side TURN client share.
//!
//! Sans-IO and wasm-safe: bytes in, values out, no clock, no I/O. No input,
//! however malformed, makes it panic; every decoder returns a [`StunError`].
//!
//! - [`message`]: the header and the message (RFC 8489 §5, §6), decoding and
//!   encoding with MESSAGE-INTEGRITY / MESSAGE-INTEGRITY-SHA256 / FINGERPRINT.
//! - [`attribute`]: the attributes (RFC 8489 §14, RFC 8656 §18), with
//!   [`Attribute::Unknown`] for every type this codec does not know, so a later
//!   layer (ICE's PRIORITY, USE-CANDIDATE, ...) can add variants.
//! - [`address`]: (XOR-)MAPPED-ADDRESS encoding (RFC 8489 §14.1, §14.2).
//! - [`integrity`]: HMAC-SHA1 / HMAC-SHA256 message integrity (RFC 8489
//!   §14.5, §14.6), the long-term credential key (§9.2.2), FINGERPRINT (§14.7).
//! - [`channel_data`]: ChannelData framing (RFC 8656 §12.4).
//! - [`ice_attributes`]: ICE's PRIORITY, USE-CANDIDATE, ICE-CONTROLLING,
//!   ICE-CONTROLLED and 487 Role Conflict (RFC 8445 §7.1, §16.1).
//! - [`framing`]: how long the next message on a stream transport is
//!   (RFC 8656 §12.5: TURN over TCP/TLS, and our WebSocket tunnel).

pub mod address;
pub mod attribute;
pub mod channel_data;
pub mod framing;
pub mod ice_attributes;
pub mod integrity;
pub mod message;

pub use attribute::{Attribute, ErrorCode};
pub use channel_data::ChannelData;
pub use integrity::{long_term_key, IntegrityAlgorithm};
pub use message::{Class, Message, Method, TransactionId};

/// The magic cookie (RFC 8489 §5).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
/// The STUN header's size in bytes.
pub const HEADER_LEN: usize = 20;

/// Why bytes are not a STUN or ChannelData message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StunError {
    #[error("message too short: need {needed} bytes, have {have}")]
    Truncated { needed: usize, have: usize },
    #[error("not a STUN message: {0}")]
    NotStun(&'static str),
    #[error("malformed attribute 0x{typ:04x}: {reason}")]
    BadAttribute { typ: u16, reason: &'static str },
    #[error("not a ChannelData message: {0}")]
    NotChannelData(&'static str),
    #[error("message too long to encode")]
    TooLong,
}

/// Whether `bytes` start like a STUN message (top two bits zero and the magic
/// cookie, RFC 8489 §5), as opposed to ChannelData (RFC 8656 §12.4) or
/// anything else multiplexed on the same flow (RFC 7983).
pub fn is_stun(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER_LEN
        && bytes[0] & 0xC0 == 0
        && bytes[4..8] == MAGIC_COOKIE.to_be_bytes()
}

/// Whether `bytes` start like a ChannelData message: first two bits 01, a
/// channel number 0x4000–0x7FFF (RFC 8656 §12 binds 0x4000–0x4FFF; RFC 5766
/// allowed up to 0x7FFF and older clients still use it).
pub fn is_channel_data(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[0] & 0xC0 == 0x40
}

// The tests use proptest, a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
