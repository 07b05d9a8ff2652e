//! What the core hands the host after every call (DESIGN.md, "The JS
//! side"): tunnels to open, close or send on, the next timeout, and API
//! events in the order the spec fires them. An event keeps the core's own
//! [`PeerEvent`]; its getters read the fields the event's kind has (the
//! others are undefined), and a message's bytes are copied out once, when
//! read.

use wasm_bindgen::prelude::*;

use crate::peer::{Output as PeerOutput, PeerEvent};

/// What an [`Output`] asks the host to do.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum OutputType {
    Open = "open",
    Close = "close",
    Transmit = "transmit",
    Timeout = "timeout",
    Event = "event",
}

/// One output of `Core.pollOutput()`.
#[wasm_bindgen]
pub struct Output {
    output_type: OutputType,
    tunnel: Option<u32>,
    url: Option<String>,
    data: Option<Vec<u8>>,
    at: Option<f64>,
    event: Option<PeerEvent>,
}

impl From<PeerOutput> for Output {
    fn from(output: PeerOutput) -> Output {
        let empty = |output_type| Output { output_type, tunnel: None, url: None, data: None, at: None, event: None };
        match output {
            PeerOutput::OpenTunnel { tunnel, url } => Output { tunnel: Some(tunnel.0), url: Some(url), ..empty(OutputType::Open) },
            PeerOutput::CloseTunnel { tunnel } => Output { tunnel: Some(tunnel.0), ..empty(OutputType::Close) },
            PeerOutput::Transmit { tunnel, data } => {
                Output { tunnel: Some(tunnel.0), data: Some(data), ..empty(OutputType::Transmit) }
            }
            PeerOutput::Timeout(at) => Output { at: Some(at.as_millis_f64()), ..empty(OutputType::Timeout) },
            PeerOutput::Event(event) => Output { event: Some(*event), ..empty(OutputType::Event) },
        }
    }
}

#[wasm_bindgen]
impl Output {
    #[wasm_bindgen(getter, js_name = type)]
    pub fn output_type(&self) -> OutputType {
        self.output_type
    }

    /// The tunnel of `open`, `close` and `transmit`.
    #[wasm_bindgen(getter)]
    pub fn tunnel(&self) -> Option<u32> {
        self.tunnel
    }

    /// The relay URL an `open` tunnel goes to.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> Option<String> {
        self.url.clone()
    }

    /// The message a `transmit` sends, copied out of wasm memory once.
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> Option<js_sys::Uint8Array> {
        self.data.as_deref().map(js_sys::Uint8Array::from)
    }

    /// When a `timeout` falls due, in the host's milliseconds.
    #[wasm_bindgen(getter)]
    pub fn at(&self) -> Option<f64> {
        self.at
    }

    /// Moves the API event of an `event` output out.
    #[wasm_bindgen(js_name = takeEvent)]
    pub fn take_event(&mut self) -> Option<CoreEvent> {
        self.event.take().map(|event| CoreEvent { event })
    }
}

/// The API event a [`CoreEvent`] reports: the name of the event js/
/// dispatches, or of the data channel event (`open`, `message`,
/// `bufferedamountlow`, `closing`, `close`, and `channelerror` for its
/// RTCErrorEvent).
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum EventName {
    IceCandidate = "icecandidate",
    IceCandidateError = "icecandidateerror",
    IceGatheringStateChange = "icegatheringstatechange",
    IceConnectionStateChange = "iceconnectionstatechange",
    ConnectionStateChange = "connectionstatechange",
    SelectedCandidatePairChange = "selectedcandidatepairchange",
    DtlsStateChange = "dtlsstatechange",
    DtlsError = "dtlserror",
    SctpStateChange = "sctpstatechange",
    DataChannel = "datachannel",
    Open = "open",
    Message = "message",
    BufferedAmountLow = "bufferedamountlow",
    Closing = "closing",
    Close = "close",
    ChannelError = "channelerror",
    /// A transceiver's receiver got a whole encoded frame, or (dropped) saw
    /// part of one it could not complete.
    MediaFrame = "mediaframe",
    MediaFrameDropped = "mediaframedropped",
    /// Frames between two RTP timestamps were lost whole.
    MediaFramesLost = "mediaframeslost",
    /// The remote receiver asks a transceiver's sender for a key frame.
    KeyFrameRequest = "keyframerequest",
    /// The congestion controller's target bitrate moved.
    TargetBitrate = "targetbitrate",
}

/// An API event (webrtc-pc §4.8, §5.5, §5.6, §6).
#[wasm_bindgen]
pub struct CoreEvent {
    event: PeerEvent,
}

