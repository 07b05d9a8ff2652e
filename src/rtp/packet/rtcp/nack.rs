//! Generic NACK (RFC 4585 §6.2.1): RTPFB, FMT 1. Each FCI entry names a
//! lost packet (PID) and, in the bitmask BLP, which of the 16 after it are
//! lost too.

use super::{begin, finish, FMT_NACK, RTPFB};
use crate::rtp::packet::{be16, be32, PacketError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NackPair {
    pub pid: u16,
    /// Bit i set: packet `pid + i + 1` is lost as well.
    pub blp: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Nack {
    pub sender_ssrc: u32,
    pub media_ssrc: u32,
    pub pairs: Vec<NackPair>,
}

impl Nack {
    /// A NACK for `lost`, given in sending order (wrapping allowed): each
    /// entry covers a PID and up to 16 sequence numbers after it.
    pub fn from_lost(sender_ssrc: u32, media_ssrc: u32, lost: impl IntoIterator<Item = u16>) -> Nack {
        let mut pairs: Vec<NackPair> = Vec::new();
        for seq in lost {
            if let Some(last) = pairs.last_mut() {
                let offset = seq.wrapping_sub(last.pid);
                if (1..=16).contains(&offset) {
                    last.blp |= 1 << (offset - 1);
                    continue;
                }
                if offset == 0 {
                    continue;
                }
            }
            pairs.push(NackPair { pid: seq, blp: 0 });
        }
        Nack { sender_ssrc, media_ssrc, pairs }
    }

    /// Every sequence number the NACK names, entry by entry.
    pub fn lost(&self) -> impl Iterator<Item = u16> + '_ {
        self.pairs.iter().flat_map(|p| {
            std::iter::once(p.pid).chain((0..16).filter(move |i| p.blp & (1 << i) != 0).map(move |i| p.pid.wrapping_add(i + 1)))
        })
    }

    pub(crate) fn parse(body: &[u8]) -> Result<Nack, PacketError> {
        let short = PacketError::Truncated("NACK");
        let fci = body.get(8..).ok_or(short)?;
        if fci.len() % 4 != 0 {
            return Err(PacketError::Malformed("NACK FCI not whole entries"));
        }
        Ok(Nack {
            sender_ssrc: be32(body, 0).ok_or(short)?,
            media_ssrc: be32(body, 4).ok_or(short)?,
            pairs: fci
                .chunks_exact(4)
                .map(|e| NackPair { pid: be16(e, 0).unwrap_or_default(), blp: be16(e, 2).unwrap_or_default() })
                .collect(),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let start = begin(out, FMT_NACK, RTPFB);
        out.extend_from_slice(&self.sender_ssrc.to_be_bytes());
        out.extend_from_slice(&self.media_ssrc.to_be_bytes());
        for pair in &self.pairs {
            out.extend_from_slice(&pair.pid.to_be_bytes());
            out.extend_from_slice(&pair.blp.to_be_bytes());
        }
        finish(out, start)
    }
}
