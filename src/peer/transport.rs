//! The peer's transport: one ICE agent (everything bundled) over the relay
//! tunnels, created when the first local description is set (webrtc-pc
//! §4.4.1.5: gathering starts then), fed the remote description's
//! credentials and candidates, and its events turned into the API's
//! (§5.6 RTCIceTransport, §4.3.3 connection state).

use std::collections::VecDeque;

use crate::error::RtcError;
use crate::ice::{IceAgent, IceConfig, IceConnectionState, IceEvent, RelayConfig, TunnelId};
use crate::jsep::Session;
use crate::random::Random;
use crate::sdp::Candidate;
use crate::time::Instant;

use super::output::{Output, PeerConnectionState, PeerEvent};

/// A relay from iceServers: a `ws:`/`wss:` URL and its TURN credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub url: String,
    pub username: String,
    pub credential: String,
}

pub(super) struct Transport {
    relays: Vec<Relay>,
    /// Tunnels that closed; an ICE restart opens them again.
    tunnel_lost: Vec<bool>,
    agent: Option<IceAgent>,
    /// The local ICE credentials the agent runs with (a change is a restart).
    local_credentials: Option<(String, String)>,
    /// Remote candidates already handed to the agent, by their SDP text.
    remote_candidates: Vec<String>,
    remote_end_of_candidates: bool,
    connection_state: PeerConnectionState,
    ice_state: IceConnectionState,
}

impl Transport {
    pub(super) fn new(relays: Vec<Relay>) -> Transport {
        Transport {
            tunnel_lost: vec![false; relays.len()],
            relays,
            agent: None,
            local_credentials: None,
            remote_candidates: Vec::new(),
            remote_end_of_candidates: false,
            connection_state: PeerConnectionState::New,
            ice_state: IceConnectionState::New,
        }
    }

    pub(super) fn agent(&self) -> Option<&IceAgent> {
        self.agent.as_ref()
    }

    /// After a description was applied: start gathering at the first local
    /// description, restart on new local credentials, take the remote
    /// credentials and candidates.
    pub(super) fn described(&mut self, jsep: &Session, random: &mut Random, now: Instant, out: &mut VecDeque<Output>) {
        if jsep.local_description().is_none() {
            return;
        }
        let credentials = jsep.local_ice_credentials();
        match &mut self.agent {
            None => {
                let relays = self
                    .relays
                    .iter()
                    .enumerate()
                    .map(|(i, r)| RelayConfig {
                        tunnel: TunnelId(i as u32),
                        url: r.url.clone(),
                        username: r.username.clone(),
                        credential: r.credential.clone(),
                        reliable: true,
                    })
                    .collect();
                let config = IceConfig {
                    relays,
                    controlling: jsep.ice_controlling().unwrap_or(true),
                    ufrag: credentials.0.clone(),
                    pwd: credentials.1.clone(),
                };
                self.agent = Some(IceAgent::new(config, random, now));
                for (i, r) in self.relays.iter().enumerate() {
                    out.push_back(Output::OpenTunnel { tunnel: TunnelId(i as u32), url: r.url.clone() });
                }
            }
            Some(agent) if self.local_credentials.as_ref() != Some(&credentials) => {
                // An ICE restart allocates anew on tunnels that were lost
                // (a relay that went away and came back).
                for (i, r) in self.relays.iter().enumerate() {
                    if std::mem::take(&mut self.tunnel_lost[i]) {
                        out.push_back(Output::OpenTunnel { tunnel: TunnelId(i as u32), url: r.url.clone() });
                    }
                }
                agent.restart(credentials.0.clone(), credentials.1.clone(), now);
                self.remote_candidates.clear();
                self.remote_end_of_candidates = false;
            }
            Some(_) => {}
        }
        self.local_credentials = Some(credentials);
        let (Some(agent), Some(remote)) = (self.agent.as_mut(), jsep.remote_transport()) else {
            return;
        };
        agent.set_remote_credentials(remote.ice_ufrag.clone(), remote.ice_pwd.clone());
        for candidate in &remote.candidates {
            let key = candidate.to_string();
            if !self.remote_candidates.contains(&key) {
                self.remote_candidates.push(key);
                // A candidate the agent cannot use is ignored, as the spec
                // ignores unusable candidates in a description.
                let _ = agent.add_remote_candidate(candidate, now);
            }
        }
        if remote.end_of_candidates && !self.remote_end_of_candidates {
            self.remote_end_of_candidates = true;
            agent.end_of_remote_candidates();
        }
    }

