//! Transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-
//! extensions-01 §2) are 16 bits on the wire and wrap every 65536 packets;
//! both ends of the feedback loop key their state by an unwrapped 64-bit
//! count so that order survives the wrap.

/// Extends 16-bit sequence numbers to 64 bits, taking each as the value
/// nearest the last one seen (RFC 3550 A.1's reasoning, in both directions
/// so that a reordered packet from before a wrap lands before it).
#[derive(Debug, Clone, Default)]
pub struct SequenceUnwrapper {
    last: Option<u64>,
}

impl SequenceUnwrapper {
    pub fn new() -> SequenceUnwrapper {
        SequenceUnwrapper::default()
    }

    pub fn unwrap(&mut self, seq: u16) -> u64 {
        let value = self.peek(seq);
        if self.last.is_none_or(|last| value > last) {
            self.last = Some(value);
        }
        value
    }

    /// What [`SequenceUnwrapper::unwrap`] would return, without moving the
    /// reference point. The count starts at 2^16 so that packets reordered
    /// from before the first one still unwrap without going below zero.
    pub fn peek(&self, seq: u16) -> u64 {
        let Some(last) = self.last else {
            return (1 << 16) + u64::from(seq);
        };
        let delta = seq.wrapping_sub(last as u16) as i16;
        last.saturating_add_signed(i64::from(delta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_forward_across_the_wrap_and_back_for_reordering() {
        let mut u = SequenceUnwrapper::new();
        let a = u.unwrap(65534);
        assert_eq!(u.unwrap(65535), a + 1);
        assert_eq!(u.unwrap(1), a + 3);
        // A straggler from before the wrap is older, not 65535 newer.
        assert_eq!(u.unwrap(65535), a + 1);
        assert_eq!(u.unwrap(2), a + 4);
        assert_eq!(u.peek(40_000), a + 4 + 40_000 - 2 - 65536);
    }
}
