//! VP8 over RTP (RFC 7741): the payload descriptor (§4.2) before each
//! payload, and the VP8 payload header (§4.3) at the start of the first
//! partition, whose P bit is 0 on a key frame (RFC 6386 §9.1).

use super::{Depacketizer, FormatError, Fragment, FrameStart, Packetizer, Payload, PayloadFormat, RtpInfo};
use std::borrow::Cow;

/// A picture's number in the stream: 7 or 15 bits (RFC 7741 §4.2 M bit; the
/// same coding in VP9, RFC 9628 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureId {
    /// M = 0: 7 bits.
    Short(u8),
    /// M = 1: 15 bits.
    Long(u16),
}

impl PictureId {
    /// Reads a PictureID from the front of `bytes`: the ID and its length.
    pub(crate) fn read(bytes: &[u8]) -> Result<(PictureId, usize), FormatError> {
        match bytes {
            [first, ..] if first & 0x80 == 0 => Ok((PictureId::Short(first & 0x7F), 1)),
            [first, second, ..] => Ok((PictureId::Long(u16::from_be_bytes([first & 0x7F, *second])), 2)),
            _ => Err(FormatError::Truncated("PictureID")),
        }
    }

    pub(crate) fn write(self, out: &mut Vec<u8>) {
        match self {
            PictureId::Short(id) => out.push(id & 0x7F),
            PictureId::Long(id) => out.extend_from_slice(&(0x8000 | (id & 0x7FFF)).to_be_bytes()),
        }
    }
}

/// The temporal layer fields (T bit): TID and the Y (layer sync) bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemporalLayer {
    pub tid: u8,
    pub layer_sync: bool,
}

/// The VP8 payload descriptor (RFC 7741 §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vp8Descriptor {
    /// N: the frame is not a reference for others.
    pub non_reference: bool,
    /// S: this payload starts a partition.
    pub start_of_partition: bool,
    /// PID: the partition this payload belongs to (0–7).
    pub partition_index: u8,
    /// I bit and PictureID.
    pub picture_id: Option<PictureId>,
    /// L bit and TL0PICIDX.
    pub tl0_pic_idx: Option<u8>,
    /// T bit and TID/Y.
    pub temporal: Option<TemporalLayer>,
    /// K bit and KEYIDX.
    pub key_idx: Option<u8>,
}

impl Vp8Descriptor {
    /// Reads the descriptor at the front of a payload: it and its length.
    pub fn parse(payload: &[u8]) -> Result<(Vp8Descriptor, usize), FormatError> {
        let (&first, mut rest) =
            payload.split_first().ok_or(FormatError::Truncated("VP8 payload descriptor"))?;
        let mut descriptor = Vp8Descriptor {
            non_reference: first & 0x20 != 0,
            start_of_partition: first & 0x10 != 0,
            partition_index: first & 0x07,
            ..Vp8Descriptor::default()
        };
        if first & 0x80 != 0 {
            let (&extension, after) = rest.split_first().ok_or(FormatError::Truncated("VP8 X byte"))?;
            rest = after;
            if extension & 0x80 != 0 {
                let (picture_id, len) = PictureId::read(rest)?;
                descriptor.picture_id = Some(picture_id);
                rest = &rest[len..];
            }
            if extension & 0x40 != 0 {
                let (&tl0_pic_idx, after) =
                    rest.split_first().ok_or(FormatError::Truncated("VP8 TL0PICIDX"))?;
                descriptor.tl0_pic_idx = Some(tl0_pic_idx);
                rest = after;
            }
            if extension & 0x30 != 0 {
                let (&byte, after) = rest.split_first().ok_or(FormatError::Truncated("VP8 TID/KEYIDX"))?;
                rest = after;
                if extension & 0x20 != 0 {
                    descriptor.temporal =
                        Some(TemporalLayer { tid: byte >> 6, layer_sync: byte & 0x20 != 0 });
                }
                if extension & 0x10 != 0 {
                    descriptor.key_idx = Some(byte & 0x1F);
                }
            }
        }
        Ok((descriptor, payload.len() - rest.len()))
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        let extension = u8::from(self.picture_id.is_some()) << 7
            | u8::from(self.tl0_pic_idx.is_some()) << 6
            | u8::from(self.temporal.is_some()) << 5
            | u8::from(self.key_idx.is_some()) << 4;
        out.push(
            u8::from(extension != 0) << 7
                | u8::from(self.non_reference) << 5
                | u8::from(self.start_of_partition) << 4
                | (self.partition_index & 0x07),
        );
        if extension == 0 {
            return;
        }
        out.push(extension);
        if let Some(picture_id) = self.picture_id {
            picture_id.write(out);
        }
        if let Some(tl0_pic_idx) = self.tl0_pic_idx {
            out.push(tl0_pic_idx);
        }
        if self.temporal.is_some() || self.key_idx.is_some() {
            let temporal = self.temporal.map_or(0, |t| (t.tid & 0x03) << 6 | u8::from(t.layer_sync) << 5);
            out.push(temporal | self.key_idx.unwrap_or(0) & 0x1F);
        }
    }
}

