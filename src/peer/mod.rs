//! PeerConnection: the one entry point of the core, composing its layers:
//! the JSEP session (RFC 8829), the local DTLS certificate, and the
//! transport (ICE over relay tunnels, DTLS over ICE). SCTP and RTP join it
//! as they are built, each driven by the same verbs (DESIGN.md, "sans-IO"):
//!
//! ```text
//! pc.set_local_description(now, ...) / handle_tunnel_message(now, tunnel, bytes) / handle_timeout(now)
//! while let Some(output) = pc.poll_output() { ... }   // ends with Output::Timeout, if any
//! ```

mod data;
mod output;
mod transport;

use std::collections::VecDeque;

use crate::dtls::certificate::Certificate;
use crate::datachannel::{ChannelInit, DataChannelState, SctpTransportState};
use crate::dtls::DtlsState;
use crate::error::RtcError;
use crate::ice::{IceAgent, IceConnectionState, TunnelId};
use crate::jsep::{
    BundlePolicy, DescriptionChanges, JsepConfig, MediaKind, OfferOptions, SdpType, Session, SignalingState,
    TransceiverDirection, TransceiverId, TransceiverState,
};
use crate::random::Random;
use crate::sdp::Candidate;
use crate::time::Instant;

pub use data::ChannelHandle;
pub use output::{Output, PeerConnectionState, PeerEvent};
pub use transport::Relay;
use transport::Transport;

/// What a peer is built from: its policies, its certificate and its
/// relays, all chosen by the host.
pub struct PeerConfig {
    pub bundle_policy: BundlePolicy,
    pub certificate: Certificate,
    pub relays: Vec<Relay>,
}

pub struct PeerConnection {
    random: Random,
    certificate: Certificate,
    jsep: Session,
    transport: Transport,
    outputs: VecDeque<Output>,
    /// This drain's Timeout was handed out; the next poll ends the drain.
    timeout_reported: bool,
}

