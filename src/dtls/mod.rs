//! DTLS 1.2 (RFC 6347) and what surrounds it: the local certificate and its
//! fingerprint (RFC 8122), the sans-IO handshake and record engine
//! ([`Dtls`], client and server), and DTLS-SRTP keying (RFC 5764).
//!
//! The engine has the same verbs as every layer of the core: feed it
//! datagrams (`handle_datagram`) and time (`handle_timeout`), then drain
//! `poll_transmit`, `poll_event` and `poll_timeout` after every call.
//!
//! Modules, one job each:
//! - [`endpoint`]: the state machine (flights, epochs, alerts, §4.2.4 timers).
//! - `record`, `replay`: record framing (§4.1) and the anti-replay window (§4.1.2.6).
//! - `handshake`, `fragment`, `flight`: messages (§4.2.2), reassembly (§4.2.3),
//!   retransmission (§4.2.4).
//! - `cipher_suite`, `prf`, `key_exchange`, `signature`, `extension`: the
//!   cryptography and negotiation of RFC 5246, 5288, 7905, 8422, 7627, 5705,
//!   5746 and 5764.

pub mod certificate;
mod cipher_suite;
mod codec;
pub mod endpoint;
mod extension;
mod flight;
mod fragment;
mod handshake;
mod key_exchange;
mod prf;
mod record;
mod replay;
mod signature;

pub use cipher_suite::CipherSuite;
pub use endpoint::{Dtls, DtlsConfig, DtlsEvent, DtlsRole, DtlsState, NamedGroup, SrtpProfile};
