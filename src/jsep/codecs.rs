//! Codecs: what we offer (Chromium's payload type numbers, so a Chromium
//! peer sees familiar SDP), reading the codecs of an `m=` section, and the
//! answerer's intersection (RFC 8829 §5.3.1, RFC 3264 §6.1): the offerer's
//! payload type numbers are kept; codecs match by name, clock rate and
//! channels, H.264 also by packetization mode and profile (RFC 6184 §8.1,
//! §8.2.2), VP9 by `profile-id` (RFC 9628 §6), AV1 by `profile` (AV1 RTP
//! spec §7.2); an RTX format (RFC 4588 §8.1) stays only if its `apt` does.

use crate::rtp::format::h264_profile_level_id::{profile_level_id_for_answer, H264Fmtp, Profile, ProfileLevelId};
use crate::sdp::{Attribute, MediaDescription, PayloadTypes};

use super::types::MediaKind;

/// One RTP payload format of an `m=` section: `a=rtpmap`, `a=fmtp` and the
/// `a=rtcp-fb` lines for its payload type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpCodec {
    pub payload_type: u8,
    /// The encoding name as `a=rtpmap` writes it: `opus`, `VP8`, `rtx`, ...
    pub name: String,
    pub clock_rate: u32,
    /// Audio channels, when `a=rtpmap` gives them.
    pub channels: Option<u32>,
    /// The `a=fmtp` parameters as written, e.g. `apt=96` for RTX.
    pub fmtp: Option<String>,
    /// `a=rtcp-fb` (type, parameter) pairs, e.g. `("nack", Some("pli"))`.
    pub rtcp_feedback: Vec<(String, Option<String>)>,
}

impl RtpCodec {
    fn new(payload_type: u8, name: &str, clock_rate: u32, channels: Option<u32>, fmtp: Option<&str>) -> RtpCodec {
        RtpCodec {
            payload_type,
            name: name.to_string(),
            clock_rate,
            channels,
            fmtp: fmtp.map(str::to_string),
            rtcp_feedback: Vec::new(),
        }
    }

    fn with_feedback(mut self, feedback: &[(&str, Option<&str>)]) -> RtpCodec {
        self.rtcp_feedback = feedback.iter().map(|(t, p)| (t.to_string(), p.map(str::to_string))).collect();
        self
    }

    /// An RTX retransmission format (RFC 4588).
    pub fn is_rtx(&self) -> bool {
        self.name.eq_ignore_ascii_case("rtx")
    }

    /// The payload type an RTX format repairs (`apt=`, RFC 4588 §8.1).
    pub fn apt(&self) -> Option<u8> {
        fmtp_value(self.fmtp.as_deref(), "apt")?.parse().ok()
    }

    /// DTMF events (RFC 4733) ride beside a media codec, never alone.
    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case("telephone-event")
    }

    fn is_media(&self) -> bool {
        !self.is_rtx() && !self.is_telephone_event()
    }
}

/// A codec we can send and receive, with the payload type of its RTX
/// format when it has one.
struct LocalCodec {
    codec: RtpCodec,
    rtx_payload_type: Option<u8>,
}

const VIDEO_FEEDBACK: [(&str, Option<&str>); 4] =
    [("transport-cc", None), ("ccm", Some("fir")), ("nack", None), ("nack", Some("pli"))];

/// Our codecs in preference order, numbered as Chromium numbers them.
fn local_codecs(kind: MediaKind) -> Vec<LocalCodec> {
    let plain = |codec: RtpCodec| LocalCodec { codec, rtx_payload_type: None };
    let video = |pt: u8, name: &str, fmtp: Option<&str>, rtx: u8| LocalCodec {
        codec: RtpCodec::new(pt, name, 90000, None, fmtp).with_feedback(&VIDEO_FEEDBACK),
        rtx_payload_type: Some(rtx),
    };
    match kind {
        MediaKind::Audio => vec![
            plain(
                RtpCodec::new(111, "opus", 48000, Some(2), Some("minptime=10;useinbandfec=1"))
                    .with_feedback(&[("transport-cc", None)]),
            ),
            plain(RtpCodec::new(0, "PCMU", 8000, None, None)),
            plain(RtpCodec::new(8, "PCMA", 8000, None, None)),
            plain(RtpCodec::new(110, "telephone-event", 48000, None, None)),
            plain(RtpCodec::new(126, "telephone-event", 8000, None, None)),
        ],
        MediaKind::Video => vec![
            video(96, "VP8", None, 97),
            video(102, "H264", Some("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"), 103),
            video(104, "H264", Some("level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f"), 107),
            video(108, "H264", Some("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"), 109),
            video(114, "H264", Some("level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"), 115),
            video(45, "AV1", Some("level-idx=5;profile=0;tier=0"), 46),
            video(98, "VP9", Some("profile-id=0"), 99),
            video(100, "VP9", Some("profile-id=2"), 101),
        ],
    }
}

