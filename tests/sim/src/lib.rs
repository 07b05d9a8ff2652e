//! wasmrtc's test network, shared by every virtual-time test (native and
//! wasm32):
//!
//! - [`net`]: a seeded simulated network of endpoints and per-direction
//!   links with loss, delay, jitter, reordering, duplication, a bandwidth
//!   cap and partitions.
//! - [`pair`]: two whole `PeerConnection`s and the relay's sans-IO TURN
//!   server over that network, stepped to the earliest deadline.

pub mod net;
pub mod pair;
