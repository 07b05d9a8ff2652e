//! Read-only views of the attributes JSEP (RFC 8829) acts on, so callers do
//! not each write the same `match` over [`Attribute`].
//!
//! Media-section methods look at that section only. The methods on
//! [`SessionDescription`] that take a media index apply the session-level
//! fallback the attribute's RFC gives: `ice-ufrag`, `ice-pwd`,
//! `ice-options` (RFC 8839 §5.4–5.6), `fingerprint` (RFC 8122 §5), `setup`
//! (RFC 4145 §4), directions (RFC 8866 §6.7) and `extmap-allow-mixed`
//! (RFC 8285 §6) may be written at session level and hold for every
//! section that does not give its own.

use super::model::{Attribute, Candidate, Direction, MediaDescription, PayloadTypes, SessionDescription, Setup};

/// One `a=rtpmap` line, borrowed from the description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RtpmapRef<'a> {
    pub payload_type: u8,
    pub encoding_name: &'a str,
    pub clock_rate: u32,
    /// Channels for audio (RFC 8866 §6.6); absent means one.
    pub encoding_params: Option<u32>,
}

fn first<'a, T>(attributes: &'a [Attribute], pick: impl FnMut(&'a Attribute) -> Option<T>) -> Option<T> {
    attributes.iter().find_map(pick)
}

fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attributes.iter().find(|attribute| attribute.name() == name)
}

fn ice_ufrag(attributes: &[Attribute]) -> Option<&str> {
    first(attributes, |attribute| match attribute {
        Attribute::IceUfrag(ufrag) => Some(ufrag.as_str()),
        _ => None,
    })
}

fn ice_pwd(attributes: &[Attribute]) -> Option<&str> {
    first(attributes, |attribute| match attribute {
        Attribute::IcePwd(pwd) => Some(pwd.as_str()),
        _ => None,
    })
}

fn ice_options(attributes: &[Attribute]) -> Option<&[String]> {
    first(attributes, |attribute| match attribute {
        Attribute::IceOptions(options) => Some(options.as_slice()),
        _ => None,
    })
}

fn fingerprints(attributes: &[Attribute]) -> impl Iterator<Item = (&str, &[u8])> {
    attributes.iter().filter_map(|attribute| match attribute {
        Attribute::Fingerprint { hash_function, fingerprint } => Some((hash_function.as_str(), fingerprint.as_slice())),
        _ => None,
    })
}

fn setup(attributes: &[Attribute]) -> Option<Setup> {
    first(attributes, |attribute| match attribute {
        Attribute::Setup(setup) => Some(*setup),
        _ => None,
    })
}

fn direction(attributes: &[Attribute]) -> Option<Direction> {
    first(attributes, |attribute| match attribute {
        Attribute::Direction(direction) => Some(*direction),
        _ => None,
    })
}

fn has(attributes: &[Attribute], name: &str) -> bool {
    find(attributes, name).is_some()
}

impl MediaDescription {
    /// The first attribute of this section called `name` (see
    /// [`Attribute::name`]), typed or not.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.attributes, name)
    }

    /// Every attribute of this section called `name`, in order.
    pub fn attributes_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.attributes.iter().filter(move |attribute| attribute.name() == name)
    }

    /// Whether this section has an attribute called `name`, e.g.
    /// `bundle-only` or `rtcp-mux`.
    pub fn has_attribute(&self, name: &str) -> bool {
        has(&self.attributes, name)
    }

    /// `a=mid`.
    pub fn mid(&self) -> Option<&str> {
        first(&self.attributes, |attribute| match attribute {
            Attribute::Mid(mid) => Some(mid.as_str()),
            _ => None,
        })
    }

    /// This section's own direction attribute, if it has one; see
    /// [`SessionDescription::direction`] for the effective direction.
    pub fn direction(&self) -> Option<Direction> {
        direction(&self.attributes)
    }

    /// This section's own `a=ice-ufrag`.
    pub fn ice_ufrag(&self) -> Option<&str> {
        ice_ufrag(&self.attributes)
    }

    /// This section's own `a=ice-pwd`.
    pub fn ice_pwd(&self) -> Option<&str> {
        ice_pwd(&self.attributes)
    }

    /// This section's own `a=fingerprint` lines as (hash function, digest).
    pub fn fingerprints(&self) -> impl Iterator<Item = (&str, &[u8])> {
        fingerprints(&self.attributes)
    }

    /// This section's own `a=setup`.
    pub fn setup(&self) -> Option<Setup> {
        setup(&self.attributes)
    }

    /// `a=rtpmap` lines in order.
    pub fn rtpmaps(&self) -> impl Iterator<Item = RtpmapRef<'_>> {
        self.attributes.iter().filter_map(|attribute| match attribute {
            Attribute::Rtpmap { payload_type, encoding_name, clock_rate, encoding_params } => Some(RtpmapRef {
                payload_type: *payload_type,
                encoding_name,
                clock_rate: *clock_rate,
                encoding_params: *encoding_params,
            }),
            _ => None,
        })
    }

    /// The `a=rtpmap` for payload type `pt`.
    pub fn rtpmap(&self, pt: u8) -> Option<RtpmapRef<'_>> {
        self.rtpmaps().find(|rtpmap| rtpmap.payload_type == pt)
    }

    /// The `a=fmtp` parameters for payload type `pt`, as written.
    pub fn fmtp(&self, pt: u8) -> Option<&str> {
        first(&self.attributes, |attribute| match attribute {
            Attribute::Fmtp { payload_type, parameters } if *payload_type == pt => Some(parameters.as_str()),
            _ => None,
        })
    }

    /// The `a=rtcp-fb` lines that apply to payload type `pt`, those for `*`
    /// included, as (feedback type, parameter): `("nack", Some("pli"))`.
    pub fn rtcp_fbs(&self, pt: u8) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.attributes.iter().filter_map(move |attribute| match attribute {
            Attribute::RtcpFb { payload_types, feedback_type, parameter }
                if matches!(payload_types, PayloadTypes::All) || *payload_types == PayloadTypes::One(pt) =>
            {
                Some((feedback_type.as_str(), parameter.as_deref()))
            }
            _ => None,
        })
    }

    /// `a=candidate` lines in order.
    pub fn candidates(&self) -> impl Iterator<Item = &Candidate> {
        self.attributes.iter().filter_map(|attribute| match attribute {
            Attribute::Candidate(candidate) => Some(candidate),
            _ => None,
        })
    }

    /// Whether `a=end-of-candidates` is present (RFC 8840 §8.2).
    pub fn end_of_candidates(&self) -> bool {
        self.attributes.contains(&Attribute::EndOfCandidates)
    }

    /// `a=sctp-port` (RFC 8841 §5).
    pub fn sctp_port(&self) -> Option<u16> {
        first(&self.attributes, |attribute| match attribute {
            Attribute::SctpPort(port) => Some(*port),
            _ => None,
        })
    }

    /// `a=max-message-size` (RFC 8841 §6); absent means 65536.
    pub fn max_message_size(&self) -> Option<u64> {
        first(&self.attributes, |attribute| match attribute {
            Attribute::MaxMessageSize(size) => Some(*size),
            _ => None,
        })
    }

    /// `a=bundle-only` (RFC 8843 §6): port 0 that still takes part in a
    /// BUNDLE group.
    pub fn is_bundle_only(&self) -> bool {
        self.has_attribute("bundle-only")
    }

    /// A rejected or stopped section: port 0 without `a=bundle-only`
    /// (RFC 8829 §5.2.2, §5.3.1).
    pub fn is_rejected(&self) -> bool {
        self.port == 0 && !self.is_bundle_only()
    }
}

