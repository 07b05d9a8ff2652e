//! The telephone-event payload (RFC 4733 §2.3): a named event (DTMF digits
//! 0–15, RFC 4733 §3.2), the E bit marking the event's final packets, the
//! power level ("volume") and the duration so far in timestamp units.
//! Several events may share one payload (RFC 4733 §2.5.1.5). When an event
//! starts, continues and ends is the sender's business, not this format's.

use super::FormatError;

/// One event block (RFC 4733 §2.3, Figure 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    pub event: u8,
    /// The E bit: the event has ended.
    pub end: bool,
    /// Power level in dBm0 with the sign dropped, 0 (loudest) to 63
    /// (RFC 4733 §2.3.4).
    pub volume: u8,
    /// Duration of the event so far, in RTP timestamp units (§2.3.5).
    pub duration: u16,
}

/// The size of one event block.
pub const EVENT_LEN: usize = 4;

impl TelephoneEvent {
    /// Writes the block. The R bit is sent as zero (§2.3.3).
    pub fn encode(&self) -> Result<[u8; EVENT_LEN], FormatError> {
        if self.volume > 63 {
            return Err(FormatError::BadFrame("telephone-event volume above 63"));
        }
        let [high, low] = self.duration.to_be_bytes();
        Ok([self.event, u8::from(self.end) << 7 | self.volume, high, low])
    }

    /// Reads every event block of a payload; the R bit is ignored as §2.3.3
    /// says a receiver must.
    pub fn decode_payload(payload: &[u8]) -> Result<Vec<TelephoneEvent>, FormatError> {
        if payload.is_empty() {
            return Err(FormatError::Truncated("telephone-event payload is empty"));
        }
        let blocks = payload.chunks_exact(EVENT_LEN);
        if !blocks.remainder().is_empty() {
            return Err(FormatError::Malformed("telephone-event payload is not whole 4-byte events"));
        }
        Ok(blocks
            .map(|block| TelephoneEvent {
                event: block[0],
                end: block[1] & 0x80 != 0,
                volume: block[1] & 0x3F,
                duration: u16::from_be_bytes([block[2], block[3]]),
            })
            .collect())
    }

    /// Writes events into one payload.
    pub fn encode_payload(events: &[TelephoneEvent]) -> Result<Vec<u8>, FormatError> {
        let mut payload = Vec::with_capacity(events.len() * EVENT_LEN);
        for event in events {
            payload.extend_from_slice(&event.encode()?);
        }
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_figure_1() {
        // Digit 9, ended, -10 dBm0, 1600 units (200 ms at 8 kHz).
        let event = TelephoneEvent { event: 9, end: true, volume: 10, duration: 1600 };
        assert_eq!(event.encode(), Ok([0x09, 0x8A, 0x06, 0x40]));
        assert_eq!(TelephoneEvent::decode_payload(&[0x09, 0x8A, 0x06, 0x40]), Ok(vec![event]));
    }

    #[test]
    fn reserved_bit_is_ignored_and_several_events_parse() {
        let events = TelephoneEvent::decode_payload(&[1, 0x40 | 7, 0, 160, 2, 0xC0, 0x01, 0x00]).unwrap();
        assert_eq!(
            events,
            vec![
                TelephoneEvent { event: 1, end: false, volume: 7, duration: 160 },
                TelephoneEvent { event: 2, end: true, volume: 0, duration: 256 },
            ]
        );
        assert_eq!(TelephoneEvent::encode_payload(&events), Ok(vec![1, 7, 0, 160, 2, 0x80, 0x01, 0x00]));
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(TelephoneEvent::decode_payload(&[]).is_err());
        assert!(TelephoneEvent::decode_payload(&[1, 2, 3]).is_err());
        assert!(TelephoneEvent::decode_payload(&[1, 2, 3, 4, 5]).is_err());
        assert!(TelephoneEvent { event: 0, end: false, volume: 64, duration: 0 }.encode().is_err());
    }
}