impl PeerConnection {
    pub fn new(config: PeerConfig, mut random: Random) -> PeerConnection {
        let jsep_config = JsepConfig {
            bundle_policy: config.bundle_policy,
            fingerprints: vec![("sha-256".to_string(), config.certificate.fingerprint_sha256())],
        };
        let jsep = Session::new(jsep_config, &mut random);
        PeerConnection {
            random,
            transport: Transport::new(config.relays, config.certificate.clone()),
            certificate: config.certificate,
            jsep,
            outputs: VecDeque::new(),
            timeout_reported: false,
        }
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    // ----- signaling -----

    pub fn signaling_state(&self) -> SignalingState {
        self.jsep.signaling_state()
    }

    pub fn create_offer(&mut self, options: OfferOptions) -> Result<String, RtcError> {
        self.jsep.create_offer(options, &mut self.random)
    }

    pub fn create_answer(&mut self) -> Result<String, RtcError> {
        self.jsep.create_answer(&mut self.random)
    }

    pub fn set_local_description(
        &mut self,
        now: Instant,
        ty: SdpType,
        sdp: Option<&str>,
    ) -> Result<DescriptionChanges, RtcError> {
        let changes = self.jsep.set_local_description(ty, sdp, &mut self.random)?;
        self.transport.described(now, &self.jsep, &mut self.random, &mut self.outputs);
        Ok(changes)
    }

    pub fn set_remote_description(
        &mut self,
        now: Instant,
        ty: SdpType,
        sdp: &str,
    ) -> Result<DescriptionChanges, RtcError> {
        let changes = self.jsep.set_remote_description(ty, sdp, &mut self.random)?;
        self.transport.described(now, &self.jsep, &mut self.random, &mut self.outputs);
        Ok(changes)
    }

    /// addIceCandidate (webrtc-pc §4.4.1.6) after the API's own checks:
    /// `candidate` None (an empty candidate string) is the end of candidates.
    pub fn add_ice_candidate(
        &mut self,
        now: Instant,
        candidate: Option<&str>,
        sdp_mid: Option<&str>,
        sdp_m_line_index: Option<u16>,
    ) -> Result<(), RtcError> {
        let parsed = candidate
            .map(Candidate::parse)
            .transpose()
            .map_err(|e| RtcError::operation(format!("Error processing ICE candidate: {}", e.message)))?;
        self.jsep.add_remote_candidate(sdp_mid, sdp_m_line_index, parsed.as_ref())?;
        self.transport.add_remote_candidate(now, parsed.as_ref())
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

    /// createDataChannel (webrtc-pc §4.4.1.6): the first channel makes an
    /// application section wanted; the channel opens once SCTP is up.
    pub fn create_data_channel(&mut self, init: ChannelInit) -> Result<ChannelHandle, RtcError> {
        let handle = self.transport.data.create(init)?;
        self.jsep.add_data_channel();
        Ok(handle)
    }

    /// RTCDataChannel.send: `binary` for ArrayBuffer/Blob data, else text's UTF-8.
    pub fn send(&mut self, now: Instant, channel: ChannelHandle, binary: bool, data: &[u8]) -> Result<(), RtcError> {
        self.transport.set_now(now);
        self.transport.data.send(now, channel, binary, data)
    }

    /// RTCDataChannel.close(). True when the channel closed at once (it
    /// was still waiting for the transport): its `close` event is the
    /// caller's to fire.
    pub fn close_data_channel(&mut self, now: Instant, channel: ChannelHandle) -> bool {
        self.transport.set_now(now);
        self.transport.data.close_channel(now, channel)
    }

    pub fn buffered_amount(&self, channel: ChannelHandle) -> u64 {
        self.transport.data.buffered_amount(channel)
    }

    pub fn set_buffered_amount_low_threshold(&mut self, channel: ChannelHandle, threshold: u64) {
        self.transport.data.set_buffered_amount_low_threshold(channel, threshold)
    }

    /// RTCDataChannel.id: null for an in-band channel until the DTLS role is known.
    pub fn data_channel_id(&self, channel: ChannelHandle) -> Option<u16> {
        self.transport.data.stream_id(channel)
    }

    pub fn data_channel_state(&self, channel: ChannelHandle) -> DataChannelState {
        self.transport.data.ready_state(channel)
    }

    /// RTCSctpTransport: its state, maxMessageSize and maxChannels, once it exists.
    pub fn sctp_state(&self) -> Option<SctpTransportState> {
        self.transport.data.state()
    }

    pub fn sctp_max_message_size(&self) -> Option<u64> {
        self.transport.data.max_message_size()
    }

    pub fn sctp_max_channels(&self) -> Option<u16> {
        self.transport.data.max_channels()
    }

    pub fn is_negotiation_needed(&self) -> bool {
        self.jsep.is_negotiation_needed()
    }

    pub fn restart_ice(&mut self) {
        self.jsep.restart_ice()
    }

    pub fn close(&mut self, now: Instant) {
        self.jsep.close();
        self.transport.close(now, &mut self.outputs);
    }

    /// The JSEP session, for reading descriptions.
    pub fn jsep(&self) -> &Session {
        &self.jsep
    }

    /// getStats (webrtc-pc §8.2): the report's dictionaries; `timestamp`
    /// is the host's wall clock in ms since the epoch, `now` its monotonic one.
    pub fn stats(&self, now: Instant, timestamp: f64) -> Vec<serde_json::Value> {
        let (data_channels_opened, data_channels_closed, channels) = self.transport.data.stats();
        let input = crate::stats::StatsInput {
            timestamp,
            data_channels_opened,
            data_channels_closed,
            channels,
            transport: self.transport.stats(&self.jsep),
        };
        crate::stats::report(&input, now)
    }

    // ----- transport -----

    /// The ICE agent, once the first local description started gathering.
    pub fn ice(&self) -> Option<&IceAgent> {
        self.transport.agent()
    }

    pub fn ice_connection_state(&self) -> IceConnectionState {
        self.transport.ice_connection_state()
    }

    pub fn connection_state(&self) -> PeerConnectionState {
        self.transport.connection_state()
    }

    pub fn dtls_state(&self) -> DtlsState {
        self.transport.dtls_state()
    }

    /// RTCDtlsTransport.getRemoteCertificates(): DER, the peer's own first.
    pub fn remote_certificates(&self) -> &[Vec<u8>] {
        self.transport.remote_certificates()
    }

    pub fn handle_tunnel_open(&mut self, now: Instant, tunnel: TunnelId) {
        self.transport.handle_tunnel_open(now, tunnel);
    }

    pub fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        self.transport.handle_tunnel_closed(now, tunnel);
    }

    /// One message that arrived on a tunnel (one WebSocket message).
    pub fn handle_tunnel_message(&mut self, now: Instant, tunnel: TunnelId, message: &[u8]) {
        self.transport.handle_tunnel_message(now, tunnel, message);
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.transport.handle_timeout(now);
    }

    /// The next output; call until it returns None after every call above.
    /// The last output before None is the next timeout, if one is scheduled.
    pub fn poll_output(&mut self) -> Option<Output> {
        if self.outputs.is_empty() && !self.timeout_reported {
            self.transport.drain(&mut self.jsep, &mut self.outputs);
            if self.outputs.is_empty() {
                self.timeout_reported = true;
                if let Some(at) = self.transport.poll_timeout() {
                    self.outputs.push_back(Output::Timeout(at));
                }
            }
        }
        let output = self.outputs.pop_front();
        if output.is_none() {
            self.timeout_reported = false;
        }
        output
    }
}
