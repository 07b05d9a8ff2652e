//! ServerKeyExchange for ECDHE (RFC 8422 §5.4): a named curve, the server's
//! ephemeral public value, and its signature over
//! client_random + server_random + those parameters.

use crate::dtls::codec::{put_u16, put_vec16, put_vec8, Reader};

/// ECCurveType named_curve (RFC 8422 §5.4).
const NAMED_CURVE: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerKeyExchange {
    pub group: u16,
    pub public: Vec<u8>,
    pub signature_scheme: u16,
    pub signature: Vec<u8>,
}

impl ServerKeyExchange {
    pub fn parse(body: &[u8]) -> Option<ServerKeyExchange> {
        let mut r = Reader::new(body);
        if r.u8()? != NAMED_CURVE {
            return None;
        }
        let group = r.u16()?;
        let public = r.vec8()?.to_vec();
        let signature_scheme = r.u16()?;
        let signature = r.vec16()?.to_vec();
        r.is_empty().then_some(ServerKeyExchange {
            group,
            public,
            signature_scheme,
            signature,
        })
    }

    /// The ServerECDHParams bytes.
    pub fn params(group: u16, public: &[u8]) -> Vec<u8> {
        let mut out = vec![NAMED_CURVE];
        put_u16(&mut out, group);
        put_vec8(&mut out, public);
        out
    }

    /// What the signature covers.
    pub fn signed_data(client_random: &[u8; 32], server_random: &[u8; 32], group: u16, public: &[u8]) -> Vec<u8> {
        [&client_random[..], &server_random[..], &Self::params(group, public)].concat()
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Self::params(self.group, &self.public);
        put_u16(&mut out, self.signature_scheme);
        put_vec16(&mut out, &self.signature);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ske = ServerKeyExchange { group: 29, public: vec![1; 32], signature_scheme: 0x0403, signature: vec![2; 70] };
        assert_eq!(ServerKeyExchange::parse(&ske.encode()), Some(ske));
        assert_eq!(ServerKeyExchange::parse(&[1, 0, 29]), None);
    }
}
