//! PeerConnection: the one entry point of the core, composing its layers.
//! Today it holds the JSEP session (RFC 8829) and the local DTLS
//! certificate; ICE, DTLS, SCTP and RTP join it as they are built, each
//! driven by the same `handle_*` / `poll_*` verbs (DESIGN.md, "sans-IO").

use crate::dtls::certificate::Certificate;
use crate::error::RtcError;
use crate::jsep::{
    BundlePolicy, DescriptionChanges, JsepConfig, MediaKind, OfferOptions, SdpType, Session,
    SignalingState, TransceiverDirection, TransceiverId, TransceiverState,
};
use crate::random::Random;

/// What a peer is built from: its policies, its certificate and its
/// random source, all chosen by the host.
pub struct PeerConfig {
    pub bundle_policy: BundlePolicy,
    pub certificate: Certificate,
}

pub struct PeerConnection {
    random: Random,
    certificate: Certificate,
    jsep: Session,
}

impl PeerConnection {
    pub fn new(config: PeerConfig, mut random: Random) -> PeerConnection {
        let jsep_config = JsepConfig {
            bundle_policy: config.bundle_policy,
            fingerprints: vec![("sha-256".to_string(), config.certificate.fingerprint_sha256())],
        };
        let jsep = Session::new(jsep_config, &mut random);
        PeerConnection { random, certificate: config.certificate, jsep }
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn signaling_state(&self) -> SignalingState {
        self.jsep.signaling_state()
    }

    pub fn create_offer(&mut self, options: OfferOptions) -> Result<String, RtcError> {
        self.jsep.create_offer(options, &mut self.random)
    }

    pub fn create_answer(&mut self) -> Result<String, RtcError> {
        self.jsep.create_answer(&mut self.random)
    }

    pub fn set_local_description(&mut self, ty: SdpType, sdp: Option<&str>) -> Result<DescriptionChanges, RtcError> {
        self.jsep.set_local_description(ty, sdp, &mut self.random)
    }

    pub fn set_remote_description(&mut self, ty: SdpType, sdp: &str) -> Result<DescriptionChanges, RtcError> {
        self.jsep.set_remote_description(ty, sdp, &mut self.random)
    }

    /// addTransceiver(kind or track): `track_id` is the sender's track, if any.
    pub fn add_transceiver(
        &mut self,
        kind: MediaKind,
        track_id: Option<String>,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
    ) -> Result<TransceiverId, RtcError> {
        self.jsep.add_transceiver_with_track(kind, track_id, direction, stream_ids, &mut self.random)
    }

    /// addTrack (webrtc-pc §5.1): reuses a transceiver that never sent, or
    /// makes one.
    pub fn add_track(&mut self, kind: MediaKind, track_id: String, stream_ids: Vec<String>) -> Result<TransceiverId, RtcError> {
        self.jsep.add_track(kind, track_id, stream_ids, &mut self.random)
    }

    pub fn remove_track(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.jsep.remove_track(id)
    }

    pub fn replace_track(&mut self, id: TransceiverId, track_id: Option<String>) -> Result<(), RtcError> {
        self.jsep.replace_track(id, track_id)
    }

    pub fn set_sender_streams(&mut self, id: TransceiverId, stream_ids: Vec<String>) -> Result<(), RtcError> {
        self.jsep.set_sender_streams(id, stream_ids)
    }

    pub fn set_direction(&mut self, id: TransceiverId, direction: TransceiverDirection) -> Result<(), RtcError> {
        self.jsep.set_direction(id, direction)
    }

    pub fn stop_transceiver(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.jsep.stop_transceiver(id)
    }

    pub fn transceivers(&self) -> Vec<TransceiverState> {
        self.jsep.transceivers()
    }

    pub fn add_data_channel(&mut self) {
        self.jsep.add_data_channel()
    }

    pub fn is_negotiation_needed(&self) -> bool {
        self.jsep.is_negotiation_needed()
    }

    pub fn restart_ice(&mut self) {
        self.jsep.restart_ice()
    }

    pub fn close(&mut self) {
        self.jsep.close()
    }

    /// The JSEP session, for reading descriptions.
    pub fn jsep(&self) -> &Session {
        &self.jsep
    }
}
