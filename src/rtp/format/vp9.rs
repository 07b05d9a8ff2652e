//! VP9 over RTP (RFC 9628): the payload descriptor (§4.2) in flexible and
//! non-flexible mode, with the scalability structure SS (§4.2.1) sent on key
//! frames; key frames are the base layer's pictures whose P bit is 0.
//!
//! The packetizer sends one spatial and temporal layer in non-flexible mode,
//! as libwebrtc does for a plain VP9 stream: a 15-bit PictureID, and on key
//! frames an SS giving the resolution (read from the frame's uncompressed
//! header, VP9 bitstream spec §6.2) and a one-picture group.

use super::vp8::{balanced_chunks, PictureId};
use super::{Depacketizer, FormatError, Fragment, FrameStart, Packetizer, Payload, PayloadFormat, RtpInfo};
use std::borrow::Cow;

/// The layer indices (L bit): TID, U (switching up point), SID, D
/// (inter-layer dependency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerIndices {
    pub tid: u8,
    pub switching_up_point: bool,
    pub sid: u8,
    pub inter_layer_dependency: bool,
}

/// One picture of the group of pictures in an SS (N_G entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureGroupEntry {
    pub tid: u8,
    pub switching_up_point: bool,
    /// The P_DIFFs of the pictures it references (R of them, at most 3).
    pub p_diffs: Vec<u8>,
}

/// The scalability structure (RFC 9628 §4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalabilityStructure {
    /// N_S + 1.
    pub spatial_layers: u8,
    /// Y: width and height of each spatial layer.
    pub resolutions: Option<Vec<(u16, u16)>>,
    /// G: the group of pictures.
    pub picture_group: Option<Vec<PictureGroupEntry>>,
}

/// The VP9 payload descriptor (RFC 9628 §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vp9Descriptor {
    /// P: inter-picture predicted.
    pub inter_picture_predicted: bool,
    /// F: flexible mode.
    pub flexible_mode: bool,
    /// B: start of a layer frame.
    pub start_of_frame: bool,
    /// E: end of a layer frame.
    pub end_of_frame: bool,
    /// Z: not a reference for upper spatial layers.
    pub not_upper_reference: bool,
    /// I bit and PictureID.
    pub picture_id: Option<PictureId>,
    /// L bit and the layer indices.
    pub layer: Option<LayerIndices>,
    /// TL0PICIDX (non-flexible mode with L).
    pub tl0_pic_idx: Option<u8>,
    /// Reference indices P_DIFF (flexible mode with P), at most 3.
    pub p_diffs: Vec<u8>,
    /// V bit and the SS.
    pub scalability_structure: Option<ScalabilityStructure>,
}

/// Reads bytes off the front of a slice.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self, what: &'static str) -> Result<u8, FormatError> {
        let (&byte, rest) = self.0.split_first().ok_or(FormatError::Truncated(what))?;
        self.0 = rest;
        Ok(byte)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, FormatError> {
        Ok(u16::from_be_bytes([self.u8(what)?, self.u8(what)?]))
    }
}

