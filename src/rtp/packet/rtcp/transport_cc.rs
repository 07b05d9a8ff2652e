//! Transport-wide congestion control feedback
//! (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): RTPFB,
//! FMT 15. For a run of transport-wide sequence numbers from a base, the
//! receive status of each (packet chunks) and the arrival time deltas of
//! those received (receive deltas), against a reference time.
//!
//! Chunks come in two kinds: a run-length chunk (`0 | S(2) | run(13)`) and
//! a status vector chunk (`1 | S | symbols`) holding 14 one-bit symbols
//! (S = 0: received or not) or 7 two-bit symbols (S = 1). A symbol is 0 not
//! received, 1 received with a small delta (1 octet, 0..=255 ticks of
//! 250 µs), 2 received with a large or negative delta (2 octets, signed).

use super::{begin, finish, FMT_TRANSPORT_CC, RTPFB};
use crate::rtp::packet::{be16, be24, be32, PacketError};

/// 250 µs: the unit of receive deltas.
pub const DELTA_TICK_MICROS: i64 = 250;
/// 64 ms: the unit of the reference time.
pub const REFERENCE_TIME_MILLIS: i64 = 64;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransportCc {
    pub sender_ssrc: u32,
    pub media_ssrc: u32,
    pub base_sequence_number: u16,
    /// 24-bit signed, in multiples of 64 ms.
    pub reference_time: i32,
    /// Counts feedback packets sent, to detect lost feedback; wraps.
    pub feedback_packet_count: u8,
    /// One entry per sequence number from the base: the receive delta in
    /// 250 µs ticks from the previous received packet (the first from the
    /// reference time), or `None` for a packet not received.
    pub packets: Vec<Option<i16>>,
}

const NOT_RECEIVED: u8 = 0;
const SMALL_DELTA: u8 = 1;
const LARGE_DELTA: u8 = 2;
const MAX_RUN: usize = 0x1FFF;

fn symbol(status: Option<i16>) -> u8 {
    match status {
        None => NOT_RECEIVED,
        Some(0..=255) => SMALL_DELTA,
        Some(_) => LARGE_DELTA,
    }
}

impl TransportCc {
    pub(crate) fn parse(body: &[u8]) -> Result<TransportCc, PacketError> {
        let short = PacketError::Truncated("transport-cc feedback");
        let status_count = usize::from(be16(body, 10).ok_or(short)?);
        let reference = be24(body, 12).ok_or(short)?;
        let mut symbols = Vec::with_capacity(status_count);
        let mut at = 16;
        while symbols.len() < status_count {
            let chunk = be16(body, at).ok_or(PacketError::Truncated("transport-cc packet chunk"))?;
            at += 2;
            let left = status_count - symbols.len();
            if chunk & 0x8000 == 0 {
                let s = ((chunk >> 13) & 3) as u8;
                let run = usize::from(chunk & 0x1FFF);
                symbols.extend(std::iter::repeat_n(s, run.min(left)));
            } else if chunk & 0x4000 == 0 {
                symbols.extend((0..14).rev().map(|i| ((chunk >> i) & 1) as u8).take(left));
            } else {
                symbols.extend((0..7).rev().map(|i| ((chunk >> (2 * i)) & 3) as u8).take(left));
            }
        }
        let mut packets = Vec::with_capacity(status_count);
        for s in symbols {
            packets.push(match s {
                NOT_RECEIVED => None,
                SMALL_DELTA => {
                    let delta = *body.get(at).ok_or(PacketError::Truncated("transport-cc receive delta"))?;
                    at += 1;
                    Some(i16::from(delta))
                }
                LARGE_DELTA => {
                    let delta = be16(body, at).ok_or(PacketError::Truncated("transport-cc receive delta"))?;
                    at += 2;
                    Some(delta as i16)
                }
                _ => return Err(PacketError::Malformed("transport-cc reserved status symbol")),
            });
        }
        Ok(TransportCc {
            sender_ssrc: be32(body, 0).ok_or(short)?,
            media_ssrc: be32(body, 4).ok_or(short)?,
            base_sequence_number: be16(body, 8).ok_or(short)?,
            reference_time: ((reference << 8) as i32) >> 8,
            feedback_packet_count: *body.get(15).ok_or(short)?,
            packets,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let status_count = u16::try_from(self.packets.len()).map_err(|_| PacketError::Unencodable("more than 65535 statuses"))?;
        if !(-0x80_0000..=0x7F_FFFF).contains(&self.reference_time) {
            return Err(PacketError::Unencodable("reference time beyond 24 bits"));
        }
        let start = begin(out, FMT_TRANSPORT_CC, RTPFB);
        out.extend_from_slice(&self.sender_ssrc.to_be_bytes());
        out.extend_from_slice(&self.media_ssrc.to_be_bytes());
        out.extend_from_slice(&self.base_sequence_number.to_be_bytes());
        out.extend_from_slice(&status_count.to_be_bytes());
        out.extend_from_slice(&(self.reference_time as u32).to_be_bytes()[1..]);
        out.push(self.feedback_packet_count);
        let symbols: Vec<u8> = self.packets.iter().map(|p| symbol(*p)).collect();
        let mut i = 0;
        while let Some(&first) = symbols.get(i) {
            let rest = symbols.get(i..).unwrap_or_default();
            let run = rest.iter().take_while(|&&s| s == first).count().min(MAX_RUN);
            let mut chunk: u16;
            if run >= 14 || run == rest.len() {
                // A run is no worse than a vector once it fills one.
                chunk = (u16::from(first) << 13) | run as u16;
                i += run;
            } else if rest.iter().take(14).all(|&s| s != LARGE_DELTA) {
                chunk = 0x8000;
                for (k, &s) in rest.iter().take(14).enumerate() {
                    chunk |= u16::from(s) << (13 - k);
                }
                i += rest.len().min(14);
            } else {
                chunk = 0xC000;
                for (k, &s) in rest.iter().take(7).enumerate() {
                    chunk |= u16::from(s) << (2 * (6 - k));
                }
                i += rest.len().min(7);
            }
            out.extend_from_slice(&chunk.to_be_bytes());
        }
        for delta in self.packets.iter().flatten() {
            match symbol(Some(*delta)) {
                SMALL_DELTA => out.push(*delta as u8),
                _ => out.extend_from_slice(&delta.to_be_bytes()),
            }
        }
        finish(out, start)
    }
}