#[wasm_bindgen]
impl CoreEvent {
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> EventName {
        match &self.event {
            PeerEvent::IceCandidate { .. } | PeerEvent::IceCandidateEnd => EventName::IceCandidate,
            PeerEvent::IceCandidateError { .. } => EventName::IceCandidateError,
            PeerEvent::IceGatheringStateChange(_) => EventName::IceGatheringStateChange,
            PeerEvent::IceConnectionStateChange(_) => EventName::IceConnectionStateChange,
            PeerEvent::ConnectionStateChange(_) => EventName::ConnectionStateChange,
            PeerEvent::SelectedCandidatePairChange { .. } => EventName::SelectedCandidatePairChange,
            PeerEvent::DtlsStateChange(_) => EventName::DtlsStateChange,
            PeerEvent::DtlsError(_) => EventName::DtlsError,
            PeerEvent::SctpStateChange(_) => EventName::SctpStateChange,
            PeerEvent::DataChannelCreatedByPeer { .. } => EventName::DataChannel,
            PeerEvent::DataChannelOpen(_) => EventName::Open,
            PeerEvent::DataChannelMessage { .. } => EventName::Message,
            PeerEvent::DataChannelBufferedAmountLow(_) => EventName::BufferedAmountLow,
            PeerEvent::DataChannelClosing(_) => EventName::Closing,
            PeerEvent::DataChannelClosed(_) => EventName::Close,
            PeerEvent::DataChannelError(..) => EventName::ChannelError,
            PeerEvent::MediaFrame { .. } => EventName::MediaFrame,
            PeerEvent::MediaFrameDropped { .. } => EventName::MediaFrameDropped,
            PeerEvent::MediaFramesLost { .. } => EventName::MediaFramesLost,
            PeerEvent::KeyFrameRequest { .. } => EventName::KeyFrameRequest,
            PeerEvent::TargetBitrate { .. } => EventName::TargetBitrate,
        }
    }

    /// `icecandidate`: the candidate attribute; undefined at the end of
    /// candidates.
    #[wasm_bindgen(getter)]
    pub fn candidate(&self) -> Option<String> {
        match &self.event {
            PeerEvent::IceCandidate { candidate, .. } => Some(candidate.to_string()),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = sdpMid)]
    pub fn sdp_mid(&self) -> Option<String> {
        match &self.event {
            PeerEvent::IceCandidate { sdp_mid, .. } => Some(sdp_mid.clone()),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = sdpMLineIndex)]
    pub fn sdp_m_line_index(&self) -> Option<u16> {
        match &self.event {
            PeerEvent::IceCandidate { sdp_m_line_index, .. } => Some(*sdp_m_line_index),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = usernameFragment)]
    pub fn username_fragment(&self) -> Option<String> {
        match &self.event {
            PeerEvent::IceCandidate { username_fragment, .. } => Some(username_fragment.clone()),
            _ => None,
        }
    }

