//! Two DTLS endpoints in virtual time through the shared simulated network
//! (tests/sim's `net`), which loses, reorders and duplicates datagrams: our client against our server
//! for every cipher suite and group (ECDHE_RSA with RSA certificates of
//! ours, and either key type on either side), against dimpl (both roles),
//! and the failure paths (tampered fingerprint, tampered and replayed records).
#![cfg(not(target_arch = "wasm32"))]
// dimpl takes std::time::Instant (mapped onto our virtual clock from a real
// base), and the figures printed include wall time.
#![allow(clippy::disallowed_methods)]

use std::sync::Arc;
use std::time::Duration;

use wasmrtc::dtls::certificate::Certificate;
use wasmrtc::dtls::endpoint::SRTP_EXPORTER_LABEL;
use wasmrtc::dtls::{CipherSuite, Dtls, DtlsConfig, DtlsEvent, DtlsRole, DtlsState, NamedGroup, SrtpProfile};
use wasmrtc::error::RtcErrorDetail;
use wasmrtc::random::Random;
use wasmrtc::time::Instant;
use wasmrtc_sim::net::{Impairments, Network as Links};

const NOW_MS: u64 = 1_735_689_600_000;

fn certificate(seed: u8) -> Certificate {
    let mut random = Random::from_seed([seed; 32]);
    Certificate::generate_ecdsa_p256(&mut random, NOW_MS, NOW_MS + 30 * 86_400_000).unwrap()
}

/// RSA-2048 certificates of ours, made once: keygen is slow in debug builds.
fn rsa_certificate(which: usize) -> Certificate {
    static CERTS: std::sync::OnceLock<Vec<Certificate>> = std::sync::OnceLock::new();
    let certs = CERTS.get_or_init(|| {
        (0..2u8)
            .map(|i| {
                let mut random = Random::from_seed([100 + i; 32]);
                Certificate::generate_rsa(&mut random, 2048, 65537, NOW_MS, NOW_MS + 30 * 86_400_000).unwrap()
            })
            .collect()
    });
    certs[which].clone()
}

/// Both sides of the test see one of these.
trait Endpoint {
    fn handle(&mut self, now: Instant, datagram: &[u8]);
    fn timeout(&mut self, now: Instant);
    /// Datagrams to send and what happened, drained.
    fn drain(&mut self) -> Vec<Vec<u8>>;
    fn next_timeout(&self) -> Option<Instant>;
    fn connected(&self) -> bool;
    fn received(&mut self) -> Vec<Vec<u8>>;
    fn send(&mut self, data: &[u8]);
    fn srtp_material(&self) -> Option<Vec<u8>>;
}

/// Our engine, with its events collected.
struct Ours {
    dtls: Dtls,
    connected: Option<DtlsEvent>,
    data: Vec<Vec<u8>>,
    failed: Option<wasmrtc::error::RtcError>,
    closed: bool,
}

impl Ours {
    fn new(config: DtlsConfig, seed: u8) -> Ours {
        Ours {
            dtls: Dtls::new(config, Random::from_seed([seed; 32]), Instant::ZERO),
            connected: None,
            data: Vec::new(),
            failed: None,
            closed: false,
        }
    }

    fn events(&mut self) {
        while let Some(event) = self.dtls.poll_event() {
            match event {
                DtlsEvent::Connected { .. } => self.connected = Some(event),
                DtlsEvent::ApplicationData(d) => self.data.push(d),
                DtlsEvent::Failed(e) => self.failed = Some(e),
                DtlsEvent::Closed => self.closed = true,
            }
        }
    }
}

impl Endpoint for Ours {
    fn handle(&mut self, now: Instant, datagram: &[u8]) {
        self.dtls.handle_datagram(now, datagram);
        self.events();
    }
    fn timeout(&mut self, now: Instant) {
        self.dtls.handle_timeout(now);
        self.events();
    }
    fn drain(&mut self) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| self.dtls.poll_transmit()).collect()
    }
    fn next_timeout(&self) -> Option<Instant> {
        self.dtls.poll_timeout()
    }
    fn connected(&self) -> bool {
        self.dtls.state() == DtlsState::Connected
    }
    fn received(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.data)
    }
    fn send(&mut self, data: &[u8]) {
        self.dtls.send_application_data(data).unwrap();
    }
    fn srtp_material(&self) -> Option<Vec<u8>> {
        match &self.connected {
            Some(DtlsEvent::Connected { srtp, .. }) => srtp.as_ref().map(|(_, m)| m.clone()),
            _ => None,
        }
    }
}

