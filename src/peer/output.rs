//! What a PeerConnection asks of its host: the outputs its driver drains
//! after every call (DESIGN.md, "The core's contract"), and the events that
//! become the W3C API's events.

use std::collections::VecDeque;

use crate::datachannel::{AnnouncedChannel, SctpTransportState};
use crate::dtls::DtlsState;
use crate::error::RtcError;
use crate::ice::{IceConnectionState, IceGatheringState, TunnelId};
use crate::jsep::TransceiverId;
use crate::sdp::Candidate;
use crate::time::Instant;

use super::connection_state::PeerConnectionState;
use super::data::ChannelHandle;

/// One thing for the host to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Open a tunnel to the relay at `url`, then report
    /// `handle_tunnel_open` (or `handle_tunnel_closed` if it fails).
    OpenTunnel {
        tunnel: TunnelId,
        url: String,
    },
    CloseTunnel {
        tunnel: TunnelId,
    },
    /// One message for the tunnel (one WebSocket message).
    Transmit {
        tunnel: TunnelId,
        data: Vec<u8>,
    },
    Event(Box<PeerEvent>),
    /// Call `handle_timeout` at this time. Always the last output of a
    /// drain; absent when nothing is scheduled.
    Timeout(Instant),
}

/// An event for the API, in the order the spec fires them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerEvent {
    /// icecandidate with a candidate (webrtc-pc §4.8.2).
    IceCandidate {
        candidate: Candidate,
        sdp_mid: String,
        sdp_m_line_index: u16,
        username_fragment: String,
        url: String,
    },
    /// icecandidate with null: gathering is complete.
    IceCandidateEnd,
    /// icecandidateerror (webrtc-pc §4.8.3).
    IceCandidateError {
        url: String,
        error_code: u16,
        error_text: String,
    },
    IceGatheringStateChange(IceGatheringState),
    IceConnectionStateChange(IceConnectionState),
    ConnectionStateChange(PeerConnectionState),
    /// RTCIceTransport's selectedcandidatepairchange.
    SelectedCandidatePairChange {
        local: Candidate,
        remote: Candidate,
    },
    /// RTCDtlsTransport's statechange.
    DtlsStateChange(DtlsState),
    /// RTCDtlsTransport's error (an RTCErrorEvent): `dtls-failure` or
    /// `fingerprint-failure`.
    DtlsError(RtcError),
    /// RTCSctpTransport's statechange.
    SctpStateChange(SctpTransportState),
    /// The `datachannel` event: the peer opened a channel in-band.
    DataChannelCreatedByPeer {
        handle: ChannelHandle,
        channel: AnnouncedChannel,
    },
    DataChannelOpen(ChannelHandle),
    DataChannelMessage {
        handle: ChannelHandle,
        binary: bool,
        data: Vec<u8>,
    },
    DataChannelBufferedAmountLow(ChannelHandle),
    DataChannelClosing(ChannelHandle),
    DataChannelClosed(ChannelHandle),
    /// An RTCErrorEvent (`data-channel-failure` or `sctp-failure`) before
    /// the channel's close.
    DataChannelError(ChannelHandle, RtcError),
    /// A whole encoded frame a transceiver's receiver got.
    MediaFrame {
        transceiver: TransceiverId,
        payload_type: u8,
        rtp_timestamp: u32,
        /// When the sender captured it: a 64-bit NTP timestamp (RFC 3550
        /// §4) of the sender's clock, mapped through its last SR; none
        /// before the first SR. For lip sync across its streams.
        capture_time: Option<u64>,
        key_frame: bool,
        data: Vec<u8>,
    },
    /// A frame a transceiver's receiver saw part of but could not complete.
    MediaFrameDropped {
        transceiver: TransceiverId,
        rtp_timestamp: u32,
    },
    /// Frames stamped strictly between the two timestamps (in RTP's
    /// wrap-around order) that were neither handed out nor reported
    /// dropped were lost whole: packets between two frames were given up.
    MediaFramesLost {
        transceiver: TransceiverId,
        after_rtp_timestamp: u32,
        before_rtp_timestamp: u32,
    },
    /// The remote receiver of a transceiver's sender asks for a key frame
    /// (PLI or FIR): the encoder should make the next frame one.
    KeyFrameRequest {
        transceiver: TransceiverId,
    },
    /// The congestion controller's target for everything we send moved
    /// (draft-ietf-rmcat-gcc-02 §4): the encoders should follow it.
    TargetBitrate {
        bitrate_bps: u64,
    },
}

/// One entry of the queue the host drains.
#[derive(Debug)]
pub(super) enum Queued {
    Output(Output),
    /// A gathered local candidate (or, `None`, the end of them), which
    /// joins the local description as the host takes its icecandidate
    /// event: webrtc-pc surfaces a candidate in the task that fires the
    /// event, so a description read before that does not have it yet.
    LocalCandidate(Option<(Candidate, String)>),
}

/// The outputs of the calls so far, in order, until the host polls them.
#[derive(Debug, Default)]
pub(super) struct Outputs(VecDeque<Queued>);

impl Outputs {
    pub(super) fn push(&mut self, output: Output) {
        self.0.push_back(Queued::Output(output));
    }

    pub(super) fn event(&mut self, event: PeerEvent) {
        self.push(Output::Event(Box::new(event)));
    }

    /// A local candidate and its iceServers URL; `None` ends gathering.
    pub(super) fn local_candidate(&mut self, candidate: Option<(Candidate, String)>) {
        self.0.push_back(Queued::LocalCandidate(candidate));
    }

    pub(super) fn pop(&mut self) -> Option<Queued> {
        self.0.pop_front()
    }
}