fn rtx_codec(payload_type: u8, apt: u8) -> RtpCodec {
    RtpCodec::new(payload_type, "rtx", 90000, None, Some(&format!("apt={apt}")))
}

/// `key=value;key=value` (the common fmtp shape; RFC 8866 §6.15 leaves the
/// syntax to each format). Keys compare case-insensitively.
fn fmtp_value<'a>(fmtp: Option<&'a str>, key: &str) -> Option<&'a str> {
    fmtp?.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim())
    })
}

/// The H.264 profile a format's `profile-level-id` names (RFC 6184 §8.1),
/// the parameter's absence meaning libwebrtc's default; None if unknown.
fn h264_profile(fmtp: Option<&str>) -> Option<Profile> {
    ProfileLevelId::from_fmtp(fmtp_value(fmtp, "profile-level-id")).map(|id| id.profile)
}

fn packetization_mode(fmtp: Option<&str>) -> &str {
    fmtp_value(fmtp, "packetization-mode").unwrap_or("0")
}

/// Whether an offered format is one of ours (the "codec dictionary match"
/// that negotiation needs: name, clock rate, channels, and the profile
/// parameters that make two formats incompatible).
fn same_codec(a: &RtpCodec, b: &RtpCodec) -> bool {
    if !a.name.eq_ignore_ascii_case(&b.name) || a.clock_rate != b.clock_rate {
        return false;
    }
    // An rtpmap without channels means one (RFC 8866 §6.6).
    if a.channels.unwrap_or(1) != b.channels.unwrap_or(1) {
        return false;
    }
    let (fa, fb) = (a.fmtp.as_deref(), b.fmtp.as_deref());
    match a.name.to_ascii_uppercase().as_str() {
        "H264" => {
            packetization_mode(fa) == packetization_mode(fb)
                && matches!((h264_profile(fa), h264_profile(fb)), (Some(pa), Some(pb)) if pa == pb)
        }
        "VP9" => fmtp_value(fa, "profile-id").unwrap_or("0") == fmtp_value(fb, "profile-id").unwrap_or("0"),
        "AV1" => fmtp_value(fa, "profile").unwrap_or("0") == fmtp_value(fb, "profile").unwrap_or("0"),
        _ => true,
    }
}

fn h264_fmtp(codec: &RtpCodec) -> H264Fmtp<'_> {
    let fmtp = codec.fmtp.as_deref();
    H264Fmtp {
        profile_level_id: fmtp_value(fmtp, "profile-level-id"),
        level_asymmetry_allowed: fmtp_value(fmtp, "level-asymmetry-allowed") == Some("1"),
    }
}

/// The formats parameters we answer with. For H.264 the profile-level-id is
/// the one libwebrtc answers with (RFC 6184 §8.2.2; see
/// `profile_level_id_for_answer`), with Chromium's parameter order.
fn answer_fmtp(local: &RtpCodec, offered: &RtpCodec) -> Option<String> {
    if !local.name.eq_ignore_ascii_case("H264") {
        return local.fmtp.clone();
    }
    let profile_level_id = profile_level_id_for_answer(h264_fmtp(local), h264_fmtp(offered)).ok()??;
    Some(format!(
        "level-asymmetry-allowed=1;packetization-mode={};profile-level-id={profile_level_id}",
        packetization_mode(offered.fmtp.as_deref())
    ))
}

/// Static payload types (RFC 3551 §6) a section may list without `a=rtpmap`.
fn static_codec(payload_type: u8) -> Option<RtpCodec> {
    match payload_type {
        0 => Some(RtpCodec::new(0, "PCMU", 8000, None, None)),
        8 => Some(RtpCodec::new(8, "PCMA", 8000, None, None)),
        9 => Some(RtpCodec::new(9, "G722", 8000, None, None)),
        _ => None,
    }
}

/// The codecs an RTP `m=` section lists, in `m=` line order. Formats that
/// are not payload type numbers or have no rtpmap are skipped.
pub(super) fn codecs_of(media: &MediaDescription) -> Vec<RtpCodec> {
    let mut out: Vec<RtpCodec> = Vec::new();
    for format in &media.formats {
        let Ok(pt) = format.parse::<u8>() else { continue };
        if pt > 127 || out.iter().any(|c| c.payload_type == pt) {
            continue;
        }
        let rtpmap =
            media.rtpmap(pt).map(|r| RtpCodec::new(pt, r.encoding_name, r.clock_rate, r.encoding_params, None));
        let Some(mut codec) = rtpmap.or_else(|| static_codec(pt)) else { continue };
        codec.fmtp = media.fmtp(pt).map(str::to_string);
        codec.rtcp_feedback = media.rtcp_fbs(pt).map(|(t, p)| (t.to_string(), p.map(str::to_string))).collect();
        out.push(codec);
    }
    out
}

