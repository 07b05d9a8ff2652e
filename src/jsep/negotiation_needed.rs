//! "Check if negotiation is needed" (webrtc-pc §4.7.3), step by step. The
//! JS side owns the [[NegotiationNeeded]] flag, the operations chain and
//! the queued `negotiationneeded` event; this is the check they run.

use super::media;
use super::session::Session;
use super::types::{SdpType, SignalingState, TransceiverDirection};

impl Session {
    /// Whether the session differs from what the current descriptions
    /// negotiated. Always false outside `stable` and after close().
    pub fn is_negotiation_needed(&self) -> bool {
        if self.closed || self.state != SignalingState::Stable {
            return false;
        }
        if self.ice_to_replace.is_some() {
            return true;
        }
        let description = self.current_local.as_ref();
        let section_of = |mid: &str| description.and_then(|d| d.sdp.media.iter().find(|m| m.mid() == Some(mid)));

        let data_negotiated = description.is_some_and(|d| {
            d.sdp.media.iter().any(|m| media::section_kind(m) == media::SectionKind::Data && !m.is_rejected())
        });
        if self.data.wanted && !data_negotiated {
            return true;
        }

        for t in &self.transceivers {
            if t.stopping && !t.stopped {
                return true;
            }
            let associated = t.mid.as_deref().and_then(section_of);
            let Some(section) = associated else {
                if !t.stopped {
                    return true;
                }
                continue;
            };
            let Some(description) = description else { continue };
            let Some(mid) = t.mid.as_deref() else { continue };
            if t.stopped {
                let rejected_somewhere = section.is_rejected()
                    || self
                        .current_remote
                        .as_ref()
                        .is_some_and(|r| r.sdp.media.iter().any(|m| m.mid() == Some(mid) && m.is_rejected()));
                if !rejected_somewhere {
                    return true;
                }
                continue;
            }
            if t.direction.has_send() {
                let lines = media::msid_lines(section);
                let mut signalled: Vec<&str> = lines.iter().map(|(s, _)| *s).filter(|s| *s != "-").collect();
                let mut wanted: Vec<&str> = t.sender_stream_ids.iter().map(String::as_str).collect();
                signalled.sort_unstable();
                signalled.dedup();
                wanted.sort_unstable();
                if lines.is_empty() || signalled != wanted {
                    return true;
                }
            }
            let local = TransceiverDirection::from_sdp(media::direction(&description.sdp, section));
            let remote_section = self
                .current_remote
                .as_ref()
                .and_then(|r| r.sdp.media.iter().find(|m| m.mid() == Some(mid)).map(|m| (r, m)));
            match description.ty {
                SdpType::Offer => {
                    let remote_reversed = remote_section
                        .map(|(r, m)| TransceiverDirection::from_sdp(media::direction(&r.sdp, m)).reversed());
                    if local != t.direction && remote_reversed != Some(t.direction) {
                        return true;
                    }
                }
                _ => {
                    let offered =
                        remote_section.map(|(r, m)| TransceiverDirection::from_sdp(media::direction(&r.sdp, m)));
                    let expected = offered.map(|o| t.direction.intersect(o.reversed()));
                    if expected != Some(local) {
                        return true;
                    }
                }
            }
        }
        false
    }
}
