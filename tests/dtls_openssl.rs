//! Interop of our DTLS 1.2 engine (src/dtls) with OpenSSL over real UDP on
//! 127.0.0.1: our client against `openssl s_server -dtls1_2` and
//! `openssl s_client -dtls1_2` against our server, once per cipher suite,
//! with use_srtp and the "EXTRACTOR-dtls_srtp" exporter compared, and
//! application data both ways. A client with an RSA certificate exercises
//! RSA CertificateVerify (PSS and PKCS #1 v1.5). With an RSA certificate of
//! our own: our server against `s_client` for each ECDHE_RSA suite and both
//! RSA signature schemes, and our client against `s_server` that presents
//! another certificate of ours and asks for RSA CertificateVerify. The engine is sans-IO;
//! this file owns the socket and the clock and passes both in.

// Native only: these tests spawn processes and use sockets.
#![cfg(not(target_arch = "wasm32"))]
// The test drives real I/O, so it reads the real clock.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use wasmrtc::dtls::certificate::Certificate;
use wasmrtc::dtls::endpoint::SRTP_EXPORTER_LABEL;
use wasmrtc::dtls::{CipherSuite, Dtls, DtlsConfig, DtlsEvent, DtlsRole, DtlsState, SrtpProfile};
use wasmrtc::random::Random;
use wasmrtc::time::Instant;

const NOW_MS: u64 = 1_735_689_600_000;
const RSA_SUITES: [(CipherSuite, &str); 2] = [
    (CipherSuite::EcdheRsaWithChacha20Poly1305Sha256, "ECDHE-RSA-CHACHA20-POLY1305"),
    (CipherSuite::EcdheRsaWithAes128GcmSha256, "ECDHE-RSA-AES128-GCM-SHA256"),
];
const SUITES: [(CipherSuite, &str); 3] = [
    (CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256, "ECDHE-ECDSA-CHACHA20-POLY1305"),
    (CipherSuite::EcdheEcdsaWithAes128GcmSha256, "ECDHE-ECDSA-AES128-GCM-SHA256"),
    (CipherSuite::EcdheEcdsaWithAes256GcmSha384, "ECDHE-ECDSA-AES256-GCM-SHA384"),
];

struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wasmrtc-dtls-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) {
    let out = Command::new("openssl").args(args).output().expect("openssl must be installed");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// An OpenSSL identity: PEM cert and key paths and the cert's SHA-256.
struct Identity {
    cert: PathBuf,
    key: PathBuf,
    fingerprint: Vec<u8>,
}

fn openssl_identity(dir: &Scratch, rsa: bool) -> Identity {
    let (cert, key, der) = (dir.path("peer.pem"), dir.path("peer.key"), dir.path("peer.der"));
    let (c, k, d) = (cert.to_str().unwrap(), key.to_str().unwrap(), der.to_str().unwrap());
    if rsa {
        run(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", k, "-out", c, "-days", "30", "-subj", "/CN=rsa"]);
    } else {
        run(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", k]);
        run(&["req", "-new", "-x509", "-key", k, "-out", c, "-days", "30", "-subj", "/CN=ecdsa"]);
    }
    run(&["x509", "-in", c, "-outform", "DER", "-out", d]);
    let bytes = std::fs::read(&der).unwrap();
    use sha2::Digest;
    Identity {
        cert,
        key,
        fingerprint: sha2::Sha256::digest(&bytes).to_vec(),
    }
}

/// Our certificate. openssl is run without verification (WebRTC has no
/// PKI), so it needs nothing of ours on disk.
fn ours() -> Certificate {
    let mut random = Random::from_seed([42; 32]);
    Certificate::generate_ecdsa_p256(&mut random, NOW_MS, NOW_MS + 30 * 86_400_000).unwrap()
}

/// An RSA-2048 certificate of ours, and its PEM cert and PKCS #8 key on
/// disk for openssl.
fn ours_rsa(dir: &Scratch, seed: u8) -> (Certificate, Identity) {
    let mut random = Random::from_seed([seed; 32]);
    let wall = std::time::Instant::now();
    let cert = Certificate::generate_rsa(&mut random, 2048, 65537, NOW_MS, NOW_MS + 30 * 86_400_000).unwrap();
    println!("RSA-2048 certificate generated in {:?} (this build's profile)", wall.elapsed());
    let (pem, key) = (dir.path(&format!("ours{seed}.pem")), dir.path(&format!("ours{seed}.key")));
    std::fs::write(&pem, cert.to_pem()).unwrap();
    let der = dir.path(&format!("ours{seed}.p8"));
    std::fs::write(&der, cert.private_key_pkcs8_der()).unwrap();
    run(&["pkey", "-inform", "DER", "-in", der.to_str().unwrap(), "-out", key.to_str().unwrap()]);
    let fingerprint = cert.fingerprint_sha256();
    (cert, Identity { cert: pem, key, fingerprint })
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// openssl's merged stdout/stderr lines, read on a thread.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Peer {
    fn spawn(args: &[String]) -> Peer {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl must be installed");
        let (tx, rx) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let stdin = child.stdin.take();
        Peer {
            child,
            stdin,
            lines: rx,
            seen: Vec::new(),
        }
    }

    fn pump(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
    }

    fn wait_for(&mut self, needle: &str, timeout: Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
                return Some(line.clone());
            }
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            match self.lines.recv_timeout(left.min(Duration::from_millis(20))) {
                Ok(line) => self.seen.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(_) => return None,
            }
        }
    }

    fn keying_material(&mut self) -> Vec<u8> {
        let line = self
            .wait_for("Keying material:", Duration::from_secs(5))
            .unwrap_or_else(|| panic!("no keying material in {:#?}", self.seen));
        let hex = line.split(':').nth(1).unwrap().trim().to_string();
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Our engine on a real socket, driven with the real clock.
struct Driver {
    dtls: Dtls,
    socket: UdpSocket,
    peer: Option<SocketAddr>,
    start: std::time::Instant,
    connected: Option<DtlsEvent>,
    data: Vec<Vec<u8>>,
    failed: Option<wasmrtc::error::RtcError>,
    closed: bool,
}

impl Driver {
    fn new(config: DtlsConfig, peer: Option<SocketAddr>) -> Driver {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(5))).unwrap();
        let start = std::time::Instant::now();
        Driver {
            dtls: Dtls::new(config, Random::from_seed([9; 32]), Instant::ZERO),
            socket,
            peer,
            start,
            connected: None,
            data: Vec::new(),
            failed: None,
            closed: false,
        }
    }

    fn now(&self) -> Instant {
        Instant::from_micros(self.start.elapsed().as_micros() as u64)
    }

    /// One round: a datagram in (if any), timers, then everything out.
    fn turn(&mut self) {
        let mut buf = [0u8; 2048];
        if let Ok((n, from)) = self.socket.recv_from(&mut buf) {
            self.peer.get_or_insert(from);
            let now = self.now();
            self.dtls.handle_datagram(now, &buf[..n]);
        }
        let now = self.now();
        if self.dtls.poll_timeout().is_some_and(|t| t <= now) {
            self.dtls.handle_timeout(now);
        }
        self.flush();
    }

    fn flush(&mut self) {
        if let Some(peer) = self.peer {
            while let Some(d) = self.dtls.poll_transmit() {
                self.socket.send_to(&d, peer).unwrap();
            }
        }
        while let Some(event) = self.dtls.poll_event() {
            match event {
                DtlsEvent::Connected { .. } => self.connected = Some(event),
                DtlsEvent::ApplicationData(d) => self.data.push(d),
                DtlsEvent::Failed(e) => self.failed = Some(e),
                DtlsEvent::Closed => self.closed = true,
            }
        }
    }

    fn run_until(&mut self, peer: &mut Peer, timeout: Duration, mut done: impl FnMut(&Driver) -> bool) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            self.turn();
            peer.pump();
            if done(self) {
                return true;
            }
            assert!(self.failed.is_none(), "failed: {:?}\nopenssl said: {:#?}", self.failed, peer.seen);
        }
        false
    }
}

