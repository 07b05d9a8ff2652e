//! `Core`: one peer connection's sans-IO core as js/ drives it. Mutators
//! take the host's time in milliseconds, reads return typed values, and
//! errors are [`CoreError`]s.

use wasm_bindgen::prelude::*;

use crate::datachannel::{ChannelInit, Priority, DEFAULT_REMOTE_MAX_MESSAGE_SIZE};
use crate::dtls::certificate::Certificate;
use crate::ice::TunnelId;
use crate::jsep::{BundlePolicy, MediaKind, OfferOptions, SdpType, TransceiverDirection, TransceiverId};
use crate::peer::{ChannelHandle, PeerConfig, PeerConnection};
use crate::time::Instant;

use super::error::CoreError;
use super::output::Output;
use super::random;
use super::values::{CandidatePair, Changes, Description, IceParameters, RelayServer, Transceiver};

fn at(now_ms: f64) -> Instant {
    Instant::from_millis_f64(now_ms)
}

/// One peer connection's core.
#[wasm_bindgen]
pub struct Core {
    pc: PeerConnection,
}

#[wasm_bindgen]
impl Core {
    /// `bundle_policy` as RTCBundlePolicy; the certificate as DER and its
    /// PKCS#8 key, from an RTCCertificate; the ws:/wss: relays of
    /// iceServers.
    #[wasm_bindgen(constructor)]
    pub fn new(bundle_policy: &str, cert_der: &[u8], key_der: &[u8], relays: Vec<RelayServer>) -> Result<Core, CoreError> {
        let bundle_policy = match bundle_policy {
            "balanced" => BundlePolicy::Balanced,
            "max-compat" => BundlePolicy::MaxCompat,
            "max-bundle" => BundlePolicy::MaxBundle,
            other => return Err(CoreError::type_error(format!("'{other}' is not a valid RTCBundlePolicy"))),
        };
        let certificate = Certificate::from_parts(cert_der, key_der)?;
        let relays = relays.into_iter().map(Into::into).collect();
        let pc = PeerConnection::new(PeerConfig { bundle_policy, certificate, relays }, random()?);
        Ok(Core { pc })
    }

    // --- offers, answers and descriptions (webrtc-pc §4.4) -----------------

    #[wasm_bindgen(js_name = createOffer)]
    pub fn create_offer(&mut self, ice_restart: bool) -> Result<String, CoreError> {
        Ok(self.pc.create_offer(OfferOptions { ice_restart })?)
    }

    #[wasm_bindgen(js_name = createAnswer)]
    pub fn create_answer(&mut self) -> Result<String, CoreError> {
        Ok(self.pc.create_answer()?)
    }

    #[wasm_bindgen(js_name = setLocalDescription)]
    pub fn set_local_description(&mut self, ty: &str, sdp: Option<String>, now_ms: f64) -> Result<Changes, CoreError> {
        let ty = ty.parse::<SdpType>()?;
        Ok(self.pc.set_local_description(at(now_ms), ty, sdp.as_deref())?.into())
    }

    #[wasm_bindgen(js_name = setRemoteDescription)]
    pub fn set_remote_description(&mut self, ty: &str, sdp: &str, now_ms: f64) -> Result<Changes, CoreError> {
        let ty = ty.parse::<SdpType>()?;
        Ok(self.pc.set_remote_description(at(now_ms), ty, sdp)?.into())
    }

    #[wasm_bindgen(js_name = signalingState)]
    pub fn signaling_state(&self) -> String {
        self.pc.signaling_state().as_str().to_string()
    }

    #[wasm_bindgen(js_name = pendingLocalDescription)]
    pub fn pending_local_description(&self) -> Option<Description> {
        Description::from_parts(self.pc.jsep().pending_local_description())
    }

    #[wasm_bindgen(js_name = currentLocalDescription)]
    pub fn current_local_description(&self) -> Option<Description> {
        Description::from_parts(self.pc.jsep().current_local_description())
    }

    #[wasm_bindgen(js_name = pendingRemoteDescription)]
    pub fn pending_remote_description(&self) -> Option<Description> {
        Description::from_parts(self.pc.jsep().pending_remote_description())
    }