/// dimpl, its std::time::Instant mapped onto our virtual clock.
struct Dimpl {
    dtls: dimpl::Dtls,
    base: std::time::Instant,
    out: Vec<Vec<u8>>,
    timeout: Option<Instant>,
    connected: bool,
    peer_cert: Option<Vec<u8>>,
    material: Option<Vec<u8>>,
    data: Vec<Vec<u8>>,
}

impl Dimpl {
    fn new(certificate: &Certificate, active: bool) -> Dimpl {
        let base = std::time::Instant::now();
        let config = Arc::new(dimpl::Config::default());
        let cert = dimpl::DtlsCertificate {
            certificate: certificate.der().to_vec(),
            private_key: certificate.private_key_pkcs8_der(),
        };
        let mut dtls = dimpl::Dtls::new_12(config, cert, base);
        dtls.set_active(active);
        let mut d = Dimpl {
            dtls,
            base,
            out: Vec::new(),
            timeout: None,
            connected: false,
            peer_cert: None,
            material: None,
            data: Vec::new(),
        };
        if active {
            d.dtls.handle_timeout(base).unwrap();
        }
        d.poll();
        d
    }

    fn at(&self, now: Instant) -> std::time::Instant {
        self.base + Duration::from_micros(now.as_micros())
    }

    fn poll(&mut self) {
        let mut buf = vec![0u8; 4096];
        loop {
            match self.dtls.poll_output(&mut buf) {
                dimpl::Output::Packet(p) => self.out.push(p.to_vec()),
                dimpl::Output::Timeout(t) => {
                    // Rounded up: calling dimpl a fraction of a microsecond
                    // early would leave its timer unexpired forever.
                    let micros = t.saturating_duration_since(self.base).as_nanos().div_ceil(1000) as u64;
                    self.timeout = Some(Instant::from_micros(micros));
                    break;
                }
                dimpl::Output::Connected => self.connected = true,
                dimpl::Output::PeerCert(c) => self.peer_cert = Some(c.to_vec()),
                dimpl::Output::KeyingMaterial(m, _) => self.material = Some(m.to_vec()),
                dimpl::Output::ApplicationData(d) => self.data.push(d.to_vec()),
                dimpl::Output::BufferTooSmall { needed } => buf.resize(needed, 0),
                _ => {}
            }
        }
    }
}

impl Endpoint for Dimpl {
    fn handle(&mut self, now: Instant, datagram: &[u8]) {
        let at = self.at(now);
        let _ = self.dtls.handle_timeout(at);
        self.dtls.handle_packet(datagram).unwrap();
        self.poll();
    }
    fn timeout(&mut self, now: Instant) {
        let at = self.at(now);
        self.dtls.handle_timeout(at).unwrap();
        self.poll();
    }
    fn drain(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.out)
    }
    fn next_timeout(&self) -> Option<Instant> {
        self.timeout
    }
    fn connected(&self) -> bool {
        self.connected
    }
    fn received(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.data)
    }
    fn send(&mut self, data: &[u8]) {
        self.dtls.send_application_data(data).unwrap();
        self.poll();
    }
    fn srtp_material(&self) -> Option<Vec<u8>> {
        self.material.clone()
    }
}

/// A lossy, reordering, duplicating link between two endpoints (to b: `true`).
struct Network {
    links: Links<bool>,
    now: Instant,
    datagrams: u64,
    bytes: u64,
}

impl Network {
    /// `loss` percent lost, 10% duplicated, 5–44 ms of latency: enough
    /// spread to reorder.
    fn new(seed: u64, loss: u64) -> Network {
        let link = Impairments::lossy(loss as f64 / 100.0, 0.10, (5, 44));
        Network { links: Links::new(seed, link), now: Instant::ZERO, datagrams: 0, bytes: 0 }
    }

    fn send(&mut self, to_b: bool, datagram: Vec<u8>) {
        self.datagrams += 1;
        self.bytes += datagram.len() as u64;
        self.links.send(self.now, !to_b, to_b, datagram);
    }

    fn flush(&mut self, a: &mut dyn Endpoint, b: &mut dyn Endpoint) {
        for d in a.drain() {
            self.send(true, d);
        }
        for d in b.drain() {
            self.send(false, d);
        }
    }

