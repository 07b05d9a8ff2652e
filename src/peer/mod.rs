//! PeerConnection: the one entry point of the core, composing its layers:
//! the JSEP session (RFC 8829) and the transports under it, ICE over relay
//! tunnels, DTLS over ICE, SCTP over DTLS, SRTP keyed by DTLS.
//! Every layer is driven by the same verbs (DESIGN.md, "sans-IO"):
//!
//! ```text
//! pc.set_local_description(now, ...) / handle_tunnel_message(now, tunnel, bytes) / handle_timeout(now)
//! while let Some(output) = pc.poll_output() { ... }   // ends with Output::Timeout, if any
//! ```
//!
//! Every call that takes `now` does its protocol work then and runs the
//! layers until nothing moves (`run`), so `poll_output` only reads a queue;
//! the one thing it still does is what the spec does in the task that
//! fires an icecandidate event: add that candidate to the local description.
//!
//! - `ice_transport`, `dtls_transport`, `data`: each layer's life in the
//!   peer (RTCIceTransport, RTCDtlsTransport, RTCSctpTransport and the channels).
//! - `media`: encoded frames as SRTP, per transceiver, both ways.
//! - `run`: moving packets and events between the layers; `demux` (RFC 7983)
//!   says which layer a datagram from ICE is for.
//! - `connection_state`: the transports' states and connectionState (webrtc-pc §4.3.3).
//! - `transport_stats`: what getStats reads of the transport.
//! - `output`: what the host drains.

mod connection_state;
mod data;
mod demux;
mod dtls_transport;
mod ice_transport;
mod media;
mod output;
mod run;
#[cfg(test)]
mod tests;
mod transport_stats;

use crate::datachannel::{ChannelInit, DataChannelState, SctpTransportState};
use crate::dtls::certificate::Certificate;
use crate::dtls::{DtlsState, SrtpProfile};
use crate::error::RtcError;
use crate::ice::{IceAgent, IceConnectionState, TunnelId};
use crate::jsep::{
    BundlePolicy, DescriptionChanges, JsepConfig, MediaKind, OfferOptions, SdpType, Session,
    SignalingState, TransceiverDirection, TransceiverId, TransceiverState,
};
use crate::random::Random;
use crate::sdp::Candidate;
use crate::time::Instant;

use connection_state::TransportStates;
use data::Data;
use dtls_transport::DtlsTransport;
use ice_transport::IceTransport;
use media::Media;
use output::{Outputs, Queued};

pub use connection_state::PeerConnectionState;
pub use data::ChannelHandle;
pub use ice_transport::Relay;
pub use media::{ReceiveLossCounters, RetransmissionCounters};
pub use output::{Output, PeerEvent};

/// What a peer is built from: its policies, its certificate and its
/// relays, all chosen by the host.
pub struct PeerConfig {
    pub bundle_policy: BundlePolicy,
    pub certificate: Certificate,
    pub relays: Vec<Relay>,
}

pub struct PeerConnection {
    random: Random,
    jsep: Session,
    ice: IceTransport,
    dtls: DtlsTransport,
    data: Data,
    states: TransportStates,
    media: Media,
    /// The transceivers as of jsep's last change: media routes every RTP
    /// packet by them, so they are copied once per change, not per packet.
    transceivers: Vec<TransceiverState>,
    outputs: Outputs,
    /// This drain's Timeout was handed out; the next poll ends the drain.
    timeout_reported: bool,
}

impl PeerConnection {
    pub fn new(config: PeerConfig, mut random: Random) -> PeerConnection {
        let jsep_config = JsepConfig {
            bundle_policy: config.bundle_policy,
            fingerprints: vec![(
                "sha-256".to_string(),
                config.certificate.fingerprint_sha256(),
            )],
        };
        let jsep = Session::new(jsep_config, &mut random);
        let mut media = Media::default();
        media.set_cname(jsep.cname());
        PeerConnection {
            random,
            jsep,
            ice: IceTransport::new(config.relays),
            dtls: DtlsTransport::new(config.certificate),
            data: Data::default(),
            states: TransportStates::new(),
            media,
            transceivers: Vec::new(),
            outputs: Outputs::default(),
            timeout_reported: false,
        }
    }

    pub fn certificate(&self) -> &Certificate {
        self.dtls.local_certificate()
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
        let changes = self.jsep.set_local_description(ty, sdp, &mut self.random);
        let changes = self.transceivers_changed(changes)?;
        self.described(now);
        self.run(now);
        Ok(changes)
    }

