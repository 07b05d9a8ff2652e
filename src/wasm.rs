//! The wasm-bindgen boundary, compiled for wasm32 only: the one place the
//! core meets the host. It seeds the core's random source from the
//! platform's CSPRNG and turns core values into the plain JS values and JSON
//! that js/ reads. Control-plane state crosses as JSON; payload bytes (in
//! later layers) cross as Uint8Array, once each way.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::dtls::certificate::{format_fingerprint, Certificate};
use crate::error::RtcError;
use crate::jsep::{
    BundlePolicy, DescriptionChanges, MediaKind, OfferOptions, SdpType, TransceiverDirection,
    TransceiverId, TransceiverState,
};
use crate::ice::TunnelId;
use crate::datachannel::{ChannelInit, Priority};
use crate::peer::{ChannelHandle, Output, PeerConfig, PeerConnection, PeerEvent, Relay};
use crate::time::Instant;
use crate::random::Random;
use crate::sdp::Candidate;

fn random() -> Result<Random, JsValue> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| js_error(&RtcError::operation(format!("no random source: {e}"))))?;
    Ok(Random::from_seed(seed))
}

/// The clock driver.js passes as `now` (`performance.now()`), read here for
/// the one call js/ makes without a time: createDataChannel.
fn host_now() -> Instant {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"));
    let now = performance.and_then(|performance| {
        let now: js_sys::Function = js_sys::Reflect::get(&performance, &JsValue::from_str("now"))?.dyn_into()?;
        now.call0(&performance)
    });
    Instant::from_millis_f64(now.ok().and_then(|v| v.as_f64()).unwrap_or(0.0))
}

/// An error object js/errors.js turns into the DOMException, TypeError or
/// RTCError the spec names.
fn js_error(e: &RtcError) -> JsValue {
    let value = json!({
        "name": e.name.as_str(),
        "message": e.message,
        "errorDetail": e.detail.map(|d| d.as_str()),
        "sdpLineNumber": e.sdp_line_number,
    });
    js_sys::JSON::parse(&value.to_string()).unwrap_or_else(|_| JsValue::from_str(&e.message))
}

fn err(e: RtcError) -> JsValue {
    js_error(&e)
}

fn type_error(message: String) -> JsValue {
    js_error(&RtcError::type_error(message))
}


fn parse_stream_ids(stream_ids: &str) -> Result<Vec<String>, JsValue> {
    serde_json::from_str(stream_ids).map_err(|e| type_error(format!("stream ids: {e}")))
}

fn description(d: Option<(SdpType, String)>) -> Value {
    d.map_or(Value::Null, |(ty, sdp)| json!({ "type": ty.as_str(), "sdp": sdp }))
}

fn transceiver(t: &TransceiverState) -> Value {
    json!({
        "id": t.id.0,
        "kind": t.kind.as_str(),
        "mid": t.mid,
        "direction": t.direction.as_str(),
        "currentDirection": t.current_direction.map(|d| d.as_str()),
        "stopping": t.stopping,
        "stopped": t.stopped,
        "senderTrackId": t.sender_track_id,
    })
}

fn changes(c: &DescriptionChanges) -> String {
    json!({
        "createdTransceivers": c.created_transceivers.iter().map(|id| id.0).collect::<Vec<_>>(),
        "removedTransceivers": c.removed_transceivers.iter().map(|id| id.0).collect::<Vec<_>>(),
        "tracksAdded": c.tracks_added.iter().map(|(id, streams)| json!({ "transceiver": id.0, "streams": streams })).collect::<Vec<_>>(),
        "tracksRemoved": c.tracks_removed.iter().map(|id| id.0).collect::<Vec<_>>(),
        "streamTracksAdded": c.stream_tracks_added.iter().map(|(s, id)| json!({ "stream": s, "transceiver": id.0 })).collect::<Vec<_>>(),
        "streamTracksRemoved": c.stream_tracks_removed.iter().map(|(s, id)| json!({ "stream": s, "transceiver": id.0 })).collect::<Vec<_>>(),
        "stoppedTransceivers": c.stopped_transceivers.iter().map(|id| id.0).collect::<Vec<_>>(),
        "dataNegotiated": c.data_negotiated,
    })
    .to_string()
}