impl SessionDescription {
    /// The first session-level attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.attributes, name)
    }

    /// The mids of each session-level `a=group` with these semantics
    /// (compared ignoring ASCII case).
    pub fn groups<'a>(&'a self, semantics: &'a str) -> impl Iterator<Item = &'a [String]> + 'a {
        self.attributes.iter().filter_map(move |attribute| match attribute {
            Attribute::Group { semantics: group, mids } if group.eq_ignore_ascii_case(semantics) => {
                Some(mids.as_slice())
            }
            _ => None,
        })
    }

    /// The mids of each `a=group:BUNDLE` (RFC 8843 §7.1); the first mid of a
    /// group is its tagged section.
    pub fn bundle_groups(&self) -> impl Iterator<Item = &[String]> {
        self.groups("BUNDLE")
    }

    /// The index in [`SessionDescription::media`] of the section with this mid.
    pub fn media_index(&self, mid: &str) -> Option<usize> {
        self.media.iter().position(|media| media.mid() == Some(mid))
    }

    /// Section `media_index`'s attributes, empty when there is no such
    /// section (so the getters below fall back to session level).
    fn media_attributes(&self, media_index: usize) -> &[Attribute] {
        self.media.get(media_index).map_or(&[], |media| media.attributes.as_slice())
    }

    /// `a=ice-ufrag` of section `media_index`, else the session's.
    pub fn ice_ufrag(&self, media_index: usize) -> Option<&str> {
        ice_ufrag(self.media_attributes(media_index)).or_else(|| ice_ufrag(&self.attributes))
    }

    /// `a=ice-pwd` of section `media_index`, else the session's.
    pub fn ice_pwd(&self, media_index: usize) -> Option<&str> {
        ice_pwd(self.media_attributes(media_index)).or_else(|| ice_pwd(&self.attributes))
    }

    /// `a=ice-options` of section `media_index`, else the session's, else none.
    pub fn ice_options(&self, media_index: usize) -> &[String] {
        ice_options(self.media_attributes(media_index)).or_else(|| ice_options(&self.attributes)).unwrap_or_default()
    }

    /// Session-level `a=ice-lite` (RFC 8839 §5.3 allows it nowhere else).
    pub fn ice_lite(&self) -> bool {
        has(&self.attributes, "ice-lite")
    }

    /// The fingerprints that hold for section `media_index`: its own if it
    /// has any, else the session's.
    pub fn fingerprints(&self, media_index: usize) -> impl Iterator<Item = (&str, &[u8])> {
        let media = self.media_attributes(media_index);
        let attributes = if fingerprints(media).next().is_some() { media } else { &self.attributes };
        fingerprints(attributes)
    }

    /// `a=setup` of section `media_index`, else the session's.
    pub fn setup(&self, media_index: usize) -> Option<Setup> {
        setup(self.media_attributes(media_index)).or_else(|| setup(&self.attributes))
    }

    /// The direction of section `media_index`: its own, else the session's,
    /// else `sendrecv` (RFC 8866 §6.7).
    pub fn direction(&self, media_index: usize) -> Direction {
        direction(self.media_attributes(media_index))
            .or_else(|| direction(&self.attributes))
            .unwrap_or(Direction::SendRecv)
    }

    /// Whether `a=extmap-allow-mixed` holds for section `media_index`.
    pub fn extmap_allow_mixed(&self, media_index: usize) -> bool {
        has(self.media_attributes(media_index), "extmap-allow-mixed") || has(&self.attributes, "extmap-allow-mixed")
    }
}
