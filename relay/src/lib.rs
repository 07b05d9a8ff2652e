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
//!
//! Only the sans-IO modules build for wasm32 (for the virtual-time tests).

pub mod auth;
#[cfg(not(target_arch = "wasm32"))]
pub mod config;
pub mod filter;
#[cfg(not(target_arch = "wasm32"))]
pub mod http;
#[cfg(not(target_arch = "wasm32"))]
pub mod net;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;
pub mod turn;