    #[wasm_bindgen(js_name = currentRemoteDescription)]
    pub fn current_remote_description(&self) -> Option<Description> {
        Description::from_parts(self.pc.jsep().current_remote_description())
    }

    /// canTrickleIceCandidates: undefined before a remote description.
    #[wasm_bindgen(js_name = canTrickleIceCandidates)]
    pub fn can_trickle_ice_candidates(&self) -> Option<bool> {
        self.pc.jsep().remote_ice_trickle()
    }

    #[wasm_bindgen(js_name = negotiationNeeded)]
    pub fn negotiation_needed(&self) -> bool {
        self.pc.is_negotiation_needed()
    }

    // --- ICE (webrtc-pc §4.4.1.6 addIceCandidate, §5.6 RTCIceTransport) ----

    /// addIceCandidate after the API's checks; `candidate` undefined is
    /// the end of candidates.
    #[wasm_bindgen(js_name = addIceCandidate)]
    pub fn add_ice_candidate(
        &mut self,
        candidate: Option<String>,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
        now_ms: f64,
    ) -> Result<(), CoreError> {
        let (candidate, sdp_mid) = (candidate.as_deref(), sdp_mid.as_deref());
        Ok(self.pc.add_ice_candidate(at(now_ms), candidate, sdp_mid, sdp_m_line_index)?)
    }

    #[wasm_bindgen(js_name = restartIce)]
    pub fn restart_ice(&mut self) {
        self.pc.restart_ice()
    }

    /// Whether the ICE transport exists: from the first local description.
    #[wasm_bindgen(js_name = hasIceTransport)]
    pub fn has_ice_transport(&self) -> bool {
        self.pc.ice().is_some()
    }

    /// RTCIceTransport.role: undefined before the transport exists.
    #[wasm_bindgen(js_name = iceRole)]
    pub fn ice_role(&self) -> Option<String> {
        let role = if self.pc.ice()?.controlling() { "controlling" } else { "controlled" };
        Some(role.to_string())
    }

    /// The mid candidates are signaled for (the BUNDLE-tagged section).
    #[wasm_bindgen(js_name = candidateMid)]
    pub fn candidate_mid(&self) -> Option<String> {
        self.pc.jsep().local_candidate_section().map(|section| section.mid)
    }

    /// getLocalCandidates(), as candidate attributes.
    #[wasm_bindgen(js_name = localCandidates)]
    pub fn local_candidates(&self) -> Vec<String> {
        self.pc.ice().map_or_else(Vec::new, |ice| ice.local_candidates().iter().map(ToString::to_string).collect())
    }

    /// getRemoteCandidates(), as candidate attributes.
    #[wasm_bindgen(js_name = remoteCandidates)]
    pub fn remote_candidates(&self) -> Vec<String> {
        self.pc.ice().map_or_else(Vec::new, |ice| ice.remote_candidates().iter().map(ToString::to_string).collect())
    }

    #[wasm_bindgen(js_name = selectedCandidatePair)]
    pub fn selected_candidate_pair(&self) -> Option<CandidatePair> {
        let (local, remote) = self.pc.ice()?.selected_pair()?;
        Some(CandidatePair { local: local.to_string(), remote: remote.to_string() })
    }

    /// getLocalParameters(): undefined before the transport exists.
    #[wasm_bindgen(js_name = localIceParameters)]
    pub fn local_ice_parameters(&self) -> Option<IceParameters> {
        self.pc.ice()?;
        let (username_fragment, password) = self.pc.jsep().local_ice_credentials();
        Some(IceParameters { username_fragment, password })
    }

    /// getRemoteParameters(): undefined before a remote description.
    #[wasm_bindgen(js_name = remoteIceParameters)]
    pub fn remote_ice_parameters(&self) -> Option<IceParameters> {
        self.pc.ice()?;
        let remote = self.pc.jsep().remote_transport()?;
        Some(IceParameters { username_fragment: remote.ice_ufrag, password: remote.ice_pwd })
    }

    // --- DTLS (webrtc-pc §5.5) and stats (§8.2) ----------------------------

