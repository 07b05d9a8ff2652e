//! Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2):
//! PSFB, FMT 15 (application layer feedback) with the identifier "REMB",
//! the number of SSRCs, the bitrate as a 6-bit exponent and an 18-bit
//! mantissa, and the SSRCs it applies to.

use super::{begin, finish, FMT_AFB, PSFB};
use crate::rtp::packet::{be32, PacketError};

const MAX_BITRATE: u64 = 0x3_FFFF << 46;

pub(crate) const NOT_REMB: &str = "application layer feedback other than REMB";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Remb {
    pub sender_ssrc: u32,
    /// Bits per second. Written as mantissa · 2^exp, rounded down to 18
    /// significant bits.
    pub bitrate: u64,
    pub ssrcs: Vec<u32>,
}

impl Remb {
    pub(crate) fn parse(body: &[u8]) -> Result<Remb, PacketError> {
        let short = PacketError::Truncated("REMB");
        if body.get(8..12) != Some(b"REMB") {
            return Err(PacketError::Malformed(NOT_REMB));
        }
        let num = usize::from(*body.get(12).ok_or(short)?);
        let exp = body.get(13).ok_or(short)? >> 2;
        let mantissa = be32(body, 12).ok_or(short)? & 0x3_FFFF;
        let ssrcs = (0..num).map(|i| be32(body, 16 + 4 * i).ok_or(short)).collect::<Result<Vec<_>, _>>()?;
        // Beyond a u64 (exponents above 46), saturate at the largest bitrate
        // that still writes back the same.
        let bitrate = u64::from(mantissa).checked_shl(u32::from(exp)).filter(|b| b >> exp == u64::from(mantissa)).unwrap_or(MAX_BITRATE);
        Ok(Remb { sender_ssrc: be32(body, 0).ok_or(short)?, bitrate, ssrcs })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let num = u8::try_from(self.ssrcs.len()).map_err(|_| PacketError::Unencodable("REMB for more than 255 SSRCs"))?;
        // A u64 needs at most 46 shifts to fit 18 bits: exp fits its 6.
        let mut exp = 0u32;
        while self.bitrate >> exp > 0x3_FFFF {
            exp += 1;
        }
        let mantissa = (self.bitrate >> exp) as u32;
        let start = begin(out, FMT_AFB, PSFB);
        out.extend_from_slice(&self.sender_ssrc.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(b"REMB");
        out.push(num);
        out.extend_from_slice(&((exp << 18 | mantissa).to_be_bytes()[1..]));
        for ssrc in &self.ssrcs {
            out.extend_from_slice(&ssrc.to_be_bytes());
        }
        finish(out, start)
    }
}
