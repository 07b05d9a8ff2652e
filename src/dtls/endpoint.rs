//! The DTLS 1.2 engine (RFC 6347), client and server, sans-IO.
//!
//! Full handshakes only (no resumption), always with a certificate on both
//! sides, as WebRTC uses DTLS (RFC 8827 §6.5):
//!
//! ```text
//!  client                                   server
//!  1 ClientHello                    -->
//!                                   <--     2 HelloVerifyRequest (cookie, §4.2.1)
//!  3 ClientHello + cookie           -->
//!                                   <--     4 ServerHello, Certificate,
//!                                             ServerKeyExchange,
//!                                             CertificateRequest, ServerHelloDone
//!  5 Certificate, ClientKeyExchange,
//!    CertificateVerify, [CCS], Finished -->
//!                                   <--     6 [CCS], Finished
//! ```
//!
//! The server's certificate decides the suite's authentication (RFC 8422
//! §2): an ECDSA P-256 server only picks ECDHE_ECDSA suites, an RSA server
//! only ECDHE_RSA ones; a client offers both kinds and may hold either key.
//! Signatures (ServerKeyExchange, CertificateVerify) use the first scheme in
//! the peer's list that our key can make (RFC 5246 §7.4.1.4.1, §7.4.4).
//!
//! Each numbered flight is retransmitted on a timer until the next one
//! arrives (§4.2.4); the last flight (6) is kept and resent whenever flight 5
//! shows up again. The extended master secret (RFC 7627) is required of the
//! peer; renegotiation_info (RFC 5746) is sent, and renegotiation refused
//! with a no_renegotiation warning. The peer's certificate must match one of
//! the fingerprints from its SDP, else the transport fails with
//! `fingerprint-failure`. Records that do not authenticate, replays
//! (§4.1.2.6) and malformed records are dropped silently (§4.1.2.7).
//!
//! Call order, after constructing and after every `handle_*` or mutator:
//! drain `poll_transmit` and `poll_event`, then re-arm the timer from
//! `poll_timeout` (each call may move it).

use std::collections::VecDeque;

use crate::error::{RtcError, RtcErrorDetail};
use crate::random::Random;
use crate::time::Instant;

use super::certificate::{fingerprint_of, Certificate, KeyType};
use super::cipher_suite::{Authentication, CipherSuite, RecordCipher, PREFERENCE};
use super::extension;
use super::flight::{Expiry, Outgoing, RetransmitTimer};
use super::fragment::{self, Insert, Message, Reassembler};
use super::handshake::certificate_request::{CertificateRequest, ECDSA_SIGN, RSA_SIGN};
use super::handshake::client_hello::ClientHello;
use super::handshake::hello_verify_request::HelloVerifyRequest;
use super::handshake::server_hello::ServerHello;
use super::handshake::server_key_exchange::ServerKeyExchange;
use super::handshake::{self as hs, certificate_verify, client_key_exchange};
use super::key_exchange::{KeyShare, SECP256R1, X25519};
use super::prf::{self, constant_time_eq};
use super::record::{self, Record};
use super::replay::ReplayWindow;
use super::signature::{PeerKey, ACCEPTED};

/// Which side of the handshake we take. WebRTC decides it from `a=setup`
/// (RFC 8842 §5): `active` is the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtlsRole {
    Client,
    Server,
}

impl DtlsRole {
    /// The `RTCDtlsRole` string (webrtc-stats §7.7, RTCTransportStats.dtlsRole).
    pub fn as_str(self) -> &'static str {
        match self {
            DtlsRole::Client => "client",
            DtlsRole::Server => "server",
        }
    }
}

/// DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SrtpProfile {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (0x0001).
    Aes128CmHmacSha1_80,
    /// SRTP_AEAD_AES_128_GCM (0x0007).
    AeadAes128Gcm,
}

impl SrtpProfile {
    pub fn id(self) -> u16 {
        match self {
            SrtpProfile::Aes128CmHmacSha1_80 => 0x0001,
            SrtpProfile::AeadAes128Gcm => 0x0007,
        }
    }

    /// The profile's name as RFC 5764 §4.1.2 and RFC 7714 §14.2 register
    /// it (what getStats reports as srtpCipher).
    pub fn name(self) -> &'static str {
        match self {
            SrtpProfile::Aes128CmHmacSha1_80 => "SRTP_AES128_CM_HMAC_SHA1_80",
            SrtpProfile::AeadAes128Gcm => "SRTP_AEAD_AES_128_GCM",
        }
    }

    fn from_id(id: u16) -> Option<SrtpProfile> {
        [SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmHmacSha1_80]
            .into_iter()
            .find(|p| p.id() == id)
    }

    /// Bytes exported for the profile (RFC 5764 §4.2): two keys and two
    /// salts, client's then server's. AES-CM: 16 + 14; AES-GCM: 16 + 12.
    pub fn keying_material_len(self) -> usize {
        match self {
            SrtpProfile::Aes128CmHmacSha1_80 => 2 * (16 + 14),
            SrtpProfile::AeadAes128Gcm => 2 * (16 + 12),
        }
    }
}

/// The exporter label of DTLS-SRTP (RFC 5764 §4.2).
pub const SRTP_EXPORTER_LABEL: &str = "EXTRACTOR-dtls_srtp";

/// What one DTLS association needs.
#[derive(Debug, Clone)]
pub struct DtlsConfig {
    pub role: DtlsRole,
    pub certificate: Certificate,
    /// The peer's `a=fingerprint` values: hash function token (RFC 8122,
    /// e.g. "sha-256") and digest bytes. The peer's certificate must match
    /// one of them.
    pub remote_fingerprints: Vec<(String, Vec<u8>)>,
    /// Offered (client) or chosen from (server), in order of preference.
    pub srtp_profiles: Vec<SrtpProfile>,
    /// The largest datagram we send. Handshake messages are fragmented to fit.
    pub mtu: usize,
    /// Offered (client) or chosen from (server), in order of preference.
    pub cipher_suites: Vec<CipherSuite>,
    /// ECDHE groups, offered or chosen from in this order.
    pub groups: Vec<NamedGroup>,
}

/// The ECDHE groups (RFC 8422 §5.1.1, RFC 7748).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedGroup {
    X25519,
    Secp256r1,
}