/// Splits `len` bytes into the fewest chunks of at most `capacity` bytes,
/// as equal as possible (so no tiny last packet).
pub(crate) fn balanced_chunks(len: usize, capacity: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let count = len.div_ceil(capacity.max(1)).max(1);
    let (base, extra) = (len / count, len % count);
    (0..count).scan(0, move |offset, i| {
        let size = base + usize::from(i < extra);
        let range = *offset..*offset + size;
        *offset += size;
        Some(range)
    })
}

/// Packetizes VP8 frames with a 15-bit PictureID that counts frames.
#[derive(Debug)]
pub struct Vp8Packetizer {
    picture_id: u16,
}

impl Vp8Packetizer {
    /// `first_picture_id` should be random (RFC 7741 §4.2 leaves it free).
    pub fn new(first_picture_id: u16) -> Self {
        Vp8Packetizer { picture_id: first_picture_id & 0x7FFF }
    }
}

impl Packetizer for Vp8Packetizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        const DESCRIPTOR_LEN: usize = 4;
        if frame.is_empty() {
            return Err(FormatError::BadFrame("empty VP8 frame"));
        }
        let capacity = max_payload_size.saturating_sub(DESCRIPTOR_LEN);
        if capacity == 0 {
            return Err(FormatError::PayloadTooSmall {
                max: max_payload_size,
                what: "the VP8 descriptor and a byte",
            });
        }
        let picture_id = PictureId::Long(self.picture_id);
        self.picture_id = (self.picture_id + 1) & 0x7FFF;
        let mut payloads: Vec<Payload> = balanced_chunks(frame.len(), capacity)
            .enumerate()
            .map(|(i, range)| {
                let mut data = Vec::with_capacity(DESCRIPTOR_LEN + range.len());
                Vp8Descriptor {
                    start_of_partition: i == 0,
                    picture_id: Some(picture_id),
                    ..Vp8Descriptor::default()
                }
                .write(&mut data);
                data.extend_from_slice(&frame[range]);
                Payload { data, marker: false }
            })
            .collect();
        if let Some(last) = payloads.last_mut() {
            last.marker = true;
        }
        Ok(payloads)
    }
}

#[derive(Debug, Default)]
pub struct Vp8;

impl PayloadFormat for Vp8 {
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        let (descriptor, len) = Vp8Descriptor::parse(payload)?;
        let data = &payload[len..];
        let &first = data.first().ok_or(FormatError::Truncated("VP8 payload has no data"))?;
        let starts_frame = descriptor.start_of_partition && descriptor.partition_index == 0;
        Ok(Fragment {
            start: if starts_frame { FrameStart::Yes } else { FrameStart::No },
            end: info.marker,
            // RFC 7741 §4.3: P is the low bit of the first byte, 0 on key frames.
            key_frame: starts_frame && first & 0x01 == 0,
            data: Cow::Borrowed(data),
        })
    }
}

pub type Vp8Depacketizer = Depacketizer<Vp8>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_layouts() {
        // X=1 S=1 PID=0; I L T K; M=1 PictureID 0x1234; TL0PICIDX 7; TID 2 Y KEYIDX 5.
        let bytes = [0x90, 0xF0, 0x92, 0x34, 0x07, 0xA5];
        let (descriptor, len) = Vp8Descriptor::parse(&bytes).unwrap();
        assert_eq!(len, 6);
        assert_eq!(
            descriptor,
            Vp8Descriptor {
                non_reference: false,
                start_of_partition: true,
                partition_index: 0,
                picture_id: Some(PictureId::Long(0x1234)),
                tl0_pic_idx: Some(7),
                temporal: Some(TemporalLayer { tid: 2, layer_sync: true }),
                key_idx: Some(5),
            }
        );
        let mut out = Vec::new();
        descriptor.write(&mut out);
        assert_eq!(out, bytes);

        // The minimal descriptor: N=1, PID 3, no extension.
        let (descriptor, len) = Vp8Descriptor::parse(&[0x23]).unwrap();
        assert_eq!((descriptor.non_reference, descriptor.partition_index, len), (true, 3, 1));

        // 7-bit PictureID; K alone still takes the TID/KEYIDX byte.
        let (descriptor, len) = Vp8Descriptor::parse(&[0x80, 0x90, 0x11, 0x03]).unwrap();
        assert_eq!(descriptor.picture_id, Some(PictureId::Short(0x11)));
        assert_eq!((descriptor.temporal, descriptor.key_idx, len), (None, Some(3), 4));
    }

    #[test]
    fn truncated_descriptors_are_errors() {
        for bytes in [&[][..], &[0x80], &[0x80, 0x80], &[0x80, 0x80, 0x80], &[0x80, 0x40], &[0x80, 0x20]] {
            assert!(Vp8Descriptor::parse(bytes).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn balanced_chunks_cover_exactly() {
        for (len, capacity) in [(1, 1), (10, 3), (1000, 1000), (1001, 1000), (7, 100)] {
            let chunks: Vec<_> = balanced_chunks(len, capacity).collect();
            assert_eq!(chunks.first().map(|r| r.start), Some(0));
            assert_eq!(chunks.last().map(|r| r.end), Some(len));
            assert!(chunks.windows(2).all(|w| w[0].end == w[1].start));
            assert!(chunks.iter().all(|r| r.len() <= capacity && !r.is_empty()));
            assert_eq!(chunks.len(), len.div_ceil(capacity));
        }
    }
}
