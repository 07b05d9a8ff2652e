//! SCTP Payload Protocol Identifiers of WebRTC data channels (RFC 8831 §8,
//! IANA "SCTP Payload Protocol Identifiers").
//!
//! SCTP cannot carry an empty user message, so an empty string or an empty
//! binary message is sent as one zero byte under its own PPID
//! (RFC 8831 §6.6), and the receiver delivers it empty.

/// WebRTC DCEP (RFC 8832): DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK.
pub const DCEP: u32 = 50;
/// WebRTC String: UTF-8 text.
pub const STRING: u32 = 51;
/// WebRTC String Partial (deprecated, RFC 8831 §8).
pub const STRING_PARTIAL: u32 = 52;
/// WebRTC Binary.
pub const BINARY: u32 = 53;
/// WebRTC Binary Partial (deprecated, RFC 8831 §8).
pub const BINARY_PARTIAL: u32 = 54;
/// WebRTC String Empty: the payload is one ignored byte.
pub const STRING_EMPTY: u32 = 56;
/// WebRTC Binary Empty: the payload is one ignored byte.
pub const BINARY_EMPTY: u32 = 57;

/// The PPID and the SCTP payload a user message is sent with.
pub fn encode(binary: bool, data: &[u8]) -> (u32, Vec<u8>) {
    match (binary, data.is_empty()) {
        (false, false) => (STRING, data.to_vec()),
        (true, false) => (BINARY, data.to_vec()),
        (false, true) => (STRING_EMPTY, vec![0]),
        (true, true) => (BINARY_EMPTY, vec![0]),
    }
}

/// What a received user message carries: `Some((binary, empty))`, or `None`
/// for a PPID that is not a complete user message. The deprecated partial
/// PPIDs (52, 54) are fragments of a message whose reassembly RFC 8831 §6.6
/// retired; no current browser sends them, and delivering a fragment as a
/// message would be wrong, so they are dropped like unknown PPIDs.
pub fn decode(ppid: u32) -> Option<(bool, bool)> {
    match ppid {
        STRING => Some((false, false)),
        BINARY => Some((true, false)),
        STRING_EMPTY => Some((false, true)),
        BINARY_EMPTY => Some((true, true)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_messages_use_their_own_ppids() {
        assert_eq!(encode(false, b""), (STRING_EMPTY, vec![0]));
        assert_eq!(encode(true, b""), (BINARY_EMPTY, vec![0]));
        assert_eq!(encode(false, b"hi"), (STRING, b"hi".to_vec()));
        assert_eq!(encode(true, b"\x00"), (BINARY, vec![0]));
        assert_eq!(decode(STRING_EMPTY), Some((false, true)));
        assert_eq!(decode(BINARY_EMPTY), Some((true, true)));
        assert_eq!(decode(STRING_PARTIAL), None);
        assert_eq!(decode(BINARY_PARTIAL), None);
        assert_eq!(decode(DCEP), None);
    }
}
