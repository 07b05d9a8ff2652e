//! The peer's transport (webrtc-pc §5.5, §5.6): one ICE agent over the relay
//! tunnels (everything bundled) and one DTLS endpoint over it. The agent is
//! created when the first local description is set (§4.4.1.5: gathering
//! starts then) and fed the remote description's credentials and
//! candidates; DTLS starts once an answer fixed the roles (RFC 8842) and the
//! remote fingerprint is known. Their events become the API's, and the
//! connection state is aggregated from both (§4.3.3).

use std::collections::VecDeque;

use crate::datachannel::SctpConfig;
use crate::dtls::certificate::Certificate;
use crate::dtls::{is_dtls, Dtls, DtlsConfig, DtlsEvent, DtlsRole, DtlsState, SrtpProfile};
use crate::error::RtcError;
use crate::ice::{IceAgent, IceConfig, IceConnectionState, IceEvent, RelayConfig, TunnelId};
use crate::jsep::Session;
use crate::random::Random;
use crate::sdp::Candidate;
use crate::time::Instant;

use crate::stats::TransportStats;

use super::data::Data;
use super::output::{Output, PeerConnectionState, PeerEvent};

/// DTLS datagrams held while ICE has no path yet (a client's first flight
/// is made before the first pair succeeds); more than this are dropped and
/// left to DTLS retransmission.
const MAX_HELD_DATAGRAMS: usize = 16;

/// A relay from iceServers: a `ws:`/`wss:` URL and its TURN credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub url: String,
    pub username: String,
    pub credential: String,
}

pub(super) struct Transport {
    relays: Vec<Relay>,
    certificate: Certificate,
    /// Tunnels that closed; an ICE restart opens them again.
    tunnel_lost: Vec<bool>,
    agent: Option<IceAgent>,
    dtls: Option<Dtls>,
    pub(super) data: Data,
    /// The local ICE credentials the agent runs with (a change is a restart).
    local_credentials: Option<(String, String)>,
    /// Remote candidates already handed to the agent, by their SDP text.
    remote_candidates: Vec<String>,
    remote_end_of_candidates: bool,
    held: VecDeque<Vec<u8>>,
    remote_certificates: Vec<Vec<u8>>,
    /// What getStats reports of DTLS once connected: cipher suite and SRTP profile names.
    dtls_cipher: Option<&'static str>,
    srtp_cipher: Option<&'static str>,
    selected_pair_changes: u64,
    /// Each local candidate's iceServers URL, for getStats.
    local_urls: Vec<(Candidate, String)>,
    ice_state: IceConnectionState,
    dtls_state: DtlsState,
    connection_state: PeerConnectionState,
    /// The time of the call being handled, for work done while draining.
    now: Instant,
}

impl Transport {
    pub(super) fn new(relays: Vec<Relay>, certificate: Certificate) -> Transport {
        Transport {
            tunnel_lost: vec![false; relays.len()],
            relays,
            certificate,
            agent: None,
            dtls: None,
            data: Data::default(),
            local_credentials: None,
            remote_candidates: Vec::new(),
            remote_end_of_candidates: false,
            held: VecDeque::new(),
            remote_certificates: Vec::new(),
            dtls_cipher: None,
            srtp_cipher: None,
            selected_pair_changes: 0,
            local_urls: Vec::new(),
            ice_state: IceConnectionState::New,
            dtls_state: DtlsState::New,
            connection_state: PeerConnectionState::New,
            now: Instant::ZERO,
        }
    }

    pub(super) fn agent(&self) -> Option<&IceAgent> {
        self.agent.as_ref()
    }

