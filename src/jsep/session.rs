//! The JSEP session: the signaling state machine (RFC 8829 §3.2, §4.1.8;
//! webrtc-pc §4.3.1), the four descriptions, and the calls that create and
//! set them (webrtc-pc §4.4.2).

use std::collections::BTreeSet;

use crate::dtls::DtlsRole;
use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::SessionDescription;

use super::transceiver::Transceiver;
use super::transport::{IceCredentials, ICE_CHARS};
use super::types::{DescriptionChanges, JsepConfig, OfferOptions, SdpType, SignalingState, TransceiverId};

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
    /// The header extensions' negotiated `(id, uri)`s, one ID per URI for
    /// every bundled section and later offers (RFC 8843 §9.1, RFC 8829 §5.2.2).
    pub(super) header_extension_ids: Vec<(u16, String)>,
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
            header_extension_ids: Vec::new(),
            sctp_negotiated: false,
        }
    }

    pub(super) fn check_open(&self) -> Result<(), RtcError> {
        if self.closed {
            Err(RtcError::invalid_state("the RTCPeerConnection is closed"))
        } else {
            Ok(())
        }
    }

    /// A description the app hands to setLocalDescription. webrtc-pc
    /// (§4.4.1.6) wants the very text createOffer/createAnswer made, but
    /// Chromium applies edited ("munged") SDP — simple-peer and many apps
    /// rely on it — and refuses only one that is not ours: a section whose
    /// fingerprint is not our certificate's. So do we; text that does not
    /// parse stays an `sdp-syntax-error`.
    fn own_description(&self, text: &str) -> Result<SessionDescription, RtcError> {
        let not_ours = || RtcError::invalid_modification("The SDP does not match the previously generated SDP for this type");
        let description = SessionDescription::parse(text)?;
        let ours = |hash: &str, digest: &[u8]| self.config.fingerprints.iter().any(|(h, d)| h.eq_ignore_ascii_case(hash) && d == digest);
        let all_ours = description
            .media
            .iter()
            .filter(|m| !m.is_rejected())
            .all(|m| super::media::fingerprints(&description, m).iter().all(|(h, d)| ours(h, d)));
        if all_ours {
            Ok(description)
        } else {
            Err(not_ours())
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

    /// The CNAME the descriptions' `a=ssrc` lines carry, for RTCP's SDES.
    pub fn cname(&self) -> &str {
        &self.cname
    }

    pub fn signaling_state(&self) -> SignalingState {
        if self.closed {
            SignalingState::Closed
        } else {
            self.state
        }
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
        // Checked before the signaling state, as Chromium does.
        let given = match sdp.filter(|s| ty != SdpType::Rollback && !s.trim().is_empty()) {
            Some(text) => Some(self.own_description(text)?),
            None => None,
        };
        if !self.valid_for_state(ty, false) {
            return Err(self.invalid_state_for(ty, false));
        }
        let before = self.state;
        let mut changes = if ty == SdpType::Rollback {
            self.rollback()
        } else {
            let description = match given {
                Some(description) => description,
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
}
