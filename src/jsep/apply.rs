//! Applying descriptions: "set the RTCSessionDescription" (webrtc-pc
//! §4.4.1.5) over RFC 8829 §5.9 (local) and §5.10 (remote). Validation
//! (`validate`) comes first and changes nothing, so a refused description
//! leaves the session as it was.

use crate::dtls::DtlsRole;
use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::{SessionDescription, Setup};

use super::codecs::codecs_of;
use super::header_extensions;
use super::media::{self, SectionKind};
use super::remote_tracks::{process_remote_tracks, set_associated_remote_streams};
use super::session::{Description, Session, StableSnapshot};
use super::transport::{ice_of, transport_section};
use super::types::{DescriptionChanges, MediaKind, SdpType, SignalingState, TransceiverDirection};
use super::validate::{rejected_in, validate_answer, validate_mids, validate_transport};

fn section_direction(sdp: &SessionDescription, m: &crate::sdp::MediaDescription) -> TransceiverDirection {
    if m.is_rejected() {
        TransceiverDirection::Inactive
    } else {
        TransceiverDirection::from_sdp(media::direction(sdp, m))
    }
}

impl Session {
    fn snapshot_if_stable(&mut self) {
        if self.state != SignalingState::Stable {
            return;
        }
        self.stable = Some(StableSnapshot {
            transceivers: self
                .transceivers
                .iter()
                .map(|t| (t.id, t.mid.clone(), t.remote_stream_ids.clone()))
                .collect(),
            data_mid: self.data.mid.clone(),
        });
    }

    pub(super) fn apply_local(&mut self, ty: SdpType, sdp: SessionDescription) -> Result<DescriptionChanges, RtcError> {
        validate_mids(&sdp)?;
        validate_transport(&sdp, ty != SdpType::Offer)?;
        match ty {
            SdpType::Offer => {
                self.validate_local_offer(&sdp)?;
                Ok(self.apply_local_offer(sdp))
            }
            _ => {
                let offer = self
                    .pending_remote
                    .as_ref()
                    .map(|d| &d.sdp)
                    .ok_or_else(|| RtcError::invalid_state("no remote offer to answer"))?;
                validate_answer(&sdp, offer)?;
                Ok(self.apply_local_answer(ty, sdp))
            }
        }
    }