    /// A candidate from addIceCandidate; `None` is the end of candidates.
    pub(super) fn add_remote_candidate(&mut self, candidate: Option<&Candidate>, now: Instant) -> Result<(), RtcError> {
        let Some(agent) = self.agent.as_mut() else {
            // No local description yet: the candidate waits in the remote
            // description and is taken when gathering starts.
            return Ok(());
        };
        match candidate {
            Some(c) => {
                let key = c.to_string();
                if self.remote_candidates.contains(&key) {
                    return Ok(());
                }
                agent.add_remote_candidate(c, now)?;
                self.remote_candidates.push(key);
            }
            None => {
                self.remote_end_of_candidates = true;
                agent.end_of_remote_candidates();
            }
        }
        Ok(())
    }

    pub(super) fn handle_tunnel_open(&mut self, now: Instant, tunnel: TunnelId) {
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_open(now, tunnel);
        }
    }

    pub(super) fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        if let Some(lost) = self.tunnel_lost.get_mut(tunnel.0 as usize) {
            *lost = true;
        }
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_closed(now, tunnel);
        }
    }

    pub(super) fn handle_tunnel_message(&mut self, now: Instant, tunnel: TunnelId, message: &[u8]) {
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_message(now, tunnel, message);
        }
    }

    pub(super) fn handle_timeout(&mut self, now: Instant) {
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_timeout(now);
        }
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.agent.as_ref()?.poll_timeout()
    }

    pub(super) fn close(&mut self, now: Instant, out: &mut VecDeque<Output>) {
        if let Some(agent) = self.agent.as_mut() {
            // The deallocations go out before the tunnels close.
            agent.close(now);
            while let Some((tunnel, data)) = agent.poll_transmit() {
                out.push_back(Output::Transmit { tunnel, data });
            }
        }
        for i in 0..self.relays.len() {
            out.push_back(Output::CloseTunnel { tunnel: TunnelId(i as u32) });
        }
        self.connection_state = PeerConnectionState::Closed;
    }

    /// Moves the agent's transmits and events to `out`, surfacing local
    /// candidates in the local description as they come.
    pub(super) fn drain(&mut self, jsep: &mut Session, out: &mut VecDeque<Output>) {
        let Some(agent) = self.agent.as_mut() else {
            return;
        };
        while let Some((tunnel, data)) = agent.poll_transmit() {
            out.push_back(Output::Transmit { tunnel, data });
        }
        while let Some(event) = agent.poll_event() {
            let event = match event {
                IceEvent::LocalCandidate { candidate, url } => {
                    let Some(section) = jsep.add_local_candidate(&candidate) else { continue };
                    let username_fragment = jsep.local_ice_credentials().0;
                    PeerEvent::IceCandidate {
                        candidate,
                        sdp_mid: section.mid,
                        sdp_m_line_index: section.m_line_index,
                        username_fragment,
                        url,
                    }
                }
                IceEvent::GatheringStateChange(state) => PeerEvent::IceGatheringStateChange(state),
                IceEvent::GatheringComplete => {
                    jsep.add_local_end_of_candidates();
                    PeerEvent::IceCandidateEnd
                }
                IceEvent::ConnectionStateChange(state) => {
                    self.ice_state = state;
                    out.push_back(Output::Event(Box::new(PeerEvent::IceConnectionStateChange(state))));
                    let aggregate = aggregate(state);
                    if aggregate == self.connection_state {
                        continue;
                    }
                    self.connection_state = aggregate;
                    PeerEvent::ConnectionStateChange(aggregate)
                }
                IceEvent::SelectedPairChange { local, remote } => PeerEvent::SelectedCandidatePairChange { local, remote },
                // DTLS is not composed yet: its records have nowhere to go.
                IceEvent::Data(_) => continue,
                IceEvent::CandidateError { url, error_code, error_text } => {
                    PeerEvent::IceCandidateError { url, error_code, error_text }
                }
            };
            out.push_back(Output::Event(Box::new(event)));
        }
    }

    pub(super) fn connection_state(&self) -> PeerConnectionState {
        self.connection_state
    }

    pub(super) fn ice_connection_state(&self) -> IceConnectionState {
        self.ice_state
    }
}

/// RTCPeerConnectionState from the one ICE transport's state (webrtc-pc
/// §4.3.3), with the DTLS transport still `new`: DTLS is not composed yet,
/// so a connected ICE transport leaves the peer `connecting`.
fn aggregate(ice: IceConnectionState) -> PeerConnectionState {
    match ice {
        IceConnectionState::Closed => PeerConnectionState::Closed,
        IceConnectionState::Failed => PeerConnectionState::Failed,
        IceConnectionState::Disconnected => PeerConnectionState::Disconnected,
        IceConnectionState::New => PeerConnectionState::New,
        IceConnectionState::Checking
        | IceConnectionState::Connected
        | IceConnectionState::Completed => PeerConnectionState::Connecting,
    }
}
