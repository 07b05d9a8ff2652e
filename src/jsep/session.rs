//! The JSEP session: the signaling state machine (RFC 8829 §3.2, §4.1.8;
//! webrtc-pc §4.3.1), the four descriptions, the set of transceivers and
//! the operations that change them (webrtc-pc §4.4.2 addTrack/removeTrack,
//! §5.1 addTransceiver, §5.4 direction and stop()).

use std::collections::BTreeSet;

use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::{Candidate, SessionDescription};

use super::media;
use super::transceiver::{Transceiver, TransceiverState};
use super::types::{
    DescriptionChanges, JsepConfig, MediaKind, OfferOptions, SdpType, SignalingState, TransceiverDirection,
    TransceiverId,
};

/// ICE characters (RFC 8839 §5.4 `ice-char`).
const ICE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `a=ice-ufrag` / `a=ice-pwd`: at least 4 and 22 characters (RFC 8839
/// §5.4); we draw 4 to 7 and 24, as Chromium's 4 and 24 are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IceCredentials {
    pub ufrag: String,
    pub pwd: String,
}

impl IceCredentials {
    fn draw(random: &mut Random) -> IceCredentials {
        let ufrag_len = 4 + (random.next_u32() % 4) as usize;
        IceCredentials { ufrag: random.string_from(ICE_CHARS, ufrag_len), pwd: random.string_from(ICE_CHARS, 24) }
    }
}

/// Our DTLS role once an answer fixed it (RFC 8842 §5): `a=setup:active`
/// makes that side the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DtlsRole {
    Client,
    Server,
}

/// The remote end of the (bundled) transport, for the ICE and DTLS layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTransport {
    pub ice_ufrag: String,
    pub ice_pwd: String,
    pub ice_lite: bool,
    /// (hash function, digest) per `a=fingerprint`: the certificate the
    /// DTLS handshake must present.
    pub fingerprints: Vec<(String, Vec<u8>)>,
    /// Candidates written into the description (trickled ones come apart).
    pub candidates: Vec<Candidate>,
    pub end_of_candidates: bool,
}

/// The SCTP association the descriptions negotiated (RFC 8841).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SctpParameters {
    pub local_port: u16,
    pub remote_port: u16,
    /// The remote `a=max-message-size`, 65536 when absent (RFC 8841 §6.1).
    pub remote_max_message_size: u64,
}

/// Our SCTP port and `a=max-message-size`, the values both browsers use.
pub(super) const SCTP_PORT: u16 = 5000;
pub(super) const MAX_MESSAGE_SIZE: u64 = 262_144;

/// An applied description: its type and its parsed form (serialized again
/// on read, as Chromium does).
#[derive(Debug, Clone)]
pub(super) struct Description {
    pub ty: SdpType,
    pub sdp: SessionDescription,
}

/// The data channel `m=` section: wanted once a channel was created, and
/// its mid once an applied description has one.
#[derive(Debug, Clone, Default)]
pub(super) struct DataSection {
    pub wanted: bool,
    pub mid: Option<String>,
    pub reserved_mid: Option<String>,
}

/// What rollback restores (webrtc-pc §4.4.1.5, the [[LastStableState*]]
/// slots), taken when leaving `stable`.
#[derive(Debug, Clone)]
pub(super) struct StableSnapshot {
    /// The transceivers that existed, with their [[Mid]] and remote streams.
    pub transceivers: Vec<(TransceiverId, Option<String>, Vec<String>)>,
    pub data_mid: Option<String>,
}

