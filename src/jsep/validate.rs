//! Checking a description before anything is applied (webrtc-pc
//! §4.4.1.5: InvalidAccessError for content that is invalid, OperationError
//! past our limits): unique mids, transport parameters, answers that match
//! their offer (RFC 3264 §6), subsequent offers that keep the session's
//! sections in place (RFC 8829 §5.7, §5.8), local offers we could have made.

use std::collections::BTreeSet;

use crate::error::RtcError;
use crate::sdp::{SessionDescription, Setup};

use super::media::{self, SectionKind};
use super::session::{Description, Session};

/// More sections than any real session uses; the bound keeps every
/// per-section lookup cheap however large a hostile description is.
const MAX_MEDIA_SECTIONS: usize = 1024;

/// Every `m=` section needs a unique `a=mid` (Chromium refuses a
/// description without, as the BUNDLE and transceiver rules need them).
pub(super) fn validate_mids(sdp: &SessionDescription) -> Result<(), RtcError> {
    if sdp.media.len() > MAX_MEDIA_SECTIONS {
        return Err(RtcError::operation(format!("more than {MAX_MEDIA_SECTIONS} m= sections")));
    }
    let mut seen = BTreeSet::new();
    for m in &sdp.media {
        let mid = m.mid().ok_or_else(|| RtcError::invalid_access("a media section is missing a=mid"))?;
        if !seen.insert(mid) {
            return Err(RtcError::invalid_access(format!("duplicate a=mid value '{mid}'")));
        }
    }
    Ok(())
}

/// Sections in use need ICE credentials and a fingerprint (RFC 8829
/// §5.8), and RTP ones rtcp-mux, our only policy (webrtc-pc §4.4.1.5).
pub(super) fn validate_transport(sdp: &SessionDescription, is_answer: bool) -> Result<(), RtcError> {
    for m in sdp.media.iter().filter(|m| !m.is_rejected()) {
        let kind = media::section_kind(m);
        if kind == SectionKind::Unsupported {
            continue;
        }
        if media::ice_credentials(sdp, m).is_none() {
            return Err(RtcError::invalid_access("a media section has no ice-ufrag and ice-pwd"));
        }
        if !media::has_fingerprint(sdp, m) {
            return Err(RtcError::invalid_access("a media section has no DTLS fingerprint"));
        }
        if matches!(kind, SectionKind::Rtp(_)) && !m.has_attribute("rtcp-mux") {
            return Err(RtcError::invalid_access("rtcp-mux is required (rtcpMuxPolicy 'require')"));
        }
        if is_answer && media::setup(sdp, m) == Some(Setup::ActPass) {
            return Err(RtcError::invalid_access("an answer must use a=setup active or passive"));
        }
    }
    Ok(())
}

/// An answer has the offer's sections, in order, with their mids and
/// media types (RFC 3264 §6).
pub(super) fn validate_answer(answer: &SessionDescription, offer: &SessionDescription) -> Result<(), RtcError> {
    let matches = answer.media.len() == offer.media.len()
        && answer.media.iter().zip(&offer.media).all(|(a, o)| a.mid() == o.mid() && a.media == o.media);
    if matches {
        Ok(())
    } else {
        Err(RtcError::invalid_access("the answer's m= sections do not match the offer's"))
    }
}

pub(super) fn rejected_in(description: &Option<Description>, mid: &str) -> bool {
    description.as_ref().is_some_and(|d| d.sdp.media.iter().any(|m| m.mid() == Some(mid) && m.is_rejected()))
}

impl Session {
    /// Subsequent offers keep the sections of the current session in place
    /// (RFC 8829 §5.7, §5.8): only a rejected one may change. Back-to-back
    /// remote offers are checked as if in stable (webrtc-pc §4.4.1.5).
    pub(super) fn validate_offer_layout(&self, offer: &SessionDescription) -> Result<(), RtcError> {
        let Some(current) = self.current_local.as_ref().or(self.current_remote.as_ref()) else { return Ok(()) };
        if offer.media.len() < current.sdp.media.len() {
            return Err(RtcError::invalid_access("a subsequent offer has fewer m= sections than the session"));
        }
        for (old, new) in current.sdp.media.iter().zip(&offer.media) {
            let recyclable = old.is_rejected() || old.mid().is_some_and(|mid| rejected_in(&self.current_remote, mid));
            if !recyclable && (old.mid() != new.mid() || old.media != new.media) {
                return Err(RtcError::invalid_access(
                    "the order of m= sections in a subsequent offer does not match the session",
                ));
            }
        }
        Ok(())
    }

    /// An existing transceiver keeps its kind (RFC 8829 §5.10).
    pub(super) fn validate_kinds(&self, sdp: &SessionDescription) -> Result<(), RtcError> {
        for m in &sdp.media {
            let Some(mid) = m.mid() else { continue };
            let Some(t) = self.transceivers.iter().find(|t| t.mid.as_deref() == Some(mid)) else { continue };
            if media::section_kind(m) != SectionKind::Rtp(t.kind) && !m.is_rejected() {
                return Err(RtcError::invalid_access(format!("m= section '{mid}' changed its media type")));
            }
        }
        Ok(())
    }

    /// Each section of a local offer is one we would write: a
    /// transceiver's (by mid, or the mid createOffer reserved), the data
    /// section, or a rejected one.
    pub(super) fn validate_local_offer(&self, sdp: &SessionDescription) -> Result<(), RtcError> {
        self.validate_offer_layout(sdp)?;
        self.validate_kinds(sdp)?;
        for m in sdp.media.iter().filter(|m| !m.is_rejected()) {
            let mid = m.mid();
            let known = match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    self.transceivers.iter().any(|t| t.kind == kind && t.jsep_mid().is_some() && t.jsep_mid() == mid)
                }
                SectionKind::Data => {
                    mid.is_some() && (self.data.mid.as_deref() == mid || self.data.reserved_mid.as_deref() == mid)
                }
                SectionKind::Unsupported => false,
            };
            if !known {
                return Err(RtcError::invalid_access("the offer has an m= section no transceiver created"));
            }
        }
        Ok(())
    }
}