    /// After a description was applied: start gathering at the first local
    /// description, restart on new local credentials, take the remote
    /// credentials and candidates, start DTLS once its role is known.
    pub(super) fn described(&mut self, now: Instant, jsep: &Session, random: &mut Random, out: &mut VecDeque<Output>) {
        self.now = now;
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
                agent.restart(now, credentials.0.clone(), credentials.1.clone());
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
                let _ = agent.add_remote_candidate(now, candidate);
            }
        }
        if remote.end_of_candidates && !self.remote_end_of_candidates {
            self.remote_end_of_candidates = true;
            agent.end_of_remote_candidates();
        }
        if let (None, Some(role)) = (&self.dtls, jsep.dtls_role()) {
            let mut seed = [0u8; 32];
            random.fill(&mut seed);
            let config = DtlsConfig::new(role, self.certificate.clone(), remote.fingerprints);
            self.dtls = Some(Dtls::new(config, Random::from_seed(seed), now));
        }
        if let (false, Some(role), Some(parameters)) = (self.data.started(), jsep.dtls_role(), jsep.sctp_parameters()) {
            let mut failed = Vec::new();
            self.data.start(now, SctpConfig::from_parameters(role, &parameters), random, &mut failed);
            out.extend(failed.into_iter().map(|e| Output::Event(Box::new(e))));
            if self.dtls_state == DtlsState::Connected {
                self.data.connect(now);
            }
        }
    }

    /// A candidate from addIceCandidate; `None` is the end of candidates.
    pub(super) fn add_remote_candidate(&mut self, now: Instant, candidate: Option<&Candidate>) -> Result<(), RtcError> {
        self.now = now;
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
        self.now = now;
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_open(now, tunnel);
        }
    }

    pub(super) fn handle_tunnel_closed(&mut self, now: Instant, tunnel: TunnelId) {
        self.now = now;
        if let Some(lost) = self.tunnel_lost.get_mut(tunnel.0 as usize) {
            *lost = true;
        }
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_closed(now, tunnel);
        }
    }

    pub(super) fn handle_tunnel_message(&mut self, now: Instant, tunnel: TunnelId, message: &[u8]) {
        self.now = now;
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_tunnel_message(now, tunnel, message);
        }
    }

    pub(super) fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        if let Some(agent) = self.agent.as_mut() {
            agent.handle_timeout(now);
        }
        if let Some(dtls) = self.dtls.as_mut() {
            if dtls.poll_timeout().is_some_and(|t| t <= now) {
                dtls.handle_timeout(now);
            }
        }
        self.data.handle_timeout(now);
    }

    pub(super) fn set_now(&mut self, now: Instant) {
        self.now = now;
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        let ice = self.agent.as_ref().and_then(IceAgent::poll_timeout);
        let dtls = self.dtls.as_ref().and_then(Dtls::poll_timeout);
        ice.into_iter().chain(dtls).chain(self.data.poll_timeout()).min()
    }

    pub(super) fn close(&mut self, now: Instant, out: &mut VecDeque<Output>) {
        self.now = now;
        // The SCTP ABORT, close_notify, then the deallocations, go out
        // before the tunnels close.
        self.data.close();
        self.send_sctp();
        if let Some(dtls) = self.dtls.as_mut() {
            dtls.close(now);
        }
        self.send_dtls();
        if let Some(agent) = self.agent.as_mut() {
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

    /// Moves DTLS's datagrams into ICE, ICE's transmits to `out`, and both
    /// layers' events to the API's, until nothing moves.
    pub(super) fn drain(&mut self, jsep: &mut Session, out: &mut VecDeque<Output>) {
        loop {
            self.send_sctp();
            self.send_dtls();
            let mut moved = false;
            if let Some(agent) = self.agent.as_mut() {
                while let Some((tunnel, data)) = agent.poll_transmit() {
                    out.push_back(Output::Transmit { tunnel, data });
                    moved = true;
                }
            }
            while let Some(event) = self.agent.as_mut().and_then(IceAgent::poll_event) {
                moved = true;
                self.ice_event(event, jsep, out);
            }
            while let Some(event) = self.dtls.as_mut().and_then(Dtls::poll_event) {
                moved = true;
                self.dtls_event(event, out);
            }
            while let Some(event) = self.data.poll_event() {
                moved = true;
                out.push_back(Output::Event(Box::new(event)));
            }
            if !moved {
                return;
            }
        }
    }

    /// SCTP packets into DTLS records, once DTLS is connected (before, the
    /// association has not started and sends nothing).
    fn send_sctp(&mut self) {
        let Some(dtls) = self.dtls.as_mut() else { return };
        while let Some(packet) = self.data.poll_transmit() {
            // A packet DTLS refuses (closed) is lost as on a dead network;
            // SCTP's own timers give up on it.
            let _ = dtls.send_application_data(&packet);
        }
    }

    /// DTLS datagrams to the peer over the selected pair; held while ICE has
    /// no path.
    fn send_dtls(&mut self) {
        let (Some(dtls), Some(agent)) = (self.dtls.as_mut(), self.agent.as_mut()) else {
            return;
        };
        while let Some(datagram) = dtls.poll_transmit() {
            self.held.push_back(datagram);
            if self.held.len() > MAX_HELD_DATAGRAMS {
                self.held.pop_front();
            }
        }
        while let Some(datagram) = self.held.front() {
            if agent.send(self.now, datagram).is_err() {
                return;
            }
            self.held.pop_front();
        }
    }

    fn ice_event(&mut self, event: IceEvent, jsep: &mut Session, out: &mut VecDeque<Output>) {
        let event = match event {
            IceEvent::LocalCandidate { candidate, url } => {
                self.local_urls.retain(|(c, _)| c.address != candidate.address || c.port != candidate.port);
                self.local_urls.push((candidate.clone(), url.clone()));
                let Some(section) = jsep.add_local_candidate(&candidate) else { return };
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
                self.update_connection_state(out);
                return;
            }
            IceEvent::SelectedPairChange { local, remote } => {
                self.selected_pair_changes += 1;
                PeerEvent::SelectedCandidatePairChange { local, remote }
            }
            IceEvent::Data(datagram) => {
                // RFC 7983 demultiplexing: DTLS records; SRTP has no layer yet.
                if let (Some(dtls), Some(&first)) = (self.dtls.as_mut(), datagram.first()) {
                    if is_dtls(first) {
                        dtls.handle_datagram(self.now, &datagram);
                    }
                }
                return;
            }
            IceEvent::CandidateError { url, error_code, error_text } => {
                PeerEvent::IceCandidateError { url, error_code, error_text }
            }
        };
        out.push_back(Output::Event(Box::new(event)));
    }

    fn dtls_event(&mut self, event: DtlsEvent, out: &mut VecDeque<Output>) {
        match event {
            DtlsEvent::Connected { remote_certificates, cipher_suite, srtp } => {
                self.remote_certificates = remote_certificates;
                self.dtls_cipher = Some(cipher_suite.name());
                // The SRTP protection profile names of RFC 5764 §4.1.2 / RFC 7714 §14.2.
                self.srtp_cipher = srtp.map(|(profile, _)| match profile {
                    SrtpProfile::Aes128CmHmacSha1_80 => "SRTP_AES128_CM_HMAC_SHA1_80",
                    SrtpProfile::AeadAes128Gcm => "SRTP_AEAD_AES_128_GCM",
                });
                self.dtls_state_changed(DtlsState::Connected, out);
                self.data.connect(self.now);
            }
            DtlsEvent::ApplicationData(packet) => self.data.handle_sctp_packet(self.now, &packet),
            DtlsEvent::Closed => self.dtls_state_changed(DtlsState::Closed, out),
            DtlsEvent::Failed(error) => {
                // webrtc-pc §5.5: the error event, then the state change.
                out.push_back(Output::Event(Box::new(PeerEvent::DtlsError(error))));
                self.dtls_state_changed(DtlsState::Failed, out);
            }
        }
    }

    fn dtls_state_changed(&mut self, state: DtlsState, out: &mut VecDeque<Output>) {
        if self.dtls_state == DtlsState::New && state != DtlsState::Connecting {
            // The API shows `connecting` before any outcome.
            self.dtls_state = DtlsState::Connecting;
            out.push_back(Output::Event(Box::new(PeerEvent::DtlsStateChange(DtlsState::Connecting))));
        }
        if self.dtls_state == state {
            return;
        }
        self.dtls_state = state;
        out.push_back(Output::Event(Box::new(PeerEvent::DtlsStateChange(state))));
        self.update_connection_state(out);
    }

    fn update_connection_state(&mut self, out: &mut VecDeque<Output>) {
        if self.connection_state == PeerConnectionState::Closed {
            return;
        }
        // DTLS is connecting from the moment it exists and ICE has a path.
        if self.dtls_state == DtlsState::New
            && self.dtls.is_some()
            && matches!(self.ice_state, IceConnectionState::Connected | IceConnectionState::Completed)
        {
            self.dtls_state = DtlsState::Connecting;
            out.push_back(Output::Event(Box::new(PeerEvent::DtlsStateChange(DtlsState::Connecting))));
        }
        let state = aggregate(self.ice_state, self.dtls_state);
        if state != self.connection_state {
            self.connection_state = state;
            out.push_back(Output::Event(Box::new(PeerEvent::ConnectionStateChange(state))));
        }
    }

    pub(super) fn connection_state(&self) -> PeerConnectionState {
        self.connection_state
    }

    pub(super) fn ice_connection_state(&self) -> IceConnectionState {
        self.ice_state
    }

    pub(super) fn dtls_state(&self) -> DtlsState {
        self.dtls_state
    }

    /// getStats' view of the transport, once gathering started.
    pub(super) fn stats(&self, jsep: &Session) -> Option<TransportStats> {
        let agent = self.agent.as_ref()?;
        let relay_protocol = |url: &str| if url.starts_with("wss:") { "tls" } else { "tcp" };
        Some(TransportStats {
            ice_state: self.ice_state.as_str(),
            ice_role: if agent.controlling() { "controlling" } else { "controlled" },
            ice_local_username_fragment: jsep.local_ice_credentials().0,
            dtls_state: self.dtls_state.as_str(),
            dtls_role: self.dtls.as_ref().and(jsep.dtls_role()).map(|r| match r {
                DtlsRole::Client => "client",
                DtlsRole::Server => "server",
            }),
            dtls_cipher: self.dtls_cipher,
            srtp_cipher: self.srtp_cipher,
            selected_candidate_pair_changes: self.selected_pair_changes,
            local_certificate: self.certificate.der().to_vec(),
            remote_certificate: self.remote_certificates.first().cloned(),
            local_candidates: self
                .local_urls
                .iter()
                .map(|(c, url)| (c.clone(), url.clone(), relay_protocol(url)))
                .collect(),
            remote_candidates: agent.remote_candidates(),
            pairs: agent.pair_reports(),
            available_outgoing_bitrate: self.data.available_outgoing_bitrate(),
        })
    }

    /// The peer's certificate chain, DER, once DTLS connected.
    pub(super) fn remote_certificates(&self) -> &[Vec<u8>] {
        &self.remote_certificates
    }
}

/// RTCPeerConnectionState (webrtc-pc §4.3.3) from the one ICE and the one
/// DTLS transport.
fn aggregate(ice: IceConnectionState, dtls: DtlsState) -> PeerConnectionState {
    use IceConnectionState as I;
    match (ice, dtls) {
        (I::Closed, _) => PeerConnectionState::Closed,
        (I::Failed, _) | (_, DtlsState::Failed) => PeerConnectionState::Failed,
        (I::Disconnected, _) => PeerConnectionState::Disconnected,
        (I::New, DtlsState::New | DtlsState::Closed) => PeerConnectionState::New,
        (I::New | I::Checking, _) | (_, DtlsState::New | DtlsState::Connecting) => PeerConnectionState::Connecting,
        (I::Connected | I::Completed, DtlsState::Connected | DtlsState::Closed) => PeerConnectionState::Connected,
    }
}
