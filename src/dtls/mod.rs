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

/// Whether a datagram whose first byte is `first_byte` is DTLS, by the
/// demultiplexing ranges of RFC 7983 §7 (20..=63; STUN is 0..=3, RTP/RTCP
/// 128..=191, TURN ChannelData 64..=79).
pub fn is_dtls(first_byte: u8) -> bool {
    (20..=63).contains(&first_byte)
}

#[cfg(test)]
mod tests {
    #[test]
    fn demultiplexing() {
        assert!(super::is_dtls(20));
        assert!(super::is_dtls(22));
        assert!(super::is_dtls(63));
        assert!(!super::is_dtls(0));
        assert!(!super::is_dtls(19));
        assert!(!super::is_dtls(64));
        assert!(!super::is_dtls(128));
    }
}