impl NamedGroup {
    pub fn id(self) -> u16 {
        match self {
            NamedGroup::X25519 => X25519,
            NamedGroup::Secp256r1 => SECP256R1,
        }
    }
}

/// Chromium's default DTLS MTU is about this, leaving room for the TURN and
/// IP headers under a 1280-byte IPv6 minimum path MTU.
pub const DEFAULT_MTU: usize = 1200;

impl DtlsConfig {
    /// A config with both SRTP profiles (GCM first, as Chromium), every
    /// cipher suite (ChaCha20 first) and group (X25519 first), and the
    /// default MTU.
    pub fn new(role: DtlsRole, certificate: Certificate, remote_fingerprints: Vec<(String, Vec<u8>)>) -> Self {
        DtlsConfig {
            role,
            certificate,
            remote_fingerprints,
            srtp_profiles: vec![SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmHmacSha1_80],
            mtu: DEFAULT_MTU,
            cipher_suites: PREFERENCE.to_vec(),
            groups: vec![NamedGroup::X25519, NamedGroup::Secp256r1],
        }
    }
}

/// `RTCDtlsTransportState` (webrtc-pc §5.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtlsState {
    New,
    Connecting,
    Connected,
    Closed,
    Failed,
}

impl DtlsState {
    pub fn as_str(self) -> &'static str {
        match self {
            DtlsState::New => "new",
            DtlsState::Connecting => "connecting",
            DtlsState::Connected => "connected",
            DtlsState::Closed => "closed",
            DtlsState::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DtlsEvent {
    Connected {
        cipher_suite: CipherSuite,
        /// The negotiated SRTP profile and its exported keying material.
        srtp: Option<(SrtpProfile, Vec<u8>)>,
        /// The peer's certificate chain in DER, its own first.
        remote_certificates: Vec<Vec<u8>>,
    },
    ApplicationData(Vec<u8>),
    /// close_notify sent or received (RFC 5246 §7.2.1).
    Closed,
    /// A fatal alert sent or received, a failed fingerprint, or a timeout;
    /// the error carries `dtls-failure` or `fingerprint-failure`.
    Failed(RtcError),
}

// Alert descriptions (RFC 5246 §7.2, RFC 5746 §4.5).
const CLOSE_NOTIFY: u8 = 0;
const UNEXPECTED_MESSAGE: u8 = 10;
const HANDSHAKE_FAILURE: u8 = 40;
const BAD_CERTIFICATE: u8 = 42;
const UNSUPPORTED_CERTIFICATE: u8 = 43;
const ILLEGAL_PARAMETER: u8 = 47;
const DECODE_ERROR: u8 = 50;
const DECRYPT_ERROR: u8 = 51;
const PROTOCOL_VERSION: u8 = 70;
const INTERNAL_ERROR: u8 = 80;
const NO_RENEGOTIATION: u8 = 100;
const WARNING: u8 = 1;
const FATAL: u8 = 2;

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3).
const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;
/// RFC 5246 §6.2.1: the largest plaintext a record may carry.
const MAX_PLAINTEXT: usize = 1 << 14;
/// Application data that arrives (authenticated) before our handshake has
/// finished is kept, up to this many records, and delivered once connected.
const MAX_EARLY_RECORDS: usize = 32;
/// The smallest room a handshake fragment gets, whatever the configured MTU.
const MIN_FRAGMENT: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    // Client.
    ServerHello,
    ServerCertificate,
    ServerKeyExchange,
    CertificateRequestOrDone,
    ServerHelloDone,
    ServerFinished,
    // Server.
    ClientHello,
    ClientCertificate,
    ClientKeyExchange,
    CertificateVerify,
    ClientFinished,
    // Both: handshake over.
    Done,
}

/// A failed handshake step: the alert to send and the error to report.
struct Failure {
    alert: u8,
    error: RtcError,
}

fn failure(alert: u8, message: impl Into<String>) -> Failure {
    Failure {
        alert,
        error: RtcError::operation(message).with_detail(RtcErrorDetail::DtlsFailure),
    }
}

type Step2 = Result<(), Failure>;

/// Handshake state, dropped piecemeal as it stops being needed.
struct Handshake {
    step: Step,
    next_send_seq: u16,
    next_recv_seq: u16,
    reassembler: Reassembler,
    /// Every handshake message so far, whole (RFC 6347 §4.2.6), from the
    /// ClientHello that carried the cookie on.
    transcript: Vec<u8>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    /// Server: keys the stateless cookie.
    cookie_secret: [u8; 32],
    /// Client: the hello to resend with a cookie.
    client_hello: Option<ClientHello>,
    suite: Option<CipherSuite>,
    srtp: Option<SrtpProfile>,
    /// Server: our ECDHE share until the ClientKeyExchange arrives.
    key_share: Option<KeyShare>,
    /// Client: our ECDHE public value, for the ClientKeyExchange.
    client_public: Vec<u8>,
    pre_master: Vec<u8>,
    peer_certificates: Vec<Vec<u8>>,
    peer_key: Option<PeerKey>,
    certificate_requested: bool,
    /// Client: the signature schemes the server's CertificateRequest lists,
    /// in its order, for our CertificateVerify.
    requested_schemes: Vec<u16>,
    /// The sequence number of the record that completed the last message:
    /// a HelloVerifyRequest reuses its ClientHello's (RFC 6347 §4.2.1).
    last_record_seq: u64,
}

/// What outlives the handshake: enough for the exporter.
struct Session {
    suite: CipherSuite,
    master_secret: Vec<u8>,
    client_random: [u8; 32],
    server_random: [u8; 32],
}

/// One DTLS 1.2 association.
pub struct Dtls {
    role: DtlsRole,
    certificate: Certificate,
    remote_fingerprints: Vec<(String, Vec<u8>)>,
    srtp_profiles: Vec<SrtpProfile>,
    mtu: usize,
    cipher_suites: Vec<CipherSuite>,
    groups: Vec<u16>,
    random: Random,
    state: DtlsState,
    events: VecDeque<DtlsEvent>,
    transmits: VecDeque<Vec<u8>>,
    /// Next record sequence number per epoch (0 and 1; no renegotiation
    /// means no epoch 2).
    write_seq: [u64; 2],
    write_epoch: u16,
    write_cipher: Option<RecordCipher>,
    /// Epoch 1's read keys, usable once derived; epoch 1's handshake
    /// messages are only acted on after the peer's ChangeCipherSpec.
    read_cipher: Option<RecordCipher>,
    read_epoch: u16,
    replay: ReplayWindow,
    hs: Handshake,
    flight: Vec<Outgoing>,
    timer: RetransmitTimer,
    early_data: Vec<Vec<u8>>,
    session: Option<Session>,
    close_sent: bool,
}

