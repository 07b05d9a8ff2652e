//! The RTCIceTransport's life (webrtc-pc §5.6): one ICE agent over the
//! relay tunnels, everything bundled. It is made when the first local
//! description is set (§4.4.1.5: gathering starts then), restarted when a
//! local description brings new credentials (reopening the tunnels that were
//! lost), and given the remote description's credentials and candidates and
//! those of addIceCandidate. It keeps what getStats reports of it.

use crate::error::RtcError;
use crate::ice::{IceAgent, IceConfig, IceEvent, RelayConfig, TunnelId};
use crate::jsep::{RemoteTransport, Session};
use crate::random::Random;
use crate::sdp::Candidate;
use crate::time::Instant;

use super::output::{Output, Outputs};

/// A relay from iceServers: a `ws:`/`wss:` URL and its TURN credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub url: String,
    pub username: String,
    pub credential: String,
}

pub(super) struct IceTransport {
    relays: Vec<Relay>,
    /// Tunnels that closed; an ICE restart opens them again.
    tunnel_lost: Vec<bool>,
    agent: Option<IceAgent>,
    /// The local ICE credentials the agent runs with (a change is a restart).
    local_credentials: Option<(String, String)>,
    /// Remote candidates already handed to the agent, by their SDP text.
    remote_candidates: Vec<String>,
    remote_end_of_candidates: bool,
    /// Each local candidate's iceServers URL, for getStats.
    local_urls: Vec<(Candidate, String)>,
    selected_pair_changes: u64,
}

impl IceTransport {
    pub(super) fn new(relays: Vec<Relay>) -> IceTransport {
        IceTransport {
            tunnel_lost: vec![false; relays.len()],
            relays,
            agent: None,
            local_credentials: None,
            remote_candidates: Vec::new(),
            remote_end_of_candidates: false,
            local_urls: Vec::new(),
            selected_pair_changes: 0,
        }
    }

    /// The agent, once gathering started.
    pub(super) fn agent(&self) -> Option<&IceAgent> {
        self.agent.as_ref()
    }

    /// A local description was applied: gathering starts at the first
    /// (the tunnels open), and new local credentials restart ICE.
    pub(super) fn local_described(
        &mut self,
        now: Instant,
        jsep: &Session,
        random: &mut Random,
        out: &mut Outputs,
    ) {
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
                    out.push(Output::OpenTunnel {
                        tunnel: TunnelId(i as u32),
                        url: r.url.clone(),
                    });
                }
            }
            Some(agent) if self.local_credentials.as_ref() != Some(&credentials) => {
                // An ICE restart allocates anew on tunnels that were lost
                // (a relay that went away and came back).
                for (i, r) in self.relays.iter().enumerate() {
                    if std::mem::take(&mut self.tunnel_lost[i]) {
                        out.push(Output::OpenTunnel {
                            tunnel: TunnelId(i as u32),
                            url: r.url.clone(),
                        });
                    }
                }
                agent.restart(now, credentials.0.clone(), credentials.1.clone());
                self.remote_candidates.clear();
                self.remote_end_of_candidates = false;
            }
            Some(_) => {}
        }
        self.local_credentials = Some(credentials);
    }

    /// The remote description's credentials and candidates, once gathering
    /// started.
    pub(super) fn remote_described(&mut self, now: Instant, remote: &RemoteTransport) {
        let Some(agent) = self.agent.as_mut() else {
            return;
        };
        agent.set_remote_credentials(remote.ice_ufrag.clone(), remote.ice_pwd.clone());
        for candidate in &remote.candidates {
            let key = candidate.to_string();
            if !self.remote_candidates.contains(&key) {
                self.remote_candidates.push(key);
                // A candidate the agent cannot use is ignored, as the spec
                // ignores unusable candidates in a description.
                let _ = agent.add_remote_candidate(now, candidate);
            }
        }
        if remote.end_of_candidates && !self.remote_end_of_candidates {
            self.remote_end_of_candidates = true;
            agent.end_of_remote_candidates();
        }
    }

    /// A candidate from addIceCandidate; `None` is the end of candidates.
    pub(super) fn add_remote_candidate(
        &mut self,
        now: Instant,
        candidate: Option<&Candidate>,
    ) -> Result<(), RtcError> {
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
                agent.add_remote_candidate(now, c)?;
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

    /// A datagram for the peer over the selected pair; false when ICE has
    /// no path (yet, or any more).
    pub(super) fn send(&mut self, now: Instant, datagram: &[u8]) -> bool {
        self.agent
            .as_mut()
            .is_some_and(|agent| agent.send(now, datagram).is_ok())
    }

    pub(super) fn poll_transmit(&mut self) -> Option<(TunnelId, Vec<u8>)> {
        self.agent.as_mut()?.poll_transmit()
    }

    /// The agent's next event, noted for getStats on the way.
    pub(super) fn poll_event(&mut self) -> Option<IceEvent> {
        let event = self.agent.as_mut()?.poll_event()?;
        match &event {
            IceEvent::LocalCandidate { candidate, url } => {
                self.local_urls
                    .retain(|(c, _)| c.address != candidate.address || c.port != candidate.port);
                self.local_urls.push((candidate.clone(), url.clone()));
            }
            IceEvent::SelectedPairChange { .. } => self.selected_pair_changes += 1,
            _ => {}
        }
        Some(event)
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.agent.as_ref()?.poll_timeout()
    }

    /// pc.close(): the agent deallocates (its transmits are the last on
    /// the tunnels).
    pub(super) fn close(&mut self, now: Instant) {
        if let Some(agent) = self.agent.as_mut() {
            agent.close(now);
        }
    }

    /// After close: every tunnel is closed.
    pub(super) fn close_tunnels(&self, out: &mut Outputs) {
        for i in 0..self.relays.len() {
            out.push(Output::CloseTunnel {
                tunnel: TunnelId(i as u32),
            });
        }
    }

    /// Each local candidate with the iceServers URL it came from.
    pub(super) fn local_urls(&self) -> &[(Candidate, String)] {
        &self.local_urls
    }

    /// RTCTransportStats.selectedCandidatePairChanges.
    pub(super) fn selected_pair_changes(&self) -> u64 {
        self.selected_pair_changes
    }
}