impl Vp9Descriptor {
    /// Reads the descriptor at the front of a payload: it and its length.
    pub fn parse(payload: &[u8]) -> Result<(Vp9Descriptor, usize), FormatError> {
        let mut bytes = Bytes(payload);
        let first = bytes.u8("VP9 payload descriptor")?;
        let mut descriptor = Vp9Descriptor {
            inter_picture_predicted: first & 0x40 != 0,
            flexible_mode: first & 0x10 != 0,
            start_of_frame: first & 0x08 != 0,
            end_of_frame: first & 0x04 != 0,
            not_upper_reference: first & 0x01 != 0,
            ..Vp9Descriptor::default()
        };
        if first & 0x80 != 0 {
            let (picture_id, len) = PictureId::read(bytes.0)?;
            descriptor.picture_id = Some(picture_id);
            bytes.0 = &bytes.0[len..];
        }
        if first & 0x20 != 0 {
            let byte = bytes.u8("VP9 layer indices")?;
            descriptor.layer = Some(LayerIndices {
                tid: byte >> 5,
                switching_up_point: byte & 0x10 != 0,
                sid: (byte >> 1) & 0x07,
                inter_layer_dependency: byte & 0x01 != 0,
            });
            if !descriptor.flexible_mode {
                descriptor.tl0_pic_idx = Some(bytes.u8("VP9 TL0PICIDX")?);
            }
        }
        if descriptor.flexible_mode && descriptor.inter_picture_predicted {
            loop {
                let byte = bytes.u8("VP9 P_DIFF")?;
                if descriptor.p_diffs.len() == 3 {
                    return Err(FormatError::Malformed("more than 3 VP9 P_DIFFs"));
                }
                descriptor.p_diffs.push(byte >> 1);
                if byte & 0x01 == 0 {
                    break;
                }
            }
        }
        if first & 0x02 != 0 {
            descriptor.scalability_structure = Some(ScalabilityStructure::parse(&mut bytes)?);
        }
        Ok((descriptor, payload.len() - bytes.0.len()))
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(
            u8::from(self.picture_id.is_some()) << 7
                | u8::from(self.inter_picture_predicted) << 6
                | u8::from(self.layer.is_some()) << 5
                | u8::from(self.flexible_mode) << 4
                | u8::from(self.start_of_frame) << 3
                | u8::from(self.end_of_frame) << 2
                | u8::from(self.scalability_structure.is_some()) << 1
                | u8::from(self.not_upper_reference),
        );
        if let Some(picture_id) = self.picture_id {
            picture_id.write(out);
        }
        if let Some(layer) = self.layer {
            out.push(
                (layer.tid & 0x07) << 5
                    | u8::from(layer.switching_up_point) << 4
                    | (layer.sid & 0x07) << 1
                    | u8::from(layer.inter_layer_dependency),
            );
            if !self.flexible_mode {
                out.push(self.tl0_pic_idx.unwrap_or(0));
            }
        }
        if self.flexible_mode && self.inter_picture_predicted {
            let count = self.p_diffs.len().min(3);
            for (i, p_diff) in self.p_diffs.iter().take(count).enumerate() {
                out.push(p_diff << 1 | u8::from(i + 1 < count));
            }
        }
        if let Some(ss) = &self.scalability_structure {
            ss.write(out);
        }
    }
}

impl ScalabilityStructure {
    fn parse(bytes: &mut Bytes<'_>) -> Result<ScalabilityStructure, FormatError> {
        let first = bytes.u8("VP9 SS")?;
        let spatial_layers = (first >> 5) + 1;
        let resolutions = if first & 0x10 != 0 {
            let mut resolutions = Vec::with_capacity(usize::from(spatial_layers));
            for _ in 0..spatial_layers {
                resolutions.push((bytes.u16("VP9 SS resolution")?, bytes.u16("VP9 SS resolution")?));
            }
            Some(resolutions)
        } else {
            None
        };
        let picture_group = if first & 0x08 != 0 {
            let count = bytes.u8("VP9 SS N_G")?;
            let mut group = Vec::with_capacity(usize::from(count));
            for _ in 0..count {
                let byte = bytes.u8("VP9 SS picture")?;
                let references = (byte >> 2) & 0x03;
                let mut p_diffs = Vec::with_capacity(usize::from(references));
                for _ in 0..references {
                    p_diffs.push(bytes.u8("VP9 SS P_DIFF")?);
                }
                group.push(PictureGroupEntry {
                    tid: byte >> 5,
                    switching_up_point: byte & 0x10 != 0,
                    p_diffs,
                });
            }
            Some(group)
        } else {
            None
        };
        Ok(ScalabilityStructure { spatial_layers, resolutions, picture_group })
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.push(
            (self.spatial_layers.clamp(1, 8) - 1) << 5
                | u8::from(self.resolutions.is_some()) << 4
                | u8::from(self.picture_group.is_some()) << 3,
        );
        for (width, height) in self.resolutions.iter().flatten() {
            out.extend_from_slice(&width.to_be_bytes());
            out.extend_from_slice(&height.to_be_bytes());
        }
        if let Some(group) = &self.picture_group {
            out.push(group.len().min(255) as u8);
            for entry in group.iter().take(255) {
                let references = entry.p_diffs.len().min(3);
                out.push(
                    (entry.tid & 0x07) << 5
                        | u8::from(entry.switching_up_point) << 4
                        | (references as u8) << 2,
                );
                out.extend_from_slice(&entry.p_diffs[..references]);
            }
        }
    }
}

/// What the packetizer needs from a frame's uncompressed header (VP9
/// bitstream spec §6.2): whether it is a key frame, and then its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub key_frame: bool,
    /// Width and height of a key frame.
    pub size: Option<(u16, u16)>,
}

