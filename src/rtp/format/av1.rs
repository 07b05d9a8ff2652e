//! AV1 over RTP: the AOM "RTP Payload Format For AV1" v1.0.0. Each payload
//! is an aggregation header (§4.4: Z, Y, W, N) and OBU elements (§4.3),
//! each an OBU without its size field, behind a LEB128 length unless it is
//! the last of W ≤ 3. An OBU may be split across packets (Y on one, Z on the
//! next). Frames are temporal units in the low-overhead bitstream format
//! (AV1 spec §5.2), every OBU with obu_has_size_field = 1, as WebCodecs
//! produces and takes them. The sender drops temporal delimiters and tile
//! list OBUs (§5); N = 1 on the first packet of a coded video sequence (a
//! temporal unit with a sequence header), which is a key frame.

use super::leb128;
use super::{
    Depacketizer, FormatError, Fragment, FrameStart, Packetizer, Payload, PayloadFormat, RtpInfo,
    MAX_FRAME_SIZE,
};
use std::borrow::Cow;

/// OBU types (AV1 spec §6.2.2).
pub mod obu_type {
    pub const SEQUENCE_HEADER: u8 = 1;
    pub const TEMPORAL_DELIMITER: u8 = 2;
    pub const TILE_LIST: u8 = 8;
}

const HAS_SIZE_FIELD: u8 = 0x02;
const HAS_EXTENSION: u8 = 0x04;

fn obu_type_of(header: u8) -> u8 {
    (header >> 3) & 0x0F
}

/// One OBU of a temporal unit: its header byte(s) and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obu<'a> {
    /// The header and extension byte as sent, obu_has_size_field cleared.
    pub header: &'a [u8],
    pub payload: &'a [u8],
}

impl Obu<'_> {
    pub fn obu_type(&self) -> u8 {
        self.header.first().map_or(0, |&h| obu_type_of(h))
    }
}

/// Splits a temporal unit into its OBUs (AV1 spec §5.3). An OBU without a
/// size field runs to the end.
pub fn split_temporal_unit(mut unit: &[u8]) -> Result<Vec<Obu<'_>>, FormatError> {
    let mut obus = Vec::new();
    while let Some(&header) = unit.first() {
        if header & 0x80 != 0 {
            return Err(FormatError::BadFrame("OBU forbidden bit set"));
        }
        let header_len = if header & HAS_EXTENSION != 0 { 2 } else { 1 };
        let after_header =
            unit.get(header_len..).ok_or(FormatError::BadFrame("OBU extension header missing"))?;
        let (payload, rest) = if header & HAS_SIZE_FIELD != 0 {
            let (size, len) = leb128::read(after_header).map_err(|_| FormatError::BadFrame("OBU size"))?;
            let body = &after_header[len..];
            if size > body.len() {
                return Err(FormatError::BadFrame("OBU longer than the temporal unit"));
            }
            body.split_at(size)
        } else {
            (after_header, &[][..])
        };
        obus.push(Obu { header: &unit[..header_len], payload });
        unit = rest;
    }
    Ok(obus)
}

/// Packetizes temporal units.
#[derive(Debug, Default)]
pub struct Av1Packetizer;

/// A packet being filled: its elements as pieces of the OBU elements.
struct PacketPlan {
    starts_with_continuation: bool,
    ends_with_fragment: bool,
    pieces: Vec<(usize, std::ops::Range<usize>)>,
    size: usize,
}