/// One peer's JSEP state. All randomness comes from the `Random` passed in.
pub struct Session {
    pub(super) config: JsepConfig,
    pub(super) closed: bool,
    pub(super) state: SignalingState,
    pub(super) session_id: u64,
    pub(super) cname: String,
    /// The stream remote tracks join when the remote signals no MSIDs.
    pub(super) default_stream_id: String,
    /// The credentials our next description carries.
    pub(super) local_ice: IceCredentials,
    /// [[LocalIceCredentialsToReplace]]: set by restartIce.
    pub(super) ice_to_replace: Option<IceCredentials>,
    /// The pending remote offer restarts ICE, so our answer must too
    /// (RFC 8829 §5.4, RFC 8445 §9).
    pub(super) remote_ice_restart: bool,
    pub(super) transceivers: Vec<Transceiver>,
    pub(super) next_transceiver_id: u32,
    /// Every mid seen or handed out, so none is reused (RFC 8829 §5.2.1).
    pub(super) used_mids: BTreeSet<String>,
    pub(super) data: DataSection,
    pub(super) current_local: Option<Description>,
    pub(super) pending_local: Option<Description>,
    pub(super) current_remote: Option<Description>,
    pub(super) pending_remote: Option<Description>,
    pub(super) stable: Option<StableSnapshot>,
    pub(super) dtls_role: Option<DtlsRole>,
    pub(super) ice_controlling: Option<bool>,
    /// The id the mid header extension was negotiated with: every bundled
    /// section must use the same one (RFC 8285 §6, RFC 8843 §9.1).
    pub(super) mid_extension_id: Option<u16>,
    /// An answer accepted the data section ([[SctpTransport]] is set).
    pub(super) sctp_negotiated: bool,
}

