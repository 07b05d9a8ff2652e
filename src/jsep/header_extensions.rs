//! The RTP header extensions we negotiate (RFC 8285 §5–§6, RFC 8829
//! §5.2.1 and §5.3.1): which ones, and with which IDs. We offer only what
//! the media layer writes and reads.
//!
//! In a BUNDLE group an extension has one ID in every section (RFC 8843
//! §9.1), and an ID once negotiated keeps its meaning in later offers
//! (RFC 8829 §5.2.2), so the session remembers the IDs and offers reuse them.

use crate::rtp::packet::ExtensionKind;

/// Ours, in Chromium's offer order, with the IDs Chromium gives them.
/// transport-wide-cc: we send it on every RTP packet and feed back what
/// arrives (draft-holmer-rmcat-transport-wide-cc-extensions-01), so a
/// native sender's congestion controller has its feedback.
const OURS: [(ExtensionKind, u16); 2] =
    [(ExtensionKind::TransportWideCc, 3), (ExtensionKind::Mid, 4)];

/// The URIs `getCapabilities(kind)` reports (webrtc-pc §5.2); the same
/// for audio and video, as in Chromium.
pub(super) fn capabilities() -> Vec<&'static str> {
    OURS.iter().map(|(kind, _)| kind.uri()).collect()
}

/// The `(id, uri)` pairs to offer: an ID negotiated earlier for the URI,
/// else Chromium's if it is free, else the lowest free one-byte ID.
pub(super) fn offered(negotiated: &[(u16, String)]) -> Vec<(u16, String)> {
    let mut taken: Vec<u16> = negotiated.iter().map(|(id, _)| *id).collect();
    let mut out = Vec::new();
    for uri in capabilities() {
        let id = match negotiated.iter().find(|(_, u)| u == uri) {
            Some((id, _)) => *id,
            None => {
                let default = OURS.iter().find(|(k, _)| k.uri() == uri).map(|(_, id)| *id);
                let Some(id) = default
                    .filter(|id| !taken.contains(id))
                    .or_else(|| (1..=14).find(|id| !taken.contains(id)))
                else {
                    continue;
                };
                taken.push(id);
                id
            }
        };
        out.push((id, uri.to_string()));
    }
    out
}

/// The offered `(id, uri)` pairs we accept, with the offerer's IDs
/// (RFC 8285 §6: the answerer keeps the offered ID).
pub(super) fn answered(offered: &[(u16, String)]) -> Vec<(u16, String)> {
    let ours = capabilities();
    offered
        .iter()
        .filter(|(_, uri)| ours.contains(&uri.as_str()))
        .cloned()
        .collect()
}

/// What a description negotiated, to remember for later offers: the first
/// entry for each ID and URI (sections of one BUNDLE group repeat them).
pub(super) fn negotiated(extmaps: impl IntoIterator<Item = (u16, String)>) -> Vec<(u16, String)> {
    let mut out: Vec<(u16, String)> = Vec::new();
    for (id, uri) in extmaps {
        if !out.iter().any(|(i, u)| *i == id || *u == uri) {
            out.push((id, uri));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MID: &str = "urn:ietf:params:rtp-hdrext:sdes:mid";
    const TWCC: &str = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    fn pairs(list: &[(u16, &str)]) -> Vec<(u16, String)> {
        list.iter()
            .map(|(id, uri)| (*id, uri.to_string()))
            .collect()
    }

    #[test]
    fn a_first_offer_uses_chromium_ids() {
        assert_eq!(offered(&[]), pairs(&[(3, TWCC), (4, MID)]));
    }

    #[test]
    fn later_offers_keep_negotiated_ids_and_avoid_them() {
        // Firefox numbers mid 3; an ID it used for another URI stays taken.
        assert_eq!(offered(&pairs(&[(3, MID)])), pairs(&[(1, TWCC), (3, MID)]));
        assert_eq!(offered(&pairs(&[(4, TWCC)])), pairs(&[(4, TWCC), (1, MID)]));
    }

    #[test]
    fn answers_keep_the_offered_ids_of_what_we_support() {
        let offer = pairs(&[
            (1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
            (5, TWCC),
            (9, MID),
        ]);
        assert_eq!(answered(&offer), pairs(&[(5, TWCC), (9, MID)]));
    }

    #[test]
    fn negotiated_keeps_the_first_entry_per_id_and_uri() {
        let seen = pairs(&[(4, MID), (7, "urn:x-other"), (4, TWCC), (4, MID), (3, TWCC)]);
        assert_eq!(
            negotiated(seen),
            pairs(&[(4, MID), (7, "urn:x-other"), (3, TWCC)])
        );
    }
}
