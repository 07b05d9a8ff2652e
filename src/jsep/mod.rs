//! JSEP (RFC 8829, the JavaScript Session Establishment Protocol): creating
//! offers and answers and applying local and remote descriptions, with the
//! state rules of webrtc-pc — setting descriptions (§4.4.1.5), rollback,
//! negotiation-needed (§4.7.3) and transceivers (§5.4). Sans-IO: the
//! [`Session`] takes and returns SDP text and values, draws randomness only
//! from the [`Random`](crate::random::Random) it is handed, and never
//! panics on input.
//!
//! The JS `RTCPeerConnection` keeps the operations chain, the
//! negotiation-needed flag and event dispatch; each call here returns what
//! changed ([`DescriptionChanges`]) so it can fire the events the spec
//! queues, in order.
//!
//! - `session`: the state machine and the four descriptions.
//! - `transceiver`: transceivers and the operations on them.
//! - `transport`: ICE credentials and restart, DTLS and ICE roles, SCTP.
//! - `offer`, `answer`, `sections`: writing descriptions (RFC 8829 §5.2, §5.3).
//! - `validate`, `apply`, `rollback`: checking, applying and rolling back
//!   descriptions (RFC 8829 §4.1.8.2, §5.9, §5.10).
//! - `remote_tracks`: track events and remote streams (webrtc-pc §5.4).
//! - `candidates`: local and remote candidates in the descriptions.
//! - `codecs`: what we offer and how answers intersect codecs.
//! - `header_extensions`: which RTP header extensions, with which IDs.
//! - `negotiation_needed`: webrtc-pc §4.7.3.
//! - `media`: reading the SDP model.

mod answer;
mod apply;
mod candidates;
mod codecs;
mod header_extensions;
mod media;
mod negotiation_needed;
mod offer;
mod remote_tracks;
mod rollback;
mod sections;
mod session;
mod transceiver;
mod transport;
mod types;
mod validate;

pub use candidates::CandidateSection;
pub use codecs::{capabilities, RtpCodec};
pub use session::Session;
pub use transceiver::TransceiverState;
/// Our DTLS role once an answer fixed it (RFC 8842 §5: `a=setup:active`
/// makes that side the client): the DTLS layer's type, named here too
/// because [`Session::dtls_role`] returns it.
pub use crate::dtls::DtlsRole;
pub use transport::{RemoteTransport, SctpParameters};
pub use types::{
    BundlePolicy, DescriptionChanges, JsepConfig, MediaKind, OfferOptions, SdpType, SignalingState,
    TransceiverDirection, TransceiverId,
};
