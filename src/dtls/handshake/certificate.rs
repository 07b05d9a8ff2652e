//! Certificate (RFC 5246 §7.4.2, §7.4.6): a chain of DER certificates, the
//! sender's own first. WebRTC peers send one self-signed certificate.

use crate::dtls::codec::{put_vec24, Reader};

/// Bounds what a hostile chain can make us keep (RFC 5246 allows 2^24).
const MAX_CERTIFICATES: usize = 16;

pub fn parse(body: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut r = Reader::new(body);
    let list = r.vec24()?;
    if !r.is_empty() {
        return None;
    }
    let mut r = Reader::new(list);
    let mut chain = Vec::new();
    while !r.is_empty() {
        let cert = r.vec24()?;
        if cert.is_empty() || chain.len() == MAX_CERTIFICATES {
            return None;
        }
        chain.push(cert.to_vec());
    }
    Some(chain)
}

pub fn encode(chain: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for cert in chain {
        put_vec24(&mut list, cert);
    }
    let mut out = Vec::new();
    put_vec24(&mut out, &list);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let body = encode(&[b"abc", b"de"]);
        assert_eq!(parse(&body), Some(vec![b"abc".to_vec(), b"de".to_vec()]));
        assert_eq!(parse(&encode(&[])), Some(vec![]));
        assert_eq!(parse(&body[..body.len() - 1]), None);
    }
}
