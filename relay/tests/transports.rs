//! The relay end to end on 127.0.0.1, in-process: every transport (UDP, TCP,
//! WebSocket /turn) allocates, permits, binds a channel and round-trips data
//! with a UDP echo peer by Send indication and by ChannelData; the negative
//! cases each get the answer the RFC gives; garbage never stops the server.

mod common;

use common::*;
use wasmrtc::stun::{Attribute, Method};

async fn round_trip(mut c: Client) {
    let peer = echo_peer().await;
    let relay = c.allocate().await.expect("allocate");
    assert_eq!(relay.ip().to_string(), "127.0.0.1");
    c.permit(peer).await.expect("permission");
    c.send_indication(peer, b"by send indication").await;
    let (from, data) = c.data().await.expect("data indication");
    assert_eq!((from, data.as_slice()), (Some(peer), &b"by send indication"[..]));
    c.bind(0x4001, peer).await.expect("channel bind");
    for size in [0usize, 1, 5, 1000, 1200] {
        let payload: Vec<u8> = (0..size).map(|i| i as u8).collect();
        c.channel_data(0x4001, &payload).await;
        let (from, data) = c.data().await.expect("channel data back");
        assert_eq!(from, None);
        assert_eq!(data, payload);
    }
}

#[tokio::test]
async fn udp_round_trip() {
    let r = relay(&[]).await;
    round_trip(Client::new(Conn::udp(r.udp.unwrap()).await, "alice", "secret")).await;
    r.shutdown().await;
}

#[tokio::test]
async fn tcp_round_trip() {
    let r = relay(&[]).await;
    round_trip(Client::new(Conn::tcp(r.tcp.unwrap()).await, "alice", "secret")).await;
    r.shutdown().await;
}

#[tokio::test]
async fn websocket_round_trip() {
    let r = relay(&[]).await;
    round_trip(Client::new(Conn::ws(r.http).await, "alice", "secret")).await;
    r.shutdown().await;
}

#[tokio::test]
async fn rest_api_credentials_over_every_transport() {
    let r = relay(&["--use-auth-secret", "--static-auth-secret", "northsecret"]).await;
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let user = format!("{}:carol", now + 3600);
    let pw = wasmrtc_relay::auth::rest_password("northsecret", &user);
    for conn in [Conn::udp(r.udp.unwrap()).await, Conn::tcp(r.tcp.unwrap()).await, Conn::ws(r.http).await] {
        round_trip(Client::new(conn, &user, &pw)).await;
    }
    let old = format!("{}:carol", now - 10);
    let pw = wasmrtc_relay::auth::rest_password("northsecret", &old);
    assert_eq!(Client::new(Conn::udp(r.udp.unwrap()).await, &old, &pw).allocate().await, Err(401));
    r.shutdown().await;
}

async fn conns(r: &wasmrtc_relay::server::Relay) -> Vec<Conn> {
    vec![Conn::udp(r.udp.unwrap()).await, Conn::tcp(r.tcp.unwrap()).await, Conn::ws(r.http).await]
}