/// The answer's codecs for an offered RTP section: the offered formats we
/// support, in the offer's order and with its payload types. Empty when no
/// media codec is shared, which rejects the section.
pub(super) fn answer_codecs(kind: MediaKind, offered: &[RtpCodec]) -> Vec<RtpCodec> {
    let locals = local_codecs(kind);
    let mut accepted: Vec<RtpCodec> = Vec::new();
    for codec in offered.iter().filter(|c| !c.is_rtx()) {
        let Some(local) = locals.iter().find(|l| same_codec(codec, &l.codec)) else { continue };
        let feedback =
            local.codec.rtcp_feedback.iter().filter(|fb| codec.rtcp_feedback.contains(fb)).cloned().collect();
        accepted.push(RtpCodec {
            payload_type: codec.payload_type,
            name: local.codec.name.clone(),
            clock_rate: local.codec.clock_rate,
            channels: local.codec.channels,
            fmtp: answer_fmtp(&local.codec, codec),
            rtcp_feedback: feedback,
        });
    }
    if !accepted.iter().any(RtpCodec::is_media) {
        return Vec::new();
    }
    let video = kind == MediaKind::Video;
    // Keep the offer's order, RTX formats included.
    offered
        .iter()
        .filter_map(|codec| {
            if codec.is_rtx() {
                let apt = codec.apt()?;
                let repairs_accepted = accepted.iter().any(|a| a.payload_type == apt && a.is_media());
                (video && repairs_accepted).then(|| rtx_codec(codec.payload_type, apt))
            } else {
                accepted.iter().find(|a| a.payload_type == codec.payload_type).cloned()
            }
        })
        .collect()
}

/// Dynamic payload types, in the order Chromium hands them out.
fn free_payload_type(taken: &[u8]) -> Option<u8> {
    (96..=127).chain(35..=63).find(|pt| !taken.contains(pt))
}

/// Every codec wasmrtc can negotiate for `kind`, as `RTCRtpSender` /
/// `RTCRtpReceiver.getCapabilities()` report them (webrtc-pc §5.2): what a
/// first offer lists, and the header extensions it offers.
pub fn capabilities(kind: MediaKind) -> (Vec<RtpCodec>, Vec<&'static str>) {
    (offer_codecs(kind, &[]), super::header_extensions::capabilities())
}

/// The codecs to offer: all of ours, with the payload types already
/// negotiated for this section kept (a payload type keeps its meaning for
/// the whole session, RFC 3264 §8.3.2) and new ones chosen not to collide.
pub(super) fn offer_codecs(kind: MediaKind, negotiated: &[RtpCodec]) -> Vec<RtpCodec> {
    let mut taken: Vec<u8> = negotiated.iter().map(|c| c.payload_type).collect();
    let mut out = Vec::new();
    for local in local_codecs(kind) {
        let previous = negotiated.iter().find(|n| !n.is_rtx() && same_codec(n, &local.codec));
        let pt = match previous {
            Some(n) => Some(n.payload_type),
            None if !taken.contains(&local.codec.payload_type) => Some(local.codec.payload_type),
            None => free_payload_type(&taken),
        };
        // Out of payload types: offer the rest without this one.
        let Some(pt) = pt else { continue };
        taken.push(pt);
        out.push(RtpCodec { payload_type: pt, ..local.codec.clone() });
        let Some(local_rtx) = local.rtx_payload_type else { continue };
        let previous_rtx = negotiated.iter().find(|n| n.is_rtx() && n.apt() == Some(pt)).map(|n| n.payload_type);
        let rtx_pt = match previous_rtx {
            Some(p) => Some(p),
            None if !taken.contains(&local_rtx) => Some(local_rtx),
            None => free_payload_type(&taken),
        };
        if let Some(rtx_pt) = rtx_pt {
            taken.push(rtx_pt);
            out.push(rtx_codec(rtx_pt, pt));
        }
    }
    out
}

