//! The transport side of the descriptions: ICE credentials and their
//! restart (RFC 8829 §5.2.1, webrtc-pc §4.4.2 restartIce), the DTLS role
//! (RFC 8842), the ICE role (webrtc-pc §4.4.1.5), the SCTP association
//! (RFC 8841), and what the ICE, DTLS and SCTP layers read from the remote
//! description.

use crate::datachannel::{DEFAULT_REMOTE_MAX_MESSAGE_SIZE, SCTP_PORT};
use crate::dtls::DtlsRole;
use crate::random::Random;
use crate::sdp::{Attribute, Candidate, MediaDescription, SessionDescription};

use super::media;
use super::session::Session;

/// ICE characters (RFC 8839 §5.4 `ice-char`: ALPHA / DIGIT / "+" / "/",
/// the base64 alphabet).
pub(super) const ICE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `a=ice-ufrag` / `a=ice-pwd`: at least 4 and 22 characters (RFC 8839
/// §5.4); we draw 4 to 7 and 24, as Chromium's 4 and 24 are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IceCredentials {
    pub ufrag: String,
    pub pwd: String,
}

impl IceCredentials {
    pub(super) fn draw(random: &mut Random) -> IceCredentials {
        let ufrag_len = 4 + (random.next_u32() % 4) as usize;
        IceCredentials { ufrag: random.string_from(ICE_CHARS, ufrag_len), pwd: random.string_from(ICE_CHARS, 24) }
    }
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

impl Session {
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

    /// `canTrickleIceCandidates`: null before a remote description, then
    /// whether it has `a=ice-options:trickle` (RFC 8840 §4.1.1).
    pub fn remote_ice_trickle(&self) -> Option<bool> {
        let remote = &self.latest_remote()?.sdp;
        let trickle = match remote.media.first() {
            Some(first) => media::has_trickle(remote, first),
            None => {
                matches!(remote.attribute("ice-options"), Some(Attribute::IceOptions(o)) if o.iter().any(|x| x == "trickle"))
            }
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
                    Attribute::Candidate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect(),
            end_of_candidates: section.attributes.iter().any(|a| matches!(a, Attribute::EndOfCandidates)),
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
            remote_max_message_size: section.max_message_size().unwrap_or(DEFAULT_REMOTE_MAX_MESSAGE_SIZE),
        })
    }
}

/// The section whose transport carries the session: the first mid of the
/// first BUNDLE group (RFC 8843 §7.2.1), else the first section in use.
pub(super) fn transport_section(sdp: &SessionDescription) -> Option<&MediaDescription> {
    let tagged = sdp
        .bundle_groups()
        .next()
        .and_then(|mids| mids.first())
        .and_then(|tag| sdp.media.iter().find(|m| m.mid() == Some(tag.as_str()) && !m.is_rejected()));
    tagged.or_else(|| sdp.media.iter().find(|m| !m.is_rejected()))
}

/// The credentials of the section the transport uses.
pub(super) fn ice_of(sdp: &SessionDescription) -> Option<IceCredentials> {
    let m = transport_section(sdp)?;
    media::ice_credentials(sdp, m).map(|(ufrag, pwd)| IceCredentials { ufrag, pwd })
}