impl Dtls {
    /// A new association. A client queues its first flight at once.
    pub fn new(config: DtlsConfig, mut random: Random, now: Instant) -> Dtls {
        let mut cookie_secret = [0u8; 32];
        random.fill(&mut cookie_secret);
        let step = match config.role {
            DtlsRole::Client => Step::ServerHello,
            DtlsRole::Server => Step::ClientHello,
        };
        let mut dtls = Dtls {
            role: config.role,
            certificate: config.certificate,
            remote_fingerprints: config.remote_fingerprints,
            srtp_profiles: config.srtp_profiles,
            mtu: config.mtu,
            cipher_suites: config.cipher_suites,
            groups: config.groups.iter().map(|g| g.id()).collect(),
            random,
            state: DtlsState::New,
            events: VecDeque::new(),
            transmits: VecDeque::new(),
            write_seq: [0; 2],
            write_epoch: 0,
            write_cipher: None,
            read_cipher: None,
            read_epoch: 0,
            replay: ReplayWindow::default(),
            hs: Handshake {
                step,
                next_send_seq: 0,
                next_recv_seq: 0,
                reassembler: Reassembler::default(),
                transcript: Vec::new(),
                client_random: [0; 32],
                server_random: [0; 32],
                cookie_secret,
                client_hello: None,
                suite: None,
                srtp: None,
                key_share: None,
                client_public: Vec::new(),
                pre_master: Vec::new(),
                peer_certificates: Vec::new(),
                peer_key: None,
                certificate_requested: false,
                requested_schemes: Vec::new(),
                last_record_seq: 0,
            },
            flight: Vec::new(),
            timer: RetransmitTimer::default(),
            early_data: Vec::new(),
            session: None,
            close_sent: false,
        };
        if dtls.role == DtlsRole::Client {
            dtls.state = DtlsState::Connecting;
            dtls.send_client_hello(now);
        }
        dtls
    }

    pub fn state(&self) -> DtlsState {
        self.state
    }

    /// One UDP datagram from the peer; it may hold several records.
    pub fn handle_datagram(&mut self, now: Instant, datagram: &[u8]) {
        if matches!(self.state, DtlsState::Closed | DtlsState::Failed) {
            return;
        }
        let mut peer_retransmitted = false;
        for record in record::parse_datagram(datagram) {
            if let Err(f) = self.handle_record(now, &record, &mut peer_retransmitted) {
                self.fail(Some(f.alert), f.error);
            }
            if matches!(self.state, DtlsState::Closed | DtlsState::Failed) {
                return;
            }
        }
        // RFC 6347 §4.2.4: a repeat of the peer's earlier flight means ours
        // was lost; answer it once per datagram.
        if peer_retransmitted && !self.flight.is_empty() {
            self.send_flight();
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.timer.poll(now) {
            Some(Expiry::Retransmit) => self.send_flight(),
            Some(Expiry::GiveUp) => self.fail(
                None,
                RtcError::operation("DTLS handshake timed out").with_detail(RtcErrorDetail::DtlsFailure),
            ),
            None => {}
        }
    }

    /// Sends one application data record. `InvalidStateError` unless
    /// connected; `OperationError` above the 2^14-byte record limit. The
    /// caller (SCTP) sizes its packets to the MTU.
    pub fn send_application_data(&mut self, data: &[u8]) -> Result<(), RtcError> {
        if self.state != DtlsState::Connected {
            return Err(RtcError::invalid_state("the DTLS transport is not connected"));
        }
        if data.len() > MAX_PLAINTEXT {
            return Err(RtcError::operation("application data exceeds the DTLS record limit"));
        }
        match self.protect(1, record::CONTENT_APPLICATION_DATA, data) {
            Some(datagram) => {
                self.transmits.push_back(datagram);
                Ok(())
            }
            None => Err(RtcError::operation("DTLS record sequence numbers exhausted")),
        }
    }

    /// Sends close_notify (RFC 5246 §7.2.1) and closes.
    pub fn close(&mut self, _now: Instant) {
        if matches!(self.state, DtlsState::Closed | DtlsState::Failed) {
            return;
        }
        self.send_alert(WARNING, CLOSE_NOTIFY);
        self.close_sent = true;
        self.enter_closed();
    }

    /// The next datagram to send, at most `mtu` bytes (an application data
    /// record is as large as the caller made it).
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<DtlsEvent> {
        self.events.pop_front()
    }

    /// When to call `handle_timeout` next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timer.deadline()
    }

    /// RFC 5705 keying-material export, once connected.
    pub fn export_keying_material(&self, label: &str, context: Option<&[u8]>, len: usize) -> Result<Vec<u8>, RtcError> {
        let session = self
            .session
            .as_ref()
            .ok_or_else(|| RtcError::invalid_state("the DTLS handshake has not completed"))?;
        Ok(prf::export(
            session.suite.prf_hash(),
            &session.master_secret,
            label.as_bytes(),
            &session.client_random,
            &session.server_random,
            context,
            len,
        ))
    }

    // ---- records -------------------------------------------------------

