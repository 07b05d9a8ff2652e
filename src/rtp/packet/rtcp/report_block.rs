//! The report block of SR and RR (RFC 3550 §6.4.1): 24 octets per source.

use crate::rtp::packet::{be24, be32, PacketError};

/// What a receiver reports about one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    pub ssrc: u32,
    /// Fraction lost since the last report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative number of packets lost: 24-bit signed (duplicates can
    /// make it negative).
    pub cumulative_lost: i32,
    /// ROC-extended highest sequence number received.
    pub extended_highest_sequence: u32,
    /// Interarrival jitter, in timestamp units.
    pub jitter: u32,
    /// The middle 32 bits of the last SR's NTP timestamp (0: none yet).
    pub last_sr: u32,
    /// Delay since that SR, in 1/65536 seconds.
    pub delay_since_last_sr: u32,
}

pub(crate) const REPORT_BLOCK_LEN: usize = 24;

/// Cumulative loss is clamped to the 24-bit signed range.
const MAX_LOST: i32 = 0x7F_FFFF;
const MIN_LOST: i32 = -0x80_0000;

impl ReportBlock {
    pub(crate) fn parse(b: &[u8]) -> Result<ReportBlock, PacketError> {
        let short = PacketError::Truncated("report block");
        let lost = be24(b, 5).ok_or(short)?;
        // Sign-extend the 24-bit field.
        let cumulative_lost = ((lost << 8) as i32) >> 8;
        Ok(ReportBlock {
            ssrc: be32(b, 0).ok_or(short)?,
            fraction_lost: *b.get(4).ok_or(short)?,
            cumulative_lost,
            extended_highest_sequence: be32(b, 8).ok_or(short)?,
            jitter: be32(b, 12).ok_or(short)?,
            last_sr: be32(b, 16).ok_or(short)?,
            delay_since_last_sr: be32(b, 20).ok_or(short)?,
        })
    }

    pub(crate) fn parse_list(body: &[u8], count: u8) -> Result<Vec<ReportBlock>, PacketError> {
        let needed = usize::from(count) * REPORT_BLOCK_LEN;
        let blocks = body.get(..needed).ok_or(PacketError::Truncated("report blocks"))?;
        blocks.chunks_exact(REPORT_BLOCK_LEN).map(ReportBlock::parse).collect()
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.push(self.fraction_lost);
        let lost = self.cumulative_lost.clamp(MIN_LOST, MAX_LOST) as u32;
        out.extend_from_slice(&lost.to_be_bytes()[1..]);
        out.extend_from_slice(&self.extended_highest_sequence.to_be_bytes());
        out.extend_from_slice(&self.jitter.to_be_bytes());
        out.extend_from_slice(&self.last_sr.to_be_bytes());
        out.extend_from_slice(&self.delay_since_last_sr.to_be_bytes());
    }
}
