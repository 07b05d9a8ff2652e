//! The replay list (RFC 3711 §3.3.2): a sliding window of the highest
//! authenticated index and a bitmask of the ones below it. RFC 3711 asks for
//! at least 64 packets; we keep 128, as libsrtp does, so that a video
//! keyframe burst reordered on the path is not taken for a replay.

/// How many indices below the highest the window remembers.
pub const REPLAY_WINDOW: u64 = 128;

#[derive(Debug, Clone, Default)]
pub(crate) struct ReplayWindow {
    /// The highest index accepted so far; `None` before the first packet.
    top: Option<u64>,
    /// Bit `n` set: index `top - n` was accepted.
    seen: u128,
}

/// Why an index is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Already accepted once.
    Duplicate,
    /// Below the window: it can no longer be told apart from a replay.
    TooOld,
}

impl ReplayWindow {
    /// Whether `index` may be accepted. Checked before authentication (it is
    /// cheap) and committed with [`ReplayWindow::accept`] only after it.
    pub(crate) fn check(&self, index: u64) -> Result<(), Replay> {
        let Some(top) = self.top else { return Ok(()) };
        if index > top {
            return Ok(());
        }
        let behind = top - index;
        if behind >= REPLAY_WINDOW {
            return Err(Replay::TooOld);
        }
        if self.seen & (1u128 << behind) != 0 {
            return Err(Replay::Duplicate);
        }
        Ok(())
    }

    pub(crate) fn accept(&mut self, index: u64) {
        match self.top {
            None => {
                self.top = Some(index);
                self.seen = 1;
            }
            Some(top) if index > top => {
                let ahead = index - top;
                self.seen = if ahead >= REPLAY_WINDOW { 0 } else { self.seen << ahead };
                self.seen |= 1;
                self.top = Some(index);
            }
            Some(top) => {
                let behind = top - index;
                if behind < REPLAY_WINDOW {
                    self.seen |= 1u128 << behind;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_once_inside_the_window_and_refuses_below_it() {
        let mut w = ReplayWindow::default();
        assert_eq!(w.check(1000), Ok(()));
        w.accept(1000);
        assert_eq!(w.check(1000), Err(Replay::Duplicate));
        assert_eq!(w.check(999), Ok(()));
        w.accept(999);
        assert_eq!(w.check(999), Err(Replay::Duplicate));
        assert_eq!(w.check(1000 - 127), Ok(()));
        assert_eq!(w.check(1000 - 128), Err(Replay::TooOld));
        w.accept(1200);
        assert_eq!(w.check(1000), Err(Replay::TooOld));
        assert_eq!(w.check(1199), Ok(()));
        assert_eq!(w.check(1200), Err(Replay::Duplicate));
        // A jump past the whole window forgets everything below it.
        w.accept(5000);
        assert_eq!(w.check(4999), Ok(()));
        assert_eq!(w.check(5000 - 128), Err(Replay::TooOld));
    }
}