    /// Advances to the next delivery or timer; false when nothing is left.
    fn step(&mut self, a: &mut dyn Endpoint, b: &mut dyn Endpoint) -> bool {
        self.flush(a, b);
        let next_delivery = self.links.next_delivery();
        let candidates = [next_delivery, a.next_timeout(), b.next_timeout()];
        let Some(next) = candidates.into_iter().flatten().min() else {
            return false;
        };
        self.now = self.now.max(next);
        let now = self.now;
        if next_delivery == Some(next) {
            let datagram = self.links.poll(now).unwrap();
            if datagram.to {
                b.handle(now, &datagram.data);
            } else {
                a.handle(now, &datagram.data);
            }
        }
        if a.next_timeout().is_some_and(|t| t <= now) {
            a.timeout(now);
        }
        if b.next_timeout().is_some_and(|t| t <= now) {
            b.timeout(now);
        }
        self.flush(a, b);
        true
    }

    /// Runs until `done` or a virtual minute passes.
    fn run(&mut self, a: &mut dyn Endpoint, b: &mut dyn Endpoint, done: &mut dyn FnMut(&mut dyn Endpoint, &mut dyn Endpoint) -> bool) -> bool {
        while self.now < Instant::from_micros(300_000_000) {
            if done(a, b) {
                return true;
            }
            if !self.step(a, b) {
                return done(a, b);
            }
        }
        false
    }
}

fn configs(suite: CipherSuite, group: NamedGroup) -> (DtlsConfig, DtlsConfig) {
    let (ca, cb) = (certificate(1), certificate(2));
    let fa = vec![("sha-256".to_string(), ca.fingerprint_sha256())];
    let fb = vec![("sha-256".to_string(), cb.fingerprint_sha256())];
    let mut client = DtlsConfig::new(DtlsRole::Client, ca, fb);
    let mut server = DtlsConfig::new(DtlsRole::Server, cb, fa);
    client.cipher_suites = vec![suite];
    server.groups = vec![group];
    (client, server)
}

/// Handshake, data both ways, and equal exporters, under 20% loss.
fn exchange(a: &mut dyn Endpoint, b: &mut dyn Endpoint, seed: u64) -> Network {
    let mut net = Network::new(seed, 20);
    assert!(net.run(a, b, &mut |a, b| a.connected() && b.connected()), "handshake did not complete");
    let handshake_at = net.now;
    // Datagrams may be lost: send until one gets through each way.
    let mut got_a = Vec::new();
    let mut got_b = Vec::new();
    for i in 0..20 {
        if got_b.is_empty() {
            a.send(format!("ping {i}").as_bytes());
        }
        if got_a.is_empty() {
            b.send(format!("pong {i}").as_bytes());
        }
        let deadline = net.now + Duration::from_millis(100);
        while net.now < deadline && net.step(a, b) {}
        got_a.extend(a.received());
        got_b.extend(b.received());
        if !got_a.is_empty() && !got_b.is_empty() {
            break;
        }
    }
    assert!(got_b.iter().any(|d| d.starts_with(b"ping")));
    assert!(got_a.iter().any(|d| d.starts_with(b"pong")));
    assert_eq!(a.srtp_material(), b.srtp_material());
    net.now = handshake_at;
    net
}

#[test]
fn every_suite_and_group_through_a_lossy_network() {
    let suites = [
        CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256,
        CipherSuite::EcdheEcdsaWithAes128GcmSha256,
        CipherSuite::EcdheEcdsaWithAes256GcmSha384,
    ];
    let mut seed = 7;
    for suite in suites {
        for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
            for _ in 0..3 {
                seed += 1;
                let (cc, sc) = configs(suite, group);
                let mut client = Ours::new(cc, 10);
                let mut server = Ours::new(sc, 11);
                let net = exchange(&mut client, &mut server, seed);
                let Some(DtlsEvent::Connected { cipher_suite, srtp, remote_certificates }) = &client.connected else {
                    panic!("client not connected");
                };
                assert_eq!(*cipher_suite, suite);
                let (profile, material) = srtp.as_ref().unwrap();
                assert_eq!(*profile, SrtpProfile::AeadAes128Gcm);
                assert_eq!(material.len(), 56);
                assert_eq!(remote_certificates[0], certificate(2).der());
                assert_eq!(
                    client.dtls.export_keying_material(SRTP_EXPORTER_LABEL, None, 60).unwrap(),
                    server.dtls.export_keying_material(SRTP_EXPORTER_LABEL, None, 60).unwrap()
                );
                assert_eq!(
                    client.dtls.export_keying_material("EXPERIMENTAL x", Some(b"ctx"), 20).unwrap(),
                    server.dtls.export_keying_material("EXPERIMENTAL x", Some(b"ctx"), 20).unwrap()
                );
                println!(
                    "{} {group:?} seed {seed}: connected at {:.0} ms virtual, {} datagrams / {} bytes sent",
                    suite.name(),
                    net.now.as_millis_f64(),
                    net.datagrams,
                    net.bytes
                );
            }
        }
    }
}