impl Packetizer for Av1Packetizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        use obu_type::*;
        if max_payload_size < 3 {
            return Err(FormatError::PayloadTooSmall {
                max: max_payload_size,
                what: "an AV1 aggregation header and element",
            });
        }
        let obus = split_temporal_unit(frame)?;
        let new_sequence = obus.iter().any(|obu| obu.obu_type() == SEQUENCE_HEADER);
        let elements: Vec<Vec<u8>> = obus
            .iter()
            .filter(|obu| !matches!(obu.obu_type(), TEMPORAL_DELIMITER | TILE_LIST))
            .map(|obu| {
                let mut element = Vec::with_capacity(obu.header.len() + obu.payload.len());
                element.extend_from_slice(obu.header);
                element[0] &= !HAS_SIZE_FIELD;
                element.extend_from_slice(obu.payload);
                element
            })
            .collect();
        if elements.is_empty() {
            return Err(FormatError::BadFrame("AV1 temporal unit without OBUs to send"));
        }

        // Fill packets greedily, every element counted with its length.
        let new_plan = |continuation| PacketPlan {
            starts_with_continuation: continuation,
            ends_with_fragment: false,
            pieces: Vec::new(),
            size: 1,
        };
        let mut plans = vec![new_plan(false)];
        for (index, element) in elements.iter().enumerate() {
            let mut offset = 0;
            while offset < element.len() {
                let Some(plan) = plans.last_mut() else { break };
                let room = max_payload_size.saturating_sub(plan.size);
                let left = element.len() - offset;
                // The third element or an earlier one may go last without a
                // length (W ≤ 3); the packet is then full.
                let (take, without_length) = if leb128::len(left) + left <= room {
                    (left, false)
                } else if plan.pieces.len() < 3 {
                    (room.min(left), true)
                } else {
                    (room.saturating_sub(leb128::len(room)).min(left), false)
                };
                if take == 0 {
                    plans.push(new_plan(offset > 0));
                    continue;
                }
                plan.pieces.push((index, offset..offset + take));
                plan.size += take + if without_length { 0 } else { leb128::len(take) };
                offset += take;
                if offset < element.len() {
                    plan.ends_with_fragment = true;
                    plans.push(new_plan(true));
                } else if without_length {
                    plans.push(new_plan(false));
                }
            }
        }
        plans.retain(|plan| !plan.pieces.is_empty());

        let count = plans.len();
        Ok(plans
            .into_iter()
            .enumerate()
            .map(|(k, plan)| {
                let pieces = plan.pieces.len();
                // W counts up to three elements, the last one without length.
                let w = if pieces <= 3 { pieces as u8 } else { 0 };
                let mut data = Vec::with_capacity(plan.size);
                data.push(
                    u8::from(plan.starts_with_continuation) << 7
                        | u8::from(plan.ends_with_fragment) << 6
                        | w << 4
                        | u8::from(k == 0 && new_sequence) << 3,
                );
                for (i, (index, range)) in plan.pieces.into_iter().enumerate() {
                    if w == 0 || i + 1 < pieces {
                        leb128::write(range.len(), &mut data);
                    }
                    data.extend_from_slice(&elements[index][range]);
                }
                Payload { data, marker: k + 1 == count }
            })
            .collect())
    }
}

#[derive(Debug, Default)]
pub struct Av1 {
    /// The start of an OBU element the last packet left unfinished (Y = 1).
    pending: Option<Vec<u8>>,
    /// Packets were lost since: a continuation may belong to a lost start.
    lost: bool,
}

/// Writes a whole OBU element as an OBU with obu_has_size_field = 1.
fn restore_size_field(element: &[u8], out: &mut Vec<u8>) -> Result<(), FormatError> {
    let &header = element.first().ok_or(FormatError::Malformed("empty OBU element"))?;
    if header & 0x80 != 0 {
        return Err(FormatError::Malformed("OBU forbidden bit set"));
    }
    let header_len = if header & HAS_EXTENSION != 0 { 2 } else { 1 };
    let body = element.get(header_len..).ok_or(FormatError::Truncated("OBU extension header"))?;
    let payload = if header & HAS_SIZE_FIELD != 0 {
        // A sender that kept the size field: trust it if it fits.
        let (size, len) = leb128::read(body)?;
        len.checked_add(size)
            .and_then(|end| body.get(len..end))
            .ok_or(FormatError::Malformed("OBU size beyond its element"))?
    } else {
        body
    };
    out.push(header | HAS_SIZE_FIELD);
    out.extend_from_slice(&element[1..header_len]);
    leb128::write(payload.len(), out);
    out.extend_from_slice(payload);
    Ok(())
}