    pub fn set_remote_description(
        &mut self,
        now: Instant,
        ty: SdpType,
        sdp: &str,
    ) -> Result<DescriptionChanges, RtcError> {
        let changes = self.jsep.set_remote_description(ty, sdp, &mut self.random);
        let changes = self.transceivers_changed(changes)?;
        self.described(now);
        self.run(now);
        Ok(changes)
    }

    /// After a call that may have changed a transceiver (even one that
    /// failed: a refused remote offer keeps its implicit rollback).
    fn transceivers_changed<T>(&mut self, result: Result<T, RtcError>) -> Result<T, RtcError> {
        let transceivers = self.jsep.transceivers();
        self.media
            .transceivers_changed(&self.transceivers, &transceivers);
        self.transceivers = transceivers;
        result
    }

    /// After a description was applied, each transport takes what it needs
    /// of the descriptions: gathering starts at the first local one; the
    /// remote one brings ICE credentials and candidates; DTLS, then SCTP,
    /// start once an answer fixed the DTLS role.
    fn described(&mut self, now: Instant) {
        if self.jsep.local_description().is_none() {
            return;
        }
        self.ice
            .local_described(now, &self.jsep, &mut self.random, &mut self.outputs);
        let Some(remote) = self.jsep.remote_transport() else {
            return;
        };
        self.ice.remote_described(now, &remote);
        let Some(role) = self.jsep.dtls_role() else {
            return;
        };
        self.dtls
            .start(now, role, remote.fingerprints, &mut self.random);
        let dtls_connected = self.states.dtls() == DtlsState::Connected;
        let parameters = self.jsep.sctp_parameters();
        self.data.described(
            now,
            role,
            parameters,
            dtls_connected,
            &mut self.random,
            &mut self.outputs,
        );
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
        let parsed = candidate.map(Candidate::parse).transpose().map_err(|e| {
            RtcError::operation(format!("Error processing ICE candidate: {}", e.message))
        })?;
        self.jsep
            .add_remote_candidate(sdp_mid, sdp_m_line_index, parsed.as_ref())?;
        let result = self.ice.add_remote_candidate(now, parsed.as_ref());
        self.run(now);
        result
    }

    /// addTransceiver(kind or track): `track_id` is the sender's track, if any.
    pub fn add_transceiver(
        &mut self,
        kind: MediaKind,
        track_id: Option<String>,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
    ) -> Result<TransceiverId, RtcError> {
        let result = self.jsep.add_transceiver_with_track(
            kind,
            track_id,
            direction,
            stream_ids,
            &mut self.random,
        );
        self.transceivers_changed(result)
    }

    /// addTrack (webrtc-pc §5.1): reuses a transceiver that never sent, or
    /// makes one.
    pub fn add_track(
        &mut self,
        kind: MediaKind,
        track_id: String,
        stream_ids: Vec<String>,
    ) -> Result<TransceiverId, RtcError> {
        let result = self
            .jsep
            .add_track(kind, track_id, stream_ids, &mut self.random);
        self.transceivers_changed(result)
    }

    pub fn remove_track(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        let result = self.jsep.remove_track(id);
        self.transceivers_changed(result)
    }

    pub fn replace_track(
        &mut self,
        id: TransceiverId,
        track_id: Option<String>,
    ) -> Result<(), RtcError> {
        let result = self.jsep.replace_track(id, track_id);
        self.transceivers_changed(result)
    }

    pub fn set_sender_streams(
        &mut self,
        id: TransceiverId,
        stream_ids: Vec<String>,
    ) -> Result<(), RtcError> {
        let result = self.jsep.set_sender_streams(id, stream_ids);
        self.transceivers_changed(result)
    }

    pub fn set_direction(
        &mut self,
        id: TransceiverId,
        direction: TransceiverDirection,
    ) -> Result<(), RtcError> {
        let result = self.jsep.set_direction(id, direction);
        self.transceivers_changed(result)
    }

    pub fn stop_transceiver(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        let result = self.jsep.stop_transceiver(id);
        self.transceivers_changed(result)
    }

    pub fn transceivers(&self) -> Vec<TransceiverState> {
        self.jsep.transceivers()
    }

