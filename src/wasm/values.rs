//! Typed values the core's reads return and its mutators take: the
//! descriptions and transceivers of the negotiated state (webrtc-pc §4.4,
//! §5.4), what applying a description changed (§4.4.1.5), the ICE
//! transport's parameters and pair (§5.6), the relays a connection tunnels
//! through, and an RTCIceCandidate's fields (RFC 8839 §5.1).

use wasm_bindgen::prelude::*;

use crate::jsep::{DescriptionChanges, RtpCodec, SdpType, TransceiverState};
use crate::peer::Relay;
use crate::sdp::Candidate;

use super::error::CoreError;

/// An RTCSessionDescriptionInit.
#[wasm_bindgen(getter_with_clone)]
pub struct Description {
    #[wasm_bindgen(readonly, js_name = type)]
    pub sdp_type: String,
    #[wasm_bindgen(readonly)]
    pub sdp: String,
}

impl Description {
    pub(super) fn from_parts(description: Option<(SdpType, String)>) -> Option<Description> {
        description.map(|(ty, sdp)| Description { sdp_type: ty.as_str().to_string(), sdp })
    }
}

/// One transceiver's negotiated state, what RTCRtpTransceiver's
/// attributes read.
#[wasm_bindgen]
pub struct Transceiver {
    state: TransceiverState,
}

#[wasm_bindgen]
impl Transceiver {
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> u32 {
        self.state.id.0
    }

    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.state.kind.as_str().to_string()
    }

    #[wasm_bindgen(getter)]
    pub fn mid(&self) -> Option<String> {
        self.state.mid.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn direction(&self) -> String {
        self.state.direction.as_str().to_string()
    }

    #[wasm_bindgen(getter, js_name = currentDirection)]
    pub fn current_direction(&self) -> Option<String> {
        self.state.current_direction.map(|d| d.as_str().to_string())
    }

    #[wasm_bindgen(getter)]
    pub fn stopping(&self) -> bool {
        self.state.stopping
    }

    #[wasm_bindgen(getter)]
    pub fn stopped(&self) -> bool {
        self.state.stopped
    }

    /// The codecs the last answer negotiated, RTX formats included.
    #[wasm_bindgen(getter)]
    pub fn codecs(&self) -> Vec<NegotiatedCodec> {
        self.codecs_of(&self.state.codecs)
    }

    /// The codecs of our own offer's section, which the core receives too
    /// (RFC 3264 §5.1): how a frame in a payload type the answer left out
    /// gets its mime type.
    #[wasm_bindgen(getter, js_name = offeredCodecs)]
    pub fn offered_codecs(&self) -> Vec<NegotiatedCodec> {
        self.codecs_of(&self.state.offered_codecs)
    }
}

impl Transceiver {
    fn codecs_of(&self, codecs: &[RtpCodec]) -> Vec<NegotiatedCodec> {
        let kind = self.state.kind.as_str();
        let codec = |c: &RtpCodec| NegotiatedCodec {
            payload_type: c.payload_type,
            mime_type: format!("{kind}/{}", c.name),
            clock_rate: c.clock_rate,
            channels: c.channels,
            sdp_fmtp_line: c.fmtp.clone(),
        };
        codecs.iter().map(codec).collect()
    }
}

/// One RTCRtpCodecParameters (webrtc-pc §5.2.2): a negotiated payload type.
#[wasm_bindgen(getter_with_clone)]
pub struct NegotiatedCodec {
    #[wasm_bindgen(readonly, js_name = payloadType)]
    pub payload_type: u8,
    #[wasm_bindgen(readonly, js_name = mimeType)]
    pub mime_type: String,
    #[wasm_bindgen(readonly, js_name = clockRate)]
    pub clock_rate: u32,
    #[wasm_bindgen(readonly)]
    pub channels: Option<u32>,
    #[wasm_bindgen(readonly, js_name = sdpFmtpLine)]
    pub sdp_fmtp_line: Option<String>,
}

impl From<TransceiverState> for Transceiver {
    fn from(state: TransceiverState) -> Transceiver {
        Transceiver { state }
    }
}

/// A remote stream gaining or losing a transceiver's receiver track.
#[wasm_bindgen(getter_with_clone)]
pub struct StreamTrack {
    #[wasm_bindgen(readonly)]
    pub stream: String,
    #[wasm_bindgen(readonly)]
    pub transceiver: u32,
}

/// A `track` event to fire: the transceiver and its remote stream ids.
#[wasm_bindgen(getter_with_clone)]
pub struct TrackAdded {
    #[wasm_bindgen(readonly)]
    pub transceiver: u32,
    #[wasm_bindgen(readonly)]
    pub streams: Vec<String>,
}

