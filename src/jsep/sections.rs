//! Writing descriptions (RFC 8829 §5.2.1, §5.3.1): the session part, and
//! the `m=` sections offers and answers share — transport attributes
//! (port 9 and `c=IN IP4 0.0.0.0` until candidates arrive, ICE and DTLS
//! parameters), RTP sections with MSID (RFC 8830 §2) and SSRC (RFC 5576)
//! lines the way Chromium writes them, the data section (RFC 8841), and
//! rejected sections (port zero, RFC 3264 §6).

use crate::datachannel::{MAX_MESSAGE_SIZE, SCTP_PORT};
use crate::sdp::{Attribute, Connection, Direction, MediaDescription, Origin, SessionDescription, Setup, Timing};

use super::codecs::{codec_attributes, codecs_of, RtpCodec};
use super::media::{self, SectionKind};
use super::session::Session;
use super::transceiver::Transceiver;
use super::types::{MediaKind, TransceiverDirection};

/// The port written before ICE has candidates (RFC 8829 §5.2.1).
const DISCARD_PORT: u16 = 9;

/// The `o=` version of a session's first description, as Chromium starts.
const INITIAL_SESSION_VERSION: u64 = 2;

pub(super) const RTP_PROTO: &str = "UDP/TLS/RTP/SAVPF";
pub(super) const DATA_PROTO: &str = "UDP/DTLS/SCTP";
const DATA_FORMAT: &str = "webrtc-datachannel";

fn null_connection() -> Connection {
    Connection { net_type: "IN".to_string(), addr_type: "IP4".to_string(), address: "0.0.0.0".to_string() }
}

fn section(media: &str, port: u16, proto: &str, formats: Vec<String>, attributes: Vec<Attribute>) -> MediaDescription {
    MediaDescription {
        media: media.to_string(),
        port,
        number_of_ports: None,
        proto: proto.to_string(),
        formats,
        information: None,
        connections: vec![null_connection()],
        bandwidths: Vec::new(),
        encryption_key: None,
        attributes,
    }
}

/// What an RTP `m=` section says, apart from the transceiver itself.
pub(super) struct RtpSection<'a> {
    pub proto: &'a str,
    pub mid: &'a str,
    pub direction: TransceiverDirection,
    pub codecs: &'a [RtpCodec],
    /// `(id, uri)` for each `a=extmap`.
    pub header_extensions: &'a [(u16, String)],
    pub rtcp_rsize: bool,
    pub setup: Setup,
}

/// A copy of `m` with port zero: how an offer keeps a section nobody uses
/// any more, and how an answer rejects one. RTP sections keep their
/// formats' rtpmaps so that strict parsers still read them.
pub(super) fn rejected_copy(m: &MediaDescription) -> MediaDescription {
    let mut attributes = Vec::new();
    if let Some(mid) = m.mid() {
        attributes.push(Attribute::Mid(mid.to_string()));
    }
    if let SectionKind::Rtp(_) = media::section_kind(m) {
        attributes.push(Attribute::Direction(Direction::Inactive));
        attributes.push(Attribute::RtcpMux);
        attributes.extend(codec_attributes(&codecs_of(m)));
    }
    let mut formats = m.formats.clone();
    if formats.is_empty() {
        // The grammar wants one format (RFC 8866 §5.14).
        formats.push("0".to_string());
    }
    section(&m.media, 0, &m.proto, formats, attributes)
}

impl Session {
    /// ICE credentials and options, fingerprints and the DTLS role, in
    /// Chromium's order.
    fn transport_attributes(&self, setup: Setup) -> Vec<Attribute> {
        let mut out = vec![
            Attribute::IceUfrag(self.local_ice.ufrag.clone()),
            Attribute::IcePwd(self.local_ice.pwd.clone()),
            Attribute::IceOptions(vec!["trickle".to_string()]),
        ];
        for (hash_function, fingerprint) in &self.config.fingerprints {
            out.push(Attribute::Fingerprint { hash_function: hash_function.clone(), fingerprint: fingerprint.clone() });
        }
        out.push(Attribute::Setup(setup));
        out
    }

