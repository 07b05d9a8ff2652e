//! The relay's sans-IO TURN server fed arbitrary client and peer bytes on
//! every transport: it must never panic. The input is split into messages
//! at 0xFF 0xFE markers; each message's first byte picks the transport or a
//! peer datagram, and time moves forward by the second byte (seconds).
//! Client messages with bit 0x20 of the selector that decode as STUN are
//! signed as alice with a valid nonce first, so the fuzzer gets past
//! authentication into allocations, permissions and channels.
#![no_main]

use std::collections::HashMap;
use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use wasmrtc_relay::auth::{Credentials, Nonces};
use wasmrtc_relay::filter::PeerFilter;
use wasmrtc::stun::{long_term_key, Attribute, IntegrityAlgorithm, Message};
use wasmrtc_relay::turn::{ClientKey, Config, PortRequest, RelayPorts, Transport, TurnServer};

struct Ports(u16);
impl RelayPorts for Ports {
    fn bind(&mut self, want: PortRequest) -> Option<SocketAddr> {
        self.0 = self.0.wrapping_add(2);
        let p = match want {
            PortRequest::Exact(p) => p,
            _ => 40000 + self.0 % 1000,
        };
        Some(SocketAddr::from(([127, 0, 0, 1], p)))
    }
}

fuzz_target!(|data: &[u8]| {
    let mut users = HashMap::new();
    users.insert("alice".to_string(), "secret".to_string());
    let mut s = TurnServer::new(Config {
        realm: "wasmrtc".into(),
        credentials: Credentials { users, auth_secrets: vec!["s".into()] },
        nonces: Nonces::new([0; 32], 600),
        peers: PeerFilter { allow_loopback: true, ..Default::default() },
        user_quota: 2,
        total_quota: 4,
        max_bps: 10_000,
        max_lifetime_s: 3600,
        software: None,
        amplification_guard: true,
    });
    let nonces = Nonces::new([0; 32], 600);
    let key = long_term_key("alice", "wasmrtc", "secret");
    let mut ports = Ports(0);
    let mut now = 1_800_000_000_000u64;
    let mut out = Vec::new();
    for chunk in data.split(|b| *b == 0xFF) {
        let [sel, dt, rest @ ..] = chunk else { continue };
        now += u64::from(*dt) * 1000;
        let transport = [Transport::Udp, Transport::Tcp, Transport::WebSocket][usize::from(sel % 3)];
        let addr = SocketAddr::from(([127, 0, 0, 1], 1000 + u16::from(sel % 4)));
        if sel & 0x80 != 0 {
            s.handle_peer(SocketAddr::from(([127, 0, 0, 1], 40000 + u16::from(*dt))), addr, rest, now, &mut out);
        } else if sel & 0x40 != 0 {
            s.handle_disconnect(transport, u64::from(sel % 4), &mut out);
        } else {
            let signed = if sel & 0x20 != 0 {
                Message::decode(rest).ok().and_then(|mut m| {
                    m.attributes.push(Attribute::Username("alice".into()));
                    m.attributes.push(Attribute::Realm("wasmrtc".into()));
                    m.attributes.push(Attribute::Nonce(nonces.issue(addr.ip(), now / 1000)));
                    m.encode_with(Some((IntegrityAlgorithm::Sha1, &key)), sel & 0x10 != 0).ok()
                })
            } else {
                None
            };
            let bytes = signed.as_deref().unwrap_or(rest);
            s.handle_client(ClientKey { transport, conn: u64::from(sel % 4), addr }, bytes, now, &mut ports, &mut out);
        }
        s.handle_timeout(now, &mut out);
        out.clear();
    }
});