fn srtp_args() -> Vec<String> {
    [
        "-use_srtp",
        "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80",
        "-keymatexport",
        SRTP_EXPORTER_LABEL,
        "-keymatexportlen",
        "56",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Handshake, data both ways, exporter comparison.
fn converse(driver: &mut Driver, peer: &mut Peer, suite: CipherSuite) {
    let wall = std::time::Instant::now();
    let ok = driver.run_until(peer, Duration::from_secs(10), |d| d.dtls.state() == DtlsState::Connected);
    assert!(ok, "no handshake; openssl said: {:#?}", peer.seen);
    let elapsed = wall.elapsed();
    let Some(DtlsEvent::Connected { cipher_suite, srtp: Some((profile, material)), remote_certificates }) =
        driver.connected.clone()
    else {
        panic!("no SRTP: {:?}", driver.connected);
    };
    assert_eq!(cipher_suite, suite);
    assert_eq!(profile, SrtpProfile::AeadAes128Gcm);
    assert_eq!(remote_certificates.len(), 1);
    assert_eq!(peer.keying_material(), material, "exporter outputs differ");

    driver.dtls.send_application_data(b"hello from wasmrtc\n").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !peer.seen.iter().any(|l| l.contains("hello from wasmrtc")) && std::time::Instant::now() < deadline {
        driver.turn();
        peer.pump();
    }
    assert!(peer.seen.iter().any(|l| l.contains("hello from wasmrtc")), "{:#?}", peer.seen);

    let stdin = peer.stdin.as_mut().unwrap();
    stdin.write_all(b"hello from openssl\n").unwrap();
    stdin.flush().unwrap();
    let got = driver.run_until(peer, Duration::from_secs(5), |d| {
        d.data.iter().any(|m| m.starts_with(b"hello from openssl"))
    });
    assert!(got, "no data from openssl: {:#?}", peer.seen);
    println!("{} with openssl: handshake in {elapsed:?} wall", suite.name());
}

fn our_config(role: DtlsRole, fingerprint: Vec<u8>) -> DtlsConfig {
    DtlsConfig::new(role, ours(), vec![("sha-256".to_string(), fingerprint)])
}

#[test]
fn our_client_with_openssl_server_every_suite() {
    let dir = Scratch::new("client");
    let id = openssl_identity(&dir, false);
    for (suite, name) in SUITES {
        let port = free_port();
        let mut args: Vec<String> = [
            "s_server", "-dtls1_2", "-accept", &format!("127.0.0.1:{port}"), "-cert", id.cert.to_str().unwrap(),
            "-key", id.key.to_str().unwrap(), "-cipher", name, "-verify", "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(srtp_args());
        let mut peer = Peer::spawn(&args);
        assert!(peer.wait_for("ACCEPT", Duration::from_secs(5)).is_some(), "{:#?}", peer.seen);
        let mut driver = Driver::new(our_config(DtlsRole::Client, id.fingerprint.clone()), Some(format!("127.0.0.1:{port}").parse().unwrap()));
        converse(&mut driver, &mut peer, suite);
        // Our close_notify reaches openssl.
        driver.dtls.close(driver.now());
        driver.flush();
        assert!(driver.closed);
    }
}

#[test]
fn openssl_client_with_our_server_every_suite() {
    let dir = Scratch::new("server");
    let id = openssl_identity(&dir, false);
    for (suite, name) in SUITES {
        let mut driver = Driver::new(our_config(DtlsRole::Server, id.fingerprint.clone()), None);
        let port = driver.socket.local_addr().unwrap().port();
        let mut args: Vec<String> = [
            "s_client", "-dtls1_2", "-connect", &format!("127.0.0.1:{port}"), "-cert", id.cert.to_str().unwrap(),
            "-key", id.key.to_str().unwrap(), "-cipher", name,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(srtp_args());
        let mut peer = Peer::spawn(&args);
        converse(&mut driver, &mut peer, suite);
        // openssl's close_notify (stdin closed) closes our side.
        peer.stdin = None;
        assert!(driver.run_until(&mut peer, Duration::from_secs(5), |d| d.closed), "{:#?}", peer.seen);
    }
}

#[test]
fn openssl_client_with_rsa_certificate() {
    let dir = Scratch::new("rsa");
    let id = openssl_identity(&dir, true);
    for sigalgs in ["rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256:ecdsa_secp256r1_sha256"] {
        let mut driver = Driver::new(our_config(DtlsRole::Server, id.fingerprint.clone()), None);
        let port = driver.socket.local_addr().unwrap().port();
        let mut args: Vec<String> = [
            "s_client", "-dtls1_2", "-connect", &format!("127.0.0.1:{port}"), "-cert", id.cert.to_str().unwrap(),
            "-key", id.key.to_str().unwrap(), "-sigalgs", sigalgs,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(srtp_args());
        let mut peer = Peer::spawn(&args);
        converse(&mut driver, &mut peer, CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256);
    }
}

#[test]
fn openssl_server_with_wrong_fingerprint_fails() {
    let dir = Scratch::new("fingerprint");
    let id = openssl_identity(&dir, false);
    let port = free_port();
    let args: Vec<String> = [
        "s_server", "-dtls1_2", "-accept", &format!("127.0.0.1:{port}"), "-cert", id.cert.to_str().unwrap(),
        "-key", id.key.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut peer = Peer::spawn(&args);
    assert!(peer.wait_for("ACCEPT", Duration::from_secs(5)).is_some());
    let mut wrong = id.fingerprint.clone();
    wrong[0] ^= 1;
    let mut driver = Driver::new(our_config(DtlsRole::Client, wrong), Some(format!("127.0.0.1:{port}").parse().unwrap()));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while driver.failed.is_none() && std::time::Instant::now() < deadline {
        driver.turn();
    }
    assert_eq!(
        driver.failed.map(|e| e.detail),
        Some(Some(wasmrtc::error::RtcErrorDetail::FingerprintFailure))
    );
    // openssl reports our bad_certificate alert.
    assert!(peer.wait_for("bad certificate", Duration::from_secs(5)).is_some(), "{:#?}", peer.seen);
}

/// Our RSA-certificate server: each ECDHE_RSA suite, ServerKeyExchange signed
/// with whichever RSA scheme the client lists first (openssl names it).
#[test]
fn openssl_client_with_our_rsa_server() {
    let dir = Scratch::new("rsa-server");
    let id = openssl_identity(&dir, false);
    let (cert, _) = ours_rsa(&dir, 43);
    for (suite, name) in RSA_SUITES {
        for (sigalgs, shown) in [
            ("rsa_pkcs1_sha256:rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256", "Peer signature type: RSA\n"),
            ("rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp256r1_sha256", "Peer signature type: RSA-PSS"),
        ] {
            let config = DtlsConfig::new(DtlsRole::Server, cert.clone(), vec![("sha-256".to_string(), id.fingerprint.clone())]);
            let mut driver = Driver::new(config, None);
            let port = driver.socket.local_addr().unwrap().port();
            let mut args: Vec<String> = [
                "s_client", "-dtls1_2", "-connect", &format!("127.0.0.1:{port}"), "-cert", id.cert.to_str().unwrap(),
                "-key", id.key.to_str().unwrap(), "-cipher", name, "-sigalgs", sigalgs,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            args.extend(srtp_args());
            let mut peer = Peer::spawn(&args);
            converse(&mut driver, &mut peer, suite);
            let line = peer.seen.iter().find(|l| l.contains("Peer signature type")).cloned().unwrap_or_default();
            assert_eq!(line.trim(), shown.trim(), "{sigalgs}: {:#?}", peer.seen);
            println!("{name} with {sigalgs}: {line}");
        }
    }
}

/// Our RSA-certificate client against an openssl server that presents our
/// RSA certificate and asks for ours: ECDHE_RSA, RSA CertificateVerify in
/// the scheme the server lists first.
#[test]
fn our_rsa_client_with_openssl_server() {
    let dir = Scratch::new("rsa-client");
    let (client_cert, _) = ours_rsa(&dir, 44);
    let (_, server_id) = ours_rsa(&dir, 45);
    for (suite, name) in RSA_SUITES {
        for client_sigalgs in ["RSA-PSS+SHA256", "RSA+SHA256"] {
            let port = free_port();
            let mut args: Vec<String> = [
                "s_server", "-dtls1_2", "-accept", &format!("127.0.0.1:{port}"), "-cert",
                server_id.cert.to_str().unwrap(), "-key", server_id.key.to_str().unwrap(), "-cipher", name,
                "-verify", "1", "-client_sigalgs", client_sigalgs,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            args.extend(srtp_args());
            let mut peer = Peer::spawn(&args);
            assert!(peer.wait_for("ACCEPT", Duration::from_secs(5)).is_some(), "{:#?}", peer.seen);
            let config = DtlsConfig::new(
                DtlsRole::Client,
                client_cert.clone(),
                vec![("sha-256".to_string(), server_id.fingerprint.clone())],
            );
            let mut driver = Driver::new(config, Some(format!("127.0.0.1:{port}").parse().unwrap()));
            converse(&mut driver, &mut peer, suite);
            let line = peer.seen.iter().find(|l| l.contains("Peer signature type")).cloned().unwrap_or_default();
            let expected = if client_sigalgs.starts_with("RSA-PSS") { "RSA-PSS" } else { "RSA" };
            assert_eq!(line.trim(), format!("Peer signature type: {expected}"), "{:#?}", peer.seen);
            println!("{name}, CertificateVerify {client_sigalgs}: {line}");
        }
    }
}
