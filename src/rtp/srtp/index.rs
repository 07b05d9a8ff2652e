//! The SRTP packet index (RFC 3711 §3.3.1): the 48-bit index is the
//! roll-over counter (ROC) times 2^16 plus the sequence number, and the
//! receiver estimates the ROC of each packet from the highest sequence
//! number it has seen (RFC 3711 Appendix A). The sender keeps the same state
//! over the sequence numbers it sends, so both sides count wraps alike.

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RtpIndex {
    /// ROC of the highest packet; `s_l` its sequence number. `None` before
    /// the first packet: that one is taken at ROC 0 (RFC 3711 §3.3.1).
    state: Option<(u32, u16)>,
}

/// An estimated index: the ROC guess `v` and the 48-bit index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Estimate {
    pub roc: u32,
    pub index: u64,
}

impl RtpIndex {
    /// RFC 3711 Appendix A. A guess of ROC - 1 when the ROC is still 0 would
    /// be a negative index: such a packet is taken at ROC 0.
    pub(crate) fn estimate(&self, seq: u16) -> Estimate {
        let roc = match self.state {
            None => 0,
            Some((roc, s_l)) => {
                if s_l < 32768 {
                    if i32::from(seq) - i32::from(s_l) > 32768 {
                        roc.checked_sub(1).unwrap_or(roc)
                    } else {
                        roc
                    }
                } else if i32::from(s_l) - 32768 > i32::from(seq) {
                    roc.wrapping_add(1)
                } else {
                    roc
                }
            }
        };
        Estimate { roc, index: (u64::from(roc) << 16) | u64::from(seq) }
    }

    /// Commits an authenticated packet: ROC and `s_l` move forward only.
    pub(crate) fn update(&mut self, seq: u16, estimate: Estimate) {
        match self.state {
            None => self.state = Some((estimate.roc, seq)),
            Some((roc, s_l)) => {
                if estimate.roc > roc || (estimate.roc == roc && seq > s_l) {
                    self.state = Some((estimate.roc, seq));
                }
            }
        }
    }

    /// The ROC of the highest packet so far (0 before any).
    pub(crate) fn roc(&self) -> u32 {
        self.state.map_or(0, |(roc, _)| roc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(index: &mut RtpIndex, seq: u16) -> Estimate {
        let e = index.estimate(seq);
        index.update(seq, e);
        e
    }

    #[test]
    fn wraps_forward_and_places_late_packets_before_the_wrap() {
        let mut i = RtpIndex::default();
        assert_eq!(step(&mut i, 65534).index, 65534);
        assert_eq!(step(&mut i, 65535).index, 65535);
        assert_eq!(step(&mut i, 0), Estimate { roc: 1, index: 65536 });
        assert_eq!(step(&mut i, 2).index, 65538);
        // Late packets from before the wrap keep ROC 0 and do not move s_l.
        assert_eq!(step(&mut i, 65533), Estimate { roc: 0, index: 65533 });
        assert_eq!(step(&mut i, 1).index, 65537);
        assert_eq!(i.roc(), 1);
    }

    #[test]
    fn a_guess_below_roc_zero_stays_at_zero() {
        let mut i = RtpIndex::default();
        step(&mut i, 10);
        assert_eq!(i.estimate(65000), Estimate { roc: 0, index: 65000 });
    }
}
