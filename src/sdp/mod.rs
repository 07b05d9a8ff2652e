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
//! # Limits
//!
//! Parsing is one linear-time pass that stops at the first bad line, so
//! megabytes of garbage fail as fast as they are scanned. There is no limit
//! on the length of the text or of a line. There is one on what the model
//! may hold: [`MAX_ENTRIES`] (100 000) lines plus list entries (mids of a
//! group, formats of an `m=` line, ssrcs, simulcast rids, `ice-options`,
//! candidate extensions) per description or candidate string. Each entry
//! costs at most a few hundred bytes of model, so however large or
//! repetitive the input, a parse allocates a copy of its text plus a few
//! tens of megabytes at most: a wasm instance is not grown without bound
//! by one hostile description. A browser's description for hundreds of
//! transceivers is a few tens of thousands of entries.

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
pub use token::MAX_ENTRIES;
