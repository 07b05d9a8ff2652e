//! H.264 over RTP (RFC 6184) in packetization-mode 1 (non-interleaved,
//! §6.3): single NAL unit packets (§5.6), STAP-A aggregation (§5.7.1) and
//! FU-A fragmentation (§5.8). Frames are Annex B byte streams (ITU-T H.264
//! Annex B: NAL units behind start codes), as WebCodecs' "annexb" format has
//! them. A key frame is one with an IDR slice (NAL unit type 5).
//!
//! Parameter sets: a sender's key frame carries its SPS and PPS, and the
//! packetizer aggregates them with what follows into a STAP-A. A receiver
//! remembers the last SPS and PPS it saw and puts them in front of a key
//! frame that arrives without them (as libwebrtc's SPS/PPS tracker does), so
//! that every key frame handed out starts a decodable stream; a key frame
//! with no parameter sets known is reported dropped.

use super::vp8::balanced_chunks;
use super::{
    Depacketizer, FormatError, Fragment, Frame, FrameStart, Packetizer, Payload, PayloadFormat, RtpInfo,
};
use std::borrow::Cow;

/// NAL unit types (ITU-T H.264 Table 7-1, RFC 6184 Table 1).
pub mod nal_unit_type {
    pub const IDR_SLICE: u8 = 5;
    pub const SPS: u8 = 7;
    pub const PPS: u8 = 8;
    pub const STAP_A: u8 = 24;
    pub const FU_A: u8 = 28;
}
use nal_unit_type::*;

const START_CODE: [u8; 4] = [0, 0, 0, 1];

fn nal_type(header: u8) -> u8 {
    header & 0x1F
}

/// The NAL units of an Annex B byte stream, without start codes or the
/// zero bytes before them.
pub fn split_annex_b(stream: &[u8]) -> Result<Vec<&[u8]>, FormatError> {
    let mut starts = Vec::new();
    let mut i = 0;
    while let Some(offset) = stream.get(i..).and_then(|rest| rest.windows(3).position(|w| w == [0, 0, 1])) {
        starts.push((i + offset, i + offset + 3));
        i += offset + 3;
    }
    match starts.first() {
        Some(&(first, _)) if stream[..first].iter().all(|&b| b == 0) => {}
        _ => return Err(FormatError::BadFrame("H.264 frame does not begin with a start code")),
    }
    let mut units = Vec::with_capacity(starts.len());
    for (k, &(_, begin)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(stream.len(), |&(next, _)| next);
        let mut unit = &stream[begin..end];
        while let [rest @ .., 0] = unit {
            unit = rest;
        }
        if !unit.is_empty() {
            units.push(unit);
        }
    }
    Ok(units)
}

/// Packetizes Annex B frames in packetization-mode 1.
#[derive(Debug, Default)]
pub struct H264Packetizer;

impl Packetizer for H264Packetizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        let units = split_annex_b(frame)?;
        // Types 24–31 mean aggregation and fragmentation on the wire (RFC
        // 6184 Table 1), and 0 is unspecified: none belongs in a frame.
        if units.iter().any(|unit| !(1..=23).contains(&nal_type(unit[0]))) {
            return Err(FormatError::BadFrame("NAL unit type not allowed in an H.264 frame"));
        }
        let mut payloads = Vec::new();
        let mut i = 0;
        while let Some(&unit) = units.get(i) {
            if unit.len() > max_payload_size {
                fragment(unit, max_payload_size, &mut payloads)?;
                i += 1;
                continue;
            }
            // Aggregate as many following units as fit (§5.7.1).
            let mut size = 1 + 2 + unit.len();
            let mut end = i + 1;
            while let Some(next) = units.get(end).filter(|next| size + 2 + next.len() <= max_payload_size) {
                size += 2 + next.len();
                end += 1;
            }
            if end - i == 1 {
                payloads.push(Payload { data: unit.to_vec(), marker: false });
            } else {
                let aggregated = &units[i..end];
                // F is the OR and NRI the maximum of the aggregated units' (§5.3).
                let forbidden = aggregated.iter().fold(0, |f, u| f | (u[0] & 0x80));
                let nri = aggregated.iter().map(|u| u[0] & 0x60).max().unwrap_or(0);
                let mut data = Vec::with_capacity(size);
                data.push(forbidden | nri | STAP_A);
                for unit in aggregated {
                    data.extend_from_slice(&(unit.len() as u16).to_be_bytes());
                    data.extend_from_slice(unit);
                }
                payloads.push(Payload { data, marker: false });
            }
            i = end;
        }
        match payloads.last_mut() {
            Some(last) => last.marker = true,
            None => return Err(FormatError::BadFrame("H.264 frame has no NAL units")),
        }
        Ok(payloads)
    }
}

