//! ClientKeyExchange for ECDHE (RFC 8422 §5.7): the client's ephemeral public
//! value.

use crate::dtls::codec::{put_vec8, Reader};

pub fn parse(body: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader::new(body);
    let public = r.vec8()?.to_vec();
    (r.is_empty() && !public.is_empty()).then_some(public)
}

pub fn encode(public: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_vec8(&mut out, public);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        assert_eq!(super::parse(&super::encode(&[4; 65])), Some(vec![4; 65]));
        assert_eq!(super::parse(&[0]), None);
    }
}
