//! DTLS 1.2 (RFC 6347) and what surrounds it: the local certificate and its
//! fingerprint (RFC 8122), later the handshake and DTLS-SRTP keying (RFC 5764).

pub mod certificate;