/// Splits one NAL unit into FU-A payloads (§5.8).
fn fragment(unit: &[u8], max_payload_size: usize, payloads: &mut Vec<Payload>) -> Result<(), FormatError> {
    let capacity = max_payload_size.saturating_sub(2);
    let (&header, body) = unit.split_first().ok_or(FormatError::BadFrame("empty NAL unit"))?;
    if capacity == 0 || body.is_empty() {
        return Err(FormatError::PayloadTooSmall { max: max_payload_size, what: "an FU-A fragment" });
    }
    let indicator = (header & 0xE0) | FU_A;
    let chunks: Vec<_> = balanced_chunks(body.len(), capacity).collect();
    let last = chunks.len() - 1;
    for (k, range) in chunks.into_iter().enumerate() {
        let fu_header = u8::from(k == 0) << 7 | u8::from(k == last) << 6 | nal_type(header);
        let mut data = Vec::with_capacity(2 + range.len());
        data.extend_from_slice(&[indicator, fu_header]);
        data.extend_from_slice(&body[range]);
        payloads.push(Payload { data, marker: false });
    }
    Ok(())
}

/// Where a fragmentation unit stands between packets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum FuState {
    #[default]
    Closed,
    Open,
    /// Packets were lost: a continuation may belong to a lost start.
    Lost,
}

#[derive(Debug, Default)]
pub struct H264 {
    fu: FuState,
    /// The last parameter sets received.
    sps: Option<Vec<u8>>,
    pps: Option<Vec<u8>>,
    /// Whether the frame being assembled carries its own.
    frame_has_sps: bool,
    frame_has_pps: bool,
}

impl H264 {
    /// Notes a whole NAL unit the frame carries.
    fn saw_unit(&mut self, unit: &[u8]) {
        match unit.first().map(|&h| nal_type(h)) {
            Some(SPS) => {
                self.sps = Some(unit.to_vec());
                self.frame_has_sps = true;
            }
            Some(PPS) => {
                self.pps = Some(unit.to_vec());
                self.frame_has_pps = true;
            }
            _ => {}
        }
    }
}

