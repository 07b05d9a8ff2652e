//! The W3C enums and dictionaries JSEP works with, named as webrtc-pc names
//! them: `RTCSdpType` (§4.8.1), `RTCSignalingState` (§4.3.3),
//! `RTCRtpTransceiverDirection` (§5.4), `RTCBundlePolicy` (§4.2.5), and the
//! record of what applying a description changed.

use std::fmt;
use std::str::FromStr;

use crate::error::RtcError;
use crate::sdp::Direction;

/// `RTCSdpType` (webrtc-pc §4.8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SdpType {
    Offer,
    Pranswer,
    Answer,
    Rollback,
}

impl SdpType {
    pub fn as_str(self) -> &'static str {
        match self {
            SdpType::Offer => "offer",
            SdpType::Pranswer => "pranswer",
            SdpType::Answer => "answer",
            SdpType::Rollback => "rollback",
        }
    }
}

impl FromStr for SdpType {
    type Err = RtcError;

    /// A string outside the WebIDL enum is a `TypeError`, as the bindings
    /// throw for any enum.
    fn from_str(s: &str) -> Result<Self, RtcError> {
        match s {
            "offer" => Ok(SdpType::Offer),
            "pranswer" => Ok(SdpType::Pranswer),
            "answer" => Ok(SdpType::Answer),
            "rollback" => Ok(SdpType::Rollback),
            _ => Err(RtcError::type_error(format!("'{s}' is not a valid RTCSdpType"))),
        }
    }
}

impl fmt::Display for SdpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `RTCSignalingState` (webrtc-pc §4.3.3; the JSEP state machine, RFC 8829 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignalingState {
    Stable,
    HaveLocalOffer,
    HaveRemoteOffer,
    HaveLocalPranswer,
    HaveRemotePranswer,
    Closed,
}

impl SignalingState {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalingState::Stable => "stable",
            SignalingState::HaveLocalOffer => "have-local-offer",
            SignalingState::HaveRemoteOffer => "have-remote-offer",
            SignalingState::HaveLocalPranswer => "have-local-pranswer",
            SignalingState::HaveRemotePranswer => "have-remote-pranswer",
            SignalingState::Closed => "closed",
        }
    }
}

impl fmt::Display for SignalingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A transceiver's kind: the `m=` media type it negotiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Audio,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

impl FromStr for MediaKind {
    type Err = RtcError;

    /// addTransceiver throws `TypeError` for a kind other than "audio" or
    /// "video" (webrtc-pc §5.1).
    fn from_str(s: &str) -> Result<Self, RtcError> {
        match s {
            "audio" => Ok(MediaKind::Audio),
            "video" => Ok(MediaKind::Video),
            _ => Err(RtcError::type_error(format!("'{s}' is not a valid media kind"))),
        }
    }
}

/// `RTCRtpTransceiverDirection` (webrtc-pc §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransceiverDirection {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
    Stopped,
}

impl TransceiverDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TransceiverDirection::SendRecv => "sendrecv",
            TransceiverDirection::SendOnly => "sendonly",
            TransceiverDirection::RecvOnly => "recvonly",
            TransceiverDirection::Inactive => "inactive",
            TransceiverDirection::Stopped => "stopped",
        }
    }

    pub fn has_send(self) -> bool {
        matches!(self, TransceiverDirection::SendRecv | TransceiverDirection::SendOnly)
    }

    pub fn has_recv(self) -> bool {
        matches!(self, TransceiverDirection::SendRecv | TransceiverDirection::RecvOnly)
    }

    pub(crate) fn from_flags(send: bool, recv: bool) -> TransceiverDirection {
        match (send, recv) {
            (true, true) => TransceiverDirection::SendRecv,
            (true, false) => TransceiverDirection::SendOnly,
            (false, true) => TransceiverDirection::RecvOnly,
            (false, false) => TransceiverDirection::Inactive,
        }
    }

    /// The same direction seen from the other peer: send and receive swap.
    pub(crate) fn reversed(self) -> TransceiverDirection {
        match self {
            TransceiverDirection::Stopped => TransceiverDirection::Stopped,
            other => TransceiverDirection::from_flags(other.has_recv(), other.has_send()),
        }
    }

    /// Both ends must want a direction for it to be negotiated
    /// (RFC 8829 §5.3.1, the answer's direction).
    pub(crate) fn intersect(self, other: TransceiverDirection) -> TransceiverDirection {
        TransceiverDirection::from_flags(self.has_send() && other.has_send(), self.has_recv() && other.has_recv())
    }

    pub(crate) fn from_sdp(direction: Direction) -> TransceiverDirection {
        match direction {
            Direction::SendRecv => TransceiverDirection::SendRecv,
            Direction::SendOnly => TransceiverDirection::SendOnly,
            Direction::RecvOnly => TransceiverDirection::RecvOnly,
            Direction::Inactive => TransceiverDirection::Inactive,
        }
    }

    /// The SDP attribute for this direction; `stopped` has none, and an
    /// `m=` section for a stopped transceiver is rejected instead.
    pub(crate) fn to_sdp(self) -> Direction {
        match self {
            TransceiverDirection::SendRecv => Direction::SendRecv,
            TransceiverDirection::SendOnly => Direction::SendOnly,
            TransceiverDirection::RecvOnly => Direction::RecvOnly,
            TransceiverDirection::Inactive | TransceiverDirection::Stopped => Direction::Inactive,
        }
    }
}

