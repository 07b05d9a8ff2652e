//! Engine tests that need its insides: a Chromium-shaped ClientHello
//! (DTLS 1.3 extensions, an X25519MLKEM768 key share, unknown groups and
//! GREASE, fragmented over two datagrams), the extended master secret
//! requirement, renegotiation refused, and property tests feeding arbitrary
//! and corrupted datagrams at every handshake stage.

use super::*;
use crate::dtls::codec::{put_u16, put_vec16, put_vec8, u16_list_bytes};
use crate::dtls::extension::Extension;

const NOW_MS: u64 = 1_735_689_600_000;

fn certificate(seed: u8) -> Certificate {
    Certificate::generate_ecdsa_p256(&mut Random::from_seed([seed; 32]), NOW_MS, NOW_MS + 86_400_000).unwrap()
}

fn server_for(client_cert: &Certificate) -> Dtls {
    let config = DtlsConfig::new(
        DtlsRole::Server,
        certificate(2),
        vec![("sha-256".into(), client_cert.fingerprint_sha256())],
    );
    Dtls::new(config, Random::from_seed([5; 32]), Instant::ZERO)
}

fn pair() -> (Dtls, Dtls) {
    let (a, b) = (certificate(1), certificate(2));
    let client = Dtls::new(
        DtlsConfig::new(DtlsRole::Client, a.clone(), vec![("sha-256".into(), b.fingerprint_sha256())]),
        Random::from_seed([6; 32]),
        Instant::ZERO,
    );
    (client, server_for(&a))
}

fn drain(d: &mut Dtls) -> Vec<Vec<u8>> {
    std::iter::from_fn(|| d.poll_transmit()).collect()
}

fn deliver(from: &mut Dtls, to: &mut Dtls) {
    for d in drain(from) {
        to.handle_datagram(Instant::ZERO, &d);
    }
}

fn connected_pair() -> (Dtls, Dtls) {
    let (mut client, mut server) = pair();
    for _ in 0..3 {
        deliver(&mut client, &mut server);
        deliver(&mut server, &mut client);
    }
    assert_eq!(client.state(), DtlsState::Connected);
    assert_eq!(server.state(), DtlsState::Connected);
    (client, server)
}

/// The plaintext handshake messages (type, body) in a server's datagrams.
fn handshake_messages(datagrams: &[Vec<u8>]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    for d in datagrams {
        for r in record::parse_datagram(d) {
            if r.content_type == record::CONTENT_HANDSHAKE && r.epoch == 0 {
                for f in hs::parse_fragments(r.fragment) {
                    assert_eq!(f.offset, 0);
                    assert_eq!(f.body.len() as u32, f.length);
                    out.push((f.msg_type, f.body.to_vec()));
                }
            }
        }
    }
    out
}

