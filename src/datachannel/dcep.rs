//! The Data Channel Establishment Protocol (RFC 8832): the wire format of
//! DATA_CHANNEL_OPEN (§5.1) and DATA_CHANNEL_ACK (§5.2), sent with PPID 50
//! on the channel's stream, ordered and reliably (§6).
//!
//! Decoding never panics on any input; it is fuzzed
//! (fuzz/fuzz_targets/dcep_parse.rs) and property-tested.

use thiserror::Error;

/// Message Type of DATA_CHANNEL_ACK (RFC 8832 §8.2.1).
const DATA_CHANNEL_ACK: u8 = 0x02;
/// Message Type of DATA_CHANNEL_OPEN.
const DATA_CHANNEL_OPEN: u8 = 0x03;
/// The Channel Type bit that marks unordered delivery (§5.1).
const UNORDERED_BIT: u8 = 0x80;
/// The fixed part of DATA_CHANNEL_OPEN, before label and protocol.
const OPEN_HEADER_LEN: usize = 12;

/// A DCEP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DcepMessage {
    Open(DataChannelOpen),
    Ack,
}

/// The reliability a DATA_CHANNEL_OPEN's Channel Type and Reliability
/// Parameter ask for (RFC 8832 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reliability {
    /// DATA_CHANNEL_RELIABLE: the Reliability Parameter is ignored.
    Reliable,
    /// DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT: at most this many retransmissions.
    MaxRetransmits(u32),
    /// DATA_CHANNEL_PARTIAL_RELIABLE_TIMED: give up after this many milliseconds.
    MaxPacketLifeTime(u32),
}

/// DATA_CHANNEL_OPEN (RFC 8832 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChannelOpen {
    pub ordered: bool,
    pub reliability: Reliability,
    /// RFC 8832 §5.1 / webrtc-priority §4.2: 128, 256, 512 or 1024 from browsers.
    pub priority: u16,
    pub label: String,
    pub protocol: String,
}

/// Why bytes are not a DCEP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DcepError {
    #[error("empty DCEP message")]
    Empty,
    #[error("unknown DCEP message type {0:#04x}")]
    UnknownMessageType(u8),
    #[error("unknown DATA_CHANNEL_OPEN channel type {0:#04x}")]
    UnknownChannelType(u8),
    #[error("DATA_CHANNEL_OPEN shorter than its label and protocol lengths")]
    Truncated,
    #[error("label or protocol longer than 65535 bytes")]
    TooLong,
}

impl DcepMessage {
    /// Parses one DCEP message. Label and protocol are UTF-8 per §5.1; an
    /// invalid sequence is replaced (U+FFFD) rather than refused, as the
    /// browsers do, so that a sloppy peer's channel still opens. Bytes after
    /// the protocol are ignored.
    pub fn decode(bytes: &[u8]) -> Result<DcepMessage, DcepError> {
        match bytes.first() {
            None => Err(DcepError::Empty),
            Some(&DATA_CHANNEL_ACK) => Ok(DcepMessage::Ack),
            Some(&DATA_CHANNEL_OPEN) => DataChannelOpen::decode(bytes).map(DcepMessage::Open),
            Some(&other) => Err(DcepError::UnknownMessageType(other)),
        }
    }

    pub fn encode(&self) -> Result<Vec<u8>, DcepError> {
        match self {
            DcepMessage::Ack => Ok(vec![DATA_CHANNEL_ACK]),
            DcepMessage::Open(open) => open.encode(),
        }
    }
}

impl DataChannelOpen {
    fn decode(bytes: &[u8]) -> Result<DataChannelOpen, DcepError> {
        let header = bytes.get(..OPEN_HEADER_LEN).ok_or(DcepError::Truncated)?;
        let channel_type = header[1];
        let priority = u16::from_be_bytes([header[2], header[3]]);
        let parameter = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        let label_len = usize::from(u16::from_be_bytes([header[8], header[9]]));
        let protocol_len = usize::from(u16::from_be_bytes([header[10], header[11]]));
        let reliability = match channel_type & !UNORDERED_BIT {
            0x00 => Reliability::Reliable,
            0x01 => Reliability::MaxRetransmits(parameter),
            0x02 => Reliability::MaxPacketLifeTime(parameter),
            _ => return Err(DcepError::UnknownChannelType(channel_type)),
        };
        let rest = &bytes[OPEN_HEADER_LEN..];
        let label = rest.get(..label_len).ok_or(DcepError::Truncated)?;
        let protocol = rest.get(label_len..label_len + protocol_len).ok_or(DcepError::Truncated)?;
        Ok(DataChannelOpen {
            ordered: channel_type & UNORDERED_BIT == 0,
            reliability,
            priority,
            label: String::from_utf8_lossy(label).into_owned(),
            protocol: String::from_utf8_lossy(protocol).into_owned(),
        })
    }

