//! Reading what JSEP needs out of a parsed description: mids, directions,
//! transport attributes with their session-level fallbacks (RFC 8866 §5:
//! a media-level attribute overrides the session-level one), and what kind
//! of `m=` section each is (RFC 8829 §5.8 parsing, §5.10 applying).

use std::collections::BTreeSet;

use crate::sdp::{Attribute, Direction, MediaDescription, SessionDescription, Setup};

use super::types::MediaKind;

/// What an `m=` section negotiates, as far as we can take part in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SectionKind {
    /// Audio or video over DTLS-SRTP (`UDP/TLS/RTP/SAVPF` and its relatives).
    Rtp(MediaKind),
    /// `UDP/DTLS/SCTP webrtc-datachannel` (RFC 8841).
    Data,
    /// Anything else: answered with a rejected `m=` section.
    Unsupported,
}

pub(super) fn section_kind(media: &MediaDescription) -> SectionKind {
    let proto = media.proto.to_ascii_uppercase();
    match media.media.as_str() {
        "audio" | "video" => {
            // DTLS-SRTP is mandatory (RFC 8827 §6.5); the feedback profile
            // and its legacy spellings are all carried the same way.
            let secure_rtp = ["UDP/TLS/RTP/SAVPF", "TCP/TLS/RTP/SAVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "RTP/SAVP"]
                .contains(&proto.as_str());
            if !secure_rtp {
                return SectionKind::Unsupported;
            }
            if media.media == "audio" {
                SectionKind::Rtp(MediaKind::Audio)
            } else {
                SectionKind::Rtp(MediaKind::Video)
            }
        }
        "application" => {
            // RFC 8841 §4.1; the pre-standard `DTLS/SCTP 5000` + a=sctpmap
            // form is not spoken by any current browser.
            let sctp = proto == "UDP/DTLS/SCTP" || proto == "TCP/DTLS/SCTP";
            if sctp && media.formats.iter().any(|f| f == "webrtc-datachannel") {
                SectionKind::Data
            } else {
                SectionKind::Unsupported
            }
        }
        _ => SectionKind::Unsupported,
    }
}

/// The section's direction, falling back to the session level and then to
/// sendrecv (RFC 8866 §6.7).
pub(super) fn direction(session: &SessionDescription, media: &MediaDescription) -> Direction {
    media.direction().or_else(|| session_direction(session)).unwrap_or(Direction::SendRecv)
}

fn session_direction(session: &SessionDescription) -> Option<Direction> {
    session.attributes.iter().find_map(|a| match a {
        Attribute::Direction(d) => Some(*d),
        _ => None,
    })
}

/// `a=ice-ufrag` and `a=ice-pwd` (RFC 8839 §5.4), either level.
pub(super) fn ice_credentials(session: &SessionDescription, media: &MediaDescription) -> Option<(String, String)> {
    let ufrag = media.ice_ufrag().or_else(|| match session.attribute("ice-ufrag") {
        Some(Attribute::IceUfrag(ufrag)) => Some(ufrag.as_str()),
        _ => None,
    })?;
    let pwd = media.ice_pwd().or_else(|| match session.attribute("ice-pwd") {
        Some(Attribute::IcePwd(pwd)) => Some(pwd.as_str()),
        _ => None,
    })?;
    Some((ufrag.to_string(), pwd.to_string()))
}

/// `a=ice-options:trickle` (RFC 8840 §4.1.1), either level.
pub(super) fn has_trickle(session: &SessionDescription, media: &MediaDescription) -> bool {
    let trickle = |attribute: Option<&Attribute>| matches!(attribute, Some(Attribute::IceOptions(options)) if options.iter().any(|o| o == "trickle"));
    trickle(media.attribute("ice-options")) || trickle(session.attribute("ice-options"))
}

/// `a=fingerprint` lines (RFC 8122 §5): the media level's if it has any,
/// else the session level's.
pub(super) fn fingerprints(session: &SessionDescription, media: &MediaDescription) -> Vec<(String, Vec<u8>)> {
    let own: Vec<(String, Vec<u8>)> =
        media.fingerprints().map(|(hash, digest)| (hash.to_ascii_lowercase(), digest.to_vec())).collect();
    if !own.is_empty() {
        return own;
    }
    session
        .attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Fingerprint { hash_function, fingerprint } => {
                Some((hash_function.to_ascii_lowercase(), fingerprint.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Whether any `a=fingerprint` holds for the section, without copying them.
pub(super) fn has_fingerprint(session: &SessionDescription, media: &MediaDescription) -> bool {
    media.fingerprints().next().is_some() || session.attribute("fingerprint").is_some()
}

/// `a=setup` (RFC 4145 §4), either level.
pub(super) fn setup(session: &SessionDescription, media: &MediaDescription) -> Option<Setup> {
    media.setup().or_else(|| match session.attribute("setup") {
        Some(Attribute::Setup(setup)) => Some(*setup),
        _ => None,
    })
}

pub(super) fn has_extmap_allow_mixed(session: &SessionDescription) -> bool {
    session.attribute("extmap-allow-mixed").is_some()
        || session.media.iter().any(|m| m.has_attribute("extmap-allow-mixed"))
}

/// The MSID stream ids the section gives its track (RFC 8830 §2): the
/// `a=msid` lines, or for senders that predate them (Plan B) the
/// `a=ssrc:<n> msid:` values. `-` names no stream.
pub(super) fn msid_stream_ids(media: &MediaDescription) -> Vec<String> {
    let msid_lines: Vec<&str> = media
        .attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Msid { stream_id, .. } => Some(stream_id.as_str()),
            _ => None,
        })
        .collect();
    let ids: Vec<&str> = if msid_lines.is_empty() {
        media
            .attributes
            .iter()
            .filter_map(|a| match a {
                Attribute::Ssrc { attribute, value: Some(value), .. } if attribute == "msid" => {
                    value.split_whitespace().next()
                }
                _ => None,
            })
            .collect()
    } else {
        msid_lines
    };
    let mut seen = BTreeSet::new();
    ids.into_iter().filter(|id| *id != "-" && seen.insert(*id)).map(str::to_string).collect()
}

/// Whether the description signals MSIDs at all. One that does not (a
/// legacy endpoint) gets a default stream for each track, as Chromium does
/// (WPT RTCPeerConnection-setRemoteDescription-nomsid).
pub(super) fn signals_msid(session: &SessionDescription) -> bool {
    session.attributes.iter().any(|a| matches!(a, Attribute::MsidSemantic { .. }))
        || session.media.iter().any(|m| {
            m.attributes.iter().any(|a| match a {
                Attribute::Msid { .. } => true,
                Attribute::Ssrc { attribute, .. } => attribute == "msid",
                _ => false,
            })
        })
}

/// The `a=msid` lines as written: (stream id, track id).
pub(super) fn msid_lines(media: &MediaDescription) -> Vec<(&str, Option<&str>)> {
    media
        .attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Msid { stream_id, track_id } => Some((stream_id.as_str(), track_id.as_deref())),
            _ => None,
        })
        .collect()
}

/// The SSRCs the section announces (RFC 5576 §4.1), in first-seen order.
pub(super) fn ssrcs(media: &MediaDescription) -> Vec<u32> {
    let mut seen = BTreeSet::new();
    media
        .attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Ssrc { ssrc, .. } if seen.insert(*ssrc) => Some(*ssrc),
            _ => None,
        })
        .collect()
}

/// `a=extmap` entries (RFC 8285 §8): (id, uri).
pub(super) fn extmaps(media: &MediaDescription) -> Vec<(u16, String)> {
    media
        .attributes
        .iter()
        .filter_map(|a| match a {
            Attribute::Extmap { id, uri, .. } => Some((*id, uri.clone())),
            _ => None,
        })
        .collect()
}