    /// The local branch for media descriptions of an offer: association
    /// and [[Receptive]].
    fn apply_local_offer(&mut self, sdp: SessionDescription) -> DescriptionChanges {
        self.snapshot_if_stable();
        for m in &sdp.media {
            let Some(mid) = m.mid() else { continue };
            self.used_mids.insert(mid.to_string());
            match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    let direction = section_direction(&sdp, m);
                    let Some(t) = self.transceivers.iter_mut().find(|t| t.kind == kind && t.jsep_mid() == Some(mid))
                    else {
                        continue;
                    };
                    t.mid = Some(mid.to_string());
                    t.reserved_mid = None;
                    if !t.stopped {
                        t.receptive = direction.has_recv();
                    }
                }
                SectionKind::Data if !m.is_rejected() && self.data.reserved_mid.as_deref() == Some(mid) => {
                    self.data.mid = Some(mid.to_string());
                    self.data.reserved_mid = None;
                }
                _ => {}
            }
        }
        if let Some(ice) = ice_of(&sdp) {
            self.local_ice = ice;
        }
        if self.ice_controlling.is_none() {
            self.ice_controlling = Some(true);
        }
        self.pending_local = Some(Description { ty: SdpType::Offer, sdp });
        self.state = SignalingState::HaveLocalOffer;
        DescriptionChanges::default()
    }

    fn apply_local_answer(&mut self, ty: SdpType, sdp: SessionDescription) -> DescriptionChanges {
        let mut changes = DescriptionChanges::default();
        let mut data_accepted = None;
        for m in &sdp.media {
            let Some(mid) = m.mid() else { continue };
            match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    let direction = section_direction(&sdp, m);
                    let Some(t) =
                        self.transceivers.iter_mut().find(|t| t.kind == kind && t.mid.as_deref() == Some(mid))
                    else {
                        continue;
                    };
                    if t.stopped {
                        continue;
                    }
                    t.receptive = direction.has_recv();
                    t.codecs = codecs_of(m);
                    t.header_extensions = media::extmaps(m);
                    if ty == SdpType::Answer {
                        if !direction.has_recv() && t.fired_direction.is_some_and(TransceiverDirection::has_recv) {
                            set_associated_remote_streams(t, Vec::new(), &mut changes);
                            changes.tracks_removed.push(t.id);
                        }
                        t.set_current_direction(direction);
                        t.fired_direction = Some(direction);
                    }
                    // Our own answer rejected it (no codec in common): stop
                    // it, as Chromium does, or it would need negotiation
                    // forever.
                    if m.is_rejected() {
                        t.stop();
                        changes.stopped_transceivers.push(t.id);
                    }
                }
                SectionKind::Data if self.data.mid.as_deref() == Some(mid) => {
                    data_accepted = Some(!m.is_rejected());
                }
                _ => {}
            }
        }
        self.note_dtls_role(&sdp, false);
        if let Some(ice) = ice_of(&sdp) {
            self.local_ice = ice;
        }
        self.note_sctp(data_accepted, &mut changes);
        let description = Description { ty, sdp };
        if ty == SdpType::Answer {
            self.current_local = Some(description);
            self.current_remote = self.pending_remote.take();
            self.pending_local = None;
            self.finish_negotiation(&mut changes);
        } else {
            self.pending_local = Some(description);
            self.state = SignalingState::HaveLocalPranswer;
        }
        changes
    }

    pub(super) fn apply_remote(
        &mut self,
        ty: SdpType,
        sdp: SessionDescription,
        random: &mut Random,
    ) -> Result<DescriptionChanges, RtcError> {
        validate_mids(&sdp)?;
        validate_transport(&sdp, ty != SdpType::Offer)?;
        if ty == SdpType::Offer {
            self.validate_offer_layout(&sdp)?;
            self.validate_kinds(&sdp)?;
            Ok(self.apply_remote_offer(sdp, random))
        } else {
            let offer = self
                .pending_local
                .as_ref()
                .map(|d| &d.sdp)
                .ok_or_else(|| RtcError::invalid_state("no local offer to answer"))?;
            validate_answer(&sdp, offer)?;
            Ok(self.apply_remote_answer(ty, sdp))
        }
    }

    /// The transceiver a new remote `m=` section goes to (RFC 8829 §5.10):
    /// an unassociated one addTrack created, if the section wants to
    /// receive, else a new recvonly one.
    fn transceiver_for_new_section(
        &mut self,
        kind: MediaKind,
        offered: TransceiverDirection,
        changes: &mut DescriptionChanges,
        random: &mut Random,
    ) -> usize {
        if offered.has_recv() {
            let reusable = self
                .transceivers
                .iter()
                .position(|t| t.kind == kind && t.created_by_add_track && t.mid.is_none() && !t.stopped && !t.stopping);
            if let Some(index) = reusable {
                return index;
            }
        }
        let transceiver = self.new_transceiver(kind, TransceiverDirection::RecvOnly, None, Vec::new(), random);
        changes.created_transceivers.push(transceiver.id);
        self.transceivers.push(transceiver);
        self.transceivers.len() - 1
    }

    fn apply_remote_offer(&mut self, sdp: SessionDescription, random: &mut Random) -> DescriptionChanges {
        let mut changes = DescriptionChanges::default();
        self.snapshot_if_stable();
        // Mids createOffer reserved were never sent; the remote may use them.
        for t in &mut self.transceivers {
            t.reserved_mid = None;
        }
        self.data.reserved_mid = None;
        let previous_ice = self.current_remote.as_ref().and_then(|d| ice_of(&d.sdp));
        self.remote_ice_restart = previous_ice.is_some_and(|old| Some(old) != ice_of(&sdp));
        for m in &sdp.media {
            let Some(mid) = m.mid() else { continue };
            self.used_mids.insert(mid.to_string());
            let rejected = m.is_rejected();
            match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    let offered = TransceiverDirection::from_sdp(media::direction(&sdp, m));
                    let existing = self.transceivers.iter().position(|t| t.mid.as_deref() == Some(mid));
                    let index = match existing {
                        Some(index) => index,
                        None if rejected => continue,
                        None => self.transceiver_for_new_section(kind, offered, &mut changes, random),
                    };
                    let direction = if rejected { TransceiverDirection::Inactive } else { offered.reversed() };
                    let msids = if direction.has_recv() { self.remote_msids(&sdp, m) } else { Vec::new() };
                    let Some(t) = self.transceivers.get_mut(index) else { continue };
                    t.mid = Some(mid.to_string());
                    t.remote_ssrcs = media::ssrcs(m);
                    if t.stopped {
                        continue;
                    }
                    process_remote_tracks(t, Some(direction), msids, &mut changes);
                    if rejected {
                        t.stop();
                        changes.stopped_transceivers.push(t.id);
                    }
                }
                SectionKind::Data if !rejected && self.data.mid.as_deref().is_none_or(|data_mid| data_mid == mid) => {
                    self.data.mid = Some(mid.to_string());
                }
                _ => {}
            }
        }
        if self.ice_controlling.is_none() {
            // A remote offer makes us controlled, unless the remote is
            // ice-lite (RFC 8445 §6.1.1).
            self.ice_controlling = Some(sdp.ice_lite());
        }
        self.pending_remote = Some(Description { ty: SdpType::Offer, sdp });
        self.state = SignalingState::HaveRemoteOffer;
        changes
    }

    fn apply_remote_answer(&mut self, ty: SdpType, sdp: SessionDescription) -> DescriptionChanges {
        let mut changes = DescriptionChanges::default();
        let mut data_accepted = None;
        for m in &sdp.media {
            let Some(mid) = m.mid() else { continue };
            let rejected = m.is_rejected();
            match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    let direction = if rejected {
                        TransceiverDirection::Inactive
                    } else {
                        TransceiverDirection::from_sdp(media::direction(&sdp, m)).reversed()
                    };
                    let msids = if direction.has_recv() { self.remote_msids(&sdp, m) } else { Vec::new() };
                    let Some(t) =
                        self.transceivers.iter_mut().find(|t| t.kind == kind && t.mid.as_deref() == Some(mid))
                    else {
                        continue;
                    };
                    if t.stopped {
                        continue;
                    }
                    t.remote_ssrcs = media::ssrcs(m);
                    process_remote_tracks(t, Some(direction), msids, &mut changes);
                    t.codecs = codecs_of(m);
                    t.header_extensions = media::extmaps(m);
                    if ty == SdpType::Answer {
                        t.set_current_direction(direction);
                    }
                    if rejected {
                        t.stop();
                        changes.stopped_transceivers.push(t.id);
                    }
                }
                SectionKind::Data if self.data.mid.as_deref() == Some(mid) => data_accepted = Some(!rejected),
                _ => {}
            }
        }
        self.note_dtls_role(&sdp, true);
        self.note_sctp(data_accepted, &mut changes);
        let description = Description { ty, sdp };
        if ty == SdpType::Answer {
            self.current_remote = Some(description);
            self.current_local = self.pending_local.take();
            self.pending_remote = None;
            self.finish_negotiation(&mut changes);
        } else {
            self.pending_remote = Some(description);
            self.state = SignalingState::HaveRemotePranswer;
        }
        changes
    }

    /// The answer's `a=setup` fixes the DTLS roles (RFC 8842 §5.3); a
    /// missing one means active (RFC 4145 §4).
    fn note_dtls_role(&mut self, answer: &SessionDescription, remote: bool) {
        let Some(section) = transport_section(answer) else { return };
        let answerer_active = !matches!(media::setup(answer, section), Some(Setup::Passive));
        self.dtls_role = Some(if answerer_active != remote { DtlsRole::Client } else { DtlsRole::Server });
    }

    /// Whether this answer starts (or ends) the SCTP association.
    fn note_sctp(&mut self, data_accepted: Option<bool>, changes: &mut DescriptionChanges) {
        let accepted = data_accepted.unwrap_or(false);
        changes.data_negotiated = accepted && !self.sctp_negotiated;
        self.sctp_negotiated = accepted;
    }

    /// The end of an offer/answer exchange (webrtc-pc §4.4.1.5 "answer"):
    /// back to stable, ICE restart done, stopped transceivers whose
    /// section is rejected leave the set.
    fn finish_negotiation(&mut self, changes: &mut DescriptionChanges) {
        self.state = SignalingState::Stable;
        self.stable = None;
        self.remote_ice_restart = false;
        if let Some(old) = &self.ice_to_replace {
            let still_used = self.current_local.as_ref().is_some_and(|d| {
                d.sdp.media.iter().any(|m| media::ice_credentials(&d.sdp, m).is_some_and(|(u, _)| u == old.ufrag))
            });
            if !still_used {
                self.ice_to_replace = None;
            }
        }
        let (current_local, current_remote) = (&self.current_local, &self.current_remote);
        let mut removed = Vec::new();
        self.transceivers.retain(|t| {
            // Chromium also drops stopped transceivers that never had a
            // section: nothing will ever negotiate them.
            let gone = t.stopped
                && t.mid
                    .as_deref()
                    .is_none_or(|mid| rejected_in(current_local, mid) || rejected_in(current_remote, mid));
            if gone {
                removed.push(t.id);
            }
            !gone
        });
        changes.removed_transceivers.extend(removed);
        let negotiated = self
            .current_local
            .as_ref()
            .map(|d| header_extensions::negotiated(d.sdp.media.iter().flat_map(media::extmaps)))
            .unwrap_or_default();
        if !negotiated.is_empty() {
            self.header_extension_ids = negotiated;
        }
    }
}