/// An API event as the JSON js/peer_connection.js dispatches from.
fn peer_event(event: &PeerEvent) -> Value {
    match event {
        PeerEvent::IceCandidate { candidate, sdp_mid, sdp_m_line_index, username_fragment, url } => json!({
            "name": "icecandidate",
            "candidate": candidate.to_string(),
            "sdpMid": sdp_mid,
            "sdpMLineIndex": sdp_m_line_index,
            "usernameFragment": username_fragment,
            "url": url,
        }),
        PeerEvent::IceCandidateEnd => json!({ "name": "icecandidate", "candidate": null }),
        PeerEvent::IceCandidateError { url, error_code, error_text } => json!({
            "name": "icecandidateerror", "url": url, "errorCode": error_code, "errorText": error_text,
        }),
        PeerEvent::IceGatheringStateChange(state) => json!({ "name": "icegatheringstatechange", "state": state.as_str() }),
        PeerEvent::IceConnectionStateChange(state) => json!({ "name": "iceconnectionstatechange", "state": state.as_str() }),
        PeerEvent::ConnectionStateChange(state) => json!({ "name": "connectionstatechange", "state": state.as_str() }),
        PeerEvent::SelectedCandidatePairChange { local, remote } => json!({
            "name": "selectedcandidatepairchange", "local": local.to_string(), "remote": remote.to_string(),
        }),
        PeerEvent::DtlsStateChange(state) => json!({ "name": "dtlsstatechange", "state": state.as_str() }),
        PeerEvent::SctpStateChange(state) => json!({ "name": "sctpstatechange", "state": state.as_str() }),
        PeerEvent::DataChannelCreatedByPeer { handle, channel } => json!({
            "name": "datachannel", "channel": handle.0, "id": channel.stream_id, "label": channel.label,
            "protocol": channel.protocol, "ordered": channel.ordered, "maxRetransmits": channel.max_retransmits,
            "maxPacketLifeTime": channel.max_packet_life_time, "priority": channel.priority.as_str(),
        }),
        PeerEvent::DataChannelOpen(h) => json!({ "name": "open", "channel": h.0 }),
        PeerEvent::DataChannelBufferedAmountLow(h) => json!({ "name": "bufferedamountlow", "channel": h.0 }),
        PeerEvent::DataChannelClosing(h) => json!({ "name": "closing", "channel": h.0 }),
        PeerEvent::DataChannelClosed(h) => json!({ "name": "close", "channel": h.0 }),
        PeerEvent::DataChannelError(h, e) => json!({
            "name": "channelerror", "channel": h.0, "errorDetail": e.detail.map(|d| d.as_str()), "message": e.message,
        }),
        // poll_output builds message events itself, without JSON.
        PeerEvent::DataChannelMessage { handle, binary, .. } => {
            json!({ "name": "message", "channel": handle.0, "binary": binary })
        }
        PeerEvent::DtlsError(e) => json!({
            "name": "dtlserror",
            "errorDetail": e.detail.map(|d| d.as_str()),
            "message": e.message,
        }),
    }
}

/// One peer connection's core.
#[wasm_bindgen]
pub struct Core {
    pc: PeerConnection,
}

