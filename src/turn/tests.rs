//! The client against a scripted server, in virtual time.

use super::*;
use crate::stun::integrity::verify;

const USER: &str = "alice";
const PASS: &str = "secret";
const REALM: &str = "wasmrtc";
const RELAYED: &str = "198.51.100.7:50001";
const PEER: &str = "203.0.113.9:4000";

fn at(ms: u64) -> Instant {
    Instant::from_micros(ms * 1000)
}

fn client(reliable: bool) -> TurnClient {
    let mut random = Random::from_seed([3; 32]);
    TurnClient::new(TurnConfig { username: USER.into(), credential: PASS.into(), reliable }, &mut random)
}

fn key() -> Vec<u8> {
    long_term_key(USER, REALM, PASS).to_vec()
}

fn next(c: &mut TurnClient) -> (Message, Vec<u8>) {
    let bytes = c.poll_transmit().expect("a message to the server");
    (Message::decode(&bytes).expect("STUN"), bytes)
}

fn challenge(req: &Message, nonce: &str) -> Vec<u8> {
    req.response(Class::ErrorResponse)
        .with(Attribute::ErrorCode(ErrorCode::new(401)))
        .with(Attribute::Realm(REALM.into()))
        .with(Attribute::Nonce(nonce.into()))
        .encode()
        .unwrap()
}

fn success(req: &Message, attrs: Vec<Attribute>) -> Vec<u8> {
    let mut m = req.response(Class::SuccessResponse);
    m.attributes = attrs;
    m.encode_with(Some((IntegrityAlgorithm::Sha1, &key())), true).unwrap()
}

/// Runs the 401 exchange and the signed Allocate; returns the client allocated.
fn allocated(reliable: bool) -> TurnClient {
    let mut c = client(reliable);
    c.start(at(0));
    let (req, _) = next(&mut c);
    assert_eq!((req.method, req.class), (Method::ALLOCATE, Class::Request));
    assert!(req.username().is_none(), "the first Allocate carries no credentials");
    c.handle_message(at(10), &challenge(&req, "n1"));
    let (req, bytes) = next(&mut c);
    assert_eq!(req.username(), Some(USER));
    assert_eq!(req.nonce(), Some("n1"));
    assert_eq!(verify(&bytes, &key()), Ok(IntegrityAlgorithm::Sha1));
    c.handle_message(
        at(20),
        &success(&req, vec![Attribute::XorRelayedAddress(RELAYED.parse().unwrap()), Attribute::Lifetime(600)]),
    );
    assert_eq!(c.poll_event(), Some(TurnEvent::Allocated { relayed: RELAYED.parse().unwrap(), mapped: None }));
    assert_eq!(c.state(), TurnState::Allocated);
    c
}

#[test]
fn allocates_after_the_challenge_and_refreshes_a_minute_early() {
    let mut c = allocated(true);
    assert_eq!(c.poll_timeout(), Some(at(20 + 540_000)));
    c.handle_timeout(at(20 + 540_000));
    let (req, bytes) = next(&mut c);
    assert_eq!((req.method, req.lifetime()), (Method::REFRESH, Some(600)));
    assert!(verify(&bytes, &key()).is_ok());
    c.handle_message(at(540_030), &success(&req, vec![Attribute::Lifetime(300)]));
    assert_eq!(c.poll_timeout(), Some(at(540_030 + 240_000)));
    assert_eq!(c.state(), TurnState::Allocated);
}

#[test]
fn stale_nonce_is_followed_with_the_new_nonce() {
    let mut c = allocated(true);
    c.handle_timeout(at(540_020));
    let (req, _) = next(&mut c);
    let stale = req
        .response(Class::ErrorResponse)
        .with(Attribute::ErrorCode(ErrorCode::new(438)))
        .with(Attribute::Realm(REALM.into()))
        .with(Attribute::Nonce("n2".into()))
        .encode()
        .unwrap();
    c.handle_message(at(540_030), &stale);
    let (again, bytes) = next(&mut c);
    assert_eq!((again.method, again.nonce()), (Method::REFRESH, Some("n2")));
    assert_ne!(again.transaction_id, req.transaction_id);
    assert!(verify(&bytes, &key()).is_ok());
    c.handle_message(at(540_040), &success(&again, vec![Attribute::Lifetime(600)]));
    assert_eq!(c.state(), TurnState::Allocated);
    assert_eq!(c.poll_event(), None);
}