impl PayloadFormat for H264 {
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        let Some((&header, body)) = payload.split_first() else {
            return Err(FormatError::Truncated("H.264 payload"));
        };
        let typ = nal_type(header);
        if typ != FU_A && self.fu == FuState::Open {
            return Err(FormatError::Malformed("FU-A not ended before the next NAL unit"));
        }
        let mut fragment = Fragment {
            start: FrameStart::Unknown,
            end: info.marker,
            key_frame: false,
            data: Cow::Borrowed(&[]),
        };
        match typ {
            1..=23 => {
                self.saw_unit(payload);
                fragment.key_frame = typ == IDR_SLICE;
                let mut data = Vec::with_capacity(4 + payload.len());
                data.extend_from_slice(&START_CODE);
                data.extend_from_slice(payload);
                fragment.data = Cow::Owned(data);
            }
            STAP_A => {
                let mut data = Vec::with_capacity(payload.len() + 8);
                let mut rest = body;
                while !rest.is_empty() {
                    let [high, low, after @ ..] = rest else {
                        return Err(FormatError::Truncated("STAP-A NAL unit size"));
                    };
                    let size = usize::from(u16::from_be_bytes([*high, *low]));
                    if size == 0 || size > after.len() {
                        return Err(FormatError::Malformed("STAP-A NAL unit size"));
                    }
                    let (unit, after) = after.split_at(size);
                    self.saw_unit(unit);
                    fragment.key_frame |= nal_type(unit[0]) == IDR_SLICE;
                    data.extend_from_slice(&START_CODE);
                    data.extend_from_slice(unit);
                    rest = after;
                }
                if data.is_empty() {
                    return Err(FormatError::Malformed("STAP-A without NAL units"));
                }
                fragment.data = Cow::Owned(data);
            }
            FU_A => {
                let (&fu_header, body) = body.split_first().ok_or(FormatError::Truncated("FU-A header"))?;
                let (start, end, unit_type) =
                    (fu_header & 0x80 != 0, fu_header & 0x40 != 0, nal_type(fu_header));
                if start && end {
                    return Err(FormatError::Malformed("FU-A with both S and E"));
                }
                if !(1..=23).contains(&unit_type) {
                    return Err(FormatError::Malformed("FU-A of an aggregation or fragment"));
                }
                if start {
                    if self.fu == FuState::Open {
                        return Err(FormatError::Malformed("FU-A started twice"));
                    }
                    self.fu = FuState::Open;
                    fragment.key_frame = unit_type == IDR_SLICE;
                    let mut data = Vec::with_capacity(5 + body.len());
                    data.extend_from_slice(&START_CODE);
                    data.push((header & 0xE0) | unit_type);
                    data.extend_from_slice(body);
                    fragment.data = Cow::Owned(data);
                } else {
                    match self.fu {
                        FuState::Open => {}
                        FuState::Lost => fragment.start = FrameStart::No,
                        FuState::Closed => {
                            return Err(FormatError::Malformed("FU-A continued without a start"))
                        }
                    }
                    if end {
                        self.fu = FuState::Closed;
                    }
                    fragment.data = Cow::Borrowed(body);
                }
            }
            _ => return Err(FormatError::Unsupported("H.264 NAL unit type outside packetization-mode 1")),
        }
        Ok(fragment)
    }

    fn reset(&mut self, after_loss: bool) {
        self.fu = if after_loss { FuState::Lost } else { FuState::Closed };
        self.frame_has_sps = false;
        self.frame_has_pps = false;
    }

    fn finish(&mut self, frame: &mut Frame) -> bool {
        if !frame.key_frame || (self.frame_has_sps && self.frame_has_pps) {
            return true;
        }
        let (Some(sps), Some(pps)) = (&self.sps, &self.pps) else {
            // An IDR slice no parameter set we know of describes.
            return false;
        };
        let mut prefix = Vec::new();
        for (has, unit) in [(self.frame_has_sps, sps), (self.frame_has_pps, pps)] {
            if !has {
                prefix.extend_from_slice(&START_CODE);
                prefix.extend_from_slice(unit);
            }
        }
        frame.data.splice(0..0, prefix);
        true
    }
}

pub type H264Depacketizer = Depacketizer<H264>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_b_with_three_and_four_byte_start_codes() {
        let stream = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 0];
        assert_eq!(split_annex_b(&stream), Ok(vec![&[0x67, 1, 2][..], &[0x68, 3][..], &[0x65, 4][..]]));
        assert!(split_annex_b(&[0x65, 0, 0, 1, 0x41]).is_err());
        assert!(split_annex_b(&[]).is_err());
    }

    #[test]
    fn stap_a_layout_of_rfc_6184_figure_7() {
        // SPS and PPS aggregated: STAP-A header (NRI of the highest), then
        // each unit behind its 16-bit size.
        let frame = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80];
        let payloads = H264Packetizer.packetize(&frame, 1200).unwrap();
        assert_eq!(
            payloads,
            vec![Payload {
                data: vec![0x78, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1F, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80],
                marker: true
            }]
        );
    }

    #[test]
    fn fu_a_layout_of_rfc_6184_figure_14() {
        // An IDR slice (NRI 3) split: FU indicator 0x7C, then S/E and type 5.
        let frame = [0, 0, 0, 1, 0x65, 1, 2, 3, 4, 5];
        let payloads = H264Packetizer.packetize(&frame, 4).unwrap();
        let data: Vec<_> = payloads.iter().map(|p| p.data.clone()).collect();
        assert_eq!(data, vec![vec![0x7C, 0x85, 1, 2], vec![0x7C, 0x05, 3, 4], vec![0x7C, 0x45, 5]]);
        assert_eq!(payloads.iter().map(|p| p.marker).collect::<Vec<_>>(), [false, false, true]);
    }
}
