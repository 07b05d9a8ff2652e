//! What the agent is built with: the relays from iceServers (webrtc-pc
//! §4.2.1 RTCIceServer), each reached through a tunnel the host names, and
//! the initial role and local credentials (RFC 8445 §5.3, §6.1.1).

/// Which tunnel (relay connection) a message travels on, as the host names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TunnelId(pub u32);

/// One relay from iceServers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    pub tunnel: TunnelId,
    /// The iceServers URL, reported with candidates and candidate errors.
    pub url: String,
    pub username: String,
    pub credential: String,
    /// Whether the tunnel is reliable (a WebSocket is): TURN requests are
    /// then not retransmitted.
    pub reliable: bool,
}

/// What the agent is built with. The transport policy is not here: every
/// local candidate is a relay candidate, so `relay` and `all` gather the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceConfig {
    pub relays: Vec<RelayConfig>,
    /// The initial role (RFC 8445 §6.1.1: the offerer controls); a role
    /// conflict may change it.
    pub controlling: bool,
    pub ufrag: String,
    pub pwd: String,
}