impl FromStr for TransceiverDirection {
    type Err = RtcError;

    fn from_str(s: &str) -> Result<Self, RtcError> {
        match s {
            "sendrecv" => Ok(TransceiverDirection::SendRecv),
            "sendonly" => Ok(TransceiverDirection::SendOnly),
            "recvonly" => Ok(TransceiverDirection::RecvOnly),
            "inactive" => Ok(TransceiverDirection::Inactive),
            "stopped" => Ok(TransceiverDirection::Stopped),
            _ => Err(RtcError::type_error(format!("'{s}' is not a valid RTCRtpTransceiverDirection"))),
        }
    }
}

impl fmt::Display for TransceiverDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifies a transceiver for the lifetime of its [`Session`](super::Session);
/// ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransceiverId(pub u32);

/// `RTCBundlePolicy` (webrtc-pc §4.2.5). Every policy offers one BUNDLE
/// group with all `m=` sections, as Chromium does; the policy decides only
/// which sections an answer may leave out of the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BundlePolicy {
    Balanced,
    MaxCompat,
    MaxBundle,
}

impl BundlePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            BundlePolicy::Balanced => "balanced",
            BundlePolicy::MaxCompat => "max-compat",
            BundlePolicy::MaxBundle => "max-bundle",
        }
    }
}

/// The parts of `RTCConfiguration` that shape descriptions. The rtcp-mux
/// policy is always `require` (webrtc-pc §4.2.6: `negotiate` is optional to
/// implement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsepConfig {
    pub bundle_policy: BundlePolicy,
    /// One `a=fingerprint` per entry: hash function name as RFC 8122 §5
    /// writes it (`sha-256`) and the digest of the local certificate.
    pub fingerprints: Vec<(String, Vec<u8>)>,
}

/// `RTCOfferOptions` (webrtc-pc §4.2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfferOptions {
    pub ice_restart: bool,
}

/// What applying (or rolling back) a description did, so the JS side can
/// mirror it in the order webrtc-pc §4.4.1.5 queues the events:
/// `signalingstatechange` (if `signaling_state_changed`), mute each of
/// `tracks_removed`, `removetrack` per `stream_tracks_removed`, `addtrack`
/// per `stream_tracks_added`, then one `track` event per `tracks_added`.
/// `implicit_rollback`'s events all come before these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescriptionChanges {
    /// Transceivers setRemoteDescription created for new `m=` sections, in
    /// `m=` order.
    pub created_transceivers: Vec<TransceiverId>,
    /// Transceivers no longer in the set of transceivers: ones a rollback
    /// removed, or stopped ones whose `m=` section an answer rejected.
    pub removed_transceivers: Vec<TransceiverId>,
    /// Transceivers that became [[Stopped]] ("stop the RTCRtpTransceiver",
    /// webrtc-pc §5.4): their receiver track ends.
    pub stopped_transceivers: Vec<TransceiverId>,
    /// One `track` event each: the receiver's transceiver and the ids of the
    /// remote streams it is in (from `a=msid`).
    pub tracks_added: Vec<(TransceiverId, Vec<String>)>,
    /// "Process the removal of a remote track": the receiver track to mute.
    pub tracks_removed: Vec<TransceiverId>,
    /// The addList of "set the associated remote streams": (stream id,
    /// transceiver whose receiver track joins that stream).
    pub stream_tracks_added: Vec<(String, TransceiverId)>,
    /// The removeList: (stream id, transceiver whose receiver track leaves it).
    pub stream_tracks_removed: Vec<(String, TransceiverId)>,
    /// This description is the answer (or pranswer) that first negotiated
    /// an `m=application` section: the SCTP association can be started.
    pub data_negotiated: bool,
    /// The signaling state after this call differs from the one before.
    pub signaling_state_changed: bool,
    /// setRemoteDescription(offer) in `have-local-offer` first rolls the
    /// local offer back (webrtc-pc §4.4.1.6); that rollback's own changes,
    /// whose events come first.
    pub implicit_rollback: Option<Box<DescriptionChanges>>,
}