/// A ClientHello shaped like Chromium 144+'s combined DTLS 1.3/1.2 hello.
fn chromium_client_hello(cookie: &[u8], with_ems: bool) -> Vec<u8> {
    let mut key_share = Vec::new();
    put_u16(&mut key_share, 0x11ec); // X25519MLKEM768
    put_vec16(&mut key_share, &[0x42; 1216]);
    put_u16(&mut key_share, 29);
    put_vec16(&mut key_share, &[9; 32]);
    let mut key_share_ext = Vec::new();
    put_vec16(&mut key_share_ext, &key_share);
    let mut versions = Vec::new();
    put_vec8(&mut versions, &u16_list_bytes(&[0xfefc, 0xfefd]));
    let mut extensions = vec![
        Extension { kind: 0x0a0a, data: vec![] }, // GREASE
        Extension { kind: extension::RENEGOTIATION_INFO, data: vec![0] },
        extension::u16_list(extension::SUPPORTED_GROUPS, &[0x2a2a, 0x11ec, 29, 23, 24]),
        Extension { kind: extension::EC_POINT_FORMATS, data: vec![1, 0] },
        extension::u16_list(
            extension::SIGNATURE_ALGORITHMS,
            &[0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
        ),
        extension::use_srtp(&[0x0007, 0x0008, 0x0001]),
        Extension { kind: 43, data: versions },
        Extension { kind: 51, data: key_share_ext },
        Extension { kind: 45, data: vec![1, 1] },
    ];
    if with_ems {
        extensions.push(extension::extended_master_secret());
    }
    ClientHello {
        version: record::DTLS_1_2,
        random: [7; 32],
        session_id: vec![3; 32],
        cookie: cookie.to_vec(),
        cipher_suites: vec![
            0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c,
            0x009d, 0x002f, 0x0035,
        ],
        compression_methods: vec![0],
        extensions,
    }
    .encode()
}

/// The hello as Chromium sends it: two fragments, one record and datagram
/// each, delivered here in reverse order.
fn send_fragmented(server: &mut Dtls, seq: u16, body: &[u8], record_seq: u64) {
    let pieces = fragment::fragment(hs::CLIENT_HELLO, seq, body, 1000);
    assert_eq!(pieces.len(), 2);
    for (i, piece) in pieces.iter().enumerate().rev() {
        let mut datagram = Vec::new();
        record::write_header(&mut datagram, record::CONTENT_HANDSHAKE, 0, record_seq + i as u64, piece.len());
        datagram.extend_from_slice(piece);
        server.handle_datagram(Instant::ZERO, &datagram);
    }
}

#[test]
fn chromium_shaped_client_hello_gets_dtls_1_2() {
    let mut server = server_for(&certificate(1));
    let body = chromium_client_hello(&[], true);
    assert!(body.len() > 1400, "{} bytes", body.len());
    send_fragmented(&mut server, 0, &body, 0);
    let answer = drain(&mut server);
    let messages = handshake_messages(&answer);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].0, hs::HELLO_VERIFY_REQUEST);
    let hvr = HelloVerifyRequest::parse(&messages[0].1).unwrap();
    assert_eq!(server.state(), DtlsState::Connecting);

    send_fragmented(&mut server, 1, &chromium_client_hello(&hvr.cookie, true), 2);
    let flight = drain(&mut server);
    assert!(flight.iter().all(|d| d.len() <= DEFAULT_MTU));
    let messages = handshake_messages(&flight);
    let types: Vec<u8> = messages.iter().map(|m| m.0).collect();
    assert_eq!(
        types,
        [hs::SERVER_HELLO, hs::CERTIFICATE, hs::SERVER_KEY_EXCHANGE, hs::CERTIFICATE_REQUEST, hs::SERVER_HELLO_DONE]
    );
    let hello = ServerHello::parse(&messages[0].1).unwrap();
    assert_eq!(hello.version, record::DTLS_1_2);
    assert_eq!(hello.cipher_suite, 0xcca9, "ChaCha20 preferred");
    assert_eq!(
        extension::parse_use_srtp(extension::find(&hello.extensions, extension::USE_SRTP).unwrap()),
        Some(vec![0x0007])
    );
    assert!(extension::find(&hello.extensions, extension::EXTENDED_MASTER_SECRET).is_some());
    assert!(extension::find(&hello.extensions, extension::RENEGOTIATION_INFO).is_some());
    assert!(extension::find(&hello.extensions, 51).is_none(), "no key_share in a 1.2 ServerHello");
    let ske = ServerKeyExchange::parse(&messages[2].1).unwrap();
    assert_eq!(ske.group, 29, "X25519, not the hybrid group");
    assert!(server.poll_event().is_none());
}

#[test]
fn extended_master_secret_is_required() {
    let mut server = server_for(&certificate(1));
    send_fragmented(&mut server, 0, &chromium_client_hello(&[], false), 0);
    let hvr = HelloVerifyRequest::parse(&handshake_messages(&drain(&mut server))[0].1).unwrap();
    send_fragmented(&mut server, 1, &chromium_client_hello(&hvr.cookie, false), 2);
    assert_eq!(server.state(), DtlsState::Failed);
    let alert = drain(&mut server).pop().unwrap();
    let records = record::parse_datagram(&alert);
    assert_eq!(records[0].content_type, record::CONTENT_ALERT);
    assert_eq!(records[0].fragment, [FATAL, HANDSHAKE_FAILURE]);
    assert!(matches!(server.poll_event(), Some(DtlsEvent::Failed(e)) if e.detail == Some(RtcErrorDetail::DtlsFailure)));
}

