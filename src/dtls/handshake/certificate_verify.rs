//! CertificateVerify (RFC 5246 §7.4.8): the client's signature over the
//! handshake messages so far, with its SignatureAndHashAlgorithm.

use crate::dtls::codec::{put_u16, put_vec16, Reader};

pub fn parse(body: &[u8]) -> Option<(u16, Vec<u8>)> {
    let mut r = Reader::new(body);
    let scheme = r.u16()?;
    let signature = r.vec16()?.to_vec();
    r.is_empty().then_some((scheme, signature))
}

pub fn encode(scheme: u16, signature: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u16(&mut out, scheme);
    put_vec16(&mut out, signature);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        assert_eq!(super::parse(&super::encode(0x0403, &[1, 2])), Some((0x0403, vec![1, 2])));
        assert_eq!(super::parse(&[4, 3, 0]), None);
    }
}
