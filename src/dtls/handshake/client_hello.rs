//! ClientHello (RFC 5246 §7.4.1.2) with DTLS's cookie (RFC 6347 §4.2.1).

use crate::dtls::codec::{put_u16, put_vec16, put_vec8, u16_list_bytes, Reader};
use crate::dtls::extension::{self, Extension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cookie: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    pub fn parse(body: &[u8]) -> Option<ClientHello> {
        let mut r = Reader::new(body);
        let version = r.u16()?;
        let random = r.array()?;
        let session_id = r.vec8()?.to_vec();
        let cookie = r.vec8()?.to_vec();
        let cipher_suites = Reader::u16_list(r.vec16()?)?;
        let compression_methods = r.vec8()?.to_vec();
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            extension::parse(r.vec16()?)?
        };
        // RFC 6347 §4.2.1: cookies are at most 255 bytes; session ids 32.
        if !r.is_empty() || session_id.len() > 32 {
            return None;
        }
        Some(ClientHello {
            version,
            random,
            session_id,
            cookie,
            cipher_suites,
            compression_methods,
            extensions,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u16(&mut out, self.version);
        out.extend_from_slice(&self.random);
        put_vec8(&mut out, &self.session_id);
        put_vec8(&mut out, &self.cookie);
        put_vec16(&mut out, &u16_list_bytes(&self.cipher_suites));
        put_vec8(&mut out, &self.compression_methods);
        extension::write(&mut out, &self.extensions);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let hello = ClientHello {
            version: 0xfefd,
            random: [7; 32],
            session_id: vec![],
            cookie: vec![1, 2, 3],
            cipher_suites: vec![0xcca9, 0xc02b],
            compression_methods: vec![0],
            extensions: vec![extension::extended_master_secret()],
        };
        let bytes = hello.encode();
        assert_eq!(ClientHello::parse(&bytes), Some(hello));
        assert_eq!(ClientHello::parse(&bytes[..bytes.len() - 1]), None);
    }
}