#[tokio::test]
async fn negative_answers_on_every_transport() {
    let r = relay(&["--user", "bob:pw", "--user-quota", "1", "--denied-peer-ip", "127.0.0.99", "--stale-nonce", "1"]).await;
    for conn in conns(&r).await {
        // No credentials: 401 with REALM and NONCE.
        let mut c = Client::new(conn, "alice", "wrong");
        let m = c.request(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
        let a = c.raw(&m).await.unwrap();
        assert_eq!(a.error_code().unwrap().code, 401);
        assert!(a.realm().is_some() && a.nonce().is_some());
        // Wrong password: 401.
        assert_eq!(c.allocate().await, Err(401));
        // Stale (forged) nonce: 438 — the client helper retries on 438, so
        // check the raw answer.
        c.key = wasmrtc::stun::long_term_key("alice", "wasmrtc", "secret").to_vec();
        c.nonce = "AAAAAAAAAAAAAAAA".into();
        let m = c.request(Method::ALLOCATE, vec![Attribute::RequestedTransport(17)]);
        let mut s = m.clone();
        s.attributes.extend([Attribute::Username("alice".into()), Attribute::Realm("wasmrtc".into()), Attribute::Nonce(c.nonce.clone())]);
        let b = s.encode_with(Some((wasmrtc::stun::IntegrityAlgorithm::Sha1, &c.key)), false).unwrap();
        c.conn.send(&b).await;
        assert_eq!(c.reply().await.unwrap().error_code().unwrap().code, 438);
        // A nonce that expired (--stale-nonce 1): 438 too.
        let r1 = c.raw(&m).await.unwrap();
        c.nonce = r1.nonce().unwrap().to_string();
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        let mut s = m.clone();
        s.attributes.extend([Attribute::Username("alice".into()), Attribute::Realm("wasmrtc".into()), Attribute::Nonce(c.nonce.clone())]);
        let b = s.encode_with(Some((wasmrtc::stun::IntegrityAlgorithm::Sha1, &c.key)), false).unwrap();
        c.conn.send(&b).await;
        assert_eq!(c.reply().await.unwrap().error_code().unwrap().code, 438);
        c.nonce.clear();
        // Denied peer: 403 (and loopback ones allowed by the flag are fine).
        let mut b2 = Client::new(match &c.conn {
            Conn::Udp(_, s) => Conn::udp(*s).await,
            Conn::Tcp(..) => Conn::tcp(r.tcp.unwrap()).await,
            Conn::Ws(_) => Conn::ws(r.http).await,
        }, "bob", "pw");
        b2.allocate().await.expect("bob allocates");
        assert_eq!(b2.permit("127.0.0.99:9".parse().unwrap()).await, Err(403));
        assert_eq!(b2.permit("10.1.2.3:9".parse().unwrap()).await, Err(403));
        assert_eq!(b2.permit("127.0.0.1:9".parse().unwrap()).await, Ok(()));
        // Quota: bob's second allocation (another flow) is 486.
        let mut b3 = Client::new(match &c.conn {
            Conn::Udp(_, s) => Conn::udp(*s).await,
            Conn::Tcp(..) => Conn::tcp(r.tcp.unwrap()).await,
            Conn::Ws(_) => Conn::ws(r.http).await,
        }, "bob", "pw");
        assert_eq!(b3.allocate().await, Err(486));
        // Release bob's allocation for the next transport.
        let m = b2.request(Method::REFRESH, vec![Attribute::Lifetime(0)]);
        assert!(b2.signed(m).await.unwrap().error_code().is_none());
    }
    r.shutdown().await;
}

#[tokio::test]
async fn malformed_input_is_dropped_or_closes_and_the_server_keeps_serving() {
    let r = relay(&[]).await;
    let garbage: Vec<Vec<u8>> = vec![
        vec![0xff; 40],                                     // neither STUN nor ChannelData
        vec![0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42],           // truncated STUN header
        { let mut b = vec![0, 3, 0, 8, 0x21, 0x12, 0xa4, 0x42]; b.extend([7; 12]); b.extend([0, 0x19, 0, 9, 17, 0, 0, 0]); b } , // attribute overruns
        vec![0x40, 0x00, 0xff, 0xff, 1, 2, 3],              // ChannelData longer than sent
        vec![0x40, 0x00, 0x00, 0x02, 1, 2],                 // ChannelData without allocation
    ];
    // UDP: each is dropped, the same socket then allocates fine.
    let mut u = Conn::udp(r.udp.unwrap()).await;
    for g in &garbage {
        u.send(g).await;
    }
    // Oversized: a 64 KiB datagram (the largest UDP payload loopback takes).
    u.send(&vec![0u8; 65000]).await;
    round_trip(Client::new(u, "alice", "secret")).await;
    // TCP: garbage closes the connection with a log line; others still work.
    for g in &garbage[..1] {
        let mut t = Conn::tcp(r.tcp.unwrap()).await;
        t.send(g).await;
        assert!(t.closed().await, "TCP connection should close on {g:02x?}");
    }
    // WebSocket: a message that is not exactly one STUN/ChannelData message
    // closes the socket; so does an oversized one.
    for g in [&garbage[0], &garbage[1], &garbage[3]] {
        let mut w = Conn::ws(r.http).await;
        w.send(g).await;
        assert!(w.closed().await, "WebSocket should close on {g:02x?}");
    }
    let mut w = Conn::ws(r.http).await;
    w.send(&vec![0u8; 70000]).await;
    assert!(w.closed().await, "oversized WebSocket message should close");
    round_trip(Client::new(Conn::tcp(r.tcp.unwrap()).await, "alice", "secret")).await;
    round_trip(Client::new(Conn::ws(r.http).await, "alice", "secret")).await;
    let malformed = r.shared.core.lock().unwrap().stats.malformed;
    assert!(malformed >= 4, "malformed counter {malformed}");
    r.shutdown().await;
}
