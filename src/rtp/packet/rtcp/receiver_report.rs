//! Receiver report, RR (RFC 3550 §6.4.2): PT 201.

use super::report_block::ReportBlock;
use super::{begin, count, finish, Header, RR};
use crate::rtp::packet::{be32, PacketError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiverReport {
    pub ssrc: u32,
    pub reports: Vec<ReportBlock>,
}

impl ReceiverReport {
    pub(crate) fn parse(header: Header, body: &[u8]) -> Result<ReceiverReport, PacketError> {
        Ok(ReceiverReport {
            ssrc: be32(body, 0).ok_or(PacketError::Truncated("receiver report"))?,
            reports: ReportBlock::parse_list(body.get(4..).unwrap_or_default(), header.count)?,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let rc = count(self.reports.len(), "more than 31 report blocks")?;
        let start = begin(out, rc, RR);
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for block in &self.reports {
            block.write(out);
        }
        finish(out, start)
    }
}
