//! Media on the wire: RTP and RTCP packets (RFC 3550, RFC 4585, RFC 5104,
//! RFC 8285) and their protection, SRTP/SRTCP (RFC 3711, RFC 7714), keyed
//! from DTLS-SRTP (RFC 5764).
//!
//! - [`packet`]: RTP headers with their header extensions, and RTCP with a
//!   file per packet type; parsers return errors, never panic.
//! - [`srtp`]: protect/unprotect in place on byte buffers, a context per
//!   direction keyed per SSRC, counting what it rejects.

pub mod packet;
pub mod srtp;
