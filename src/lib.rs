//! wasmrtc's core: a sans-IO WebRTC protocol engine that builds natively and
//! for wasm32-unknown-unknown.
//!
//! # The sans-IO contract
//!
//! Nothing here but `wasm` reads a clock, sleeps, spawns or does I/O. Time is
//! a value the host passes in; randomness comes from one injected
//! [`random::Random`]. No input, however malformed, makes the core panic.
//!
//! # Module map
//!
//! - [`sdp`]: SDP grammar (RFC 8866) — the typed model, parser, serializer.
//! - [`jsep`]: offer/answer (RFC 8829) with the webrtc-pc state rules: the signaling session.
//! - [`datachannel`]: SCTP over DTLS (RFC 8261) on dcsctp, DCEP (RFC 8832), the data channels.
//! - [`dtls`]: DTLS (RFC 6347) — the local certificate and its fingerprint (RFC 8122).
//! - [`stun`]: STUN/TURN messages (RFC 8489, RFC 8656) and ChannelData.
//! - [`turn`]: the TURN client (RFC 8656): one allocation through a relay tunnel.
//! - [`ice`]: the ICE agent (RFC 8445, trickle RFC 8838, consent RFC 7675) over TURN allocations.
//! - [`rtp`]: media on the wire — RTP/RTCP packets (RFC 3550, RFC 4585, RFC 5104, RFC 8285), SRTP/SRTCP (RFC 3711, RFC 7714), payload formats.
//! - [`bwe`]: send-side congestion control (draft-ietf-rmcat-gcc-02) over transport-wide feedback, and the pacer.
//! - [`error`]: the one error type, named as the W3C spec names it.
//! - [`stats`]: the W3C webrtc-stats dictionaries of getStats().
//! - [`random`]: the injected random source.
//! - [`time`]: time as a value the host passes in.
//! - [`peer`]: the PeerConnection that composes the layers; the one entry point.
//! - `wasm` (wasm32 only): the wasm-bindgen boundary js/ calls.
#![forbid(unsafe_code)]

pub mod bwe;
pub mod datachannel;
pub mod dtls;
pub mod error;
pub mod ice;
pub mod jsep;
pub mod peer;
pub mod random;
pub mod rtp;
pub mod sdp;
pub mod stats;
pub mod stun;
pub mod time;
pub mod turn;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
