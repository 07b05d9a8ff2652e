//! Message boundaries on a stream transport (RFC 8656 §12.5, RFC 6062 §4.1):
//! STUN messages carry their length in the header; ChannelData messages are
//! padded to a multiple of four bytes. Anything else ends the connection.

use super::{StunError, HEADER_LEN, MAGIC_COOKIE};

/// The length of the message at the start of `buf`: `Ok(Some(n))` when the
/// first `n` bytes are one whole message (padding included), `Ok(None)` when
/// more bytes are needed, `Err` when the bytes are neither STUN nor
/// ChannelData (the stream cannot be resynchronised).
pub fn next_message_len(buf: &[u8]) -> Result<Option<usize>, StunError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
    match buf[0] >> 6 {
        0b00 => {
            if buf.len() >= 8 && buf[4..8] != MAGIC_COOKIE.to_be_bytes() {
                return Err(StunError::NotStun("no magic cookie"));
            }
            if len % 4 != 0 {
                return Err(StunError::NotStun("length not a multiple of 4"));
            }
            let n = HEADER_LEN + len;
            Ok((buf.len() >= n).then_some(n))
        }
        0b01 => {
            let n = (4 + len).div_ceil(4) * 4;
            Ok((buf.len() >= n).then_some(n))
        }
        _ => Err(StunError::NotStun("neither STUN nor ChannelData")),
    }
}