/// Our client and server with RSA certificates (and mixed: the suite
/// follows the server's key, the CertificateVerify the client's) through
/// the lossy network, for each ECDHE_RSA suite and group.
#[test]
fn rsa_certificates_through_a_lossy_network() {
    let mut seed = 200;
    let kinds = [
        ("RSA client, RSA server", rsa_certificate(0), rsa_certificate(1)),
        ("ECDSA client, RSA server", certificate(1), rsa_certificate(1)),
        ("RSA client, ECDSA server", rsa_certificate(0), certificate(2)),
    ];
    for (label, client_cert, server_cert) in kinds {
        for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
            seed += 1;
            let (ca, cb) = (client_cert.clone(), server_cert.clone());
            let server_der = cb.der().to_vec();
            let fa = vec![("sha-256".to_string(), ca.fingerprint_sha256())];
            let fb = vec![("sha-256".to_string(), cb.fingerprint_sha256())];
            let client_config = DtlsConfig::new(DtlsRole::Client, ca, fb);
            let mut server_config = DtlsConfig::new(DtlsRole::Server, cb, fa);
            server_config.groups = vec![group];
            let mut client = Ours::new(client_config, 12);
            let mut server = Ours::new(server_config, 13);
            let net = exchange(&mut client, &mut server, seed);
            let Some(DtlsEvent::Connected { cipher_suite, remote_certificates, .. }) = &client.connected else {
                panic!("client not connected");
            };
            // Both sides offer and prefer ChaCha20 of the server's key type.
            let expected = if label.ends_with("RSA server") {
                CipherSuite::EcdheRsaWithChacha20Poly1305Sha256
            } else {
                CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256
            };
            assert_eq!(*cipher_suite, expected, "{label}");
            assert_eq!(remote_certificates[0], server_der);
            println!(
                "{label} {group:?} seed {seed}: {} connected at {:.0} ms virtual, {} datagrams / {} bytes",
                cipher_suite.name(),
                net.now.as_millis_f64(),
                net.datagrams,
                net.bytes
            );
        }
    }
    // Each ECDHE_RSA suite when the client offers only it.
    for suite in [CipherSuite::EcdheRsaWithAes128GcmSha256, CipherSuite::EcdheRsaWithChacha20Poly1305Sha256] {
        seed += 1;
        let (ca, cb) = (rsa_certificate(0), rsa_certificate(1));
        let fa = vec![("sha-256".to_string(), ca.fingerprint_sha256())];
        let fb = vec![("sha-256".to_string(), cb.fingerprint_sha256())];
        let mut client_config = DtlsConfig::new(DtlsRole::Client, ca, fb);
        client_config.cipher_suites = vec![suite];
        let mut client = Ours::new(client_config, 14);
        let mut server = Ours::new(DtlsConfig::new(DtlsRole::Server, cb, fa), 15);
        exchange(&mut client, &mut server, seed);
        let Some(DtlsEvent::Connected { cipher_suite, .. }) = &client.connected else {
            panic!("client not connected");
        };
        assert_eq!(*cipher_suite, suite);
    }
}

