//! The header extensions WebRTC negotiates, typed, and the extension map
//! (`a=extmap`, RFC 8285 §5) that says which ID carries which:
//!
//! - `sdes:mid` (RFC 8843 §15), `sdes:rtp-stream-id` and
//!   `sdes:repaired-rtp-stream-id` (RFC 8852 §3): short identifier strings.
//! - abs-send-time: the send time in 6.18 fixed-point seconds, 24 bits.
//! - transport-wide-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01
//!   §2): a 16-bit transport-wide sequence number.
//! - ssrc-audio-level (RFC 6464 §3): the V (voice activity) bit and the
//!   level in -dBov, 0..=127.
//! - video orientation (3GPP TS 26.114 §7.4.5): camera, flip and rotation.

use std::time::Duration;

use super::rtp::{ExtensionElement, HeaderExtension, RtpHeader, RtpPacket};
use super::PacketError;

/// The header extensions we read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtensionKind {
    Mid,
    RtpStreamId,
    RepairedRtpStreamId,
    AbsSendTime,
    TransportWideCc,
    AudioLevel,
    VideoOrientation,
}

impl ExtensionKind {
    pub const ALL: [ExtensionKind; 7] = [
        ExtensionKind::Mid,
        ExtensionKind::RtpStreamId,
        ExtensionKind::RepairedRtpStreamId,
        ExtensionKind::AbsSendTime,
        ExtensionKind::TransportWideCc,
        ExtensionKind::AudioLevel,
        ExtensionKind::VideoOrientation,
    ];

    /// The URI `a=extmap` names it by.
    pub fn uri(self) -> &'static str {
        match self {
            ExtensionKind::Mid => "urn:ietf:params:rtp-hdrext:sdes:mid",
            ExtensionKind::RtpStreamId => "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
            ExtensionKind::RepairedRtpStreamId => "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
            ExtensionKind::AbsSendTime => "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            ExtensionKind::TransportWideCc => "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            ExtensionKind::AudioLevel => "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            ExtensionKind::VideoOrientation => "urn:3gpp:video-orientation",
        }
    }

    pub fn from_uri(uri: &str) -> Option<ExtensionKind> {
        ExtensionKind::ALL.into_iter().find(|k| k.uri() == uri)
    }
}

/// Which ID carries which extension, from the negotiated `a=extmap` lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionMap {
    entries: Vec<(u8, String)>,
    /// `a=extmap-allow-mixed` (RFC 8285 §6): one- and two-byte elements may
    /// be mixed in one stream, so two-byte packets may be sent whenever an
    /// element needs them. Parsing accepts both forms either way.
    pub allow_mixed: bool,
}

impl ExtensionMap {
    pub fn new() -> ExtensionMap {
        ExtensionMap::default()
    }

    /// Maps `id` (1..=255, RFC 8285 §5) to `uri`, replacing an earlier
    /// mapping of the same ID.
    pub fn insert(&mut self, id: u8, uri: &str) -> Result<(), PacketError> {
        if id == 0 {
            return Err(PacketError::Unencodable("extension ID 0 is reserved"));
        }
        self.entries.retain(|(i, _)| *i != id);
        self.entries.push((id, uri.to_owned()));
        Ok(())
    }

    pub fn uri(&self, id: u8) -> Option<&str> {
        self.entries.iter().find(|(i, _)| *i == id).map(|(_, u)| u.as_str())
    }

    pub fn kind(&self, id: u8) -> Option<ExtensionKind> {
        self.uri(id).and_then(ExtensionKind::from_uri)
    }

    pub fn id(&self, kind: ExtensionKind) -> Option<u8> {
        self.entries.iter().find(|(_, u)| u == kind.uri()).map(|(i, _)| *i)
    }
}

/// RFC 6464 §3: voice activity and level in -dBov (0 loudest, 127 silence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioLevel {
    pub voice_activity: bool,
    pub level: u8,
}

/// 3GPP TS 26.114 §7.4.5's byte `0 0 0 0 C F R1 R0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoOrientation {
    /// C: the back-facing camera (false: front-facing).
    pub back_camera: bool,
    /// F: horizontally flipped.
    pub flip: bool,
    /// R1 R0: rotation in quarter turns, 0..=3 (0°, 90°, 180°, 270°).
    pub rotation: u8,
}

impl VideoOrientation {
    pub fn rotation_degrees(self) -> u16 {
        u16::from(self.rotation & 3) * 90
    }
}

/// The typed extension values of one packet; `None`: absent (or absent
/// from the map, or malformed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionValues {
    pub mid: Option<String>,
    pub rtp_stream_id: Option<String>,
    pub repaired_rtp_stream_id: Option<String>,
    /// 6.18 fixed-point seconds, 24 bits: see [`abs_send_time`].
    pub abs_send_time: Option<u32>,
    pub transport_sequence_number: Option<u16>,
    pub audio_level: Option<AudioLevel>,
    pub video_orientation: Option<VideoOrientation>,
}

/// abs-send-time of `t` (seconds and fraction since any epoch, modulo 64 s):
/// the 6.18 fixed-point value, 24 bits.
pub fn abs_send_time(t: Duration) -> u32 {
    let fixed = (t.as_nanos() << 18) / 1_000_000_000;
    (fixed & 0x00FF_FFFF) as u32
}