    /// The relay URL of `icecandidate` and `icecandidateerror`.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> Option<String> {
        match &self.event {
            PeerEvent::IceCandidate { url, .. } | PeerEvent::IceCandidateError { url, .. } => Some(url.clone()),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = errorCode)]
    pub fn error_code(&self) -> Option<u16> {
        match &self.event {
            PeerEvent::IceCandidateError { error_code, .. } => Some(*error_code),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = errorText)]
    pub fn error_text(&self) -> Option<String> {
        match &self.event {
            PeerEvent::IceCandidateError { error_text, .. } => Some(error_text.clone()),
            _ => None,
        }
    }

    /// The new state of a `*statechange`.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Option<String> {
        let state = match &self.event {
            PeerEvent::IceGatheringStateChange(s) => s.as_str(),
            PeerEvent::IceConnectionStateChange(s) => s.as_str(),
            PeerEvent::ConnectionStateChange(s) => s.as_str(),
            PeerEvent::DtlsStateChange(s) => s.as_str(),
            PeerEvent::SctpStateChange(s) => s.as_str(),
            _ => return None,
        };
        Some(state.to_string())
    }

    /// The data channel's handle, for `datachannel` and every channel event.
    #[wasm_bindgen(getter)]
    pub fn channel(&self) -> Option<u32> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { handle, .. } | PeerEvent::DataChannelMessage { handle, .. } => {
                Some(handle.0)
            }
            PeerEvent::DataChannelOpen(h)
            | PeerEvent::DataChannelBufferedAmountLow(h)
            | PeerEvent::DataChannelClosing(h)
            | PeerEvent::DataChannelClosed(h)
            | PeerEvent::DataChannelError(h, _) => Some(h.0),
            _ => None,
        }
    }

    /// `datachannel`: the channel's SCTP stream id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Option<u16> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => Some(channel.stream_id),
            _ => None,
        }
    }

    #[wasm_bindgen(getter)]
    pub fn label(&self) -> Option<String> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => Some(channel.label.clone()),
            _ => None,
        }
    }

    #[wasm_bindgen(getter)]
    pub fn protocol(&self) -> Option<String> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => Some(channel.protocol.clone()),
            _ => None,
        }
    }

    #[wasm_bindgen(getter)]
    pub fn ordered(&self) -> Option<bool> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => Some(channel.ordered),
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = maxRetransmits)]
    pub fn max_retransmits(&self) -> Option<u16> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => channel.max_retransmits,
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = maxPacketLifeTime)]
    pub fn max_packet_life_time(&self) -> Option<u16> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => channel.max_packet_life_time,
            _ => None,
        }
    }

    /// `datachannel`: the RTCPriorityType.
    #[wasm_bindgen(getter)]
    pub fn priority(&self) -> Option<String> {
        match &self.event {
            PeerEvent::DataChannelCreatedByPeer { channel, .. } => Some(channel.priority.as_str().to_string()),
            _ => None,
        }
    }

    /// `message`: whether the payload is binary rather than text.
    #[wasm_bindgen(getter)]
    pub fn binary(&self) -> Option<bool> {
        match &self.event {
            PeerEvent::DataChannelMessage { binary, .. } => Some(*binary),
            _ => None,
        }
    }

    /// `message`: the payload; `mediaframe`: the encoded frame. Copied out
    /// of wasm memory once.
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> Option<js_sys::Uint8Array> {
        match &self.event {
            PeerEvent::DataChannelMessage { data, .. } | PeerEvent::MediaFrame { data, .. } => {
                Some(js_sys::Uint8Array::from(data.as_slice()))
            }
            _ => None,
        }
    }

    /// `mediaframe` and `mediaframedropped`: the receiving transceiver's id.
    #[wasm_bindgen(getter)]
    pub fn transceiver(&self) -> Option<u32> {
        match &self.event {
            PeerEvent::MediaFrame { transceiver, .. }
            | PeerEvent::MediaFrameDropped { transceiver, .. }
            | PeerEvent::MediaFramesLost { transceiver, .. }
            | PeerEvent::KeyFrameRequest { transceiver } => {
                Some(transceiver.0)
            }
            _ => None,
        }
    }

    #[wasm_bindgen(getter, js_name = payloadType)]
    pub fn payload_type(&self) -> Option<u8> {
        match &self.event {
            PeerEvent::MediaFrame { payload_type, .. } => Some(*payload_type),
            _ => None,
        }
    }

    /// `mediaframe` and `mediaframedropped`: the frame's RTP timestamp;
    /// `mediaframeslost`: the one before which frames were lost.
    #[wasm_bindgen(getter, js_name = rtpTimestamp)]
    pub fn rtp_timestamp(&self) -> Option<u32> {
        match &self.event {
            PeerEvent::MediaFrame { rtp_timestamp, .. }
            | PeerEvent::MediaFrameDropped { rtp_timestamp, .. }
            | PeerEvent::MediaFramesLost { before_rtp_timestamp: rtp_timestamp, .. } => Some(*rtp_timestamp),
            _ => None,
        }
    }

    /// `mediaframeslost`: the timestamp after which frames were lost (the
    /// one before which is `rtpTimestamp`).
    #[wasm_bindgen(getter, js_name = lostAfterRtpTimestamp)]
    pub fn lost_after_rtp_timestamp(&self) -> Option<u32> {
        match &self.event {
            PeerEvent::MediaFramesLost { after_rtp_timestamp, .. } => Some(*after_rtp_timestamp),
            _ => None,
        }
    }

    /// `mediaframe`: when the sender captured the frame, in milliseconds of
    /// its NTP clock (since 1900), from its SRs; undefined before the first.
    #[wasm_bindgen(getter, js_name = captureTime)]
    pub fn capture_time(&self) -> Option<f64> {
        match &self.event {
            PeerEvent::MediaFrame { capture_time, .. } => capture_time.map(|ntp| ntp as f64 * 1000.0 / 4_294_967_296.0),
            _ => None,
        }
    }

    /// `targetbitrate`: the target, in bits per second.
    #[wasm_bindgen(getter)]
    pub fn bitrate(&self) -> Option<f64> {
        match &self.event {
            PeerEvent::TargetBitrate { bitrate_bps } => Some(*bitrate_bps as f64),
            _ => None,
        }
    }

    /// `mediaframe`: whether the payload format marks it a key frame.
    #[wasm_bindgen(getter, js_name = keyFrame)]
    pub fn key_frame(&self) -> Option<bool> {
        match &self.event {
            PeerEvent::MediaFrame { key_frame, .. } => Some(*key_frame),
            _ => None,
        }
    }

    /// `dtlserror` and `channelerror`: the RTCErrorDetailType.
    #[wasm_bindgen(getter, js_name = errorDetail)]
    pub fn error_detail(&self) -> Option<String> {
        match &self.event {
            PeerEvent::DtlsError(e) | PeerEvent::DataChannelError(_, e) => e.detail.map(|d| d.as_str().to_string()),
            _ => None,
        }
    }

    /// `dtlserror` and `channelerror`: the error's message.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> Option<String> {
        match &self.event {
            PeerEvent::DtlsError(e) | PeerEvent::DataChannelError(_, e) => Some(e.message.clone()),
            _ => None,
        }
    }
}