struct Bits<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Bits<'_> {
    fn read(&mut self, count: u32) -> Result<u32, FormatError> {
        let mut value = 0;
        for _ in 0..count {
            let byte =
                self.bytes.get(self.position / 8).ok_or(FormatError::BadFrame("VP9 header truncated"))?;
            value = value << 1 | u32::from(byte >> (7 - self.position % 8) & 1);
            self.position += 1;
        }
        Ok(value)
    }
}

impl FrameHeader {
    pub fn parse(frame: &[u8]) -> Result<FrameHeader, FormatError> {
        let mut bits = Bits { bytes: frame, position: 0 };
        if bits.read(2)? != 2 {
            return Err(FormatError::BadFrame("no VP9 frame marker"));
        }
        let profile = bits.read(1)? | bits.read(1)? << 1;
        if profile == 3 {
            bits.read(1)?;
        }
        let not_key = FrameHeader { key_frame: false, size: None };
        if bits.read(1)? == 1 {
            return Ok(not_key); // show_existing_frame
        }
        if bits.read(1)? != 0 {
            return Ok(not_key); // frame_type NON_KEY_FRAME
        }
        bits.read(2)?; // show_frame, error_resilient_mode
        if bits.read(24)? != 0x49_83_42 {
            return Err(FormatError::BadFrame("no VP9 frame sync code"));
        }
        if profile >= 2 {
            bits.read(1)?; // ten_or_twelve_bit
        }
        const CS_RGB: u32 = 7;
        let color_space = bits.read(3)?;
        let odd_profile = profile == 1 || profile == 3;
        if color_space != CS_RGB {
            bits.read(1)?; // color_range
            if odd_profile {
                bits.read(3)?; // subsampling_x, subsampling_y, reserved_zero
            }
        } else if odd_profile {
            bits.read(1)?;
        }
        let width = bits.read(16)? + 1;
        let height = bits.read(16)? + 1;
        let size = (u16::try_from(width), u16::try_from(height));
        match size {
            (Ok(width), Ok(height)) => Ok(FrameHeader { key_frame: true, size: Some((width, height)) }),
            _ => Ok(FrameHeader { key_frame: true, size: None }),
        }
    }
}

/// Packetizes a single-layer VP9 stream in non-flexible mode.
#[derive(Debug)]
pub struct Vp9Packetizer {
    picture_id: u16,
}

impl Vp9Packetizer {
    /// `first_picture_id` should be random.
    pub fn new(first_picture_id: u16) -> Self {
        Vp9Packetizer { picture_id: first_picture_id & 0x7FFF }
    }
}

impl Packetizer for Vp9Packetizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        let header = FrameHeader::parse(frame)?;
        let picture_id = PictureId::Long(self.picture_id);
        self.picture_id = (self.picture_id + 1) & 0x7FFF;
        let descriptor = |first: bool, last: bool| Vp9Descriptor {
            inter_picture_predicted: !header.key_frame,
            start_of_frame: first,
            end_of_frame: last,
            picture_id: Some(picture_id),
            scalability_structure: (first && header.key_frame).then(|| ScalabilityStructure {
                spatial_layers: 1,
                resolutions: header.size.map(|size| vec![size]),
                picture_group: Some(vec![PictureGroupEntry {
                    tid: 0,
                    switching_up_point: false,
                    p_diffs: vec![1],
                }]),
            }),
            ..Vp9Descriptor::default()
        };
        let mut first_descriptor = Vec::new();
        descriptor(true, false).write(&mut first_descriptor);
        let mut plain = Vec::new();
        descriptor(false, false).write(&mut plain);
        let first_capacity = max_payload_size.saturating_sub(first_descriptor.len());
        let capacity = max_payload_size.saturating_sub(plain.len());
        if first_capacity == 0 {
            return Err(FormatError::PayloadTooSmall {
                max: max_payload_size,
                what: "the VP9 descriptor and a byte",
            });
        }
        let first_len = first_capacity.min(frame.len());
        let rest = (first_len < frame.len()).then(|| {
            balanced_chunks(frame.len() - first_len, capacity).map(|r| r.start + first_len..r.end + first_len)
        });
        let chunks: Vec<_> = std::iter::once(0..first_len).chain(rest.into_iter().flatten()).collect();
        let count = chunks.len();
        Ok(chunks
            .into_iter()
            .enumerate()
            .map(|(i, range)| {
                let last = i + 1 == count;
                let mut data = Vec::with_capacity(max_payload_size);
                descriptor(i == 0, last).write(&mut data);
                data.extend_from_slice(&frame[range]);
                Payload { data, marker: last }
            })
            .collect())
    }
}

