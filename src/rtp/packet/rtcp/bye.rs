//! Goodbye, BYE (RFC 3550 §6.6): PT 203. The sources leaving and an
//! optional reason.

use super::{begin, count, finish, Header, BYE};
use crate::rtp::packet::{be32, PacketError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Goodbye {
    pub sources: Vec<u32>,
    pub reason: Option<Vec<u8>>,
}

impl Goodbye {
    pub(crate) fn parse(header: Header, body: &[u8]) -> Result<Goodbye, PacketError> {
        let sources = (0..usize::from(header.count))
            .map(|i| be32(body, 4 * i).ok_or(PacketError::Truncated("BYE sources")))
            .collect::<Result<Vec<_>, _>>()?;
        let at = 4 * usize::from(header.count);
        let reason = match body.get(at) {
            None => None,
            Some(&len) => Some(body.get(at + 1..at + 1 + usize::from(len)).ok_or(PacketError::Truncated("BYE reason"))?.to_vec()),
        };
        Ok(Goodbye { sources, reason })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let sc = count(self.sources.len(), "more than 31 BYE sources")?;
        let start = begin(out, sc, BYE);
        for ssrc in &self.sources {
            out.extend_from_slice(&ssrc.to_be_bytes());
        }
        if let Some(reason) = &self.reason {
            let len = u8::try_from(reason.len()).map_err(|_| PacketError::Unencodable("BYE reason over 255 octets"))?;
            out.push(len);
            out.extend_from_slice(reason);
        }
        finish(out, start)
    }
}
