//! Sender report, SR (RFC 3550 §6.4.1): PT 200.

use super::report_block::{ReportBlock, REPORT_BLOCK_LEN};
use super::{begin, count, finish, Header, SR};
use crate::rtp::packet::{be32, PacketError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SenderReport {
    pub ssrc: u32,
    /// 64-bit NTP timestamp: seconds since 1900 and fraction.
    pub ntp_timestamp: u64,
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
    pub reports: Vec<ReportBlock>,
}

const SENDER_INFO_LEN: usize = 24;

impl SenderReport {
    pub(crate) fn parse(header: Header, body: &[u8]) -> Result<SenderReport, PacketError> {
        let short = PacketError::Truncated("sender report");
        let ntp_high = be32(body, 4).ok_or(short)?;
        let ntp_low = be32(body, 8).ok_or(short)?;
        Ok(SenderReport {
            ssrc: be32(body, 0).ok_or(short)?,
            ntp_timestamp: (u64::from(ntp_high) << 32) | u64::from(ntp_low),
            rtp_timestamp: be32(body, 12).ok_or(short)?,
            packet_count: be32(body, 16).ok_or(short)?,
            octet_count: be32(body, 20).ok_or(short)?,
            // Profile-specific extensions after the blocks are ignored.
            reports: ReportBlock::parse_list(body.get(SENDER_INFO_LEN..).ok_or(short)?, header.count)?,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let rc = count(self.reports.len(), "more than 31 report blocks")?;
        out.reserve(4 + SENDER_INFO_LEN + self.reports.len() * REPORT_BLOCK_LEN);
        let start = begin(out, rc, SR);
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(&self.ntp_timestamp.to_be_bytes());
        out.extend_from_slice(&self.rtp_timestamp.to_be_bytes());
        out.extend_from_slice(&self.packet_count.to_be_bytes());
        out.extend_from_slice(&self.octet_count.to_be_bytes());
        for block in &self.reports {
            block.write(out);
        }
        finish(out, start)
    }
}
