//! Picture loss indication (RFC 4585 §6.3.1): PSFB, FMT 1, no FCI.

use super::{begin, finish, FMT_PLI, PSFB};
use crate::rtp::packet::{be32, PacketError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pli {
    pub sender_ssrc: u32,
    pub media_ssrc: u32,
}

impl Pli {
    pub(crate) fn parse(body: &[u8]) -> Result<Pli, PacketError> {
        let short = PacketError::Truncated("PLI");
        Ok(Pli { sender_ssrc: be32(body, 0).ok_or(short)?, media_ssrc: be32(body, 4).ok_or(short)? })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let start = begin(out, FMT_PLI, PSFB);
        out.extend_from_slice(&self.sender_ssrc.to_be_bytes());
        out.extend_from_slice(&self.media_ssrc.to_be_bytes());
        finish(out, start)
    }
}