/// What setLocalDescription/setRemoteDescription changed, for the
/// remote-track steps the API runs after (§4.4.1.5).
#[wasm_bindgen(js_name = DescriptionChanges)]
pub struct Changes {
    changes: DescriptionChanges,
}

#[wasm_bindgen(js_class = DescriptionChanges)]
impl Changes {
    #[wasm_bindgen(getter, js_name = removedTransceivers)]
    pub fn removed_transceivers(&self) -> Vec<u32> {
        self.changes.removed_transceivers.iter().map(|id| id.0).collect()
    }

    #[wasm_bindgen(getter, js_name = stoppedTransceivers)]
    pub fn stopped_transceivers(&self) -> Vec<u32> {
        self.changes.stopped_transceivers.iter().map(|id| id.0).collect()
    }

    #[wasm_bindgen(getter, js_name = tracksAdded)]
    pub fn tracks_added(&self) -> Vec<TrackAdded> {
        let added = self.changes.tracks_added.iter();
        added.map(|(id, streams)| TrackAdded { transceiver: id.0, streams: streams.clone() }).collect()
    }

    #[wasm_bindgen(getter, js_name = streamTracksAdded)]
    pub fn stream_tracks_added(&self) -> Vec<StreamTrack> {
        stream_tracks(&self.changes.stream_tracks_added)
    }

    #[wasm_bindgen(getter, js_name = streamTracksRemoved)]
    pub fn stream_tracks_removed(&self) -> Vec<StreamTrack> {
        stream_tracks(&self.changes.stream_tracks_removed)
    }
}

fn stream_tracks(pairs: &[(String, crate::jsep::TransceiverId)]) -> Vec<StreamTrack> {
    pairs.iter().map(|(stream, id)| StreamTrack { stream: stream.clone(), transceiver: id.0 }).collect()
}

impl From<DescriptionChanges> for Changes {
    fn from(changes: DescriptionChanges) -> Changes {
        Changes { changes }
    }
}

/// An RTCIceParameters dictionary.
#[wasm_bindgen(getter_with_clone)]
pub struct IceParameters {
    #[wasm_bindgen(readonly, js_name = usernameFragment)]
    pub username_fragment: String,
    #[wasm_bindgen(readonly)]
    pub password: String,
}

/// The selected candidate pair, as candidate attributes.
#[wasm_bindgen(getter_with_clone)]
pub struct CandidatePair {
    #[wasm_bindgen(readonly)]
    pub local: String,
    #[wasm_bindgen(readonly)]
    pub remote: String,
}

/// A relay the connection tunnels through: a ws:/wss: iceServers URL and
/// its credentials.
#[wasm_bindgen]
pub struct RelayServer {
    relay: Relay,
}

#[wasm_bindgen]
impl RelayServer {
    #[wasm_bindgen(constructor)]
    pub fn new(url: String, username: String, credential: String) -> RelayServer {
        RelayServer { relay: Relay { url, username, credential } }
    }
}

impl From<RelayServer> for Relay {
    fn from(server: RelayServer) -> Relay {
        server.relay
    }
}

/// An RTCIceCandidate's fields, parsed from its candidate attribute.
#[wasm_bindgen]
pub struct CandidateFields {
    candidate: Candidate,
}

#[wasm_bindgen]
impl CandidateFields {
    #[wasm_bindgen(getter)]
    pub fn foundation(&self) -> String {
        self.candidate.foundation.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn component(&self) -> u16 {
        self.candidate.component
    }

    /// `udp` or `tcp` as written.
    #[wasm_bindgen(getter)]
    pub fn protocol(&self) -> String {
        self.candidate.transport.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn priority(&self) -> u32 {
        self.candidate.priority
    }

    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.candidate.address.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn port(&self) -> u16 {
        self.candidate.port
    }

    #[wasm_bindgen(getter, js_name = type)]
    pub fn candidate_type(&self) -> String {
        self.candidate.typ.clone()
    }

    #[wasm_bindgen(getter, js_name = tcpType)]
    pub fn tcp_type(&self) -> Option<String> {
        self.candidate.tcp_type.clone()
    }

    #[wasm_bindgen(getter, js_name = relatedAddress)]
    pub fn related_address(&self) -> Option<String> {
        self.candidate.rel_addr.clone()
    }

    #[wasm_bindgen(getter, js_name = relatedPort)]
    pub fn related_port(&self) -> Option<u16> {
        self.candidate.rel_port
    }
}

/// The candidate-attribute grammar (RFC 8839 §5.1) for RTCIceCandidate.
#[wasm_bindgen(js_name = parseCandidate)]
pub fn parse_candidate(candidate: &str) -> Result<CandidateFields, CoreError> {
    let candidate = Candidate::parse(candidate).map_err(|e| CoreError::from(crate::error::RtcError::from(e)))?;
    Ok(CandidateFields { candidate })
}
