//! Known answers (RFC 5769 test vectors), round trips, malformed input, and a
//! property test that no input makes the codec panic.

use std::net::SocketAddr;

use proptest::prelude::*;

use super::attribute::types;
use super::integrity::{self, IntegrityError};
use super::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

const SHORT_TERM: &[u8] = b"VOkJxbRl1RmTxUk/WvJxBt";

/// RFC 5769 §2.1.
fn sample_request() -> Vec<u8> {
    hex("00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
         80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
         00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36
         00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
         00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
         80 28 00 04 e5 7a 3b cf")
}

/// RFC 5769 §2.2.
fn sample_ipv4_response() -> Vec<u8> {
    hex("01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
         80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
         00 20 00 08 00 01 a1 47 e1 12 a6 43
         00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
         80 28 00 04 c0 7d 4c 96")
}

/// RFC 5769 §2.3.
fn sample_ipv6_response() -> Vec<u8> {
    hex("01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
         80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
         00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
         00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
         80 28 00 04 c8 fb 0b 4c")
}

/// RFC 5769 §2.4 (long-term credentials).
fn sample_long_term() -> Vec<u8> {
    hex("00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
         00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
         00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
         00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
         00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66")
}

#[test]
fn rfc5769_sample_request() {
    let b = sample_request();
    let m = Message::decode(&b).unwrap();
    assert_eq!((m.method, m.class), (Method::BINDING, Class::Request));
    assert_eq!(m.username(), Some("evtj:h6vY"));
    assert_eq!(m.get(types::SOFTWARE), Some(&Attribute::Software("STUN test client".into())));
    assert_eq!(m.get(types::PRIORITY), Some(&Attribute::Unknown { typ: types::PRIORITY, value: vec![0x6e, 0, 1, 0xff] }));
    assert_eq!(integrity::verify(&b, SHORT_TERM), Ok(IntegrityAlgorithm::Sha1));
    assert_eq!(integrity::verify(&b, b"wrong"), Err(IntegrityError::Mismatch));
    assert_eq!(integrity::check_fingerprint(&b), Some(true));
}

#[test]
fn rfc5769_sample_responses() {
    let b = sample_ipv4_response();
    let m = Message::decode(&b).unwrap();
    assert_eq!(m.class, Class::SuccessResponse);
    assert_eq!(m.xor_mapped_address(), Some("192.0.2.1:32853".parse().unwrap()));
    assert_eq!(integrity::verify(&b, SHORT_TERM), Ok(IntegrityAlgorithm::Sha1));
    assert_eq!(integrity::check_fingerprint(&b), Some(true));
    // Re-encoding with zero padding (the RFC's vectors pad with spaces) and
    // fresh integrity + fingerprint gives a message that verifies again.
    let again = m.encode_with(Some((IntegrityAlgorithm::Sha1, SHORT_TERM)), true).unwrap();
    assert_eq!(integrity::verify(&again, SHORT_TERM), Ok(IntegrityAlgorithm::Sha1));
    assert_eq!(integrity::check_fingerprint(&again), Some(true));

    let b = sample_ipv6_response();
    let m = Message::decode(&b).unwrap();
    let want: SocketAddr = "[2001:db8:1234:5678:11:2233:4455:6677]:32853".parse().unwrap();
    assert_eq!(m.xor_mapped_address(), Some(want));
    assert_eq!(integrity::verify(&b, SHORT_TERM), Ok(IntegrityAlgorithm::Sha1));
    assert_eq!(integrity::check_fingerprint(&b), Some(true));
}

#[test]
fn rfc5769_long_term_byte_exact() {
    let b = sample_long_term();
    let m = Message::decode(&b).unwrap();
    assert_eq!(m.username(), Some("マトリックス"));
    assert_eq!(m.nonce(), Some("f//499k954d6OL34oL9FSTvy64sA"));
    assert_eq!(m.realm(), Some("example.org"));
    // The password after SASLprep is "TheMatrIX" (RFC 5769 §2.4).
    let key = long_term_key("マトリックス", "example.org", "TheMatrIX");
    assert_eq!(integrity::verify(&b, &key), Ok(IntegrityAlgorithm::Sha1));
    assert_eq!(integrity::check_fingerprint(&b), None);
    let again = m.encode_with(Some((IntegrityAlgorithm::Sha1, &key)), false).unwrap();
    assert_eq!(again, b);
}

#[test]
fn sha256_integrity_round_trip_and_tamper() {
    let tid = [7u8; 12];
    let m = Message::new(Method::ALLOCATE, Class::Request, tid)
        .with(Attribute::RequestedTransport(17))
        .with(Attribute::Username("alice".into()));
    let b = m.encode_with(Some((IntegrityAlgorithm::Sha256, b"key")), true).unwrap();
    assert_eq!(integrity::verify(&b, b"key"), Ok(IntegrityAlgorithm::Sha256));
    assert_eq!(integrity::check_fingerprint(&b), Some(true));
    let mut t = b.clone();
    t[25] ^= 1;
    assert_eq!(integrity::verify(&t, b"key"), Err(IntegrityError::Mismatch));
    assert_eq!(integrity::check_fingerprint(&t), Some(false));
    let plain = m.encode().unwrap();
    assert_eq!(integrity::verify(&plain, b"key"), Err(IntegrityError::Missing));
}

#[test]
fn method_class_bits() {
    for (method, class, t) in [
        (Method::ALLOCATE, Class::Request, 0x0003),
        (Method::ALLOCATE, Class::SuccessResponse, 0x0103),
        (Method::ALLOCATE, Class::ErrorResponse, 0x0113),
        (Method::SEND, Class::Indication, 0x0016),
        (Method::DATA, Class::Indication, 0x0017),
        (Method::CHANNEL_BIND, Class::Request, 0x0009),
        (Method(0xFFF), Class::ErrorResponse, 0x3FFF),
    ] {
        assert_eq!(message::message_type(method, class), t);
        assert_eq!(message::split_type(t), (method, class));
    }
}

#[test]
fn every_attribute_round_trips() {
    let tid = [0xA5u8; 12];
    let attrs = vec![
        Attribute::MappedAddress("10.0.0.1:9".parse().unwrap()),
        Attribute::XorMappedAddress("[::1]:65535".parse().unwrap()),
        Attribute::XorPeerAddress("127.0.0.1:5000".parse().unwrap()),
        Attribute::XorRelayedAddress("[2001:db8::7]:3478".parse().unwrap()),
        Attribute::AlternateServer("192.0.2.1:3478".parse().unwrap()),
        Attribute::Username("a".into()),
        Attribute::Realm("wasmrtc".into()),
        Attribute::Nonce("abcdef".into()),
        Attribute::Software("wasmrtc".into()),
        Attribute::AlternateDomain("example.org".into()),
        Attribute::ErrorCode(ErrorCode::new(438)),
        Attribute::UnknownAttributes(vec![0x0030, 0x0031, 0x0032]),
        Attribute::Lifetime(600),
        Attribute::RequestedTransport(17),
        Attribute::DontFragment,
        Attribute::ChannelNumber(0x4001),
        Attribute::Data(vec![1, 2, 3, 4, 5]),
        Attribute::Data(vec![]),
        Attribute::EvenPort(true),
        Attribute::ReservationToken([1, 2, 3, 4, 5, 6, 7, 8]),
        Attribute::RequestedAddressFamily(1),
        Attribute::AdditionalAddressFamily(2),
        Attribute::UserHash([9; 32]),
        Attribute::Unknown { typ: 0x7777, value: vec![1, 2, 3] },
        Attribute::Unknown { typ: 0xC001, value: vec![] },
    ];
    let m = Message { method: Method::ALLOCATE, class: Class::SuccessResponse, transaction_id: tid, attributes: attrs };
    let b = m.encode().unwrap();
    assert_eq!(Message::decode(&b).unwrap(), m);
    assert_eq!(framing::next_message_len(&b), Ok(Some(b.len())));
    assert!(is_stun(&b) && !is_channel_data(&b));
}

#[test]
fn attributes_after_integrity_are_ignored_and_after_fingerprint_rejected() {
    let tid = [1u8; 12];
    let mut b = Message::new(Method::REFRESH, Class::Request, tid)
        .with(Attribute::Lifetime(0))
        .encode_with(Some((IntegrityAlgorithm::Sha1, b"k")), false)
        .unwrap();
    b.extend_from_slice(&[0x00, 0x13, 0x00, 0x04, 1, 2, 3, 4]);
    message::set_length(&mut b).unwrap();
    let m = Message::decode(&b).unwrap();
    assert_eq!(m.data(), None);
    assert_eq!(integrity::verify(&b, b"k"), Ok(IntegrityAlgorithm::Sha1));

    let mut b = Message::new(Method::BINDING, Class::Request, tid).encode_with(None, true).unwrap();
    b.extend_from_slice(&[0x00, 0x13, 0x00, 0x00]);
    message::set_length(&mut b).unwrap();
    assert!(Message::decode(&b).is_err());
}

#[test]
fn malformed_messages_are_errors() {
    let good = Message::new(Method::BINDING, Class::Request, [3; 12])
        .with(Attribute::Software("abc".into()))
        .encode()
        .unwrap();
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        good[..19].to_vec(),
        good[..good.len() - 1].to_vec(),
        { let mut b = good.clone(); b[0] |= 0x80; b },
        { let mut b = good.clone(); b[4] ^= 1; b },
        { let mut b = good.clone(); b[3] += 2; b },
        { let mut b = good.clone(); b[3] = 4; b },
        { let mut b = good.clone(); b[23] = 9; b },
        { let mut b = good.clone(); b.extend_from_slice(b"junk"); b },
    ];
    for c in cases {
        assert!(Message::decode(&c).is_err(), "{c:02x?}");
    }
    // Bad attribute values.
    for (typ, v) in [
        (types::XOR_PEER_ADDRESS, vec![0, 1, 0]),
        (types::XOR_PEER_ADDRESS, vec![0, 3, 0, 0, 1, 2, 3, 4]),
        (types::XOR_PEER_ADDRESS, vec![0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
        (types::LIFETIME, vec![0, 0]),
        (types::ERROR_CODE, vec![0, 0, 2, 0]),
        (types::ERROR_CODE, vec![0, 0, 4, 100]),
        (types::USERNAME, vec![0xff, 0xfe]),
        (types::MESSAGE_INTEGRITY, vec![0; 19]),
        (types::MESSAGE_INTEGRITY_SHA256, vec![0; 12]),
        (types::UNKNOWN_ATTRIBUTES, vec![0; 3]),
        (types::DONT_FRAGMENT, vec![0; 4]),
    ] {
        assert!(Attribute::decode(typ, &v, &[0; 12]).is_err(), "{typ:04x} {v:?}");
    }
}

#[test]
fn channel_data() {
    let cd = ChannelData { channel: 0x4001, data: b"hello" };
    let b = cd.encode(false).unwrap();
    assert_eq!(b.len(), 9);
    assert_eq!(ChannelData::decode(&b), Ok(cd));
    let p = cd.encode(true).unwrap();
    assert_eq!(p.len(), 12);
    assert_eq!(ChannelData::decode(&p), Ok(cd));
    assert_eq!(framing::next_message_len(&p), Ok(Some(12)));
    assert_eq!(framing::next_message_len(&p[..11]), Ok(None));
    assert!(is_channel_data(&p) && !is_stun(&p));
    assert!(ChannelData::decode(&b[..8]).is_err());
    assert!(ChannelData::decode(&[0x50, 0, 0, 0]).is_ok()); // RFC 5766 range
    assert!(ChannelData::decode(&[0x80, 0, 0, 0]).is_err());
    assert!(ChannelData::decode(&[0x3f, 0xff, 0, 0]).is_err());
    let mut long = p.clone();
    long.extend_from_slice(&[0; 4]);
    assert!(ChannelData::decode(&long).is_err());
    assert!(ChannelData { channel: 0x4000, data: &vec![0; 70000] }.encode(false).is_err());
    assert!(framing::next_message_len(&[0x80, 0, 0, 0]).is_err());
    assert!(framing::next_message_len(&[0, 1, 0, 2, 0x21, 0x12, 0xa4, 0x42]).is_err());
    assert!(framing::next_message_len(&[0, 1, 0, 0, 1, 2, 3, 4]).is_err());
    assert_eq!(framing::next_message_len(&[0x7f, 0, 0, 0]), Ok(Some(4)));
    assert!(framing::next_message_len(&[0xC0, 0, 0, 0]).is_err());
}

#[test]
fn too_long_is_an_error_not_a_panic() {
    let m = Message::new(Method::DATA, Class::Indication, [0; 12]).with(Attribute::Data(vec![0; 65535]));
    assert_eq!(m.encode(), Err(StunError::TooLong));
    let m = Message::new(Method::DATA, Class::Indication, [0; 12]).with(Attribute::Data(vec![0; 65528]));
    assert_eq!(m.encode_with(None, true), Err(StunError::TooLong));
}

fn probe(b: &[u8]) {
    if let Ok(m) = Message::decode(b) {
        // Whatever decodes re-encodes without panicking.
        let _ = m.encode();
        let _ = m.encode_with(Some((IntegrityAlgorithm::Sha256, b"k")), true);
    }
    let _ = integrity::verify(b, b"k");
    let _ = integrity::check_fingerprint(b);
    let _ = ChannelData::decode(b);
    let _ = framing::next_message_len(b);
    for t in [0x0001, 0x0009, 0x000A, 0x000C, 0x0012, 0x0019, 0x001C, 0x0020, 0x8028] {
        let _ = Attribute::decode(t, b, &[0; 12]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        probe(&b);
    }

    #[test]
    fn random_attribute_soup_never_panics(body in proptest::collection::vec(any::<u8>(), 0..50)) {
        // A valid header, then random 4-byte-aligned attribute bytes.
        let body: Vec<u8> = body.iter().flat_map(|x| [*x, 0, 0, *x & 7]).collect();
        let mut b = vec![0, 1, (body.len() >> 8) as u8, body.len() as u8, 0x21, 0x12, 0xa4, 0x42];
        b.extend_from_slice(&[9; 12]);
        b.extend_from_slice(&body);
        probe(&b);
    }

    #[test]
    fn mutated_vectors_never_panic(
        which in 0usize..4,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let mut b = [sample_request, sample_ipv4_response, sample_ipv6_response, sample_long_term][which]();
        for (i, x) in flips {
            let n = b.len();
            b[i % n] ^= x;
        }
        let n = b.len();
        b.truncate(cut % (n + 1));
        probe(&b);
    }
}