    /// RTCDtlsTransport.getRemoteCertificates(): one ArrayBuffer of DER each.
    #[wasm_bindgen(js_name = remoteCertificates)]
    pub fn remote_certificates(&self) -> Vec<js_sys::ArrayBuffer> {
        let certificates = self.pc.remote_certificates().iter();
        certificates.map(|der| js_sys::Uint8Array::from(der.as_slice()).buffer()).collect()
    }

    /// getStats: the report's dictionaries as one JSON array.
    pub fn stats(&self, timestamp: f64, now_ms: f64) -> String {
        serde_json::Value::Array(self.pc.stats(at(now_ms), timestamp)).to_string()
    }

    // --- the driver: tunnels, time, outputs --------------------------------

    #[wasm_bindgen(js_name = handleTunnelOpen)]
    pub fn handle_tunnel_open(&mut self, tunnel: u32, now_ms: f64) {
        self.pc.handle_tunnel_open(at(now_ms), TunnelId(tunnel));
    }

    #[wasm_bindgen(js_name = handleTunnelClosed)]
    pub fn handle_tunnel_closed(&mut self, tunnel: u32, now_ms: f64) {
        self.pc.handle_tunnel_closed(at(now_ms), TunnelId(tunnel));
    }

    #[wasm_bindgen(js_name = handleTunnelMessage)]
    pub fn handle_tunnel_message(&mut self, tunnel: u32, message: &[u8], now_ms: f64) {
        self.pc.handle_tunnel_message(at(now_ms), TunnelId(tunnel), message);
    }

    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(&mut self, now_ms: f64) {
        self.pc.handle_timeout(at(now_ms));
    }