/// A server only picks suites its key can sign for: an RSA server and a
/// client offering only ECDHE_ECDSA suites have nothing in common.
#[test]
fn rsa_server_refuses_ecdsa_only_clients() {
    let (ca, cb) = (certificate(1), rsa_certificate(1));
    let fa = vec![("sha-256".to_string(), ca.fingerprint_sha256())];
    let fb = vec![("sha-256".to_string(), cb.fingerprint_sha256())];
    let mut client_config = DtlsConfig::new(DtlsRole::Client, ca, fb);
    client_config.cipher_suites = vec![CipherSuite::EcdheEcdsaWithAes128GcmSha256];
    let mut client = Ours::new(client_config, 16);
    let mut server = Ours::new(DtlsConfig::new(DtlsRole::Server, cb, fa), 17);
    let mut net = Network::new(1, 0);
    net.run(&mut client, &mut server, &mut |a, b| a.connected() || b.connected());
    client.events();
    server.events();
    assert!(server.failed.as_ref().is_some_and(|e| e.message.contains("no cipher suite")), "{:?}", server.failed);
    assert!(client.failed.is_some());
}

#[test]
fn lossless_handshake_figures() {
    let (cc, sc) = configs(CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256, NamedGroup::X25519);
    let wall = std::time::Instant::now();
    let mut client = Ours::new(cc, 10);
    let mut server = Ours::new(sc, 11);
    let mut net = Network::new(1, 0);
    assert!(net.run(&mut client, &mut server, &mut |a, b| a.connected() && b.connected()));
    println!(
        "lossless handshake: {:.0} ms virtual, {:?} wall, {} datagrams, {} bytes",
        net.now.as_millis_f64(),
        wall.elapsed(),
        net.datagrams,
        net.bytes
    );
    // Three round trips (cookie, flights 4 and 5/6) at ≤ 45 ms each way.
    assert!(net.now < Instant::from_micros(300_000));
}

#[test]
fn srtp_profile_follows_the_servers_preference() {
    let (mut cc, mut sc) = configs(CipherSuite::EcdheEcdsaWithAes128GcmSha256, NamedGroup::X25519);
    cc.srtp_profiles = vec![SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmHmacSha1_80];
    sc.srtp_profiles = vec![SrtpProfile::Aes128CmHmacSha1_80];
    let mut client = Ours::new(cc, 10);
    let mut server = Ours::new(sc, 11);
    exchange(&mut client, &mut server, 99);
    let Some(DtlsEvent::Connected { srtp: Some((profile, material)), .. }) = &client.connected else {
        panic!("no srtp");
    };
    assert_eq!(*profile, SrtpProfile::Aes128CmHmacSha1_80);
    assert_eq!(material.len(), 60);
}

#[test]
fn tampered_fingerprint_fails_both_sides() {
    for tamper_client_side in [true, false] {
        let (mut cc, mut sc) = configs(CipherSuite::EcdheEcdsaWithAes128GcmSha256, NamedGroup::X25519);
        if tamper_client_side {
            cc.remote_fingerprints[0].1[0] ^= 1;
        } else {
            sc.remote_fingerprints[0].1[0] ^= 1;
        }
        let mut client = Ours::new(cc, 10);
        let mut server = Ours::new(sc, 11);
        let mut net = Network::new(5, 0);
        // Runs until nothing is left to deliver and no timer is armed.
        net.run(&mut client, &mut server, &mut |_, _| false);
        let (detector, other) = if tamper_client_side { (&client, &server) } else { (&server, &client) };
        assert_eq!(detector.dtls.state(), DtlsState::Failed);
        assert_eq!(detector.failed.as_ref().unwrap().detail, Some(RtcErrorDetail::FingerprintFailure));
        // The bad_certificate alert fails the other side with dtls-failure.
        assert_eq!(other.dtls.state(), DtlsState::Failed);
        assert_eq!(other.failed.as_ref().unwrap().detail, Some(RtcErrorDetail::DtlsFailure));
    }
}

/// Connects two of our endpoints losslessly and returns them.
fn connected_pair() -> (Ours, Ours, Network) {
    let (cc, sc) = configs(CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256, NamedGroup::X25519);
    let mut client = Ours::new(cc, 10);
    let mut server = Ours::new(sc, 11);
    let mut net = Network::new(4, 0);
    assert!(net.run(&mut client, &mut server, &mut |a, b| a.connected() && b.connected()));
    while net.step(&mut client, &mut server) {}
    (client, server, net)
}