#[derive(Debug, Default)]
pub struct Vp9;

impl PayloadFormat for Vp9 {
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        let (descriptor, len) = Vp9Descriptor::parse(payload)?;
        let data = &payload[len..];
        if data.is_empty() {
            return Err(FormatError::Truncated("VP9 payload has no data"));
        }
        let base_layer = descriptor.layer.is_none_or(|layer| layer.sid == 0);
        let starts_picture = descriptor.start_of_frame && base_layer;
        Ok(Fragment {
            start: if starts_picture { FrameStart::Yes } else { FrameStart::No },
            end: info.marker,
            key_frame: starts_picture && !descriptor.inter_picture_predicted,
            data: Cow::Borrowed(data),
        })
    }
}

pub type Vp9Depacketizer = Depacketizer<Vp9>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flexible_mode_layout() {
        // I P L F B: PictureID 0x0102 (M=1), TID 1 U SID 2 D, P_DIFFs 1 and 3.
        let bytes = [0xF8, 0x81, 0x02, 0x35, 0x03, 0x06, 0xAA];
        let (descriptor, len) = Vp9Descriptor::parse(&bytes).unwrap();
        assert_eq!(len, 6);
        assert_eq!(
            descriptor,
            Vp9Descriptor {
                inter_picture_predicted: true,
                flexible_mode: true,
                start_of_frame: true,
                picture_id: Some(PictureId::Long(0x0102)),
                layer: Some(LayerIndices {
                    tid: 1,
                    switching_up_point: true,
                    sid: 2,
                    inter_layer_dependency: true
                }),
                p_diffs: vec![1, 3],
                ..Vp9Descriptor::default()
            }
        );
        let mut out = Vec::new();
        descriptor.write(&mut out);
        assert_eq!(out, bytes[..6]);
    }

    #[test]
    fn non_flexible_mode_with_ss_layout() {
        // I L B V; PictureID 5 (M=0); TID 0 SID 0; TL0PICIDX 9;
        // SS: N_S=1 Y G, 640x360 and 1280x720, N_G=1: TID 0, R=1, P_DIFF 1.
        let bytes =
            [0xAA, 0x05, 0x00, 0x09, 0x38, 0x02, 0x80, 0x01, 0x68, 0x05, 0x00, 0x02, 0xD0, 0x01, 0x04, 0x01];
        let (descriptor, len) = Vp9Descriptor::parse(&bytes).unwrap();
        assert_eq!(len, bytes.len());
        assert_eq!(descriptor.tl0_pic_idx, Some(9));
        assert_eq!(
            descriptor.scalability_structure,
            Some(ScalabilityStructure {
                spatial_layers: 2,
                resolutions: Some(vec![(640, 360), (1280, 720)]),
                picture_group: Some(vec![PictureGroupEntry {
                    tid: 0,
                    switching_up_point: false,
                    p_diffs: vec![1]
                }]),
            })
        );
        let mut out = Vec::new();
        descriptor.write(&mut out);
        assert_eq!(out, bytes);
    }

    #[test]
    fn malformed_descriptors_are_errors() {
        for bytes in
            [&[][..], &[0x80], &[0x80, 0x80], &[0x20], &[0x50, 0x03, 0x03, 0x03, 0x03], &[0x02, 0x10, 0, 0]]
        {
            assert!(Vp9Descriptor::parse(bytes).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn key_frame_header() {
        // Profile 0 key frame, BT.601, 320x240.
        let key = [0x82, 0x49, 0x83, 0x42, 0x00, 0x13, 0xF0, 0x0E, 0xF0, 0x00];
        assert_eq!(FrameHeader::parse(&key), Ok(FrameHeader { key_frame: true, size: Some((320, 240)) }));
        assert_eq!(FrameHeader::parse(&[0x86]), Ok(FrameHeader { key_frame: false, size: None }));
        assert!(FrameHeader::parse(&[0x00]).is_err());
        assert!(FrameHeader::parse(&key[..6]).is_err());
    }
}