    /// The next output, or undefined when drained.
    #[wasm_bindgen(js_name = pollOutput)]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.pc.poll_output().map(Output::from)
    }

    pub fn close(&mut self, now_ms: f64) {
        self.pc.close(at(now_ms))
    }

    // --- transceivers (webrtc-pc §5) ----------------------------------------

    pub fn transceivers(&self) -> Vec<Transceiver> {
        self.pc.transceivers().into_iter().map(Transceiver::from).collect()
    }

    /// `track_id` is the sender track's id, if a track was given.
    #[wasm_bindgen(js_name = addTransceiver)]
    pub fn add_transceiver(
        &mut self,
        kind: &str,
        track_id: Option<String>,
        direction: &str,
        stream_ids: Vec<String>,
    ) -> Result<u32, CoreError> {
        let kind = kind.parse::<MediaKind>()?;
        let direction = direction.parse::<TransceiverDirection>()?;
        Ok(self.pc.add_transceiver(kind, track_id, direction, stream_ids)?.0)
    }

    /// Returns the id of the transceiver whose sender now sends the track.
    #[wasm_bindgen(js_name = addTrack)]
    pub fn add_track(&mut self, kind: &str, track_id: String, stream_ids: Vec<String>) -> Result<u32, CoreError> {
        let kind = kind.parse::<MediaKind>()?;
        Ok(self.pc.add_track(kind, track_id, stream_ids)?.0)
    }

    #[wasm_bindgen(js_name = removeTrack)]
    pub fn remove_track(&mut self, id: u32) -> Result<(), CoreError> {
        Ok(self.pc.remove_track(TransceiverId(id))?)
    }

    #[wasm_bindgen(js_name = replaceTrack)]
    pub fn replace_track(&mut self, id: u32, track_id: Option<String>) -> Result<(), CoreError> {
        Ok(self.pc.replace_track(TransceiverId(id), track_id)?)
    }

    #[wasm_bindgen(js_name = setSenderStreams)]
    pub fn set_sender_streams(&mut self, id: u32, stream_ids: Vec<String>) -> Result<(), CoreError> {
        Ok(self.pc.set_sender_streams(TransceiverId(id), stream_ids)?)
    }

    #[wasm_bindgen(js_name = setDirection)]
    pub fn set_direction(&mut self, id: u32, direction: &str) -> Result<(), CoreError> {
        let direction = direction.parse::<TransceiverDirection>()?;
        Ok(self.pc.set_direction(TransceiverId(id), direction)?)
    }

    #[wasm_bindgen(js_name = stopTransceiver)]
    pub fn stop_transceiver(&mut self, id: u32) -> Result<(), CoreError> {
        Ok(self.pc.stop_transceiver(TransceiverId(id))?)
    }

    /// One encoded frame on the transceiver's sender, packetized with the
    /// negotiated `payload_type`'s format: the bytes cross once into wasm
    /// memory.
    #[wasm_bindgen(js_name = sendFrame)]
    pub fn send_frame(
        &mut self,
        id: u32,
        payload_type: u8,
        rtp_timestamp: u32,
        frame: &[u8],
        now_ms: f64,
    ) -> Result<(), CoreError> {
        Ok(self.pc.send_frame(at(now_ms), TransceiverId(id), payload_type, rtp_timestamp, frame)?)
    }

    // --- data channels (webrtc-pc §6) ---------------------------------------

    /// createDataChannel after the API's checks; returns the channel's handle.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = createDataChannel)]
    pub fn create_data_channel(
        &mut self,
        label: String,
        protocol: String,
        ordered: bool,
        max_retransmits: Option<u16>,
        max_packet_life_time: Option<u16>,
        negotiated: bool,
        id: Option<u16>,
        priority: &str,
        now_ms: f64,
    ) -> Result<u32, CoreError> {
        let priority = Priority::from_name(priority)
            .ok_or_else(|| CoreError::type_error(format!("'{priority}' is not a valid RTCPriorityType")))?;
        let init = ChannelInit { label, protocol, ordered, max_retransmits, max_packet_life_time, negotiated, id, priority };
        Ok(self.pc.create_data_channel(Instant::from_millis_f64(now_ms), init)?.0)
    }

    /// RTCDataChannel.send: the bytes cross once into wasm memory.
    pub fn send(&mut self, channel: u32, binary: bool, data: &[u8], now_ms: f64) -> Result<(), CoreError> {
        Ok(self.pc.send(at(now_ms), ChannelHandle(channel), binary, data)?)
    }

    /// True when the channel closed at once (the caller fires `close`).
    #[wasm_bindgen(js_name = closeDataChannel)]
    pub fn close_data_channel(&mut self, channel: u32, now_ms: f64) -> bool {
        self.pc.close_data_channel(at(now_ms), ChannelHandle(channel))
    }

    #[wasm_bindgen(js_name = bufferedAmount)]
    pub fn buffered_amount(&self, channel: u32) -> f64 {
        self.pc.buffered_amount(ChannelHandle(channel)) as f64
    }

    #[wasm_bindgen(js_name = setBufferedAmountLowThreshold)]
    pub fn set_buffered_amount_low_threshold(&mut self, channel: u32, threshold: f64) {
        self.pc.set_buffered_amount_low_threshold(ChannelHandle(channel), threshold.max(0.0) as u64)
    }

    #[wasm_bindgen(js_name = dataChannelId)]
    pub fn data_channel_id(&self, channel: u32) -> Option<u16> {
        self.pc.data_channel_id(ChannelHandle(channel))
    }

    // --- RTCSctpTransport (webrtc-pc §6.1.1) --------------------------------

    /// RTCSctpTransport.state: undefined before the transport exists.
    #[wasm_bindgen(js_name = sctpState)]
    pub fn sctp_state(&self) -> Option<String> {
        self.pc.sctp_state().map(|state| state.as_str().to_string())
    }

    /// RTCSctpTransport.maxMessageSize, RFC 8841's 65536 until the remote
    /// description says otherwise; send() reads it per message.
    #[wasm_bindgen(js_name = sctpMaxMessageSize)]
    pub fn sctp_max_message_size(&self) -> f64 {
        self.pc.sctp_max_message_size().unwrap_or(DEFAULT_REMOTE_MAX_MESSAGE_SIZE) as f64
    }

    /// RTCSctpTransport.maxChannels: undefined until SCTP is connected.
    #[wasm_bindgen(js_name = sctpMaxChannels)]
    pub fn sctp_max_channels(&self) -> Option<u16> {
        self.pc.sctp_max_channels()
    }
}
