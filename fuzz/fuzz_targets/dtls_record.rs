//! The DTLS engine on arbitrary datagrams, at each stage of a real handshake:
//! a fresh server, a client waiting for HelloVerifyRequest/ServerHello, a
//! server waiting for the client's last flight, a client waiting for the
//! server's Finished, and a connected pair. The first input byte picks the
//! stage and whether the input is raw datagrams or patches applied to the
//! genuine flight the victim is about to receive (so the fuzzer reaches the
//! record, reassembly and message parsers past the first check). Nothing
//! may panic, and a connected endpoint must stay connected or close/fail
//! cleanly.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wasmrtc::dtls::certificate::Certificate;
use wasmrtc::dtls::{Dtls, DtlsConfig, DtlsRole};
use wasmrtc::random::Random;
use wasmrtc::time::Instant;

fn certificates() -> &'static (Certificate, Certificate) {
    static CERTS: OnceLock<(Certificate, Certificate)> = OnceLock::new();
    CERTS.get_or_init(|| {
        let now = 1_735_689_600_000;
        let a = Certificate::generate_ecdsa_p256(&mut Random::from_seed([1; 32]), now, now + 86_400_000).unwrap();
        let b = Certificate::generate_ecdsa_p256(&mut Random::from_seed([2; 32]), now, now + 86_400_000).unwrap();
        (a, b)
    })
}

fn pair() -> (Dtls, Dtls) {
    let (a, b) = certificates();
    let fa = vec![("sha-256".to_string(), a.fingerprint_sha256())];
    let fb = vec![("sha-256".to_string(), b.fingerprint_sha256())];
    let client = Dtls::new(DtlsConfig::new(DtlsRole::Client, a.clone(), fb), Random::from_seed([3; 32]), Instant::ZERO);
    let server = Dtls::new(DtlsConfig::new(DtlsRole::Server, b.clone(), fa), Random::from_seed([4; 32]), Instant::ZERO);
    (client, server)
}

fn drain(d: &mut Dtls) -> Vec<Vec<u8>> {
    while d.poll_event().is_some() {}
    std::iter::from_fn(|| d.poll_transmit()).collect()
}

/// Moves `from`'s pending datagrams into `to`.
fn deliver(from: &mut Dtls, to: &mut Dtls) {
    for d in drain(from) {
        to.handle_datagram(Instant::ZERO, &d);
    }
}

/// Splits input into datagrams at 2-byte big-endian length prefixes.
fn datagrams(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 {
        let n = usize::from(u16::from_be_bytes([data[0], data[1]])).min(data.len() - 2);
        out.push(&data[2..2 + n]);
        data = &data[2 + n..];
    }
    out
}

/// Applies (offset, xor) byte pairs from `patch` to a genuine flight.
fn patched(mut flight: Vec<Vec<u8>>, patch: &[u8]) -> Vec<Vec<u8>> {
    let total: usize = flight.iter().map(Vec::len).sum();
    if total == 0 {
        return flight;
    }
    for p in patch.chunks_exact(3) {
        let mut at = usize::from(u16::from_be_bytes([p[0], p[1]])) % total;
        for d in flight.iter_mut() {
            if at < d.len() {
                d[at] ^= p[2];
                break;
            }
            at -= d.len();
        }
    }
    flight
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (mut client, mut server) = pair();
    // Walk the handshake to the chosen stage; `victim_is_server` says who
    // gets the input, `flight` what it would have received next.
    let stage = selector % 5;
    let victim_is_server;
    let flight: Vec<Vec<u8>>;
    match stage {
        0 => {
            victim_is_server = true;
            flight = drain(&mut client);
        }
        1 => {
            victim_is_server = false;
            deliver(&mut client, &mut server);
            flight = drain(&mut server);
        }
        2 => {
            deliver(&mut client, &mut server); // ClientHello → HelloVerifyRequest
            deliver(&mut server, &mut client); // → ClientHello with cookie
            deliver(&mut client, &mut server); // → flight 4
            deliver(&mut server, &mut client); // → flight 5
            victim_is_server = true;
            flight = drain(&mut client);
        }
        3 => {
            deliver(&mut client, &mut server);
            deliver(&mut server, &mut client);
            deliver(&mut client, &mut server);
            deliver(&mut server, &mut client);
            deliver(&mut client, &mut server); // → flight 6
            victim_is_server = false;
            flight = drain(&mut server);
        }
        _ => {
            deliver(&mut client, &mut server);
            deliver(&mut server, &mut client);
            deliver(&mut client, &mut server);
            deliver(&mut server, &mut client);
            deliver(&mut client, &mut server);
            deliver(&mut server, &mut client);
            let _ = client.send_application_data(b"application data");
            victim_is_server = true;
            flight = drain(&mut client);
        }
    }
    let inputs: Vec<Vec<u8>> = if selector & 0x80 != 0 {
        patched(flight, rest)
    } else {
        datagrams(rest).into_iter().map(<[u8]>::to_vec).collect()
    };
    let victim = if victim_is_server { &mut server } else { &mut client };
    let before = victim.state();
    for (i, d) in inputs.iter().enumerate() {
        victim.handle_datagram(Instant::from_micros(i as u64 * 1000), d);
        victim.handle_timeout(Instant::from_micros(i as u64 * 1000 + 500));
        drain(victim);
    }
    if before == wasmrtc::dtls::DtlsState::Connected {
        // Authentication failures never fail a connected endpoint; only a
        // genuine alert could, and the fuzzer cannot forge one.
        assert_ne!(victim.state(), wasmrtc::dtls::DtlsState::Failed);
    }
    let _ = victim.send_application_data(b"after");
    let _ = victim.poll_timeout();
});
