//! Extended sequence numbers (RFC 3550 §6.4.1 and Appendix A.1): RTP's
//! 16-bit sequence number wraps every 65536 packets, about every 20 minutes
//! of 50 pps audio and far sooner for video. Loss recovery keeps packets by
//! a number that does not wrap: the 16 bits extended by a count of cycles,
//! each new number placed in the cycle that puts it nearest to the highest
//! one seen so far (within ±2^15), as A.1's `update_seq` does.

/// Extends one stream's sequence numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SequenceUnwrapper {
    /// The highest extended sequence number seen.
    highest: Option<i64>,
}

impl SequenceUnwrapper {
    pub fn new() -> Self {
        SequenceUnwrapper { highest: None }
    }

    /// The extended sequence number of `sequence_number`: the first one seen
    /// is itself, a later one the value nearest the highest so far that has
    /// these low 16 bits. A packet reordered from before the first may be
    /// negative.
    pub fn extend(&mut self, sequence_number: u16) -> i64 {
        let extended = self.peek(sequence_number);
        if self.highest.is_none_or(|highest| extended > highest) {
            self.highest = Some(extended);
        }
        extended
    }

    /// What [`extend`](Self::extend) would return, without learning from it.
    pub fn peek(&self, sequence_number: u16) -> i64 {
        match self.highest {
            None => i64::from(sequence_number),
            Some(highest) => {
                // The wrapping difference read as signed: -32768..=32767.
                let delta = sequence_number.wrapping_sub(highest as u16) as i16;
                highest + i64::from(delta)
            }
        }
    }

    /// The highest extended sequence number seen, if any.
    pub fn highest(&self) -> Option<i64> {
        self.highest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extends_across_the_wrap_in_both_directions() {
        let mut unwrapper = SequenceUnwrapper::new();
        assert_eq!(unwrapper.extend(65534), 65534);
        assert_eq!(unwrapper.extend(65535), 65535);
        assert_eq!(unwrapper.extend(0), 65536);
        assert_eq!(unwrapper.extend(2), 65538);
        // A packet reordered from before the wrap stays in the old cycle.
        assert_eq!(unwrapper.extend(65533), 65533);
        assert_eq!(unwrapper.highest(), Some(65538));
        assert_eq!(unwrapper.extend(1), 65537);
    }

    #[test]
    fn a_packet_reordered_before_the_first_is_negative() {
        let mut unwrapper = SequenceUnwrapper::new();
        assert_eq!(unwrapper.extend(1), 1);
        assert_eq!(unwrapper.extend(65535), -1);
        assert_eq!(unwrapper.highest(), Some(1));
    }

    #[test]
    fn follows_many_cycles_and_peek_learns_nothing() {
        let mut unwrapper = SequenceUnwrapper::new();
        let mut expected = 40_000i64;
        let mut sequence_number = 40_000u16;
        for _ in 0..10 {
            assert_eq!(unwrapper.extend(sequence_number), expected);
            sequence_number = sequence_number.wrapping_add(30_000);
            expected += 30_000;
        }
        assert_eq!(unwrapper.peek(sequence_number.wrapping_add(5)), expected + 5);
        assert_eq!(unwrapper.highest(), Some(expected - 30_000));
        // Half a cycle back is still read as older, not newer.
        let highest = unwrapper.highest().unwrap_or_default();
        assert_eq!(unwrapper.peek((highest as u16).wrapping_sub(32768)), highest - 32768);
        assert_eq!(unwrapper.peek((highest as u16).wrapping_add(32767)), highest + 32767);
    }
}
