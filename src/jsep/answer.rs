//! Generating answers (RFC 8829 §5.3): one `m=` section per offered one,
//! in order and with the same mid; sections we cannot take (unknown media
//! or transport, no shared codec, a stopped transceiver, a second data
//! section, a section outside the offer's BUNDLE group) rejected with port
//! zero; directions intersected (§5.3.1); `a=setup:active` unless the
//! offerer chose active (RFC 8842 §5.3), keeping an established DTLS role.

use std::collections::BTreeSet;

use crate::dtls::DtlsRole;
use crate::error::RtcError;
use crate::random::Random;
use crate::sdp::{SessionDescription, Setup};

use super::codecs::{answer_codecs, codecs_of};
use super::header_extensions;
use super::media::{self, SectionKind};
use super::sections::{rejected_copy, RtpSection};
use super::session::Session;
use super::transport::transport_section;
use super::types::TransceiverDirection;

impl Session {
    /// `a=setup` for an answer to `offer`.
    fn answer_setup(&self, offer: &SessionDescription) -> Setup {
        let offered = transport_section(offer).and_then(|m| media::setup(offer, m));
        match (offered, self.dtls_role) {
            (Some(Setup::Active), _) => Setup::Passive,
            (Some(Setup::Passive), _) => Setup::Active,
            (_, Some(DtlsRole::Server)) => Setup::Passive,
            _ => Setup::Active,
        }
    }

    pub(super) fn build_answer(&mut self, random: &mut Random) -> Result<SessionDescription, RtcError> {
        let offer = match &self.pending_remote {
            Some(description) => description.sdp.clone(),
            None => return Err(RtcError::invalid_state("no remote offer to answer")),
        };
        if self.remote_ice_restart {
            self.refresh_ice(random);
        }
        let setup = self.answer_setup(&offer);
        let offered_bundle: Option<Vec<String>> = offer.bundle_groups().next().map(|mids| mids.to_vec());
        let bundled: Option<BTreeSet<&str>> =
            offered_bundle.as_ref().map(|mids| mids.iter().map(String::as_str).collect());
        let mut sections = Vec::new();
        let mut data_answered = false;
        for m in &offer.media {
            let mid = m.mid().unwrap_or_default();
            // One transport carries everything: a section the offerer
            // keeps out of its BUNDLE group is rejected.
            let outside_bundle = bundled.as_ref().is_some_and(|group| !group.contains(mid));
            if m.is_rejected() || outside_bundle {
                sections.push(rejected_copy(m));
                continue;
            }
            match media::section_kind(m) {
                SectionKind::Rtp(kind) => {
                    let transceiver =
                        self.transceivers.iter().find(|t| t.mid.as_deref() == Some(mid) && t.kind == kind);
                    let Some(t) = transceiver.filter(|t| !t.stopped) else {
                        sections.push(rejected_copy(m));
                        continue;
                    };
                    let codecs = answer_codecs(kind, &codecs_of(m));
                    if codecs.is_empty() {
                        sections.push(rejected_copy(m));
                        continue;
                    }
                    let offered = TransceiverDirection::from_sdp(media::direction(&offer, m));
                    let header_extensions = header_extensions::answered(&media::extmaps(m));
                    let spec = RtpSection {
                        proto: &m.proto,
                        mid,
                        direction: t.direction.intersect(offered.reversed()),
                        codecs: &codecs,
                        header_extensions: &header_extensions,
                        rtcp_rsize: m.has_attribute("rtcp-rsize"),
                        setup,
                    };
                    sections.push(self.rtp_section(t, &spec));
                }
                SectionKind::Data if !data_answered && self.data.mid.as_deref() == Some(mid) => {
                    data_answered = true;
                    sections.push(self.data_section(mid, &m.proto, setup));
                }
                SectionKind::Data | SectionKind::Unsupported => sections.push(rejected_copy(m)),
            }
        }
        let accepted: BTreeSet<&str> = sections.iter().filter(|s| !s.is_rejected()).filter_map(|s| s.mid()).collect();
        let mut listed = BTreeSet::new();
        let bundle = offered_bundle
            .iter()
            .flatten()
            .filter(|mid| accepted.contains(mid.as_str()) && listed.insert(mid.as_str()))
            .cloned()
            .collect();
        let allow_mixed = media::has_extmap_allow_mixed(&offer);
        Ok(self.finish_description(sections, bundle, allow_mixed))
    }
}
