//! SDP (RFC 8866): the typed model, the parser and the serializer.
//!
//! `SessionDescription::parse(text)` never panics: any input that is not a
//! session description gives an [`SdpError`] naming the offending line.
//! `description.to_string()` writes it back with CRLF line ends; parsing that
//! again gives an equal model.

mod model;

pub use model::*;
