//! ChannelData messages (RFC 8656 §12.4): a 4-byte header (channel number
//! 0x4000–0x4FFF, length) and the application data. Over stream transports
//! the message is padded to a multiple of four bytes (§12.5); over UDP the
//! padding is optional and ignored.

use super::StunError;

/// The lowest and highest channel numbers a client may bind (RFC 8656 §12).
pub const MIN_CHANNEL: u16 = 0x4000;
pub const MAX_CHANNEL: u16 = 0x4FFF;
/// The highest channel number RFC 5766 allowed. Servers accept up to it:
/// older clients (coturn's turnutils among them) still use 0x5000–0x7FFF.
pub const MAX_CHANNEL_RFC5766: u16 = 0x7FFF;

/// A borrowed ChannelData message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelData<'a> {
    pub channel: u16,
    pub data: &'a [u8],
}

impl<'a> ChannelData<'a> {
    /// Decodes one ChannelData message. `bytes` may be longer than the
    /// message by its padding (at most 3 bytes); more than that is an error.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, StunError> {
        if bytes.len() < 4 {
            return Err(StunError::Truncated { needed: 4, have: bytes.len() });
        }
        let channel = u16::from_be_bytes([bytes[0], bytes[1]]);
        if !(MIN_CHANNEL..=MAX_CHANNEL_RFC5766).contains(&channel) {
            return Err(StunError::NotChannelData("channel number outside 0x4000-0x7FFF"));
        }
        let len = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
        let Some(data) = bytes.get(4..4 + len) else {
            return Err(StunError::Truncated { needed: 4 + len, have: bytes.len() });
        };
        if bytes.len() - 4 - len > 3 {
            return Err(StunError::NotChannelData("bytes after the message"));
        }
        Ok(ChannelData { channel, data })
    }

    /// Encodes the message, padded to a multiple of four when `pad` (stream
    /// transports).
    pub fn encode(&self, pad: bool) -> Result<Vec<u8>, StunError> {
        let len = u16::try_from(self.data.len()).map_err(|_| StunError::TooLong)?;
        let mut out = Vec::with_capacity(4 + self.data.len() + 3);
        out.extend_from_slice(&self.channel.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(self.data);
        if pad {
            out.resize(out.len().div_ceil(4) * 4, 0);
        }
        Ok(out)
    }
}