/// The duration (below 64 s) a 24-bit abs-send-time value stands for.
pub fn abs_send_time_duration(value: u32) -> Duration {
    let nanos = (u64::from(value & 0x00FF_FFFF) * 1_000_000_000) >> 18;
    Duration::from_nanos(nanos)
}

/// RFC 8852 §3 and RFC 8843 §15 identifiers: 1..=255 alphanumeric octets
/// (RFC 8851 §10 `rid-id` allows `-` and `_` too, as do MIDs in practice).
fn identifier(data: &[u8]) -> Option<String> {
    let ok = !data.is_empty() && data.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_');
    ok.then(|| data.iter().map(|&b| char::from(b)).collect())
}

impl ExtensionValues {
    /// Reads the values `map` knows from `packet`'s extension elements.
    pub fn read(map: &ExtensionMap, packet: &RtpPacket<'_>) -> ExtensionValues {
        let mut values = ExtensionValues::default();
        for element in packet.extensions() {
            let Some(kind) = map.kind(element.id) else { continue };
            let data = element.data;
            match kind {
                ExtensionKind::Mid => values.mid = identifier(data),
                ExtensionKind::RtpStreamId => values.rtp_stream_id = identifier(data),
                ExtensionKind::RepairedRtpStreamId => values.repaired_rtp_stream_id = identifier(data),
                ExtensionKind::AbsSendTime => {
                    if let [a, b, c] = *data {
                        values.abs_send_time = Some(u32::from_be_bytes([0, a, b, c]));
                    }
                }
                ExtensionKind::TransportWideCc => {
                    if let [a, b] = *data {
                        values.transport_sequence_number = Some(u16::from_be_bytes([a, b]));
                    }
                }
                ExtensionKind::AudioLevel => {
                    if let [byte] = *data {
                        values.audio_level = Some(AudioLevel { voice_activity: byte & 0x80 != 0, level: byte & 0x7F });
                    }
                }
                ExtensionKind::VideoOrientation => {
                    if let [byte] = *data {
                        values.video_orientation = Some(VideoOrientation {
                            back_camera: byte & 0x08 != 0,
                            flip: byte & 0x04 != 0,
                            rotation: byte & 0x03,
                        });
                    }
                }
            }
        }
        values
    }

    /// The elements for the values that `map` has an ID for, by ascending
    /// ID. Values the map lacks are left out.
    pub fn to_elements(&self, map: &ExtensionMap) -> Result<Vec<ExtensionElement>, PacketError> {
        let mut elements = Vec::new();
        let mut push = |kind: ExtensionKind, data: Vec<u8>| {
            if let Some(id) = map.id(kind) {
                elements.push(ExtensionElement { id, data });
            }
        };
        for (kind, id) in [
            (ExtensionKind::Mid, &self.mid),
            (ExtensionKind::RtpStreamId, &self.rtp_stream_id),
            (ExtensionKind::RepairedRtpStreamId, &self.repaired_rtp_stream_id),
        ] {
            if let Some(id) = id {
                if identifier(id.as_bytes()).is_none() || id.len() > 255 {
                    return Err(PacketError::Unencodable("identifier must be 1..=255 alphanumeric octets"));
                }
                push(kind, id.as_bytes().to_vec());
            }
        }
        if let Some(t) = self.abs_send_time {
            push(ExtensionKind::AbsSendTime, t.to_be_bytes()[1..].to_vec());
        }
        if let Some(seq) = self.transport_sequence_number {
            push(ExtensionKind::TransportWideCc, seq.to_be_bytes().to_vec());
        }
        if let Some(a) = self.audio_level {
            if a.level > 127 {
                return Err(PacketError::Unencodable("audio level above 127"));
            }
            push(ExtensionKind::AudioLevel, vec![u8::from(a.voice_activity) << 7 | a.level]);
        }
        if let Some(o) = self.video_orientation {
            if o.rotation > 3 {
                return Err(PacketError::Unencodable("rotation above 3 quarter turns"));
            }
            push(ExtensionKind::VideoOrientation, vec![u8::from(o.back_camera) << 3 | u8::from(o.flip) << 2 | o.rotation]);
        }
        elements.sort_by_key(|e| e.id);
        Ok(elements)
    }

    /// Sets `header`'s extension to these values, one-byte form when they
    /// fit it, else two-byte — which without `extmap-allow-mixed` is only
    /// allowed when the map uses IDs above 14 (RFC 8285 §4.3, §6).
    pub fn write_into(&self, map: &ExtensionMap, header: &mut RtpHeader) -> Result<(), PacketError> {
        let elements = self.to_elements(map)?;
        if elements.is_empty() {
            header.extension = None;
            return Ok(());
        }
        let extension = HeaderExtension::from_elements(elements);
        if let HeaderExtension::TwoByte(elements) = &extension {
            let needs_high_ids = elements.iter().any(|e| e.id > 14);
            if !map.allow_mixed && !needs_high_ids {
                return Err(PacketError::Unencodable("two-byte elements need extmap-allow-mixed"));
            }
        }
        header.extension = Some(extension);
        Ok(())
    }
}
