//! Candidate arithmetic (RFC 8445 §5.1.2 priorities, §5.1.1.3 foundations,
//! §6.1.2.3 pair priorities) and which signaled candidates the agent can use.

use std::net::{IpAddr, SocketAddr};

use crate::sdp::Candidate;

/// Type preferences (RFC 8445 §5.1.2.2 recommends 126, 110, 100, 0).
pub const TYPE_PREFERENCE_PRFLX: u32 = 110;
pub const TYPE_PREFERENCE_RELAY: u32 = 0;
/// Only component 1 exists: RTP and RTCP share it (rtcp-mux, RFC 8843 bundles
/// everything onto one transport).
pub const COMPONENT: u16 = 1;

/// RFC 8445 §5.1.2.1: (2^24)·type + (2^8)·local + (256 − component).
pub fn priority(type_preference: u32, local_preference: u16, component: u16) -> u32 {
    (type_preference << 24) | (u32::from(local_preference) << 8) | (256 - u32::from(component.clamp(1, 256)))
}

/// The local preference of the relay at `index` in iceServers: earlier
/// relays are preferred, as the application listed them.
pub fn local_preference(index: usize) -> u16 {
    u16::try_from(65535usize.saturating_sub(index)).unwrap_or(0)
}

/// RFC 8445 §6.1.2.3: 2^32·MIN(G,D) + 2·MAX(G,D) + (G>D?1:0), G the
/// controlling agent's candidate priority, D the controlled one's.
pub fn pair_priority(controlling: u32, controlled: u32) -> u64 {
    let (g, d) = (u64::from(controlling), u64::from(controlled));
    // Saturating: priorities are meant to stay below 2^31, but a peer's
    // PRIORITY or candidate may carry any 32-bit value.
    (g.min(d) << 32).saturating_add(2 * g.max(d)).saturating_add(u64::from(g > d))
}

/// A relay candidate's foundation (RFC 8445 §5.1.1.3): the same for the same
/// type, base IP and server, so candidates from one relay share it. Chromium
/// also writes foundations as CRC-32 numbers.
pub fn relay_foundation(url: &str, relayed: IpAddr) -> String {
    let mut h = crc32fast::Hasher::new();
    h.update(b"relay|");
    h.update(url.as_bytes());
    h.update(b"|");
    h.update(relayed.to_string().as_bytes());
    h.finalize().to_string()
}

/// Why a signaled remote candidate is not paired. None of these is an error
/// for addIceCandidate: the candidate is valid, the agent just cannot use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Component 2 (RTCP without rtcp-mux) is never used.
    Component,
    /// TCP candidates (RFC 6544): the relay allocates UDP only.
    Transport,
    /// An mDNS `.local` name (or any hostname): a page cannot resolve it.
    Hostname,
    /// Port 0 or an unspecified/multicast/broadcast address.
    Address,
}

/// The transport address of a remote candidate the agent can pair.
pub fn usable_address(c: &Candidate) -> Result<SocketAddr, Unusable> {
    if c.component != COMPONENT {
        return Err(Unusable::Component);
    }
    if !c.transport.eq_ignore_ascii_case("udp") {
        return Err(Unusable::Transport);
    }
    let ip: IpAddr = c.address.parse().map_err(|_| Unusable::Hostname)?;
    let broadcast = matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
    if c.port == 0 || ip.is_unspecified() || ip.is_multicast() || broadcast {
        return Err(Unusable::Address);
    }
    Ok(SocketAddr::new(ip, c.port))
}

/// The SDP form of a local relay candidate, with Chromium's extensions
/// (`generation`, `ufrag`) so a peer can tell generations apart on restart.
pub fn relay_candidate(
    foundation: &str,
    priority: u32,
    relayed: SocketAddr,
    mapped: Option<SocketAddr>,
    ufrag: &str,
) -> Candidate {
    let related = mapped.unwrap_or_else(|| SocketAddr::new(IpAddr::from([0, 0, 0, 0]), 0));
    Candidate {
        foundation: foundation.to_string(),
        component: COMPONENT,
        transport: "udp".into(),
        priority,
        address: relayed.ip().to_string(),
        port: relayed.port(),
        typ: "relay".into(),
        rel_addr: Some(related.ip().to_string()),
        rel_port: Some(related.port()),
        tcp_type: None,
        extensions: vec![("generation".into(), "0".into()), ("ufrag".into(), ufrag.to_string())],
    }
}

/// The candidate a connectivity check revealed (RFC 8445 §7.3.1.3).
pub fn peer_reflexive(address: SocketAddr, priority: u32, foundation: String) -> Candidate {
    Candidate {
        foundation,
        component: COMPONENT,
        transport: "udp".into(),
        priority,
        address: address.ip().to_string(),
        port: address.port(),
        typ: "prflx".into(),
        rel_addr: None,
        rel_port: None,
        tcp_type: None,
        extensions: Vec::new(),
    }
}