#[test]
fn renegotiation_is_refused_and_the_connection_goes_on() {
    let (mut client, mut server) = connected_pair();
    while client.poll_event().is_some() {}
    while server.poll_event().is_some() {}
    // The client starts a renegotiation: a ClientHello under epoch 1.
    let hello = hs::whole_message(hs::CLIENT_HELLO, client.hs.next_send_seq, &chromium_client_hello(&[], true));
    let datagram = client.protect(1, record::CONTENT_HANDSHAKE, &hello).unwrap();
    server.handle_datagram(Instant::ZERO, &datagram);
    let answer = drain(&mut server);
    assert_eq!(answer.len(), 1);
    let r = record::parse_datagram(&answer[0])[0];
    assert_eq!((r.content_type, r.epoch), (record::CONTENT_ALERT, 1));
    let plain = client.read_cipher.as_ref().unwrap().open(r.epoch_sequence(), r.content_type, r.fragment);
    assert_eq!(plain.unwrap(), [WARNING, NO_RENEGOTIATION]);
    client.handle_datagram(Instant::ZERO, &answer[0]);
    // A HelloRequest from the server is refused the same way.
    let request = hs::whole_message(hs::HELLO_REQUEST, server.hs.next_send_seq, &[]);
    let datagram = server.protect(1, record::CONTENT_HANDSHAKE, &request).unwrap();
    client.handle_datagram(Instant::ZERO, &datagram);
    assert_eq!(drain(&mut client).len(), 1);
    assert_eq!(client.state(), DtlsState::Connected);
    assert_eq!(server.state(), DtlsState::Connected);
    client.send_application_data(b"still here").unwrap();
    deliver(&mut client, &mut server);
    assert_eq!(server.poll_event(), Some(DtlsEvent::ApplicationData(b"still here".to_vec())));
}

#[test]
fn fatal_alert_fails_and_plaintext_alerts_after_the_handshake_are_ignored() {
    let (mut client, mut server) = connected_pair();
    while server.poll_event().is_some() {}
    let mut plain = Vec::new();
    record::write_header(&mut plain, record::CONTENT_ALERT, 0, 99, 2);
    plain.extend_from_slice(&[FATAL, HANDSHAKE_FAILURE]);
    server.handle_datagram(Instant::ZERO, &plain);
    assert_eq!(server.state(), DtlsState::Connected, "unauthenticated");
    let sealed = client.protect(1, record::CONTENT_ALERT, &[FATAL, INTERNAL_ERROR]).unwrap();
    server.handle_datagram(Instant::ZERO, &sealed);
    assert_eq!(server.state(), DtlsState::Failed);
    assert!(matches!(server.poll_event(), Some(DtlsEvent::Failed(e)) if e.detail == Some(RtcErrorDetail::DtlsFailure)));
}

#[test]
fn lost_final_flight_is_resent_when_the_client_repeats() {
    let (mut client, mut server) = pair();
    deliver(&mut client, &mut server);
    deliver(&mut server, &mut client);
    deliver(&mut client, &mut server);
    deliver(&mut server, &mut client);
    deliver(&mut client, &mut server);
    assert_eq!(server.state(), DtlsState::Connected);
    drain(&mut server); // flight 6 lost
    let deadline = client.poll_timeout().unwrap();
    client.handle_timeout(deadline); // client repeats flight 5
    deliver(&mut client, &mut server); // server answers with flight 6 again
    deliver(&mut server, &mut client);
    assert_eq!(client.state(), DtlsState::Connected);
    assert_eq!(client.poll_timeout(), None);
}

// proptest is a native-only dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// (stage, victim is server, the genuine next flight for the victim)
    fn staged(stage: u8) -> (Dtls, Dtls, bool, Vec<Vec<u8>>) {
        let (mut client, mut server) = pair();
        let steps = usize::from(stage % 6);
        let mut to_server = true;
        for _ in 0..steps {
            if to_server {
                deliver(&mut client, &mut server);
            } else {
                deliver(&mut server, &mut client);
            }
            to_server = !to_server;
        }
        let flight = if to_server { drain(&mut client) } else { drain(&mut server) };
        (client, server, to_server, flight)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_datagrams_never_panic(stage in 0u8..6, datagrams in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..6)) {
            let (mut client, mut server, to_server, _) = staged(stage);
            let victim = if to_server { &mut server } else { &mut client };
            for d in &datagrams {
                victim.handle_datagram(Instant::ZERO, d);
                drain(victim);
            }
            let _ = victim.poll_timeout();
        }

        #[test]
        fn corrupted_flights_never_panic(stage in 0u8..6, flips in proptest::collection::vec((any::<u16>(), 1u8..=255), 1..4)) {
            let (mut client, mut server, to_server, mut flight) = staged(stage);
            let total: usize = flight.iter().map(Vec::len).sum();
            prop_assume!(total > 0);
            for (at, x) in flips {
                let mut at = usize::from(at) % total;
                for d in flight.iter_mut() {
                    if at < d.len() { d[at] ^= x; break; }
                    at -= d.len();
                }
            }
            let victim = if to_server { &mut server } else { &mut client };
            let before = victim.state();
            for d in &flight {
                victim.handle_datagram(Instant::ZERO, d);
            }
            drain(victim);
            if before == DtlsState::Connected {
                prop_assert_eq!(victim.state(), DtlsState::Connected);
            }
        }
    }
}
