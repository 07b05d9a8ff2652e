//! The anti-replay window of RFC 6347 §4.1.2.6 (after RFC 4303 §3.4.3): a
//! 64-record sliding bitmap per epoch. A record is checked before it is
//! decrypted and marked only once it has authenticated, so forged records
//! cannot move the window.

const WINDOW: u64 = 64;

#[derive(Debug, Default, Clone)]
pub struct ReplayWindow {
    /// The highest sequence number accepted so far.
    highest: Option<u64>,
    /// Bit i set: `highest - i` was received.
    bitmap: u64,
}

impl ReplayWindow {
    /// Whether a record with this sequence number may be new.
    pub fn is_fresh(&self, sequence: u64) -> bool {
        let Some(highest) = self.highest else {
            return true;
        };
        if sequence > highest {
            return true;
        }
        let age = highest - sequence;
        age < WINDOW && self.bitmap & (1 << age) == 0
    }

    /// Records an authenticated sequence number.
    pub fn mark(&mut self, sequence: u64) {
        match self.highest {
            Some(highest) if sequence <= highest => {
                let age = highest - sequence;
                if age < WINDOW {
                    self.bitmap |= 1 << age;
                }
            }
            Some(highest) => {
                let shift = sequence - highest;
                self.bitmap = if shift >= WINDOW { 0 } else { self.bitmap << shift };
                self.bitmap |= 1;
                self.highest = Some(sequence);
            }
            None => {
                self.bitmap = 1;
                self.highest = Some(sequence);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_old_records_are_refused() {
        let mut w = ReplayWindow::default();
        assert!(w.is_fresh(10));
        w.mark(10);
        assert!(!w.is_fresh(10));
        assert!(w.is_fresh(9));
        w.mark(9);
        assert!(!w.is_fresh(9));
        w.mark(100);
        assert!(!w.is_fresh(36), "too old for the window");
        assert!(w.is_fresh(37));
        w.mark(37);
        assert!(!w.is_fresh(37));
        w.mark(1000);
        assert!(w.is_fresh(999));
        assert!(!w.is_fresh(100));
    }
}