/// A random (version 4) UUID, the form track and stream ids take.
pub(super) fn uuid(random: &mut Random) -> String {
    let mut b = [0u8; 16];
    random.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    // The hex string is 32 ASCII characters, so these ranges are in bounds.
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

impl Session {
    /// A session with fresh ICE credentials, session id and CNAME.
    pub fn new(config: JsepConfig, random: &mut Random) -> Session {
        Session {
            config,
            closed: false,
            state: SignalingState::Stable,
            // `o=` sess-id: 63 bits, so it reads as a signed 64-bit number
            // too (RFC 8829 §5.2.1).
            session_id: random.next_u64() >> 1,
            cname: random.string_from(ICE_CHARS, 16),
            default_stream_id: uuid(random),
            local_ice: IceCredentials::draw(random),
            ice_to_replace: None,
            remote_ice_restart: false,
            transceivers: Vec::new(),
            next_transceiver_id: 0,
            used_mids: BTreeSet::new(),
            data: DataSection::default(),
            current_local: None,
            pending_local: None,
            current_remote: None,
            pending_remote: None,
            stable: None,
            dtls_role: None,
            ice_controlling: None,
            mid_extension_id: None,
            sctp_negotiated: false,
        }
    }

    fn check_open(&self) -> Result<(), RtcError> {
        if self.closed {
            Err(RtcError::invalid_state("the RTCPeerConnection is closed"))
        } else {
            Ok(())
        }
    }

    /// setConfiguration (webrtc-pc §4.4.1.7): the bundle policy and the
    /// certificates cannot change.
    pub fn set_config(&mut self, config: JsepConfig) -> Result<(), RtcError> {
        self.check_open()?;
        if config.bundle_policy != self.config.bundle_policy {
            return Err(RtcError::invalid_modification("the bundlePolicy cannot change"));
        }
        if config.fingerprints != self.config.fingerprints {
            return Err(RtcError::invalid_modification("the certificates cannot change"));
        }
        self.config = config;
        Ok(())
    }

    pub fn signaling_state(&self) -> SignalingState {
        if self.closed {
            SignalingState::Closed
        } else {
            self.state
        }
    }

    fn draw_ssrc(&self, random: &mut Random) -> u32 {
        loop {
            let ssrc = random.next_u32();
            let taken = self.transceivers.iter().any(|t| t.ssrc == ssrc || t.rtx_ssrc == Some(ssrc));
            if ssrc != 0 && !taken {
                return ssrc;
            }
        }
    }

    /// "Create an RTCRtpTransceiver" (webrtc-pc §5.4) with a sender and a
    /// receiver of `kind`; not yet in the set of transceivers.
    pub(super) fn new_transceiver(
        &mut self,
        kind: MediaKind,
        direction: TransceiverDirection,
        track_id: Option<String>,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Transceiver {
        let id = TransceiverId(self.next_transceiver_id);
        self.next_transceiver_id = self.next_transceiver_id.wrapping_add(1);
        let ssrc = self.draw_ssrc(random);
        let rtx_ssrc = match kind {
            MediaKind::Video => loop {
                let candidate = self.draw_ssrc(random);
                if candidate != ssrc {
                    break Some(candidate);
                }
            },
            MediaKind::Audio => None,
        };
        let sender_msid_track_id = match &track_id {
            Some(track) => track.clone(),
            None => uuid(random),
        };
        let mut unique_streams: Vec<String> = Vec::new();
        for stream in stream_ids {
            if !unique_streams.contains(&stream) {
                unique_streams.push(stream);
            }
        }
        Transceiver {
            id,
            kind,
            mid: None,
            reserved_mid: None,
            direction,
            current_direction: None,
            fired_direction: None,
            receptive: false,
            stopping: false,
            stopped: false,
            created_by_add_track: false,
            add_track_attached: false,
            has_sent: false,
            sender_stream_ids: unique_streams,
            sender_track_id: track_id,
            sender_msid_track_id,
            ssrc,
            rtx_ssrc,
            receiver_track_id: uuid(random),
            remote_stream_ids: Vec::new(),
            remote_ssrcs: Vec::new(),
            codecs: Vec::new(),
            header_extensions: Vec::new(),
        }
    }

    /// addTransceiver(kind, init) (webrtc-pc §5.1).
    pub fn add_transceiver(
        &mut self,
        kind: MediaKind,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.add_transceiver_with_track(kind, None, direction, stream_ids, random)
    }

    /// addTransceiver(track, init): as [`Session::add_transceiver`], the
    /// sender starting with `track_id` (which `a=msid` then names).
    pub fn add_transceiver_with_track(
        &mut self,
        kind: MediaKind,
        track_id: Option<String>,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.check_open()?;
        if direction == TransceiverDirection::Stopped {
            return Err(RtcError::type_error("a new transceiver cannot be stopped"));
        }
        let transceiver = self.new_transceiver(kind, direction, track_id, stream_ids, random);
        let id = transceiver.id;
        self.transceivers.push(transceiver);
        Ok(id)
    }

    /// addTrack(track, ...streams) (webrtc-pc §4.4.2): reuses a transceiver
    /// of the same kind whose sender has no track and never sent, else
    /// adds a sendrecv one.
    pub fn add_track(
        &mut self,
        kind: MediaKind,
        track_id: String,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.check_open()?;
        if self.transceivers.iter().any(|t| !t.stopped && t.sender_track_id.as_deref() == Some(track_id.as_str())) {
            return Err(RtcError::invalid_access("a sender for this track already exists"));
        }
        let reusable = self
            .transceivers
            .iter_mut()
            .find(|t| !t.stopped && t.sender_track_id.is_none() && t.kind == kind && !t.stopping && !t.has_sent);
        if let Some(t) = reusable {
            t.sender_track_id = Some(track_id);
            t.sender_stream_ids.clear();
            for stream in stream_ids {
                if !t.sender_stream_ids.contains(&stream) {
                    t.sender_stream_ids.push(stream);
                }
            }
            t.direction = match t.direction {
                TransceiverDirection::RecvOnly => TransceiverDirection::SendRecv,
                TransceiverDirection::Inactive => TransceiverDirection::SendOnly,
                other => other,
            };
            t.add_track_attached = true;
            return Ok(t.id);
        }
        let mut transceiver =
            self.new_transceiver(kind, TransceiverDirection::SendRecv, Some(track_id), stream_ids, random);
        transceiver.created_by_add_track = true;
        transceiver.add_track_attached = true;
        let id = transceiver.id;
        self.transceivers.push(transceiver);
        Ok(id)
    }

    fn transceiver_mut(&mut self, id: TransceiverId) -> Option<&mut Transceiver> {
        self.transceivers.iter_mut().find(|t| t.id == id)
    }

    /// removeTrack(sender) (webrtc-pc §4.4.2).
    pub fn remove_track(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.check_open()?;
        let Some(t) = self.transceiver_mut(id) else { return Ok(()) };
        if t.stopping || t.stopped || t.sender_track_id.is_none() {
            return Ok(());
        }
        t.sender_track_id = None;
        t.direction = match t.direction {
            TransceiverDirection::SendRecv => TransceiverDirection::RecvOnly,
            TransceiverDirection::SendOnly => TransceiverDirection::Inactive,
            other => other,
        };
        Ok(())
    }

    /// replaceTrack (webrtc-pc §5.2): the sender's track changes without
    /// renegotiation.
    pub fn replace_track(&mut self, id: TransceiverId, track_id: Option<String>) -> Result<(), RtcError> {
        self.check_open()?;
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopped"));
        }
        t.sender_track_id = track_id;
        Ok(())
    }

    /// setStreams (webrtc-pc §5.2): the sender's [[AssociatedMediaStreamIds]].
    pub fn set_sender_streams(&mut self, id: TransceiverId, stream_ids: Vec<String>) -> Result<(), RtcError> {
        self.check_open()?;
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopped"));
        }
        t.sender_stream_ids.clear();
        for stream in stream_ids {
            if !t.sender_stream_ids.contains(&stream) {
                t.sender_stream_ids.push(stream);
            }
        }
        Ok(())
    }

    /// The `direction` setter (webrtc-pc §5.4).
    pub fn set_direction(&mut self, id: TransceiverId, direction: TransceiverDirection) -> Result<(), RtcError> {
        // A removed transceiver is stopped, and so is every one after close().
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopping"));
        }
        if direction == t.direction {
            return Ok(());
        }
        if direction == TransceiverDirection::Stopped {
            return Err(RtcError::type_error("use stop() to stop a transceiver"));
        }
        t.direction = direction;
        Ok(())
    }

    /// stop() (webrtc-pc §5.4). A transceiver no applied description has
    /// an `m=` section for has nothing to negotiate: it is stopped at once
    /// and leaves the set at the end of the next negotiation, as in Chromium.
    pub fn stop_transceiver(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.check_open()?;
        let Some(t) = self.transceiver_mut(id) else { return Ok(()) };
        if t.stopping {
            return Ok(());
        }
        t.stop_sending_and_receiving();
        if t.mid.is_none() {
            t.stop();
        }
        Ok(())
    }

    /// getTransceivers(): every transceiver in the set, in insertion order.
    pub fn transceivers(&self) -> Vec<TransceiverState> {
        self.transceivers.iter().map(Transceiver::state).collect()
    }

    /// The first createDataChannel: an `m=application` section is wanted.
    pub fn add_data_channel(&mut self) {
        self.data.wanted = true;
    }

    /// createOffer (webrtc-pc §4.4.2, RFC 8829 §5.2).
    pub fn create_offer(&mut self, options: OfferOptions, random: &mut Random) -> Result<String, RtcError> {
        self.check_open()?;
        if !matches!(self.state, SignalingState::Stable | SignalingState::HaveLocalOffer) {
            return Err(RtcError::invalid_state(format!("cannot create an offer in {}", self.state)));
        }
        Ok(self.build_offer(options, random).to_string())
    }

    /// createAnswer (webrtc-pc §4.4.2, RFC 8829 §5.3).
    pub fn create_answer(&mut self, random: &mut Random) -> Result<String, RtcError> {
        self.check_open()?;
        if !matches!(self.state, SignalingState::HaveRemoteOffer | SignalingState::HaveLocalPranswer) {
            return Err(RtcError::invalid_state(format!("cannot create an answer in {}", self.state)));
        }
        Ok(self.build_answer(random)?.to_string())
    }

    /// Whether `ty` may be applied as a local (or remote) description in the
    /// current state (RFC 8829 §5.5, §5.6).
    fn valid_for_state(&self, ty: SdpType, remote: bool) -> bool {
        use SignalingState::*;
        match (ty, remote) {
            (SdpType::Offer, false) => matches!(self.state, Stable | HaveLocalOffer),
            (SdpType::Offer, true) => matches!(self.state, Stable | HaveRemoteOffer),
            (SdpType::Answer | SdpType::Pranswer, false) => matches!(self.state, HaveRemoteOffer | HaveLocalPranswer),
            (SdpType::Answer | SdpType::Pranswer, true) => matches!(self.state, HaveLocalOffer | HaveRemotePranswer),
            (SdpType::Rollback, _) => matches!(self.state, HaveLocalOffer | HaveRemoteOffer),
        }
    }

    fn invalid_state_for(&self, ty: SdpType, remote: bool) -> RtcError {
        let side = if remote { "remote" } else { "local" };
        RtcError::invalid_state(format!("cannot set a {side} {ty} in state {}", self.state))
    }

    /// setLocalDescription (webrtc-pc §4.4.2). `sdp` None or empty creates
    /// the offer or answer first; other SDP is applied as given (Chromium
    /// accepts a modified offer or answer when it is valid for the state).
    pub fn set_local_description(
        &mut self,
        ty: SdpType,
        sdp: Option<&str>,
        random: &mut Random,
    ) -> Result<DescriptionChanges, RtcError> {
        self.check_open()?;
        if !self.valid_for_state(ty, false) {
            return Err(self.invalid_state_for(ty, false));
        }
        let before = self.state;
        let mut changes = if ty == SdpType::Rollback {
            self.rollback()
        } else {
            let description = match sdp.filter(|s| !s.trim().is_empty()) {
                Some(text) => SessionDescription::parse(text)?,
                None if ty == SdpType::Offer => self.build_offer(OfferOptions::default(), random),
                None => self.build_answer(random)?,
            };
            self.apply_local(ty, description)?
        };
        changes.signaling_state_changed = self.state != before;
        Ok(changes)
    }

    /// setRemoteDescription (webrtc-pc §4.4.2). An offer in
    /// `have-local-offer` first rolls the local offer back (§4.4.1.6); its
    /// effects are in `implicit_rollback`, and stay even if the offer is
    /// then refused (callers wanting those events on failure apply
    /// `Rollback` themselves first).
    pub fn set_remote_description(
        &mut self,
        ty: SdpType,
        sdp: &str,
        random: &mut Random,
    ) -> Result<DescriptionChanges, RtcError> {
        self.check_open()?;
        let mut implicit_rollback = None;
        if ty == SdpType::Offer && !self.valid_for_state(ty, true) {
            if !self.valid_for_state(SdpType::Rollback, false) {
                return Err(self.invalid_state_for(ty, true));
            }
            let mut rolled_back = self.rollback();
            rolled_back.signaling_state_changed = true;
            implicit_rollback = Some(Box::new(rolled_back));
        }
        if !self.valid_for_state(ty, true) {
            return Err(self.invalid_state_for(ty, true));
        }
        let before = self.state;
        let mut changes = if ty == SdpType::Rollback {
            self.rollback()
        } else {
            let description = SessionDescription::parse(sdp)?;
            self.apply_remote(ty, description, random)?
        };
        changes.signaling_state_changed = self.state != before;
        changes.implicit_rollback = implicit_rollback;
        Ok(changes)
    }

    fn described(description: &Option<Description>) -> Option<(SdpType, String)> {
        description.as_ref().map(|d| (d.ty, d.sdp.to_string()))
    }

    /// `localDescription`: the pending one if any, else the current one.
    pub fn local_description(&self) -> Option<(SdpType, String)> {
        Self::described(if self.pending_local.is_some() { &self.pending_local } else { &self.current_local })
    }

    pub fn current_local_description(&self) -> Option<(SdpType, String)> {
        Self::described(&self.current_local)
    }

    pub fn pending_local_description(&self) -> Option<(SdpType, String)> {
        Self::described(&self.pending_local)
    }

    /// `remoteDescription`: the pending one if any, else the current one.
    pub fn remote_description(&self) -> Option<(SdpType, String)> {
        Self::described(if self.pending_remote.is_some() { &self.pending_remote } else { &self.current_remote })
    }

    pub fn current_remote_description(&self) -> Option<(SdpType, String)> {
        Self::described(&self.current_remote)
    }

    pub fn pending_remote_description(&self) -> Option<(SdpType, String)> {
        Self::described(&self.pending_remote)
    }

    pub(super) fn latest_remote(&self) -> Option<&Description> {
        self.pending_remote.as_ref().or(self.current_remote.as_ref())
    }

    pub(super) fn latest_local(&self) -> Option<&Description> {
        self.pending_local.as_ref().or(self.current_local.as_ref())
    }

    /// restartIce (webrtc-pc §4.4.2): the credentials of the local
    /// descriptions are to be replaced, so the next offer draws new ones
    /// (RFC 8829 §5.2.1) and negotiation is needed.
    pub fn restart_ice(&mut self) {
        if self.closed {
            return;
        }
        let in_use = [&self.current_local, &self.pending_local].into_iter().flatten().find_map(|d| {
            d.sdp
                .media
                .iter()
                .find_map(|m| media::ice_credentials(&d.sdp, m))
                .map(|(ufrag, pwd)| IceCredentials { ufrag, pwd })
        });
        if in_use.is_some() {
            self.ice_to_replace = in_use;
        }
    }

    /// Whether our credentials already appear in an applied local description.
    pub(super) fn local_ice_in_use(&self) -> bool {
        [&self.current_local, &self.pending_local].into_iter().flatten().any(|d| {
            d.sdp
                .media
                .iter()
                .any(|m| media::ice_credentials(&d.sdp, m).is_some_and(|(ufrag, _)| ufrag == self.local_ice.ufrag))
        })
    }

    /// Draws new local credentials unless the current ones are still unused.
    pub(super) fn refresh_ice(&mut self, random: &mut Random) {
        if self.local_ice_in_use() {
            self.local_ice = IceCredentials::draw(random);
        }
    }

    /// close() (webrtc-pc §4.4.1.9): every transceiver stops and the
    /// signaling state is `closed`.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        for t in &mut self.transceivers {
            t.stop();
        }
    }

    /// `canTrickleIceCandidates`: null before a remote description, then
    /// whether it has `a=ice-options:trickle` (RFC 8840 §4.1.1).
    pub fn remote_ice_trickle(&self) -> Option<bool> {
        let remote = &self.latest_remote()?.sdp;
        let trickle = match remote.media.first() {
            Some(first) => media::has_trickle(remote, first),
            None => remote
                .attributes
                .iter()
                .any(|a| matches!(a, crate::sdp::Attribute::IceOptions(o) if o.iter().any(|x| x == "trickle"))),
        };
        Some(trickle)
    }

    /// The ufrag and password of our latest applied local description
    /// (or of the next one, before any).
    pub fn local_ice_credentials(&self) -> (String, String) {
        self.latest_local()
            .and_then(|d| {
                let first = transport_section(&d.sdp)?;
                media::ice_credentials(&d.sdp, first)
            })
            .unwrap_or_else(|| (self.local_ice.ufrag.clone(), self.local_ice.pwd.clone()))
    }

    /// The remote side of the transport (the BUNDLE transport, else the
    /// first section in use), from the latest remote description.
    pub fn remote_transport(&self) -> Option<RemoteTransport> {
        let remote = &self.latest_remote()?.sdp;
        let section = transport_section(remote)?;
        let (ice_ufrag, ice_pwd) = media::ice_credentials(remote, section)?;
        Some(RemoteTransport {
            ice_ufrag,
            ice_pwd,
            ice_lite: remote.ice_lite(),
            fingerprints: media::fingerprints(remote, section),
            candidates: section
                .attributes
                .iter()
                .filter_map(|a| match a {
                    crate::sdp::Attribute::Candidate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect(),
            end_of_candidates: section.attributes.iter().any(|a| matches!(a, crate::sdp::Attribute::EndOfCandidates)),
        })
    }

    /// Our DTLS role, once an answer (or pranswer) fixed it.
    pub fn dtls_role(&self) -> Option<DtlsRole> {
        self.dtls_role
    }

    /// The ICE role ([[IceRole]], webrtc-pc §4.4.1.5): controlling if our
    /// offer came first (or the remote is ice-lite); set once.
    pub fn ice_controlling(&self) -> Option<bool> {
        self.ice_controlling
    }

    /// The negotiated SCTP association, once an answer accepted it.
    pub fn sctp_parameters(&self) -> Option<SctpParameters> {
        if !self.sctp_negotiated {
            return None;
        }
        let remote = &self.current_remote.as_ref().or(self.pending_remote.as_ref())?.sdp;
        let section =
            remote.media.iter().find(|m| media::section_kind(m) == media::SectionKind::Data && !m.is_rejected())?;
        Some(SctpParameters {
            local_port: SCTP_PORT,
            remote_port: section.sctp_port().unwrap_or(SCTP_PORT),
            remote_max_message_size: section.max_message_size().unwrap_or(65_536),
        })
    }
}

/// The section whose transport carries the session: the first mid of the
/// first BUNDLE group (RFC 8843 §7.2.1), else the first section in use.
pub(super) fn transport_section(sdp: &SessionDescription) -> Option<&crate::sdp::MediaDescription> {
    let tagged = sdp
        .bundle_groups()
        .next()
        .and_then(|mids| mids.first())
        .and_then(|tag| sdp.media.iter().find(|m| m.mid() == Some(tag.as_str()) && !m.is_rejected()));
    tagged.or_else(|| sdp.media.iter().find(|m| !m.is_rejected()))
}
