//! When the receiver of a video stream asks its sender for a key frame:
//! after a frame could not be completed (a fragment given up, the jitter
//! buffer overflowing, NACK giving up), until a key frame arrives.
//!
//! The request is a PLI (RFC 4585 §6.3.1) when `nack pli` was negotiated,
//! else a FIR (RFC 5104 §4.3.1) when `ccm fir` was; a FIR's command
//! sequence number goes up by one for each new request and stays the same
//! when the same request is repeated (§4.3.1.2), so the sender answers it
//! once. A request is repeated while no key frame comes, no more often
//! than once per max(RTT, 300 ms) (libwebrtc's minimum interval between
//! key frame requests); frames after the loss are still handed out, a
//! decoder decides what it can use.

use std::time::Duration;

use crate::time::Instant;

/// The shortest time between two requests, whatever the RTT.
pub const MIN_INTERVAL: Duration = Duration::from_millis(300);

/// How the sender is asked, as negotiated for the codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFrameMethod {
    Pli,
    Fir,
}

/// One request to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFrameRequest {
    Pli,
    /// With its command sequence number.
    Fir {
        sequence_number: u8,
    },
}

/// One stream's key frame requests.
#[derive(Debug, Default)]
pub struct KeyFrameRequester {
    /// A key frame is needed and has not come yet.
    needed: bool,
    last_request: Option<Instant>,
    /// The last FIR's command sequence number, and whether a new request
    /// began since it was sent.
    fir_sequence_number: u8,
    new_request: bool,
    plis: u64,
    firs: u64,
}

impl KeyFrameRequester {
    pub fn new() -> Self {
        Self::default()
    }

    /// A frame was lost: the decoder needs a key frame.
    pub fn handle_loss(&mut self) {
        if !self.needed {
            self.needed = true;
            self.new_request = true;
        }
    }

    /// A key frame came: nothing more to ask.
    pub fn handle_key_frame(&mut self) {
        self.needed = false;
    }

    /// The request to send at `now`, if one is due; `method` is what was
    /// negotiated (None: neither, nothing is sent).
    pub fn poll_request(
        &mut self,
        now: Instant,
        round_trip_time: Duration,
        method: Option<KeyFrameMethod>,
    ) -> Option<KeyFrameRequest> {
        let method = method?;
        if self.poll_timeout(round_trip_time)? > now {
            return None;
        }
        self.last_request = Some(now);
        Some(match method {
            KeyFrameMethod::Pli => {
                self.plis += 1;
                KeyFrameRequest::Pli
            }
            KeyFrameMethod::Fir => {
                if std::mem::take(&mut self.new_request) {
                    self.fir_sequence_number = self.fir_sequence_number.wrapping_add(1);
                }
                self.firs += 1;
                KeyFrameRequest::Fir { sequence_number: self.fir_sequence_number }
            }
        })
    }

    /// When the next request is due, while a key frame is needed.
    pub fn poll_timeout(&self, round_trip_time: Duration) -> Option<Instant> {
        if !self.needed {
            return None;
        }
        Some(match self.last_request {
            None => Instant::ZERO,
            Some(last) => last + round_trip_time.max(MIN_INTERVAL),
        })
    }

    /// PLIs sent (RTCInboundRtpStreamStats.pliCount).
    pub fn pli_count(&self) -> u64 {
        self.plis
    }

    /// FIRs sent (RTCInboundRtpStreamStats.firCount).
    pub fn fir_count(&self) -> u64 {
        self.firs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> Instant {
        Instant::from_micros(millis * 1000)
    }

    const RTT: Duration = Duration::from_millis(100);

    #[test]
    fn a_pli_goes_at_once_and_repeats_until_a_key_frame() {
        let mut requester = KeyFrameRequester::new();
        let pli = Some(KeyFrameMethod::Pli);
        assert_eq!(requester.poll_request(at(0), RTT, pli), None, "nothing lost");
        requester.handle_loss();
        assert_eq!(requester.poll_request(at(1000), RTT, pli), Some(KeyFrameRequest::Pli));
        requester.handle_loss();
        assert_eq!(requester.poll_request(at(1200), RTT, pli), None, "throttled to 300 ms");
        assert_eq!(requester.poll_timeout(RTT), Some(at(1300)));
        assert_eq!(requester.poll_request(at(1300), RTT, pli), Some(KeyFrameRequest::Pli));
        // A long RTT stretches the interval.
        assert_eq!(requester.poll_request(at(1700), Duration::from_millis(500), pli), None);
        requester.handle_key_frame();
        assert_eq!(requester.poll_timeout(RTT), None);
        assert_eq!(requester.poll_request(at(2000), RTT, pli), None);
        assert_eq!(requester.pli_count(), 2);
    }

    #[test]
    fn a_fir_repeats_its_sequence_number_until_a_new_request() {
        let mut requester = KeyFrameRequester::new();
        let fir = Some(KeyFrameMethod::Fir);
        requester.handle_loss();
        assert_eq!(requester.poll_request(at(0), RTT, fir), Some(KeyFrameRequest::Fir { sequence_number: 1 }));
        assert_eq!(requester.poll_request(at(300), RTT, fir), Some(KeyFrameRequest::Fir { sequence_number: 1 }));
        requester.handle_key_frame();
        requester.handle_loss();
        assert_eq!(requester.poll_request(at(600), RTT, fir), Some(KeyFrameRequest::Fir { sequence_number: 2 }));
        assert_eq!(requester.fir_count(), 3);
        assert_eq!(requester.poll_request(at(900), RTT, None), None, "neither negotiated");
    }
}