    /// One encoded frame for `transceiver`'s sender: packetized for the
    /// negotiated codec `payload_type`, every packet with `rtp_timestamp`,
    /// sent as SRTP. InvalidStateError if the transceiver does not send
    /// (its direction or current direction, or stopped) or SRTP is not
    /// keyed yet; InvalidAccessError for a payload type not negotiated;
    /// NotSupportedError for a codec we cannot packetize.
    pub fn send_frame(
        &mut self,
        now: Instant,
        transceiver: TransceiverId,
        payload_type: u8,
        rtp_timestamp: u32,
        frame: &[u8],
    ) -> Result<(), RtcError> {
        let state = self
            .transceivers
            .iter()
            .find(|t| t.id == transceiver)
            .ok_or_else(|| RtcError::invalid_state("no such transceiver"))?;
        let result =
            self.media
                .send_frame(now, state, payload_type, rtp_timestamp, frame, &mut self.random);
        self.run(now);
        result
    }

    /// createDataChannel (webrtc-pc §4.4.1.6): the first channel makes an
    /// application section wanted; the channel opens once SCTP is up (at
    /// once, its DATA_CHANNEL_OPEN sent, if it is).
    pub fn create_data_channel(
        &mut self,
        now: Instant,
        init: ChannelInit,
    ) -> Result<ChannelHandle, RtcError> {
        let handle = self.data.create(init)?;
        self.jsep.add_data_channel();
        self.run(now);
        Ok(handle)
    }

    /// RTCDataChannel.send: `binary` for ArrayBuffer/Blob data, else text's UTF-8.
    pub fn send(
        &mut self,
        now: Instant,
        channel: ChannelHandle,
        binary: bool,
        data: &[u8],
    ) -> Result<(), RtcError> {
        let result = self.data.send(now, channel, binary, data);
        self.run(now);
        result
    }

    /// RTCDataChannel.close(). True when the channel closed at once (it
    /// was still waiting for the transport): its `close` event is the
    /// caller's to fire.
    pub fn close_data_channel(&mut self, now: Instant, channel: ChannelHandle) -> bool {
        let immediate = self.data.close_channel(now, channel);
        self.run(now);
        immediate
    }

    pub fn buffered_amount(&self, channel: ChannelHandle) -> u64 {
        self.data.buffered_amount(channel)
    }

    pub fn set_buffered_amount_low_threshold(&mut self, channel: ChannelHandle, threshold: u64) {
        self.data
            .set_buffered_amount_low_threshold(channel, threshold)
    }

    /// RTCDataChannel.id: null for an in-band channel until the DTLS role is known.
    pub fn data_channel_id(&self, channel: ChannelHandle) -> Option<u16> {
        self.data.stream_id(channel)
    }

    pub fn data_channel_state(&self, channel: ChannelHandle) -> DataChannelState {
        self.data.ready_state(channel)
    }

    /// RTCSctpTransport: its state, maxMessageSize and maxChannels, once it exists.
    pub fn sctp_state(&self) -> Option<SctpTransportState> {
        self.data.state()
    }

    pub fn sctp_max_message_size(&self) -> Option<u64> {
        self.data.max_message_size()
    }

    pub fn sctp_max_channels(&self) -> Option<u16> {
        self.data.max_channels()
    }

    pub fn is_negotiation_needed(&self) -> bool {
        self.jsep.is_negotiation_needed()
    }

    pub fn restart_ice(&mut self) {
        self.jsep.restart_ice()
    }

    /// close() (webrtc-pc §4.4.1.7): the SCTP ABORT, DTLS's close_notify,
    /// then the relays' deallocations go out, in that order, and the
    /// tunnels close.
    pub fn close(&mut self, now: Instant) {
        self.jsep.close();
        let _ = self.transceivers_changed(Ok(()));
        self.states.close();
        self.data.close();
        self.run(now);
        self.dtls.close(now);
        self.run(now);
        self.ice.close(now);
        self.run(now);
        self.ice.close_tunnels(&mut self.outputs);
    }

    /// The JSEP session, for reading descriptions.
    pub fn jsep(&self) -> &Session {
        &self.jsep
    }

    /// getStats (webrtc-pc §8.2): the report's dictionaries; `timestamp`
    /// is the host's wall clock in ms since the epoch, `now` its monotonic one.
    pub fn stats(&self, now: Instant, timestamp: f64) -> Vec<serde_json::Value> {
        let (data_channels_opened, data_channels_closed, channels) = self.data.stats();
        let input = crate::stats::StatsInput {
            timestamp,
            data_channels_opened,
            data_channels_closed,
            channels,
            media: self.media.media_stats(),
            transport: transport_stats::transport_stats(
                &self.ice,
                &self.dtls,
                &self.states,
                &self.data,
                &self.jsep,
                self.media.available_outgoing_bitrate(),
            ),
        };
        crate::stats::report(&input, now)
    }

    // ----- transport -----

