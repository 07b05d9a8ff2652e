//! What the agent reports: RTCIceTransportState and RTCIceGathererState
//! (webrtc-pc §5.6.2, §5.6.3) derived from the check list, gathering and
//! consent, and the events it queues for its host.

use super::checklist::PairState;
use super::IceAgent;
use crate::sdp::Candidate;
use crate::time::Instant;

/// RTCIceTransportState / RTCIceConnectionState (webrtc-pc §5.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceConnectionState {
    New,
    Checking,
    Connected,
    Completed,
    Disconnected,
    Failed,
    Closed,
}

impl IceConnectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            IceConnectionState::New => "new",
            IceConnectionState::Checking => "checking",
            IceConnectionState::Connected => "connected",
            IceConnectionState::Completed => "completed",
            IceConnectionState::Disconnected => "disconnected",
            IceConnectionState::Failed => "failed",
            IceConnectionState::Closed => "closed",
        }
    }
}

/// RTCIceGathererState / RTCIceGatheringState (webrtc-pc §5.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceGatheringState {
    New,
    Gathering,
    Complete,
}

impl IceGatheringState {
    pub fn as_str(self) -> &'static str {
        match self {
            IceGatheringState::New => "new",
            IceGatheringState::Gathering => "gathering",
            IceGatheringState::Complete => "complete",
        }
    }
}

/// What the agent tells its host, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IceEvent {
    /// A new local (relay) candidate, and the iceServers URL it came from.
    LocalCandidate {
        candidate: Candidate,
        url: String,
    },
    GatheringStateChange(IceGatheringState),
    /// End of candidates for this generation (the null icecandidate); comes
    /// right after `GatheringStateChange(Complete)`.
    GatheringComplete,
    ConnectionStateChange(IceConnectionState),
    SelectedPairChange {
        local: Candidate,
        remote: Candidate,
    },
    /// A datagram from the peer that is not STUN: DTLS, or SRTP/SRTCP.
    Data(Vec<u8>),
    /// A relay could not be used (icecandidateerror): the STUN error code
    /// and reason, or 701 when the relay did not answer or its tunnel closed.
    CandidateError {
        url: String,
        error_code: u16,
        error_text: String,
    },
}

impl IceAgent {
    pub(super) fn set_gathering(&mut self, state: IceGatheringState) {
        if self.gathering_state != state {
            self.gathering_state = state;
            self.events.push_back(IceEvent::GatheringStateChange(state));
            if state == IceGatheringState::Complete {
                self.events.push_back(IceEvent::GatheringComplete);
            }
        }
    }

    /// Gathering is complete once no relay's allocation is pending.
    pub(super) fn update_gathering(&mut self) {
        if self.gathering_state == IceGatheringState::New {
            return;
        }
        if self.relays.values().any(|r| r.gathering) {
            self.set_gathering(IceGatheringState::Gathering);
        } else {
            self.set_gathering(IceGatheringState::Complete);
        }
    }

    /// RTCIceTransportState from the checklist and consent (webrtc-pc §5.6.3).
    pub(super) fn update_state(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        let state = match (&self.consent, self.selected) {
            (Some(c), _) if c.failed => IceConnectionState::Failed,
            (Some(c), Some(_)) => {
                if c.unanswered_since.is_some_and(|t| now >= t + super::consent::DISCONNECTED_TIMEOUT) {
                    IceConnectionState::Disconnected
                } else if self.end_of_remote_candidates
                    && self.gathering_state == IceGatheringState::Complete
                    && self.pairs.values().all(|p| matches!(p.state, PairState::Succeeded | PairState::Failed))
                {
                    IceConnectionState::Completed
                } else {
                    IceConnectionState::Connected
                }
            }
            _ if self.route.is_some() => IceConnectionState::Connected,
            _ => {
                let all_failed = self.pairs.values().all(|p| p.state == PairState::Failed);
                let gathered = self.gathering_state == IceGatheringState::Complete;
                if all_failed && self.end_of_remote_candidates && gathered && self.remote_credentials.is_some() {
                    IceConnectionState::Failed
                } else if self.pairs.values().any(|p| p.state != PairState::Frozen && p.state != PairState::Waiting)
                    || !self.checks.is_empty()
                {
                    IceConnectionState::Checking
                } else if self.state == IceConnectionState::New {
                    IceConnectionState::New
                } else {
                    // After a restart the state stays where it was until
                    // the new generation's checks start.
                    self.state
                }
            }
        };
        if state != self.state {
            self.state = state;
            self.events.push_back(IceEvent::ConnectionStateChange(state));
        }
    }
}