#[wasm_bindgen]
impl Core {
    /// `bundle_policy` as RTCBundlePolicy; the certificate as DER and its
    /// PKCS#8 key, from an RTCCertificate; `relays` a JSON array of
    /// `{url, username, credential}` (the ws:/wss: iceServers).
    #[wasm_bindgen(constructor)]
    pub fn new(bundle_policy: &str, cert_der: &[u8], key_der: &[u8], relays: &str) -> Result<Core, JsValue> {
        let bundle_policy = match bundle_policy {
            "balanced" => BundlePolicy::Balanced,
            "max-compat" => BundlePolicy::MaxCompat,
            "max-bundle" => BundlePolicy::MaxBundle,
            other => return Err(type_error(format!("'{other}' is not a valid RTCBundlePolicy"))),
        };
        let certificate = Certificate::from_parts(cert_der, key_der).map_err(err)?;
        let relays: Vec<Value> = serde_json::from_str(relays).map_err(|e| type_error(format!("relays: {e}")))?;
        let relays = relays
            .iter()
            .map(|r| Relay {
                url: r["url"].as_str().unwrap_or_default().to_string(),
                username: r["username"].as_str().unwrap_or_default().to_string(),
                credential: r["credential"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        let pc = PeerConnection::new(PeerConfig { bundle_policy, certificate, relays }, random()?);
        Ok(Core { pc })
    }

    #[wasm_bindgen(js_name = createOffer)]
    pub fn create_offer(&mut self, ice_restart: bool) -> Result<String, JsValue> {
        self.pc.create_offer(OfferOptions { ice_restart }).map_err(err)
    }

    #[wasm_bindgen(js_name = createAnswer)]
    pub fn create_answer(&mut self) -> Result<String, JsValue> {
        self.pc.create_answer().map_err(err)
    }

    /// Returns the changes as JSON.
    #[wasm_bindgen(js_name = setLocalDescription)]
    pub fn set_local_description(&mut self, ty: &str, sdp: Option<String>, now_ms: f64) -> Result<String, JsValue> {
        let ty = ty.parse::<SdpType>().map_err(err)?;
        let now = Instant::from_millis_f64(now_ms);
        self.pc.set_local_description(now, ty, sdp.as_deref()).map(|c| changes(&c)).map_err(err)
    }

    /// Returns the changes as JSON.
    #[wasm_bindgen(js_name = setRemoteDescription)]
    pub fn set_remote_description(&mut self, ty: &str, sdp: &str, now_ms: f64) -> Result<String, JsValue> {
        let ty = ty.parse::<SdpType>().map_err(err)?;
        let now = Instant::from_millis_f64(now_ms);
        self.pc.set_remote_description(now, ty, sdp).map(|c| changes(&c)).map_err(err)
    }

    /// addIceCandidate after the API's checks; `candidate` undefined is
    /// the end of candidates.
    #[wasm_bindgen(js_name = addIceCandidate)]
    pub fn add_ice_candidate(
        &mut self,
        candidate: Option<String>,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
        now_ms: f64,
    ) -> Result<(), JsValue> {
        let now = Instant::from_millis_f64(now_ms);
        self.pc.add_ice_candidate(now, candidate.as_deref(), sdp_mid.as_deref(), sdp_m_line_index).map_err(err)
    }

    /// The ICE transport's state as JSON (RTCIceTransport's attributes and
    /// getters), or null before gathering started.
    #[wasm_bindgen(js_name = iceTransport)]
    pub fn ice_transport(&self) -> String {
        let Some(agent) = self.pc.ice() else {
            return "null".into();
        };
        let (ufrag, pwd) = self.pc.jsep().local_ice_credentials();
        let remote = self.pc.jsep().remote_transport();
        json!({
            "state": agent.connection_state().as_str(),
            "gatheringState": agent.gathering_state().as_str(),
            "role": if agent.controlling() { "controlling" } else { "controlled" },
            "localCandidates": agent.local_candidates().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "remoteCandidates": agent.remote_candidates().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "selectedPair": agent.selected_pair().map(|(l, r)| json!({ "local": l.to_string(), "remote": r.to_string() })),
            "localParameters": { "usernameFragment": ufrag, "password": pwd },
            "remoteParameters": remote.map(|r| json!({ "usernameFragment": r.ice_ufrag, "password": r.ice_pwd })),
        })
        .to_string()
    }

    /// getStats: the report's dictionaries as a JSON array.
    pub fn stats(&self, timestamp: f64, now_ms: f64) -> String {
        Value::Array(self.pc.stats(Instant::from_millis_f64(now_ms), timestamp)).to_string()
    }

    /// RTCDtlsTransport.getRemoteCertificates(): one ArrayBuffer of DER each.
    #[wasm_bindgen(js_name = remoteCertificates)]
    pub fn remote_certificates(&self) -> js_sys::Array {
        self.pc
            .remote_certificates()
            .iter()
            .map(|der| JsValue::from(js_sys::Uint8Array::from(der.as_slice()).buffer()))
            .collect()
    }

    #[wasm_bindgen(js_name = handleTunnelOpen)]
    pub fn handle_tunnel_open(&mut self, tunnel: u32, now_ms: f64) {
        self.pc.handle_tunnel_open(Instant::from_millis_f64(now_ms), TunnelId(tunnel));
    }

    #[wasm_bindgen(js_name = handleTunnelClosed)]
    pub fn handle_tunnel_closed(&mut self, tunnel: u32, now_ms: f64) {
        self.pc.handle_tunnel_closed(Instant::from_millis_f64(now_ms), TunnelId(tunnel));
    }

    #[wasm_bindgen(js_name = handleTunnelMessage)]
    pub fn handle_tunnel_message(&mut self, tunnel: u32, message: &[u8], now_ms: f64) {
        self.pc.handle_tunnel_message(Instant::from_millis_f64(now_ms), TunnelId(tunnel), message);
    }

    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(&mut self, now_ms: f64) {
        self.pc.handle_timeout(Instant::from_millis_f64(now_ms));
    }

    /// The next output as a plain object (`{type: 'open'|'close'|
    /// 'transmit'|'event'|'timeout', ...}`), or undefined when drained.
    #[wasm_bindgen(js_name = pollOutput)]
    pub fn poll_output(&mut self) -> Result<JsValue, JsValue> {
        let Some(output) = self.pc.poll_output() else {
            return Ok(JsValue::UNDEFINED);
        };
        let out = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
        match output {
            Output::OpenTunnel { tunnel, url } => {
                set("type", "open".into())?;
                set("tunnel", tunnel.0.into())?;
                set("url", url.into())?;
            }
            Output::CloseTunnel { tunnel } => {
                set("type", "close".into())?;
                set("tunnel", tunnel.0.into())?;
            }
            Output::Transmit { tunnel, data } => {
                set("type", "transmit".into())?;
                set("tunnel", tunnel.0.into())?;
                set("data", js_sys::Uint8Array::from(data.as_slice()).into())?;
            }
            Output::Timeout(at) => {
                set("type", "timeout".into())?;
                set("at", at.as_millis_f64().into())?;
            }
            Output::Event(event) => {
                set("type", "event".into())?;
                let value = match *event {
                    // The hot path: built directly, its bytes copied out once.
                    PeerEvent::DataChannelMessage { handle, binary, data } => {
                        let message = js_sys::Object::new();
                        let put = |k: &str, v: JsValue| js_sys::Reflect::set(&message, &JsValue::from_str(k), &v);
                        put("name", "message".into())?;
                        put("channel", handle.0.into())?;
                        put("binary", binary.into())?;
                        put("data", js_sys::Uint8Array::from(data.as_slice()).into())?;
                        message.into()
                    }
                    other => js_sys::JSON::parse(&peer_event(&other).to_string())?,
                };
                set("event", value)?;
            }
        }
        Ok(out.into())
    }

    /// The negotiated state as JSON: signaling state, the four
    /// descriptions, the transceivers, canTrickleIceCandidates.
    pub fn state(&self) -> String {
        let jsep = self.pc.jsep();
        json!({
            "signalingState": self.pc.signaling_state().as_str(),
            "pendingLocal": description(jsep.pending_local_description()),
            "currentLocal": description(jsep.current_local_description()),
            "pendingRemote": description(jsep.pending_remote_description()),
            "currentRemote": description(jsep.current_remote_description()),
            "transceivers": self.pc.transceivers().iter().map(transceiver).collect::<Vec<_>>(),
            "canTrickleIceCandidates": jsep.remote_ice_trickle(),
        })
        .to_string()
    }

    /// `stream_ids` is a JSON array of strings; `track_id` the sender
    /// track's id, if a track was given.
    #[wasm_bindgen(js_name = addTransceiver)]
    pub fn add_transceiver(
        &mut self,
        kind: &str,
        track_id: Option<String>,
        direction: &str,
        stream_ids: &str,
    ) -> Result<u32, JsValue> {
        let kind = kind.parse::<MediaKind>().map_err(err)?;
        let direction = direction.parse::<TransceiverDirection>().map_err(err)?;
        let stream_ids = parse_stream_ids(stream_ids)?;
        self.pc.add_transceiver(kind, track_id, direction, stream_ids).map(|id| id.0).map_err(err)
    }

    /// Returns the id of the transceiver whose sender now sends the track.
    #[wasm_bindgen(js_name = addTrack)]
    pub fn add_track(&mut self, kind: &str, track_id: String, stream_ids: &str) -> Result<u32, JsValue> {
        let kind = kind.parse::<MediaKind>().map_err(err)?;
        let stream_ids = parse_stream_ids(stream_ids)?;
        self.pc.add_track(kind, track_id, stream_ids).map(|id| id.0).map_err(err)
    }

    #[wasm_bindgen(js_name = removeTrack)]
    pub fn remove_track(&mut self, id: u32) -> Result<(), JsValue> {
        self.pc.remove_track(TransceiverId(id)).map_err(err)
    }

    #[wasm_bindgen(js_name = replaceTrack)]
    pub fn replace_track(&mut self, id: u32, track_id: Option<String>) -> Result<(), JsValue> {
        self.pc.replace_track(TransceiverId(id), track_id).map_err(err)
    }

    #[wasm_bindgen(js_name = setSenderStreams)]
    pub fn set_sender_streams(&mut self, id: u32, stream_ids: &str) -> Result<(), JsValue> {
        let stream_ids = parse_stream_ids(stream_ids)?;
        self.pc.set_sender_streams(TransceiverId(id), stream_ids).map_err(err)
    }

    #[wasm_bindgen(js_name = setDirection)]
    pub fn set_direction(&mut self, id: u32, direction: &str) -> Result<(), JsValue> {
        let direction = direction.parse::<TransceiverDirection>().map_err(err)?;
        self.pc.set_direction(TransceiverId(id), direction).map_err(err)
    }

    #[wasm_bindgen(js_name = stopTransceiver)]
    pub fn stop_transceiver(&mut self, id: u32) -> Result<(), JsValue> {
        self.pc.stop_transceiver(TransceiverId(id)).map_err(err)
    }

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
    ) -> Result<u32, JsValue> {
        let priority = Priority::from_name(priority)
            .ok_or_else(|| type_error(format!("'{priority}' is not a valid RTCPriorityType")))?;
        let init = ChannelInit { label, protocol, ordered, max_retransmits, max_packet_life_time, negotiated, id, priority };
        self.pc.create_data_channel(host_now(), init).map(|h| h.0).map_err(err)
    }

    /// RTCDataChannel.send: the bytes cross once into wasm memory.
    pub fn send(&mut self, channel: u32, binary: bool, data: &[u8], now_ms: f64) -> Result<(), JsValue> {
        self.pc.send(Instant::from_millis_f64(now_ms), ChannelHandle(channel), binary, data).map_err(err)
    }

    /// True when the channel closed at once (the caller fires `close`).
    #[wasm_bindgen(js_name = closeDataChannel)]
    pub fn close_data_channel(&mut self, channel: u32, now_ms: f64) -> bool {
        self.pc.close_data_channel(Instant::from_millis_f64(now_ms), ChannelHandle(channel))
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

    #[wasm_bindgen(js_name = dataChannelState)]
    pub fn data_channel_state(&self, channel: u32) -> String {
        self.pc.data_channel_state(ChannelHandle(channel)).as_str().to_string()
    }

    /// RTCSctpTransport.maxMessageSize (65536 before it exists), for send()
    /// without a JSON round trip per message.
    #[wasm_bindgen(js_name = sctpMaxMessageSize)]
    pub fn sctp_max_message_size(&self) -> f64 {
        self.pc.sctp_max_message_size().unwrap_or(65_536) as f64
    }

    /// RTCSctpTransport's attributes as JSON, or null before it exists.
    pub fn sctp(&self) -> String {
        match self.pc.sctp_state() {
            None => "null".into(),
            Some(state) => json!({
                "state": state.as_str(),
                "maxMessageSize": self.pc.sctp_max_message_size(),
                "maxChannels": self.pc.sctp_max_channels(),
            })
            .to_string(),
        }
    }

    #[wasm_bindgen(js_name = negotiationNeeded)]
    pub fn negotiation_needed(&self) -> bool {
        self.pc.is_negotiation_needed()
    }

    #[wasm_bindgen(js_name = restartIce)]
    pub fn restart_ice(&mut self) {
        self.pc.restart_ice()
    }

    pub fn close(&mut self, now_ms: f64) {
        self.pc.close(Instant::from_millis_f64(now_ms))
    }
}

/// `RTCRtpSender/Receiver.getCapabilities(kind)` (webrtc-pc §5.2): codecs
/// as RTCRtpCodec dictionaries (one `rtx` entry, as Chromium lists it) and
/// header extensions, as JSON.
#[wasm_bindgen(js_name = codecCapabilities)]
pub fn codec_capabilities(kind: &str) -> Result<String, JsValue> {
    let kind = kind.parse::<MediaKind>().map_err(err)?;
    let (codecs, extensions) = crate::jsep::capabilities(kind);
    let mut seen_rtx = false;
    let codecs: Vec<Value> = codecs
        .iter()
        .filter(|c| !c.is_rtx() || !std::mem::replace(&mut seen_rtx, true))
        .map(|c| {
            let mut codec = json!({
                "mimeType": format!("{}/{}", kind.as_str(), c.name),
                "clockRate": c.clock_rate,
            });
            // An audio rtpmap without channels means one (RFC 8866 §6.6).
            if let Some(channels) = c.channels.or((kind == MediaKind::Audio).then_some(1)) {
                codec["channels"] = json!(channels);
            }
            if let Some(fmtp) = c.fmtp.as_ref().filter(|_| !c.is_rtx()) {
                codec["sdpFmtpLine"] = json!(fmtp);
            }
            codec
        })
        .collect();
    let extensions: Vec<Value> = extensions.iter().map(|uri| json!({ "uri": uri })).collect();
    Ok(json!({ "codecs": codecs, "headerExtensions": extensions }).to_string())
}

/// The candidate-attribute grammar (RFC 8839 §5.1) for RTCIceCandidate:
/// its fields as a plain object.
#[wasm_bindgen(js_name = parseCandidate)]
pub fn parse_candidate(candidate: &str) -> Result<JsValue, JsValue> {
    let c = Candidate::parse(candidate).map_err(|e| err(e.into()))?;
    let value = json!({
        "foundation": c.foundation,
        "component": c.component,
        "protocol": c.transport,
        "priority": c.priority,
        "address": c.address,
        "port": c.port,
        "type": c.typ,
        "tcpType": c.tcp_type,
        "relatedAddress": c.rel_addr,
        "relatedPort": c.rel_port,
    });
    js_sys::JSON::parse(&value.to_string())
}

/// A new ECDSA P-256 certificate (webrtc-pc §4.9): `{der, key, expires,
/// fingerprint}` with the sha-256 fingerprint in lowercase hex pairs, as
/// RTCCertificate.getFingerprints() gives it.
#[wasm_bindgen(js_name = generateCertificate)]
pub fn generate_certificate(now_ms: f64, expires_ms: f64) -> Result<JsValue, JsValue> {
    let mut random = random()?;
    let cert = Certificate::generate_ecdsa_p256(&mut random, now_ms.max(0.0) as u64, expires_ms.max(0.0) as u64)
        .map_err(err)?;
    certificate_object(&cert)
}

/// A new RSA certificate (webrtc-pc §4.9, `RSASSA-PKCS1-v1_5` with SHA-256):
/// `modulus_length` bits, `public_exponent` as a number; NotSupportedError
/// for what native Chromium refuses (see `Certificate::generate_rsa`). The
/// same `{der, key, expires, fingerprint}` as `generateCertificate`.
#[wasm_bindgen(js_name = generateRsaCertificate)]
pub fn generate_rsa_certificate(
    now_ms: f64,
    expires_ms: f64,
    modulus_length: u32,
    public_exponent: f64,
) -> Result<JsValue, JsValue> {
    let mut random = random()?;
    let cert = Certificate::generate_rsa(
        &mut random,
        modulus_length as usize,
        public_exponent.max(0.0) as u64,
        now_ms.max(0.0) as u64,
        expires_ms.max(0.0) as u64,
    )
    .map_err(err)?;
    certificate_object(&cert)
}

fn certificate_object(cert: &Certificate) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    set("der", js_sys::Uint8Array::from(cert.der()).into())?;
    set("key", js_sys::Uint8Array::from(cert.private_key_pkcs8_der().as_slice()).into())?;
    set("expires", JsValue::from_f64(cert.expires_ms() as f64))?;
    set("fingerprint", JsValue::from_str(&format_fingerprint(&cert.fingerprint_sha256(), false)))?;
    Ok(out.into())
}