impl PayloadFormat for Av1 {
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        let (&aggregation, mut rest) =
            payload.split_first().ok_or(FormatError::Truncated("AV1 aggregation header"))?;
        let (z, y, w, n) = (
            aggregation & 0x80 != 0,
            aggregation & 0x40 != 0,
            (aggregation >> 4) & 0x03,
            aggregation & 0x08 != 0,
        );
        let mut elements = Vec::new();
        while !rest.is_empty() {
            let last_unsized = w != 0 && elements.len() + 1 == usize::from(w);
            let size = if last_unsized {
                rest.len()
            } else {
                let (size, len) = leb128::read(rest)?;
                rest = &rest[len..];
                size
            };
            if size == 0 || size > rest.len() {
                return Err(FormatError::Malformed("OBU element length"));
            }
            let (element, after) = rest.split_at(size);
            elements.push(element);
            rest = after;
        }
        if elements.is_empty() || (w != 0 && elements.len() != usize::from(w)) {
            return Err(FormatError::Malformed("AV1 payload does not hold the W elements it says"));
        }
        let mut start = if n { FrameStart::Yes } else { FrameStart::Unknown };
        let mut pending = self.pending.take();
        if z {
            if pending.is_none() {
                if !self.lost {
                    return Err(FormatError::Malformed("AV1 continuation without a start"));
                }
                start = FrameStart::No;
            }
        } else if pending.is_some() {
            return Err(FormatError::Malformed("AV1 fragment not continued"));
        }
        let mut data = Vec::with_capacity(payload.len() + 8);
        let last = elements.len() - 1;
        for (i, element) in elements.into_iter().enumerate() {
            let whole: Cow<'_, [u8]> = match (i, pending.take()) {
                (0, Some(mut started)) => {
                    started.extend_from_slice(element);
                    Cow::Owned(started)
                }
                _ => Cow::Borrowed(element),
            };
            if whole.len() > MAX_FRAME_SIZE {
                return Err(FormatError::Malformed("OBU larger than a frame may be"));
            }
            if i == 0 && start == FrameStart::No {
                // The rest of an OBU whose start was lost.
            } else if i == last && y {
                self.pending = Some(whole.into_owned());
            } else {
                restore_size_field(&whole, &mut data)?;
            }
        }
        Ok(Fragment { start, end: info.marker, key_frame: n, data: Cow::Owned(data) })
    }

    fn reset(&mut self, after_loss: bool) {
        self.pending = None;
        self.lost = after_loss;
    }
}

pub type Av1Depacketizer = Depacketizer<Av1>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_temporal_unit() {
        // TD, sequence header (2 bytes), frame with extension (3 bytes), then
        // a last OBU without size field.
        let unit = [0x12, 0x00, 0x0A, 0x02, 0xAA, 0xBB, 0x36, 0x10, 0x03, 1, 2, 3, 0x30, 9, 9];
        let obus = split_temporal_unit(&unit).unwrap();
        let types: Vec<_> = obus.iter().map(Obu::obu_type).collect();
        assert_eq!(types, [2, 1, 6, 6]);
        assert_eq!(obus[2], Obu { header: &[0x36, 0x10], payload: &[1, 2, 3] });
        assert_eq!(obus[3].payload, [9, 9]);
        assert!(split_temporal_unit(&[0x0A, 0x05, 1]).is_err());
        assert!(split_temporal_unit(&[0x8A, 0x00]).is_err());
    }

    #[test]
    fn aggregation_layout() {
        // TD dropped; sequence header and frame in one packet: W = 2, N = 1,
        // the first element behind its length, size fields removed.
        let unit = [0x12, 0x00, 0x0A, 0x02, 0xAA, 0xBB, 0x32, 0x03, 1, 2, 3];
        let payloads = Av1Packetizer.packetize(&unit, 1200).unwrap();
        assert_eq!(
            payloads,
            vec![Payload { data: vec![0x28, 0x03, 0x08, 0xAA, 0xBB, 0x30, 1, 2, 3], marker: true }]
        );
    }

    #[test]
    fn fragmentation_layout() {
        // One 9-byte frame OBU element over 5-byte payloads: Y then Z.
        let unit = [0x32, 0x08, 1, 2, 3, 4, 5, 6, 7, 8];
        let payloads = Av1Packetizer.packetize(&unit, 5).unwrap();
        let data: Vec<_> = payloads.iter().map(|p| p.data.clone()).collect();
        assert_eq!(data, vec![vec![0x50, 0x30, 1, 2, 3], vec![0xD0, 4, 5, 6, 7], vec![0x90, 8]]);
    }
}