#[test]
fn tampered_and_replayed_records_are_dropped() {
    let (mut client, mut server, _net) = connected_pair();
    let now = Instant::from_micros(10_000_000);
    client.send(b"secret");
    let datagram = client.drain().pop().unwrap();
    // Every single-bit flip in the ciphertext or header is dropped silently.
    for i in 3..datagram.len() {
        let mut bad = datagram.clone();
        bad[i] ^= 0x40;
        server.handle(now, &bad);
    }
    assert!(server.received().is_empty());
    assert_eq!(server.dtls.state(), DtlsState::Connected);
    server.handle(now, &datagram);
    assert_eq!(server.received(), vec![b"secret".to_vec()]);
    // The same record again is a replay.
    server.handle(now, &datagram);
    assert!(server.received().is_empty());
    assert!(server.drain().is_empty());
    assert_eq!(server.dtls.state(), DtlsState::Connected);
}

#[test]
fn close_notify_closes_both_sides_and_sending_after_fails() {
    let (mut client, mut server, _net) = connected_pair();
    let now = Instant::from_micros(10_000_000);
    client.dtls.close(now);
    client.events();
    assert!(client.closed);
    assert_eq!(client.dtls.state(), DtlsState::Closed);
    for d in client.drain() {
        server.handle(now, &d);
    }
    assert!(server.closed);
    assert_eq!(server.dtls.state(), DtlsState::Closed);
    // The server answered with its own close_notify.
    assert_eq!(server.drain().len(), 1);
    let err = server.dtls.send_application_data(b"x").unwrap_err();
    assert_eq!(err.name, wasmrtc::error::ErrorName::InvalidStateError);
}

#[test]
fn sending_before_connected_is_an_invalid_state() {
    let (cc, _) = configs(CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256, NamedGroup::X25519);
    let mut client = Dtls::new(cc, Random::from_seed([1; 32]), Instant::ZERO);
    assert_eq!(client.state(), DtlsState::Connecting);
    let err = client.send_application_data(b"x").unwrap_err();
    assert_eq!(err.name, wasmrtc::error::ErrorName::InvalidStateError);
    assert!(client.poll_transmit().unwrap().len() <= 1200);
}

#[test]
fn silent_peer_times_out() {
    let (cc, _) = configs(CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256, NamedGroup::X25519);
    let mut client = Dtls::new(cc, Random::from_seed([1; 32]), Instant::ZERO);
    let mut sent = 0;
    while let Some(at) = client.poll_timeout() {
        while client.poll_transmit().is_some() {
            sent += 1;
        }
        client.handle_timeout(at);
    }
    assert_eq!(sent, 9, "the first send and eight retransmissions");
    assert_eq!(client.state(), DtlsState::Failed);
    assert!(matches!(client.poll_event(), Some(DtlsEvent::Failed(e)) if e.detail == Some(RtcErrorDetail::DtlsFailure)));
}

#[test]
fn dimpl_server_and_client_through_a_lossy_network() {
    let suites = [
        CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256,
        CipherSuite::EcdheEcdsaWithAes128GcmSha256,
        CipherSuite::EcdheEcdsaWithAes256GcmSha384,
    ];
    for (i, our_role) in [DtlsRole::Client, DtlsRole::Server].into_iter().enumerate() {
        for (seed, suite) in suites.into_iter().cycle().take(6).enumerate() {
            let seed = seed as u64;
            let ours_cert = certificate(1);
            let theirs_cert = certificate(2);
            let mut config = DtlsConfig::new(
                our_role,
                ours_cert.clone(),
                vec![("sha-256".to_string(), theirs_cert.fingerprint_sha256())],
            );
            config.cipher_suites = vec![suite];
            let mut ours = Ours::new(config, 20 + seed as u8);
            let mut theirs = Dimpl::new(&theirs_cert, our_role == DtlsRole::Server);
            let wall = std::time::Instant::now();
            let net = if our_role == DtlsRole::Client {
                exchange(&mut ours, &mut theirs, 1000 + seed * 2 + i as u64)
            } else {
                exchange(&mut theirs, &mut ours, 1000 + seed * 2 + i as u64)
            };
            assert_eq!(theirs.peer_cert.as_deref(), Some(ours_cert.der()));
            let Some(DtlsEvent::Connected { cipher_suite, srtp, .. }) = &ours.connected else {
                panic!("not connected");
            };
            assert_eq!(*cipher_suite, suite);
            println!(
                "dimpl, ours as {our_role:?}: {} {:?}, connected at {:.0} ms virtual ({:?} wall)",
                cipher_suite.name(),
                srtp.as_ref().map(|s| s.0),
                net.now.as_millis_f64(),
                wall.elapsed()
            );
        }
    }
}