/// The `a=rtpmap`, `a=rtcp-fb` and `a=fmtp` lines for `codecs`, in
/// Chromium's per-codec order.
pub(super) fn codec_attributes(codecs: &[RtpCodec]) -> Vec<Attribute> {
    let mut out = Vec::new();
    for codec in codecs {
        out.push(Attribute::Rtpmap {
            payload_type: codec.payload_type,
            encoding_name: codec.name.clone(),
            clock_rate: codec.clock_rate,
            encoding_params: codec.channels,
        });
        for (feedback_type, parameter) in &codec.rtcp_feedback {
            out.push(Attribute::RtcpFb {
                payload_types: PayloadTypes::One(codec.payload_type),
                feedback_type: feedback_type.clone(),
                parameter: parameter.clone(),
            });
        }
        if let Some(parameters) = &codec.fmtp {
            out.push(Attribute::Fmtp { payload_type: codec.payload_type, parameters: parameters.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h264(pt: u8, fmtp: &str) -> RtpCodec {
        RtpCodec::new(pt, "H264", 90000, None, Some(fmtp))
    }

    #[test]
    fn h264_profiles_classify_like_chromium() {
        let profile = |id: &str| h264_profile(Some(&format!("profile-level-id={id}")));
        assert_eq!(profile("42e01f"), Some(Profile::ConstrainedBaseline));
        assert_eq!(profile("42001f"), Some(Profile::Baseline));
        assert_eq!(profile("4d001f"), Some(Profile::Main));
        assert_eq!(profile("640c1f"), Some(Profile::ConstrainedHigh));
        assert_eq!(profile("64001f"), Some(Profile::High));
        assert_eq!(profile("f4001f"), Some(Profile::PredictiveHigh444));
        assert_eq!(profile("zz001f"), None);
        assert_eq!(profile("42e0"), None);
        // No profile-level-id means Constrained Baseline 3.1, as libwebrtc takes it.
        assert_eq!(h264_profile(None), Some(Profile::ConstrainedBaseline));
    }

    #[test]
    fn h264_matches_on_profile_and_packetization_mode_not_level() {
        let ours = h264(102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        assert!(same_codec(&h264(126, "packetization-mode=1;profile-level-id=42e034"), &ours));
        assert!(!same_codec(&h264(126, "packetization-mode=0;profile-level-id=42e01f"), &ours));
        assert!(!same_codec(&h264(126, "packetization-mode=1;profile-level-id=4d001f"), &ours));
    }

    #[test]
    fn h264_answer_level_is_the_lower_without_asymmetry() {
        let ours = h264(108, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        let offered = h264(126, "packetization-mode=1;profile-level-id=42e00d");
        assert_eq!(
            answer_fmtp(&ours, &offered).as_deref(),
            Some("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e00d")
        );
        let offered = h264(126, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e00d");
        assert_eq!(
            answer_fmtp(&ours, &offered).as_deref(),
            Some("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        );
    }

    #[test]
    fn answer_keeps_offer_payload_types_and_drops_orphan_rtx() {
        let offered = vec![
            RtpCodec::new(120, "VP8", 90000, None, None).with_feedback(&[("nack", None), ("goog-remb", None)]),
            rtx_codec(124, 120),
            RtpCodec::new(122, "red", 90000, None, None),
            rtx_codec(119, 122),
            RtpCodec::new(121, "VP9", 90000, None, Some("profile-id=1")),
            rtx_codec(125, 121),
        ];
        let answer = answer_codecs(MediaKind::Video, &offered);
        let pts: Vec<u8> = answer.iter().map(|c| c.payload_type).collect();
        assert_eq!(pts, vec![120, 124]);
        assert_eq!(answer[0].rtcp_feedback, vec![("nack".to_string(), None)]);
        assert_eq!(answer[1].fmtp.as_deref(), Some("apt=120"));
    }

    #[test]
    fn answer_without_media_codec_is_empty() {
        let offered = vec![RtpCodec::new(101, "telephone-event", 8000, None, Some("0-15"))];
        assert!(answer_codecs(MediaKind::Audio, &offered).is_empty());
        let offered = vec![RtpCodec::new(9, "G722", 8000, Some(1), None)];
        assert!(answer_codecs(MediaKind::Audio, &offered).is_empty());
    }

    #[test]
    fn reoffer_keeps_negotiated_payload_types_without_collisions() {
        // What a Firefox offer negotiates: VP8 120/124, VP9 121/125, AV1 99/100.
        let negotiated = vec![
            RtpCodec::new(120, "VP8", 90000, None, None),
            rtx_codec(124, 120),
            RtpCodec::new(121, "VP9", 90000, None, None),
            rtx_codec(125, 121),
            RtpCodec::new(99, "AV1", 90000, None, None),
            rtx_codec(100, 99),
        ];
        let offer = offer_codecs(MediaKind::Video, &negotiated);
        let find = |name: &str, fmtp: Option<&str>| {
            offer.iter().find(|c| c.name == name && c.fmtp.as_deref() == fmtp).map(|c| c.payload_type)
        };
        assert_eq!(find("VP8", None), Some(120));
        assert_eq!(find("rtx", Some("apt=120")), Some(124));
        assert_eq!(find("VP9", Some("profile-id=0")), Some(121));
        assert_eq!(find("AV1", Some("level-idx=5;profile=0;tier=0")), Some(99));
        let mut pts: Vec<u8> = offer.iter().map(|c| c.payload_type).collect();
        let count = pts.len();
        pts.sort_unstable();
        pts.dedup();
        assert_eq!(pts.len(), count, "payload types collide: {offer:?}");
    }
}
