//! HelloVerifyRequest (RFC 6347 §4.2.1): the server's stateless cookie.

use crate::dtls::codec::{put_u16, put_vec8, Reader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloVerifyRequest {
    pub version: u16,
    pub cookie: Vec<u8>,
}

impl HelloVerifyRequest {
    pub fn parse(body: &[u8]) -> Option<HelloVerifyRequest> {
        let mut r = Reader::new(body);
        let version = r.u16()?;
        let cookie = r.vec8()?.to_vec();
        r.is_empty().then_some(HelloVerifyRequest { version, cookie })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // RFC 6347 §4.2.1: servers SHOULD send DTLS 1.0 here whatever they
        // will negotiate, since the version is not settled yet.
        put_u16(&mut out, self.version);
        put_vec8(&mut out, &self.cookie);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let hvr = HelloVerifyRequest { version: 0xfeff, cookie: vec![9; 32] };
        assert_eq!(HelloVerifyRequest::parse(&hvr.encode()), Some(hvr));
        assert_eq!(HelloVerifyRequest::parse(&[0xfe, 0xff, 2, 1]), None);
    }
}