    /// The ICE agent, once the first local description started gathering.
    pub fn ice(&self) -> Option<&IceAgent> {
        self.ice.agent()
    }

    pub fn ice_connection_state(&self) -> IceConnectionState {
        self.states.ice()
    }

    pub fn connection_state(&self) -> PeerConnectionState {
        self.states.connection()
    }

    pub fn dtls_state(&self) -> DtlsState {
        self.states.dtls()
    }

    /// RTCDtlsTransport.getRemoteCertificates(): DER, the peer's own first.
    pub fn remote_certificates(&self) -> &[Vec<u8>] {
        self.dtls.remote_certificates()
    }

    /// RTP and RTCP datagrams received and dropped: before SRTP was
    /// keyed, refused by SRTP (forged, replayed), malformed, or for no
    /// transceiver or codec of ours.
    pub fn media_datagrams_dropped(&self) -> u64 {
        self.media.dropped()
    }

    /// What the sender with SSRC `sender_ssrc` (ours) was NACKed for and
    /// resent (RTCOutboundRtpStreamStats nackCount, retransmittedPackets/BytesSent).
    pub fn retransmission_counters(&self, sender_ssrc: u32) -> Option<RetransmissionCounters> {
        self.media.retransmission_counters(sender_ssrc)
    }

    /// What the receiver of the remote SSRC `ssrc` sent NACKs, PLIs and
    /// FIRs for (RTCInboundRtpStreamStats nackCount, pliCount, firCount).
    pub fn receive_loss_counters(&self, ssrc: u32) -> Option<ReceiveLossCounters> {
        self.media.receive_loss_counters(ssrc)
    }

    /// The latest round-trip time an RTCP report block about one of our
    /// senders gave (RFC 3550 §6.4.1), if any came.
    pub fn media_round_trip_time(&self) -> Option<std::time::Duration> {
        self.media.round_trip_time()
    }

    /// The SRTP profiles DTLS offers or accepts, most preferred first, if
    /// not the default (AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80);
    /// only before DTLS starts. For tests of each profile.
    pub fn set_srtp_profiles(&mut self, profiles: Vec<SrtpProfile>) {
        self.dtls.set_srtp_profiles(profiles);
    }

    pub fn handle_tunnel_open(&mut self, now: Instant, tunnel: TunnelId) {
        self.ice.handle_tunnel_open(now, tunnel);
        self.run(now);
    }

    pub fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        self.ice.handle_tunnel_closed(now, tunnel);
        self.run(now);
    }

    /// One message that arrived on a tunnel (one WebSocket message).
    pub fn handle_tunnel_message(&mut self, now: Instant, tunnel: TunnelId, message: &[u8]) {
        self.ice.handle_tunnel_message(now, tunnel, message);
        self.run(now);
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.ice.handle_timeout(now);
        self.dtls.handle_timeout(now);
        self.data.handle_timeout(now);
        self.media.handle_timeout(
            now,
            &self.transceivers,
            &mut self.random,
            &mut self.outputs,
        );
        self.run(now);
    }

    /// The output a queue entry is, once the host takes it: a local
    /// candidate joins the local description now (none, if no section
    /// takes it) and becomes its icecandidate event.
    fn take(&mut self, queued: Queued) -> Option<Output> {
        let event = match queued {
            Queued::Output(output) => return Some(output),
            Queued::LocalCandidate(Some((candidate, url))) => {
                let section = self.jsep.add_local_candidate(&candidate)?;
                PeerEvent::IceCandidate {
                    candidate,
                    sdp_mid: section.mid,
                    sdp_m_line_index: section.m_line_index,
                    username_fragment: self.jsep.local_ice_credentials().0,
                    url,
                }
            }
            Queued::LocalCandidate(None) => {
                self.jsep.add_local_end_of_candidates();
                PeerEvent::IceCandidateEnd
            }
        };
        Some(Output::Event(Box::new(event)))
    }

    /// The earliest deadline of any layer: when to call `handle_timeout`.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.ice.poll_timeout(),
            self.dtls.poll_timeout(),
            self.data.poll_timeout(),
            self.media.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The next output; call until it returns None after every call above.
    /// The last output before None is the next timeout, if one is scheduled.
    pub fn poll_output(&mut self) -> Option<Output> {
        while let Some(queued) = self.outputs.pop() {
            if let Some(output) = self.take(queued) {
                return Some(output);
            }
        }
        if !std::mem::replace(&mut self.timeout_reported, true) {
            if let Some(at) = self.poll_timeout() {
                return Some(Output::Timeout(at));
            }
        }
        self.timeout_reported = false;
        None
    }
}
