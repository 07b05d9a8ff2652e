//! The RTCDtlsTransport's life (webrtc-pc §5.5): one DTLS endpoint over the
//! ICE transport, made once an answer fixed the roles (RFC 8842) and the
//! remote fingerprints are known. Its first flight is made before ICE has a
//! pair, so its datagrams are held until ICE has a path instead of waiting
//! for a retransmission. Once connected it keeps what the API and getStats
//! show of the peer: its certificates, the cipher suite, the SRTP profile.

use std::collections::VecDeque;

use crate::dtls::certificate::Certificate;
use crate::dtls::{Dtls, DtlsConfig, DtlsEvent, DtlsRole, SrtpProfile};
use crate::random::Random;
use crate::time::Instant;

/// DTLS datagrams held while ICE has no path; more than this are dropped
/// and left to DTLS retransmission.
const MAX_HELD_DATAGRAMS: usize = 16;

pub(super) struct DtlsTransport {
    certificate: Certificate,
    endpoint: Option<Dtls>,
    held: VecDeque<Vec<u8>>,
    remote_certificates: Vec<Vec<u8>>,
    cipher_suite: Option<&'static str>,
    srtp_profile: Option<&'static str>,
    /// The profiles to offer or accept, if not DTLS's defaults.
    srtp_profiles: Option<Vec<SrtpProfile>>,
}

impl DtlsTransport {
    pub(super) fn new(certificate: Certificate) -> DtlsTransport {
        DtlsTransport {
            certificate,
            endpoint: None,
            held: VecDeque::new(),
            remote_certificates: Vec::new(),
            cipher_suite: None,
            srtp_profile: None,
            srtp_profiles: None,
        }
    }

    /// Takes effect if the endpoint is not made yet.
    pub(super) fn set_srtp_profiles(&mut self, profiles: Vec<SrtpProfile>) {
        self.srtp_profiles = Some(profiles);
    }

    pub(super) fn started(&self) -> bool {
        self.endpoint.is_some()
    }

    /// Makes the endpoint, once: `role` from the answer, the fingerprints
    /// the peer's certificate must match from its description.
    pub(super) fn start(
        &mut self,
        now: Instant,
        role: DtlsRole,
        fingerprints: Vec<(String, Vec<u8>)>,
        random: &mut Random,
    ) {
        if self.endpoint.is_some() {
            return;
        }
        let mut seed = [0u8; 32];
        random.fill(&mut seed);
        let mut config = DtlsConfig::new(role, self.certificate.clone(), fingerprints);
        if let Some(profiles) = &self.srtp_profiles {
            config.srtp_profiles.clone_from(profiles);
        }
        self.endpoint = Some(Dtls::new(config, Random::from_seed(seed), now));
    }

    /// An SCTP packet to encrypt. One DTLS refuses (not connected, or
    /// closed) is lost as on a dead network; SCTP's own timers give up on it.
    pub(super) fn send_application_data(&mut self, packet: &[u8]) {
        if let Some(endpoint) = self.endpoint.as_mut() {
            let _ = endpoint.send_application_data(packet);
        }
    }

    pub(super) fn handle_datagram(&mut self, now: Instant, datagram: &[u8]) {
        if let Some(endpoint) = self.endpoint.as_mut() {
            endpoint.handle_datagram(now, datagram);
        }
    }

    pub(super) fn handle_timeout(&mut self, now: Instant) {
        if let Some(endpoint) = self.endpoint.as_mut() {
            if endpoint.poll_timeout().is_some_and(|t| t <= now) {
                endpoint.handle_timeout(now);
            }
        }
    }

    /// Hands the endpoint's datagrams to `send` (ICE), oldest first; those
    /// `send` refuses wait for the next call. Whether any went.
    pub(super) fn flush(&mut self, mut send: impl FnMut(&[u8]) -> bool) -> bool {
        let Some(endpoint) = self.endpoint.as_mut() else {
            return false;
        };
        while let Some(datagram) = endpoint.poll_transmit() {
            self.held.push_back(datagram);
            if self.held.len() > MAX_HELD_DATAGRAMS {
                self.held.pop_front();
            }
        }
        let mut sent = false;
        while let Some(datagram) = self.held.front() {
            if !send(datagram) {
                break;
            }
            self.held.pop_front();
            sent = true;
        }
        sent
    }

    /// The endpoint's next event; what `Connected` tells of the peer is
    /// kept on the way.
    pub(super) fn poll_event(&mut self) -> Option<DtlsEvent> {
        let event = self.endpoint.as_mut()?.poll_event()?;
        if let DtlsEvent::Connected {
            remote_certificates,
            cipher_suite,
            srtp,
        } = &event
        {
            self.remote_certificates.clone_from(remote_certificates);
            self.cipher_suite = Some(cipher_suite.name());
            self.srtp_profile = srtp.as_ref().map(|(profile, _)| profile.name());
        }
        Some(event)
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.endpoint.as_ref()?.poll_timeout()
    }

    /// pc.close(): close_notify goes out.
    pub(super) fn close(&mut self, now: Instant) {
        if let Some(endpoint) = self.endpoint.as_mut() {
            endpoint.close(now);
        }
    }

    pub(super) fn local_certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The peer's certificate chain, DER, its own first, once connected.
    pub(super) fn remote_certificates(&self) -> &[Vec<u8>] {
        &self.remote_certificates
    }

    /// The cipher suite's name (RTCTransportStats.dtlsCipher), once connected.
    pub(super) fn cipher_suite(&self) -> Option<&'static str> {
        self.cipher_suite
    }

    /// The SRTP protection profile's name (RTCTransportStats.srtpCipher),
    /// once connected, if one was negotiated.
    pub(super) fn srtp_profile(&self) -> Option<&'static str> {
        self.srtp_profile
    }
}