    fn handle_record(&mut self, now: Instant, record: &Record<'_>, peer_retransmitted: &mut bool) -> Step2 {
        let plaintext = match record.epoch {
            0 => {
                // Once the peer protects its records, plaintext ones can only
                // be late handshake retransmissions; anything else is
                // unauthenticated noise.
                if self.read_epoch == 1 && record.content_type != record::CONTENT_HANDSHAKE {
                    return Ok(());
                }
                record.fragment.to_vec()
            }
            1 => {
                let Some(cipher) = &self.read_cipher else {
                    return Ok(());
                };
                if !self.replay.is_fresh(record.sequence) {
                    return Ok(());
                }
                let Some(plaintext) = cipher.open(record.epoch_sequence(), record.content_type, record.fragment) else {
                    // RFC 6347 §4.1.2.7: drop silently.
                    return Ok(());
                };
                self.replay.mark(record.sequence);
                plaintext
            }
            _ => return Ok(()),
        };
        self.hs.last_record_seq = record.sequence;
        match record.content_type {
            record::CONTENT_HANDSHAKE => self.handle_handshake(now, record.epoch, &plaintext, peer_retransmitted),
            record::CONTENT_CHANGE_CIPHER_SPEC => {
                // RFC 5246 §7.1: a single byte of value 1, before Finished.
                if plaintext == [1] && record.epoch == 0 && self.read_cipher.is_some() && self.read_epoch == 0 {
                    self.read_epoch = 1;
                    self.process_messages(now)?;
                }
                Ok(())
            }
            record::CONTENT_ALERT => self.handle_alert(&plaintext),
            record::CONTENT_APPLICATION_DATA if record.epoch == 1 => {
                if self.state == DtlsState::Connected {
                    self.events.push_back(DtlsEvent::ApplicationData(plaintext));
                } else if self.early_data.len() < MAX_EARLY_RECORDS {
                    self.early_data.push(plaintext);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn handle_alert(&mut self, plaintext: &[u8]) -> Step2 {
        let [level, description] = plaintext else {
            return Ok(());
        };
        if *description == CLOSE_NOTIFY {
            // RFC 5246 §7.2.1: answer with our own close_notify.
            if !self.close_sent {
                self.send_alert(WARNING, CLOSE_NOTIFY);
                self.close_sent = true;
            }
            self.enter_closed();
        } else if *level == FATAL {
            self.fail(
                None,
                RtcError::operation(format!("peer sent fatal DTLS alert {description}"))
                    .with_detail(RtcErrorDetail::DtlsFailure),
            );
        }
        // Other warnings (no_renegotiation, ...) need nothing from us.
        Ok(())
    }

    /// A record for `plaintext` in `epoch` as a datagram of its own, or
    /// `None` when the epoch's sequence numbers are spent or its keys absent.
    fn protect(&mut self, epoch: u16, content_type: u8, plaintext: &[u8]) -> Option<Vec<u8>> {
        let index = usize::from(epoch.min(1));
        let seq = *self.write_seq.get(index)?;
        if seq > record::MAX_SEQUENCE {
            return None;
        }
        *self.write_seq.get_mut(index)? += 1;
        let fragment = if epoch == 0 {
            plaintext.to_vec()
        } else {
            let cipher = self.write_cipher.as_ref()?;
            cipher.seal((u64::from(epoch) << 48) | seq, content_type, plaintext)
        };
        let mut out = Vec::with_capacity(record::HEADER_LEN + fragment.len());
        record::write_header(&mut out, content_type, epoch, seq, fragment.len());
        out.extend_from_slice(&fragment);
        Some(out)
    }

    fn send_alert(&mut self, level: u8, description: u8) {
        let epoch = self.write_epoch;
        if let Some(datagram) = self.protect(epoch, record::CONTENT_ALERT, &[level, description]) {
            self.transmits.push_back(datagram);
        }
    }

    /// Sends the current flight: every message fragmented to fit the MTU,
    /// records packed into as few datagrams as fit.
    fn send_flight(&mut self) {
        let mut records = Vec::new();
        let flight = std::mem::take(&mut self.flight);
        for out in &flight {
            match out {
                Outgoing::ChangeCipherSpec => {
                    records.extend(self.protect(0, record::CONTENT_CHANGE_CIPHER_SPEC, &[1]));
                    self.write_epoch = 1;
                }
                Outgoing::Handshake {
                    epoch,
                    msg_type,
                    seq,
                    body,
                } => {
                    let overhead = record::HEADER_LEN
                        + hs::HEADER_LEN
                        + if *epoch == 0 { 0 } else { self.hs.suite.map_or(0, CipherSuite::overhead) };
                    let room = self.mtu.saturating_sub(overhead).max(MIN_FRAGMENT);
                    for piece in fragment::fragment(*msg_type, *seq, body, room) {
                        records.extend(self.protect(*epoch, record::CONTENT_HANDSHAKE, &piece));
                    }
                }
            }
        }
        self.flight = flight;
        let mut datagram: Vec<u8> = Vec::new();
        for r in records {
            if !datagram.is_empty() && datagram.len() + r.len() > self.mtu {
                self.transmits.push_back(std::mem::take(&mut datagram));
            }
            datagram.extend_from_slice(&r);
        }
        if !datagram.is_empty() {
            self.transmits.push_back(datagram);
        }
    }

    // ---- handshake plumbing ---------------------------------------------

    fn handle_handshake(&mut self, now: Instant, epoch: u16, plaintext: &[u8], peer_retransmitted: &mut bool) -> Step2 {
        for fragment in hs::parse_fragments(plaintext) {
            if self.hs.reassembler.insert(&fragment, epoch, self.hs.next_recv_seq) == Insert::Old {
                *peer_retransmitted = true;
            }
        }
        self.process_messages(now)
    }

    /// Acts on complete messages in message_seq order (RFC 6347 §4.2.2).
    fn process_messages(&mut self, now: Instant) -> Step2 {
        while let Some((msg_type, epoch)) = self.hs.reassembler.peek(self.hs.next_recv_seq) {
            if self.hs.step != Step::Done {
                // Finished is the first message under the new keys, and only
                // counts after ChangeCipherSpec (RFC 5246 §7.4.9).
                if msg_type == hs::FINISHED && self.read_epoch == 0 {
                    return Ok(());
                }
                if (msg_type == hs::FINISHED) != (epoch == 1) {
                    return Err(failure(UNEXPECTED_MESSAGE, "handshake message in the wrong epoch"));
                }
            }
            let Some(message) = self.hs.reassembler.pop(self.hs.next_recv_seq) else {
                return Ok(());
            };
            self.hs.next_recv_seq = self
                .hs
                .next_recv_seq
                .checked_add(1)
                .ok_or_else(|| failure(INTERNAL_ERROR, "handshake message sequence exhausted"))?;
            self.handle_message(now, message)?;
            if matches!(self.state, DtlsState::Closed | DtlsState::Failed) {
                return Ok(());
            }
        }
        Ok(())
    }

    fn handle_message(&mut self, now: Instant, message: Message) -> Step2 {
        let body = message.body.as_slice();
        match (self.hs.step, message.msg_type) {
            (Step::ServerHello, hs::HELLO_VERIFY_REQUEST) => self.on_hello_verify_request(now, body),
            (Step::ServerHello, hs::SERVER_HELLO) => self.on_server_hello(&message),
            (Step::ServerCertificate, hs::CERTIFICATE) => self.on_certificate(&message),
            (Step::ServerKeyExchange, hs::SERVER_KEY_EXCHANGE) => self.on_server_key_exchange(&message),
            (Step::CertificateRequestOrDone, hs::CERTIFICATE_REQUEST) => {
                let request = CertificateRequest::parse(body)
                    .ok_or_else(|| failure(DECODE_ERROR, "malformed CertificateRequest"))?;
                self.hs.certificate_requested = true;
                self.hs.requested_schemes = request.signature_schemes;
                self.hs.transcript.extend_from_slice(&message.whole());
                self.hs.step = Step::ServerHelloDone;
                Ok(())
            }
            (Step::CertificateRequestOrDone | Step::ServerHelloDone, hs::SERVER_HELLO_DONE) => {
                if !body.is_empty() {
                    return Err(failure(DECODE_ERROR, "malformed ServerHelloDone"));
                }
                self.hs.transcript.extend_from_slice(&message.whole());
                self.send_client_final_flight(now)
            }
            (Step::ServerFinished, hs::FINISHED) => {
                self.check_finished(b"server finished", body)?;
                self.connected();
                Ok(())
            }
            (Step::ClientHello, hs::CLIENT_HELLO) => self.on_client_hello(now, &message),
            // Before a ClientHello with a valid cookie the server holds no
            // state (RFC 6347 §4.2.1) and lets anything else pass.
            (Step::ClientHello, _) => Ok(()),
            (Step::ClientCertificate, hs::CERTIFICATE) => {
                self.timer.stop();
                self.on_certificate(&message)
            }
            (Step::ClientKeyExchange, hs::CLIENT_KEY_EXCHANGE) => self.on_client_key_exchange(&message),
            (Step::CertificateVerify, hs::CERTIFICATE_VERIFY) => self.on_certificate_verify(&message),
            (Step::ClientFinished, hs::FINISHED) => {
                self.check_finished(b"client finished", body)?;
                self.hs.transcript.extend_from_slice(&message.whole());
                let verify_data = self.finished_data(b"server finished");
                self.flight = vec![Outgoing::ChangeCipherSpec, self.handshake_message(1, hs::FINISHED, verify_data)];
                self.send_flight();
                // The last flight has no timer: it is resent when the
                // client's last flight arrives again (§4.2.4).
                self.timer.stop();
                self.connected();
                Ok(())
            }
            (Step::Done, msg_type) => {
                let renegotiation = match self.role {
                    DtlsRole::Server => msg_type == hs::CLIENT_HELLO,
                    DtlsRole::Client => msg_type == hs::HELLO_REQUEST,
                };
                if message.epoch == 0 {
                    // Plaintext after the handshake is unauthenticated: ignore.
                    Ok(())
                } else if renegotiation {
                    // RFC 5746 §4.5: refuse, the connection goes on.
                    self.send_alert(WARNING, NO_RENEGOTIATION);
                    Ok(())
                } else {
                    Err(failure(UNEXPECTED_MESSAGE, "unexpected handshake message after the handshake"))
                }
            }
            (_, msg_type) => Err(failure(
                UNEXPECTED_MESSAGE,
                format!("unexpected handshake message {msg_type}"),
            )),
        }
    }

    /// A handshake message of ours: numbered, added to the transcript,
    /// ready for a flight.
    fn handshake_message(&mut self, epoch: u16, msg_type: u8, body: Vec<u8>) -> Outgoing {
        let seq = self.hs.next_send_seq;
        self.hs.next_send_seq = seq.wrapping_add(1);
        self.hs.transcript.extend_from_slice(&hs::whole_message(msg_type, seq, &body));
        Outgoing::Handshake {
            epoch,
            msg_type,
            seq,
            body,
        }
    }

    fn suite(&self) -> Result<CipherSuite, Failure> {
        self.hs.suite.ok_or_else(|| failure(INTERNAL_ERROR, "no cipher suite negotiated"))
    }

    /// Derives the master secret (RFC 7627: over the transcript through
    /// ClientKeyExchange) and both directions' epoch-1 keys.
    fn derive_keys(&mut self) -> Step2 {
        let suite = self.suite()?;
        let hash = suite.prf_hash();
        let session_hash = hash.digest(&self.hs.transcript);
        let master = prf::extended_master_secret(hash, &self.hs.pre_master, &session_hash);
        self.hs.pre_master.clear();
        let block = prf::key_block(
            hash,
            &master,
            &self.hs.client_random,
            &self.hs.server_random,
            suite.key_block_len(),
        );
        let (client, server) = suite
            .keys(&block)
            .ok_or_else(|| failure(INTERNAL_ERROR, "key derivation failed"))?;
        let (write, read) = match self.role {
            DtlsRole::Client => (client, server),
            DtlsRole::Server => (server, client),
        };
        self.write_cipher = Some(write);
        self.read_cipher = Some(read);
        self.session = Some(Session {
            suite,
            master_secret: master,
            client_random: self.hs.client_random,
            server_random: self.hs.server_random,
        });
        Ok(())
    }

    fn finished_data(&self, label: &[u8]) -> Vec<u8> {
        match &self.session {
            Some(s) => prf::verify_data(s.suite.prf_hash(), &s.master_secret, label, &self.hs.transcript),
            None => Vec::new(),
        }
    }

    fn check_finished(&self, label: &[u8], body: &[u8]) -> Step2 {
        let expected = self.finished_data(label);
        if expected.is_empty() || !constant_time_eq(&expected, body) {
            return Err(failure(DECRYPT_ERROR, "Finished verify_data mismatch"));
        }
        Ok(())
    }

    /// The peer's Certificate: the chain, its fingerprint against the SDP's,
    /// and its key.
    fn on_certificate(&mut self, message: &Message) -> Step2 {
        let chain = hs::certificate::parse(&message.body).ok_or_else(|| failure(DECODE_ERROR, "malformed Certificate"))?;
        let Some(leaf) = chain.first() else {
            return Err(failure(HANDSHAKE_FAILURE, "peer sent no certificate"));
        };
        let matches = self.remote_fingerprints.iter().any(|(algorithm, value)| {
            fingerprint_of(leaf, algorithm).is_some_and(|fingerprint| constant_time_eq(&fingerprint, value))
        });
        if !matches {
            return Err(Failure {
                alert: BAD_CERTIFICATE,
                error: RtcError::operation("the peer's certificate does not match its SDP fingerprint")
                    .with_detail(RtcErrorDetail::FingerprintFailure),
            });
        }
        let key = PeerKey::from_certificate(leaf)
            .ok_or_else(|| failure(UNSUPPORTED_CERTIFICATE, "unsupported peer certificate key"))?;
        self.hs.peer_key = Some(key);
        self.hs.peer_certificates = chain;
        self.hs.transcript.extend_from_slice(&message.whole());
        self.hs.step = match self.role {
            DtlsRole::Client => Step::ServerKeyExchange,
            DtlsRole::Server => Step::ClientKeyExchange,
        };
        Ok(())
    }

    fn connected(&mut self) {
        self.hs.step = Step::Done;
        self.state = DtlsState::Connected;
        if self.role == DtlsRole::Client {
            self.timer.stop();
            self.flight.clear();
        }
        self.hs.transcript = Vec::new();
        let srtp = self.hs.srtp.and_then(|profile| {
            self.export_keying_material(SRTP_EXPORTER_LABEL, None, profile.keying_material_len())
                .ok()
                .map(|material| (profile, material))
        });
        self.events.push_back(DtlsEvent::Connected {
            cipher_suite: self.hs.suite.unwrap_or(PREFERENCE[0]),
            srtp,
            remote_certificates: self.hs.peer_certificates.clone(),
        });
        for data in std::mem::take(&mut self.early_data) {
            self.events.push_back(DtlsEvent::ApplicationData(data));
        }
    }

    fn enter_closed(&mut self) {
        self.state = DtlsState::Closed;
        self.timer.stop();
        self.flight.clear();
        self.events.push_back(DtlsEvent::Closed);
    }

    fn fail(&mut self, alert: Option<u8>, error: RtcError) {
        if matches!(self.state, DtlsState::Closed | DtlsState::Failed) {
            return;
        }
        if let Some(alert) = alert {
            self.send_alert(FATAL, alert);
        }
        self.state = DtlsState::Failed;
        self.timer.stop();
        self.flight.clear();
        self.events.push_back(DtlsEvent::Failed(error));
    }

    // ---- client -----------------------------------------------------------

    fn send_client_hello(&mut self, now: Instant) {
        self.random.fill(&mut self.hs.client_random);
        let mut extensions = vec![
            extension::u16_list(extension::SUPPORTED_GROUPS, &self.groups),
            extension::point_formats(),
            extension::u16_list(extension::SIGNATURE_ALGORITHMS, &ACCEPTED),
        ];
        if !self.srtp_profiles.is_empty() {
            let ids: Vec<u16> = self.srtp_profiles.iter().map(|p| p.id()).collect();
            extensions.push(extension::use_srtp(&ids));
        }
        extensions.push(extension::extended_master_secret());
        extensions.push(extension::renegotiation_info());
        let hello = ClientHello {
            version: record::DTLS_1_2,
            random: self.hs.client_random,
            session_id: Vec::new(),
            cookie: Vec::new(),
            cipher_suites: self.cipher_suites.iter().map(|s| s.id()).collect(),
            compression_methods: vec![0],
            extensions,
        };
        let body = hello.encode();
        self.hs.client_hello = Some(hello);
        self.flight = vec![self.handshake_message(0, hs::CLIENT_HELLO, body)];
        self.send_flight();
        self.timer.start(now);
    }

    fn on_hello_verify_request(&mut self, now: Instant, body: &[u8]) -> Step2 {
        let hvr = HelloVerifyRequest::parse(body).ok_or_else(|| failure(DECODE_ERROR, "malformed HelloVerifyRequest"))?;
        let Some(mut hello) = self.hs.client_hello.take() else {
            return Err(failure(INTERNAL_ERROR, "no ClientHello to repeat"));
        };
        hello.cookie = hvr.cookie;
        let body = hello.encode();
        self.hs.client_hello = Some(hello);
        // RFC 6347 §4.2.1: the hello with the cookie starts the transcript.
        self.hs.transcript.clear();
        self.flight = vec![self.handshake_message(0, hs::CLIENT_HELLO, body)];
        self.send_flight();
        self.timer.start(now);
        Ok(())
    }

    fn on_server_hello(&mut self, message: &Message) -> Step2 {
        let hello = ServerHello::parse(&message.body).ok_or_else(|| failure(DECODE_ERROR, "malformed ServerHello"))?;
        if hello.version != record::DTLS_1_2 {
            return Err(failure(PROTOCOL_VERSION, "server did not choose DTLS 1.2"));
        }
        let suite = CipherSuite::from_id(hello.cipher_suite)
            .filter(|s| self.cipher_suites.contains(s))
            .ok_or_else(|| failure(ILLEGAL_PARAMETER, "server chose a cipher suite we did not offer"))?;
        if hello.compression_method != 0 {
            return Err(failure(ILLEGAL_PARAMETER, "server chose compression"));
        }
        if extension::find(&hello.extensions, extension::EXTENDED_MASTER_SECRET).is_none() {
            return Err(failure(HANDSHAKE_FAILURE, "server does not support the extended master secret"));
        }
        if let Some(info) = extension::find(&hello.extensions, extension::RENEGOTIATION_INFO) {
            if !extension::is_initial_renegotiation_info(info) {
                return Err(failure(HANDSHAKE_FAILURE, "bad renegotiation_info"));
            }
        }
        if let Some(data) = extension::find(&hello.extensions, extension::USE_SRTP) {
            let chosen = extension::parse_use_srtp(data)
                .and_then(|ids| match ids.as_slice() {
                    [id] => SrtpProfile::from_id(*id),
                    _ => None,
                })
                .filter(|p| self.srtp_profiles.contains(p))
                .ok_or_else(|| failure(ILLEGAL_PARAMETER, "server chose an SRTP profile we did not offer"))?;
            self.hs.srtp = Some(chosen);
        }
        self.hs.suite = Some(suite);
        self.hs.server_random = hello.random;
        self.hs.transcript.extend_from_slice(&message.whole());
        self.hs.step = Step::ServerCertificate;
        Ok(())
    }

    fn on_server_key_exchange(&mut self, message: &Message) -> Step2 {
        let ske = ServerKeyExchange::parse(&message.body)
            .ok_or_else(|| failure(DECODE_ERROR, "malformed ServerKeyExchange"))?;
        if !self.groups.contains(&ske.group) {
            return Err(failure(ILLEGAL_PARAMETER, "server chose a group we did not offer"));
        }
        if !ACCEPTED.contains(&ske.signature_scheme) {
            return Err(failure(ILLEGAL_PARAMETER, "server used a signature scheme we did not offer"));
        }
        // An ECDHE_RSA suite needs an RSA server key, ECDHE_ECDSA an ECDSA
        // one (RFC 8422 §2); the signature check alone would also let an
        // ECDSA key sign for an RSA suite.
        let authentication = self.suite()?.authentication();
        let key_fits = match self.hs.peer_key {
            Some(PeerKey::EcdsaP256(_)) => authentication == Authentication::Ecdsa,
            Some(PeerKey::Rsa(_)) => authentication == Authentication::Rsa,
            None => false,
        };
        if !key_fits {
            return Err(failure(UNSUPPORTED_CERTIFICATE, "server certificate key does not fit the cipher suite"));
        }
        let signed = ServerKeyExchange::signed_data(&self.hs.client_random, &self.hs.server_random, ske.group, &ske.public);
        let verified = self
            .hs
            .peer_key
            .as_ref()
            .is_some_and(|key| key.verify(ske.signature_scheme, &signed, &ske.signature));
        if !verified {
            return Err(failure(DECRYPT_ERROR, "ServerKeyExchange signature does not verify"));
        }
        let share = KeyShare::generate(ske.group, &mut self.random)
            .ok_or_else(|| failure(INTERNAL_ERROR, "key generation failed"))?;
        self.hs.client_public = share.public.clone();
        self.hs.pre_master = share
            .agree(&ske.public)
            .ok_or_else(|| failure(ILLEGAL_PARAMETER, "bad ECDHE public value"))?;
        self.hs.transcript.extend_from_slice(&message.whole());
        self.hs.step = Step::CertificateRequestOrDone;
        Ok(())
    }

    /// Flight 5: [Certificate], ClientKeyExchange, [CertificateVerify],
    /// ChangeCipherSpec, Finished.
    fn send_client_final_flight(&mut self, now: Instant) -> Step2 {
        let mut flight = Vec::new();
        if self.hs.certificate_requested {
            let body = hs::certificate::encode(&[self.certificate.der()]);
            flight.push(self.handshake_message(0, hs::CERTIFICATE, body));
        }
        let public = std::mem::take(&mut self.hs.client_public);
        flight.push(self.handshake_message(0, hs::CLIENT_KEY_EXCHANGE, client_key_exchange::encode(&public)));
        self.derive_keys()?;
        if self.hs.certificate_requested {
            let requested = std::mem::take(&mut self.hs.requested_schemes);
            let scheme = self
                .signature_scheme(Some(&requested))
                .ok_or_else(|| failure(HANDSHAKE_FAILURE, "server accepts no signature our key can make"))?;
            let signature = self
                .certificate
                .sign(scheme, &self.hs.transcript, &mut self.random)
                .ok_or_else(|| failure(INTERNAL_ERROR, "signing CertificateVerify failed"))?;
            let body = certificate_verify::encode(scheme, &signature);
            flight.push(self.handshake_message(0, hs::CERTIFICATE_VERIFY, body));
        }
        flight.push(Outgoing::ChangeCipherSpec);
        let verify_data = self.finished_data(b"client finished");
        flight.push(self.handshake_message(1, hs::FINISHED, verify_data));
        self.flight = flight;
        self.send_flight();
        self.timer.start(now);
        self.hs.step = Step::ServerFinished;
        Ok(())
    }

    /// The signature scheme for our next signature: the first of the
    /// peer's `offered` list (its order of preference) that our key can
    /// make. Without a list (a ClientHello with no signature_algorithms),
    /// our own first: RFC 5246 §7.4.1.4.1 would imply SHA-1, which we do
    /// not sign with, and every DTLS 1.2 peer sends the extension anyway.
    fn signature_scheme(&self, offered: Option<&[u16]>) -> Option<u16> {
        let ours = self.certificate.signature_schemes();
        match offered {
            Some(offered) => offered.iter().copied().find(|s| ours.contains(s)),
            None => ours.first().copied(),
        }
    }

    // ---- server -----------------------------------------------------------

    /// The cookie for a client random: an HMAC under a secret only we know,
    /// so the server needs no state until the client proves it can receive
    /// (RFC 6347 §4.2.1).
    fn cookie(&self, client_random: &[u8; 32]) -> Vec<u8> {
        prf::prf(prf::PrfHash::Sha256, &self.hs.cookie_secret, b"cookie", client_random, 32)
    }

    fn on_client_hello(&mut self, now: Instant, message: &Message) -> Step2 {
        let Some(hello) = ClientHello::parse(&message.body) else {
            return Err(failure(DECODE_ERROR, "malformed ClientHello"));
        };
        self.state = DtlsState::Connecting;
        // DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0).
        if hello.version > record::DTLS_1_2 {
            return Err(failure(PROTOCOL_VERSION, "client does not offer DTLS 1.2"));
        }
        if !constant_time_eq(&hello.cookie, &self.cookie(&hello.random)) {
            let hvr = HelloVerifyRequest {
                version: record::DTLS_1_0,
                cookie: self.cookie(&hello.random),
            };
            // The HelloVerifyRequest takes the ClientHello's message_seq
            // and record sequence number (§4.2.1, §4.2.2); it is answered,
            // never retransmitted by timer. The next hello is awaited.
            self.hs.step = Step::ClientHello;
            self.write_seq[0] = self.write_seq[0].max(self.hs.last_record_seq);
            self.flight = vec![Outgoing::Handshake {
                epoch: 0,
                msg_type: hs::HELLO_VERIFY_REQUEST,
                seq: message.seq,
                body: hvr.encode(),
            }];
            self.send_flight();
            return Ok(());
        }
        self.hs.reassembler.discard_below(self.hs.next_recv_seq);
        self.hs.next_send_seq = message.seq;
        self.hs.client_random = hello.random;
        self.hs.transcript = message.whole();

        let authentication = match self.certificate.key_type() {
            KeyType::EcdsaP256 => Authentication::Ecdsa,
            KeyType::Rsa => Authentication::Rsa,
        };
        let suite = self
            .cipher_suites
            .iter()
            .copied()
            .filter(|s| s.authentication() == authentication)
            .find(|s| hello.cipher_suites.contains(&s.id()))
            .ok_or_else(|| failure(HANDSHAKE_FAILURE, "no cipher suite in common"))?;
        if !hello.compression_methods.contains(&0) {
            return Err(failure(ILLEGAL_PARAMETER, "client does not offer null compression"));
        }
        let ext = &hello.extensions;
        if extension::find(ext, extension::EXTENDED_MASTER_SECRET).is_none() {
            return Err(failure(HANDSHAKE_FAILURE, "client does not offer the extended master secret"));
        }
        let renegotiation_info = extension::find(ext, extension::RENEGOTIATION_INFO);
        if renegotiation_info.is_some_and(|info| !extension::is_initial_renegotiation_info(info)) {
            return Err(failure(HANDSHAKE_FAILURE, "bad renegotiation_info"));
        }
        let secure_renegotiation =
            renegotiation_info.is_some() || hello.cipher_suites.contains(&EMPTY_RENEGOTIATION_INFO_SCSV);
        // RFC 8422 §4: without supported_groups, any curve the server likes.
        let group = match extension::find(ext, extension::SUPPORTED_GROUPS) {
            Some(data) => {
                let offered = extension::parse_u16_list(data)
                    .ok_or_else(|| failure(DECODE_ERROR, "malformed supported_groups"))?;
                self.groups
                    .iter()
                    .copied()
                    .find(|g| offered.contains(g))
                    .ok_or_else(|| failure(HANDSHAKE_FAILURE, "no group in common"))?
            }
            None if self.groups.contains(&SECP256R1) => SECP256R1,
            None => return Err(failure(HANDSHAKE_FAILURE, "client names no groups")),
        };
        let offered_schemes = match extension::find(ext, extension::SIGNATURE_ALGORITHMS) {
            Some(data) => Some(
                extension::parse_u16_list(data).ok_or_else(|| failure(DECODE_ERROR, "malformed signature_algorithms"))?,
            ),
            None => None,
        };
        let scheme = self
            .signature_scheme(offered_schemes.as_deref())
            .ok_or_else(|| failure(HANDSHAKE_FAILURE, "client cannot verify any signature our key can make"))?;
        if let Some(data) = extension::find(ext, extension::USE_SRTP) {
            let offered = extension::parse_use_srtp(data).ok_or_else(|| failure(DECODE_ERROR, "malformed use_srtp"))?;
            self.hs.srtp = self.srtp_profiles.iter().copied().find(|p| offered.contains(&p.id()));
        }

        self.random.fill(&mut self.hs.server_random);
        self.hs.suite = Some(suite);
        let mut extensions = Vec::new();
        if secure_renegotiation {
            extensions.push(extension::renegotiation_info());
        }
        extensions.push(extension::extended_master_secret());
        if extension::find(ext, extension::EC_POINT_FORMATS).is_some() {
            extensions.push(extension::point_formats());
        }
        if let Some(profile) = self.hs.srtp {
            extensions.push(extension::use_srtp(&[profile.id()]));
        }
        let server_hello = ServerHello {
            version: record::DTLS_1_2,
            random: self.hs.server_random,
            session_id: Vec::new(),
            cipher_suite: suite.id(),
            compression_method: 0,
            extensions,
        };
        let share = KeyShare::generate(group, &mut self.random)
            .ok_or_else(|| failure(INTERNAL_ERROR, "key generation failed"))?;
        let signed = ServerKeyExchange::signed_data(&self.hs.client_random, &self.hs.server_random, group, &share.public);
        let signature = self
            .certificate
            .sign(scheme, &signed, &mut self.random)
            .ok_or_else(|| failure(INTERNAL_ERROR, "signing ServerKeyExchange failed"))?;
        let ske = ServerKeyExchange {
            group,
            public: share.public.clone(),
            signature_scheme: scheme,
            signature,
        };
        self.hs.key_share = Some(share);
        let request = CertificateRequest {
            certificate_types: vec![ECDSA_SIGN, RSA_SIGN],
            signature_schemes: ACCEPTED.to_vec(),
        };
        let certificate = hs::certificate::encode(&[self.certificate.der()]);
        self.flight = vec![
            self.handshake_message(0, hs::SERVER_HELLO, server_hello.encode()),
            self.handshake_message(0, hs::CERTIFICATE, certificate),
            self.handshake_message(0, hs::SERVER_KEY_EXCHANGE, ske.encode()),
            self.handshake_message(0, hs::CERTIFICATE_REQUEST, request.encode()),
            self.handshake_message(0, hs::SERVER_HELLO_DONE, Vec::new()),
        ];
        self.send_flight();
        self.timer.start(now);
        self.hs.step = Step::ClientCertificate;
        Ok(())
    }

    fn on_client_key_exchange(&mut self, message: &Message) -> Step2 {
        let public = client_key_exchange::parse(&message.body)
            .ok_or_else(|| failure(DECODE_ERROR, "malformed ClientKeyExchange"))?;
        let share = self
            .hs
            .key_share
            .take()
            .ok_or_else(|| failure(INTERNAL_ERROR, "no key share"))?;
        self.hs.pre_master = share
            .agree(&public)
            .ok_or_else(|| failure(ILLEGAL_PARAMETER, "bad ECDHE public value"))?;
        self.hs.transcript.extend_from_slice(&message.whole());
        self.derive_keys()?;
        self.hs.step = Step::CertificateVerify;
        Ok(())
    }

    fn on_certificate_verify(&mut self, message: &Message) -> Step2 {
        let (scheme, signature) = certificate_verify::parse(&message.body)
            .ok_or_else(|| failure(DECODE_ERROR, "malformed CertificateVerify"))?;
        if !ACCEPTED.contains(&scheme) {
            return Err(failure(ILLEGAL_PARAMETER, "client used a signature scheme we did not offer"));
        }
        let verified = self
            .hs
            .peer_key
            .as_ref()
            .is_some_and(|key| key.verify(scheme, &self.hs.transcript, &signature));
        if !verified {
            return Err(failure(DECRYPT_ERROR, "CertificateVerify signature does not verify"));
        }
        self.hs.transcript.extend_from_slice(&message.whole());
        self.hs.step = Step::ClientFinished;
        Ok(())
    }
}

#[cfg(test)]
#[path = "endpoint_tests.rs"]
mod tests;
