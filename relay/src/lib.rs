//! wasmrtc-relay: a TURN server (RFC 8656) reachable over UDP, TCP and a
//! WebSocket tunnel (DESIGN.md "Relay protocol"), built on the core crate's
//! STUN codec.
//!
//! - [`turn`]: the sans-IO server (allocations, permissions, channels, auth,
//!   quotas, rate limits), driven with time passed in.
//! - [`auth`], [`filter`]: credentials and nonces; the peer address policy.
//! - [`net`], [`http`]: the tokio shell — UDP, TCP, relayed sockets;
//!   WebSocket /turn, /signal/<room>, /metrics, /healthz, static files.
//! - [`config`], [`server`]: flags and TOML; starting and stopping a relay.

pub mod auth;
pub mod config;
pub mod filter;
pub mod http;
pub mod net;
pub mod server;
pub mod turn;
