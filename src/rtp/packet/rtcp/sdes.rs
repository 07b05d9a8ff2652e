//! Source description, SDES (RFC 3550 §6.5): PT 202. Chunks of an SSRC and
//! items, each chunk ended by a null item and padded to a word. WebRTC
//! sends CNAME (§6.5.1) only.

use super::{begin, count, finish, Header, SDES};
use crate::rtp::packet::{be32, PacketError};

/// The CNAME item type.
pub const SDES_CNAME: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdesItem {
    pub item_type: u8,
    /// UTF-8 text by RFC 3550 §6.5, kept as octets.
    pub value: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdesChunk {
    pub ssrc: u32,
    pub items: Vec<SdesItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceDescription {
    pub chunks: Vec<SdesChunk>,
}

impl SdesChunk {
    /// A chunk carrying only a CNAME.
    pub fn cname(ssrc: u32, cname: &str) -> SdesChunk {
        SdesChunk { ssrc, items: vec![SdesItem { item_type: SDES_CNAME, value: cname.as_bytes().to_vec() }] }
    }
}

impl SourceDescription {
    /// The CNAME of `ssrc`, if described.
    pub fn cname(&self, ssrc: u32) -> Option<&[u8]> {
        self.chunks
            .iter()
            .filter(|c| c.ssrc == ssrc)
            .flat_map(|c| &c.items)
            .find(|i| i.item_type == SDES_CNAME)
            .map(|i| i.value.as_slice())
    }

    pub(crate) fn parse(header: Header, body: &[u8]) -> Result<SourceDescription, PacketError> {
        let mut chunks = Vec::with_capacity(usize::from(header.count));
        let mut at = 0usize;
        for _ in 0..header.count {
            let ssrc = be32(body, at).ok_or(PacketError::Truncated("SDES chunk"))?;
            at += 4;
            let mut items = Vec::new();
            loop {
                let item_type = *body.get(at).ok_or(PacketError::Truncated("SDES item"))?;
                if item_type == 0 {
                    // The null item ends the chunk; padding runs to the word.
                    at += 1;
                    at = at.div_ceil(4) * 4;
                    break;
                }
                let len = usize::from(*body.get(at + 1).ok_or(PacketError::Truncated("SDES item"))?);
                let value = body.get(at + 2..at + 2 + len).ok_or(PacketError::Truncated("SDES item"))?;
                items.push(SdesItem { item_type, value: value.to_vec() });
                at += 2 + len;
            }
            chunks.push(SdesChunk { ssrc, items });
        }
        Ok(SourceDescription { chunks })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), PacketError> {
        let sc = count(self.chunks.len(), "more than 31 SDES chunks")?;
        let start = begin(out, sc, SDES);
        for chunk in &self.chunks {
            out.extend_from_slice(&chunk.ssrc.to_be_bytes());
            for item in &chunk.items {
                let len = u8::try_from(item.value.len()).map_err(|_| PacketError::Unencodable("SDES item over 255 octets"))?;
                if item.item_type == 0 {
                    return Err(PacketError::Unencodable("SDES item type 0 ends a chunk"));
                }
                out.extend_from_slice(&[item.item_type, len]);
                out.extend_from_slice(&item.value);
            }
            // The null item, then zeros to the next word (at least one).
            out.push(0);
            while (out.len() - start) % 4 != 0 {
                out.push(0);
            }
        }
        finish(out, start)
    }
}