    /// An RTP section for `t`. The sender's MSID and SSRCs follow the
    /// transceiver's own direction, not the negotiated one, as Chromium
    /// does; webrtc-pc §4.7.3 compares against exactly that.
    pub(super) fn rtp_section(&self, t: &Transceiver, spec: &RtpSection<'_>) -> MediaDescription {
        let mut attributes = vec![Attribute::Rtcp { port: DISCARD_PORT, connection: Some(null_connection()) }];
        attributes.extend(self.transport_attributes(spec.setup));
        attributes.push(Attribute::Mid(spec.mid.to_string()));
        for (id, uri) in spec.header_extensions {
            attributes.push(Attribute::Extmap { id: *id, direction: None, uri: uri.clone(), attributes: None });
        }
        attributes.push(Attribute::Direction(spec.direction.to_sdp()));
        let sending = t.direction.has_send() && !t.stopping;
        let first_stream = t.sender_stream_ids.first().map_or("-", String::as_str).to_string();
        if sending {
            if t.sender_stream_ids.is_empty() {
                attributes.push(Attribute::Msid {
                    stream_id: "-".to_string(),
                    track_id: Some(t.sender_msid_track_id.clone()),
                });
            }
            for stream in &t.sender_stream_ids {
                attributes.push(Attribute::Msid {
                    stream_id: stream.clone(),
                    track_id: Some(t.sender_msid_track_id.clone()),
                });
            }
        }
        attributes.push(Attribute::RtcpMux);
        if spec.rtcp_rsize {
            attributes.push(Attribute::RtcpRsize);
        }
        attributes.extend(codec_attributes(spec.codecs));
        if sending {
            let rtx = t.rtx_ssrc.filter(|_| spec.codecs.iter().any(RtpCodec::is_rtx));
            let mut ssrcs = vec![t.ssrc];
            if let Some(rtx) = rtx {
                ssrcs.push(rtx);
                attributes.push(Attribute::SsrcGroup { semantics: "FID".to_string(), ssrcs: ssrcs.clone() });
            }
            for ssrc in ssrcs {
                attributes.push(Attribute::Ssrc {
                    ssrc,
                    attribute: "cname".to_string(),
                    value: Some(self.cname.clone()),
                });
                attributes.push(Attribute::Ssrc {
                    ssrc,
                    attribute: "msid".to_string(),
                    value: Some(format!("{first_stream} {}", t.sender_msid_track_id)),
                });
            }
        }
        let formats = spec.codecs.iter().map(|c| c.payload_type.to_string()).collect();
        let kind = match t.kind {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        };
        section(kind, DISCARD_PORT, spec.proto, formats, attributes)
    }

    /// `m=application 9 UDP/DTLS/SCTP webrtc-datachannel` (RFC 8841 §4).
    pub(super) fn data_section(&self, mid: &str, proto: &str, setup: Setup) -> MediaDescription {
        let mut attributes = self.transport_attributes(setup);
        attributes.push(Attribute::Mid(mid.to_string()));
        attributes.push(Attribute::SctpPort(SCTP_PORT));
        attributes.push(Attribute::MaxMessageSize(MAX_MESSAGE_SIZE));
        section("application", DISCARD_PORT, proto, vec![DATA_FORMAT.to_string()], attributes)
    }

    /// The session part around `media`. The `o=` version stays that of our
    /// last local description when nothing changed, and goes up by one
    /// when something did (RFC 8829 §5.2.2, §5.3.2).
    pub(super) fn finish_description(
        &self,
        media: Vec<MediaDescription>,
        bundle: Vec<String>,
        extmap_allow_mixed: bool,
    ) -> SessionDescription {
        let mut attributes = Vec::new();
        if !bundle.is_empty() {
            attributes.push(Attribute::Group { semantics: "BUNDLE".to_string(), mids: bundle });
        }
        if extmap_allow_mixed {
            attributes.push(Attribute::ExtmapAllowMixed);
        }
        let mut streams: Vec<String> = Vec::new();
        for m in &media {
            for (stream, _) in media::msid_lines(m) {
                if stream != "-" && !streams.iter().any(|s| s == stream) {
                    streams.push(stream.to_string());
                }
            }
        }
        attributes.push(Attribute::MsidSemantic { semantic: "WMS".to_string(), identifiers: streams });
        let mut description = SessionDescription {
            origin: Origin {
                username: "-".to_string(),
                session_id: self.session_id,
                session_version: INITIAL_SESSION_VERSION,
                net_type: "IN".to_string(),
                addr_type: "IP4".to_string(),
                unicast_address: "127.0.0.1".to_string(),
            },
            session_name: "-".to_string(),
            information: None,
            uri: None,
            emails: Vec::new(),
            phones: Vec::new(),
            connection: None,
            bandwidths: Vec::new(),
            timings: vec![Timing { start: 0, stop: 0, repeats: Vec::new() }],
            time_zones: None,
            encryption_key: None,
            attributes,
            media,
        };
        if let Some(previous) = self.latest_local() {
            let previous_version = previous.sdp.origin.session_version;
            description.origin.session_version = previous_version;
            if description != previous.sdp {
                description.origin.session_version = previous_version.saturating_add(1);
            }
        }
        description
    }
}
