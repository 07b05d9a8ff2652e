//! SDP (RFC 8866): the typed model, the parser and the serializer.
//!
//! `SessionDescription::parse(text)` never panics: any input that is not a
//! session description gives an [`SdpError`] naming the offending line.
//! `description.to_string()` writes it back with CRLF line ends; parsing that
//! again gives an equal model.
//!
//! - `model`: the types (RFC 8866 §5, with WebRTC's attributes typed).
//! - `parse`: lines, their order and the non-attribute grammars (§5, §9).
//! - `attribute`: the `a=` grammars (§6 and the RFCs each attribute cites).
//! - `candidate`: the ICE candidate grammar (RFC 8839 §5.1).
//! - `serialize`: writing a description back (§5).
//! - `accessors`: the attribute lookups JSEP needs (RFC 8829), with the
//!   session-level fallbacks.
//!
//! There is no size limit: parsing is linear-time and stops at the first bad
//! line (see `parse`).

mod accessors;
mod attribute;
mod candidate;
mod error;
mod model;
mod parse;
mod serialize;
mod token;

pub use accessors::RtpmapRef;
pub use error::SdpError;
pub use model::*;