#[test]
fn wrong_credentials_fail_with_the_servers_code() {
    let mut c = client(true);
    c.start(at(0));
    let (req, _) = next(&mut c);
    c.handle_message(at(1), &challenge(&req, "n1"));
    let (req, _) = next(&mut c);
    let refused = req.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(401))).encode().unwrap();
    c.handle_message(at(2), &refused);
    assert_eq!(c.poll_event(), Some(TurnEvent::Failed { code: 401, reason: "Unauthorized".into() }));
    assert_eq!(c.state(), TurnState::Failed);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn quota_error_is_reported() {
    let mut c = client(true);
    c.start(at(0));
    let (req, _) = next(&mut c);
    c.handle_message(at(1), &challenge(&req, "n1"));
    let (req, _) = next(&mut c);
    let full = req.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(486))).encode().unwrap();
    c.handle_message(at(2), &full);
    assert_eq!(c.poll_event(), Some(TurnEvent::Failed { code: 486, reason: "Allocation Quota Reached".into() }));
}

#[test]
fn unreliable_transport_retransmits_then_times_out() {
    let mut c = client(false);
    c.start(at(0));
    let first = c.poll_transmit().unwrap();
    let mut sends = vec![0];
    while let Some(t) = c.poll_timeout() {
        c.handle_timeout(t);
        if let Some(b) = c.poll_transmit() {
            assert_eq!(b, first, "a retransmission is the same message");
            sends.push(t.as_micros() / 1000);
        }
    }
    assert_eq!(sends, vec![0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert_eq!(
        c.poll_event(),
        Some(TurnEvent::Failed { code: NO_RESPONSE, reason: "the TURN server did not respond".into() })
    );
}

#[test]
fn reliable_transport_sends_once_and_waits_39_5_s() {
    let mut c = client(true);
    c.start(at(0));
    assert!(c.poll_transmit().is_some());
    assert_eq!(c.poll_timeout(), Some(at(39_500)));
    c.handle_timeout(at(39_500));
    assert!(c.poll_transmit().is_none());
    assert!(matches!(c.poll_event(), Some(TurnEvent::Failed { code: NO_RESPONSE, .. })));
}

#[test]
fn data_waits_for_the_permission_then_uses_the_channel() {
    let mut c = allocated(true);
    let peer: SocketAddr = PEER.parse().unwrap();
    c.send_to(at(100), peer, b"one").unwrap();
    let (perm, bytes) = next(&mut c);
    assert_eq!(perm.method, Method::CREATE_PERMISSION);
    assert!(verify(&bytes, &key()).is_ok());
    assert!(c.poll_transmit().is_none(), "data waits for the permission");
    c.handle_message(at(110), &success(&perm, vec![]));
    let (send, _) = next(&mut c);
    assert_eq!((send.method, send.class, send.data()), (Method::SEND, Class::Indication, Some(&b"one"[..])));
    assert_eq!(send.xor_peer_addresses().next(), Some(peer));

    c.bind_channel(at(120), peer);
    let (bind, _) = next(&mut c);
    assert_eq!((bind.method, bind.channel_number()), (Method::CHANNEL_BIND, Some(0x4000)));
    c.handle_message(at(130), &success(&bind, vec![]));
    c.send_to(at(140), peer, b"two").unwrap();
    let cd = c.poll_transmit().unwrap();
    assert_eq!(ChannelData::decode(&cd), Ok(ChannelData { channel: 0x4000, data: b"two" }));

    // Inbound both ways.
    c.handle_message(at(150), &ChannelData { channel: 0x4000, data: b"back" }.encode(false).unwrap());
    assert_eq!(c.poll_event(), Some(TurnEvent::Data { peer, data: b"back".to_vec() }));
    let data = Message::new(Method::DATA, Class::Indication, [9; 12])
        .with(Attribute::XorPeerAddress(peer))
        .with(Attribute::Data(b"ind".to_vec()))
        .encode()
        .unwrap();
    c.handle_message(at(160), &data);
    assert_eq!(c.poll_event(), Some(TurnEvent::Data { peer, data: b"ind".to_vec() }));

    // Permission refreshed at 240 s (used), channel at 540 s.
    c.handle_timeout(at(110 + 240_000));
    let (again, _) = next(&mut c);
    assert_eq!(again.method, Method::CREATE_PERMISSION);
    c.handle_message(at(240_200), &success(&again, vec![]));
    c.handle_timeout(at(130 + 540_000));
    let kinds: Vec<Method> =
        std::iter::from_fn(|| c.poll_transmit()).map(|b| Message::decode(&b).unwrap().method).collect();
    assert!(kinds.contains(&Method::CHANNEL_BIND), "{kinds:?}");
}

#[test]
fn refused_permission_is_an_event_and_an_error() {
    let mut c = allocated(true);
    let peer: SocketAddr = PEER.parse().unwrap();
    c.send_to(at(100), peer, b"x").unwrap();
    let (perm, _) = next(&mut c);
    let forbidden =
        perm.response(Class::ErrorResponse).with(Attribute::ErrorCode(ErrorCode::new(403))).encode().unwrap();
    c.handle_message(at(110), &forbidden);
    assert_eq!(
        c.poll_event(),
        Some(TurnEvent::PermissionFailed { peer: peer.ip(), code: 403, reason: "Forbidden".into() })
    );
    assert_eq!(c.send_to(at(120), peer, b"y"), Err(TurnError::PermissionRefused));
}

#[test]
fn close_deallocates_with_lifetime_zero() {
    let mut c = allocated(true);
    c.close();
    let (req, bytes) = next(&mut c);
    assert_eq!((req.method, req.lifetime()), (Method::REFRESH, Some(0)));
    assert!(verify(&bytes, &key()).is_ok());
    assert_eq!(c.state(), TurnState::Closed);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn sha256_when_the_server_offers_it() {
    let mut c = client(true);
    c.start(at(0));
    let (req, _) = next(&mut c);
    let mut algs = PASSWORD_SHA256.to_be_bytes().to_vec();
    algs.extend_from_slice(&[0, 0]);
    algs.extend_from_slice(&PASSWORD_MD5.to_be_bytes());
    algs.extend_from_slice(&[0, 0]);
    let offer = req
        .response(Class::ErrorResponse)
        .with(Attribute::ErrorCode(ErrorCode::new(401)))
        .with(Attribute::Realm(REALM.into()))
        .with(Attribute::Nonce(format!("{NONCE_COOKIE}AAAAxyz")))
        .with(Attribute::Unknown { typ: types::PASSWORD_ALGORITHMS, value: algs.clone() })
        .encode()
        .unwrap();
    c.handle_message(at(1), &offer);
    let (req, bytes) = next(&mut c);
    assert_eq!(verify(&bytes, &key()), Ok(IntegrityAlgorithm::Sha256));
    assert_eq!(
        req.get(types::PASSWORD_ALGORITHMS),
        Some(&Attribute::Unknown { typ: types::PASSWORD_ALGORITHMS, value: algs })
    );
}

#[test]
fn garbage_never_panics() {
    let mut c = allocated(false);
    let mut r = Random::from_seed([5; 32]);
    for len in 0..300 {
        let mut b = vec![0u8; len];
        r.fill(&mut b);
        c.handle_message(at(1000), &b);
        if len >= 20 {
            b[0] &= 0x3f;
            b[4..8].copy_from_slice(&crate::stun::MAGIC_COOKIE.to_be_bytes());
            c.handle_message(at(1000), &b);
        }
    }
    assert_eq!(c.state(), TurnState::Allocated);
}
