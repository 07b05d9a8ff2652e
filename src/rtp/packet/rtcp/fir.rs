//! Full intra request (RFC 5104 §4.3.1): PSFB, FMT 4. The media source
//! SSRC field is 0; each FCI entry names an SSRC and a command sequence
//! number, which repeats for a retransmitted request.

use super::{begin, finish, FMT_FIR, PSFB};
use crate::rtp::packet::{be32, PacketError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirEntry {
    pub ssrc: u32,
    pub sequence_number: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fir {
    pub sender_ssrc: u32,
    pub entries: Vec<FirEntry>,
}

impl Fir {
    pub(crate) fn parse(body: &[u8]) -> Result<Fir, PacketError> {
        let short = PacketError::Truncated("FIR");
        let fci = body.get(8..).ok_or(short)?;
        if fci.len() % 8 != 0 {
            return Err(PacketError::Malformed("FIR FCI not whole entries"));
        }
        Ok(Fir {
            sender_ssrc: be32(body, 0).ok_or(short)?,
            entries: fci
                .chunks_exact(8)
                .map(|e| FirEntry { ssrc: be32(e, 0).unwrap_or_default(), sequence_number: e.get(4).copied().unwrap_or_default() })
                .collect(),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let start = begin(out, FMT_FIR, PSFB);
        out.extend_from_slice(&self.sender_ssrc.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for entry in &self.entries {
            out.extend_from_slice(&entry.ssrc.to_be_bytes());
            out.extend_from_slice(&[entry.sequence_number, 0, 0, 0]);
        }
        finish(out, start)
    }
}
