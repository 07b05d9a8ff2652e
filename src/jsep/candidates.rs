//! Candidates in the descriptions (webrtc-pc §4.4.1.6 addIceCandidate and
//! §5.6 "surface the candidate"): a gathered local candidate is added to the
//! local description, a remote one from addIceCandidate to the remote
//! description, each in the pending description if there is one, else the
//! current one. With everything bundled, local candidates belong to the
//! BUNDLE group's first `m=` section (RFC 8843 §7.1.1, the tagged section).
//! That section's `m=` port and `c=` line name its default candidate (RFC
//! 8839 §4.2.1.2, JSEP §5.2.1): port 9 and 0.0.0.0 until one is gathered,
//! so a peer that waits for gathering and sends one description ("vanilla
//! ICE") signals a usable address as well as its `a=candidate` lines.

use crate::error::RtcError;
use crate::sdp::{Attribute, Candidate, Connection, MediaDescription, SessionDescription};

use super::session::{Description, Session};

/// Where a candidate goes: the section's mid and index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateSection {
    pub mid: String,
    pub m_line_index: u16,
}

fn tagged_section(sdp: &SessionDescription) -> Option<CandidateSection> {
    let tag = sdp.bundle_groups().next().and_then(|mids| mids.first().cloned());
    let index = match &tag {
        Some(mid) => sdp.media_index(mid)?,
        None => sdp.media.iter().position(|m| !m.is_rejected())?,
    };
    let mid = sdp.media.get(index)?.mid()?.to_string();
    Some(CandidateSection { mid, m_line_index: u16::try_from(index).ok()? })
}

fn latest<'a>(pending: &'a mut Option<Description>, current: &'a mut Option<Description>) -> Option<&'a mut SessionDescription> {
    match pending {
        Some(d) => Some(&mut d.sdp),
        None => current.as_mut().map(|d| &mut d.sdp),
    }
}

/// Adds `attribute` to the section at `index` once.
fn add_once(sdp: &mut SessionDescription, index: usize, attribute: Attribute) {
    if let Some(media) = sdp.media.get_mut(index) {
        if !media.attributes.contains(&attribute) {
            media.attributes.push(attribute);
        }
    }
}

/// How likely a candidate type is to reach the peer, as RFC 8839 §4.2.1.2
/// recommends choosing the default: relayed over reflexive over host.
fn default_preference(candidate: &Candidate) -> u8 {
    match candidate.typ.as_str() {
        "relay" => 3,
        "srflx" | "prflx" => 2,
        "host" => 1,
        _ => 0,
    }
}

/// Points the section's `m=` port and `c=` line at its best UDP RTP-component
/// candidate (an IPv4 one before any IPv6 one, as libwebrtc chooses).
fn update_default_candidate(media: &mut MediaDescription) {
    let mut best: Option<&Candidate> = None;
    for attribute in &media.attributes {
        let Attribute::Candidate(c) = attribute else { continue };
        if c.component != 1 || !c.transport.eq_ignore_ascii_case("udp") {
            continue;
        }
        let better = match best {
            None => true,
            Some(b) => {
                let (v6, best_v6) = (c.address.contains(':'), b.address.contains(':'));
                (best_v6 && !v6) || (v6 == best_v6 && default_preference(c) > default_preference(b))
            }
        };
        if better {
            best = Some(c);
        }
    }
    let Some(best) = best else { return };
    let addr_type = if best.address.contains(':') { "IP6" } else { "IP4" };
    let connection =
        Connection { net_type: "IN".to_string(), addr_type: addr_type.to_string(), address: best.address.clone() };
    media.port = best.port;
    media.connections = vec![connection];
}

impl Session {
    /// The section local candidates are signaled for, once a local
    /// description exists.
    pub fn local_candidate_section(&self) -> Option<CandidateSection> {
        tagged_section(&self.latest_local()?.sdp)
    }

    /// A gathered local candidate joins the local description.
    pub fn add_local_candidate(&mut self, candidate: &Candidate) -> Option<CandidateSection> {
        let sdp = latest(&mut self.pending_local, &mut self.current_local)?;
        let section = tagged_section(sdp)?;
        let index = usize::from(section.m_line_index);
        add_once(sdp, index, Attribute::Candidate(candidate.clone()));
        if let Some(media) = sdp.media.get_mut(index) {
            update_default_candidate(media);
        }
        Some(section)
    }

    /// Gathering finished: `a=end-of-candidates` (RFC 8840 §8.2).
    pub fn add_local_end_of_candidates(&mut self) {
        if let Some(sdp) = latest(&mut self.pending_local, &mut self.current_local) {
            if let Some(section) = tagged_section(sdp) {
                add_once(sdp, usize::from(section.m_line_index), Attribute::EndOfCandidates);
            }
        }
    }

    /// addIceCandidate's checks and its effect on the remote description
    /// (webrtc-pc §4.4.1.6): the section named by `mid` (else by
    /// `m_line_index`) must exist — OperationError otherwise — and gets the
    /// candidate, or `a=end-of-candidates` when `candidate` is None. Returns
    /// the remote ufrag the candidate belongs to.
    pub fn add_remote_candidate(
        &mut self,
        mid: Option<&str>,
        m_line_index: Option<u16>,
        candidate: Option<&Candidate>,
    ) -> Result<(), RtcError> {
        let sdp = latest(&mut self.pending_remote, &mut self.current_remote)
            .ok_or_else(|| RtcError::invalid_state("the remote description was null"))?;
        let index = match (mid, m_line_index) {
            (Some(mid), _) => sdp.media_index(mid).ok_or_else(|| RtcError::operation(format!("no m= section with mid {mid}")))?,
            (None, Some(i)) if usize::from(i) < sdp.media.len() => usize::from(i),
            (None, Some(i)) => return Err(RtcError::operation(format!("no m= section at index {i}"))),
            (None, None) => return Err(RtcError::type_error("sdpMid and sdpMLineIndex are both null")),
        };
        if sdp.media.get(index).is_some_and(|m| m.is_rejected()) {
            return Ok(());
        }
        let attribute = candidate.map_or(Attribute::EndOfCandidates, |c| Attribute::Candidate(c.clone()));
        add_once(sdp, index, attribute);
        Ok(())
    }
}
