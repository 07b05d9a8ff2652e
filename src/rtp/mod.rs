//! Media on the wire: RTP and RTCP packets (RFC 3550, RFC 4585, RFC 5104,
//! RFC 8285), their protection, SRTP/SRTCP (RFC 3711, RFC 7714), keyed
//! from DTLS-SRTP (RFC 5764), and the payload formats per codec.
//!
//! - [`packet`]: RTP headers with their header extensions, and RTCP with a
//!   file per packet type; parsers return errors, never panic.
//! - [`srtp`]: protect/unprotect in place on byte buffers, a context per
//!   direction keyed per SSRC, counting what it rejects.
//! - [`format`]: packetizers and depacketizers per codec (Opus, G.711 with
//!   the codec itself, telephone-event, VP8, VP9, H.264, AV1); a frame that
//!   lost a fragment is reported dropped, never handed out.

pub mod format;
pub mod jitter_buffer;
pub mod key_frame_request;
pub mod nack_generator;
pub mod packet;
pub mod packet_history;
pub mod receive_statistics;
pub mod rtcp_interval;
pub mod rtx;
pub mod sender_statistics;
pub mod sequence;
pub mod srtp;