    fn encode(&self) -> Result<Vec<u8>, DcepError> {
        let label_len = u16::try_from(self.label.len()).map_err(|_| DcepError::TooLong)?;
        let protocol_len = u16::try_from(self.protocol.len()).map_err(|_| DcepError::TooLong)?;
        let (kind, parameter) = match self.reliability {
            Reliability::Reliable => (0x00, 0),
            Reliability::MaxRetransmits(n) => (0x01, n),
            Reliability::MaxPacketLifeTime(ms) => (0x02, ms),
        };
        let channel_type = if self.ordered { kind } else { kind | UNORDERED_BIT };
        let mut out = Vec::with_capacity(OPEN_HEADER_LEN + self.label.len() + self.protocol.len());
        out.push(DATA_CHANNEL_OPEN);
        out.push(channel_type);
        out.extend_from_slice(&self.priority.to_be_bytes());
        out.extend_from_slice(&parameter.to_be_bytes());
        out.extend_from_slice(&label_len.to_be_bytes());
        out.extend_from_slice(&protocol_len.to_be_bytes());
        out.extend_from_slice(self.label.as_bytes());
        out.extend_from_slice(self.protocol.as_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_matches_rfc_8832_layout() {
        let open = DataChannelOpen {
            ordered: false,
            reliability: Reliability::MaxRetransmits(3),
            priority: 256,
            label: "chat".into(),
            protocol: "x".into(),
        };
        let bytes = DcepMessage::Open(open.clone()).encode().unwrap();
        assert_eq!(bytes, [3, 0x81, 1, 0, 0, 0, 0, 3, 0, 4, 0, 1, b'c', b'h', b'a', b't', b'x']);
        assert_eq!(DcepMessage::decode(&bytes), Ok(DcepMessage::Open(open)));
        assert_eq!(DcepMessage::decode(&[2]), Ok(DcepMessage::Ack));
        assert_eq!(DcepMessage::Ack.encode().unwrap(), [2]);
    }

    #[test]
    fn reliable_ignores_the_parameter_and_timed_keeps_it() {
        let reliable = [3, 0x00, 0, 128, 0, 0, 0, 9, 0, 0, 0, 0];
        let Ok(DcepMessage::Open(open)) = DcepMessage::decode(&reliable) else { panic!() };
        assert_eq!((open.ordered, open.reliability, open.priority), (true, Reliability::Reliable, 128));
        let timed = [3, 0x82, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0];
        let Ok(DcepMessage::Open(open)) = DcepMessage::decode(&timed) else { panic!() };
        assert_eq!((open.ordered, open.reliability), (false, Reliability::MaxPacketLifeTime(256)));
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert_eq!(DcepMessage::decode(&[]), Err(DcepError::Empty));
        assert_eq!(DcepMessage::decode(&[9]), Err(DcepError::UnknownMessageType(9)));
        assert_eq!(DcepMessage::decode(&[3, 0, 0]), Err(DcepError::Truncated));
        assert_eq!(DcepMessage::decode(&[3, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Err(DcepError::UnknownChannelType(3)));
        assert_eq!(DcepMessage::decode(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, b'a']), Err(DcepError::Truncated));
        assert_eq!(DcepMessage::decode(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), Err(DcepError::Truncated));
        let long = DataChannelOpen {
            ordered: true,
            reliability: Reliability::Reliable,
            priority: 256,
            label: "a".repeat(65536),
            protocol: String::new(),
        };
        assert_eq!(DcepMessage::Open(long).encode(), Err(DcepError::TooLong));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn reliability() -> impl Strategy<Value = Reliability> {
        prop_oneof![
            Just(Reliability::Reliable),
            any::<u32>().prop_map(Reliability::MaxRetransmits),
            any::<u32>().prop_map(Reliability::MaxPacketLifeTime),
        ]
    }

    proptest! {
        #[test]
        fn decode_never_panics_and_accepted_opens_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(message) = DcepMessage::decode(&bytes) {
                let again = message.encode().unwrap();
                prop_assert_eq!(DcepMessage::decode(&again), Ok(message));
            }
        }

        #[test]
        fn encoded_opens_decode_to_themselves(
            ordered in any::<bool>(), reliability in reliability(), priority in any::<u16>(),
            label in ".{0,40}", protocol in ".{0,20}",
        ) {
            let open = DataChannelOpen { ordered, reliability, priority, label, protocol };
            let bytes = DcepMessage::Open(open.clone()).encode().unwrap();
            prop_assert_eq!(DcepMessage::decode(&bytes), Ok(DcepMessage::Open(open)));
            // Any truncation is refused, never misread.
            for cut in 0..bytes.len() {
                prop_assert!(DcepMessage::decode(&bytes[..cut]).is_err());
            }
        }
    }
}
