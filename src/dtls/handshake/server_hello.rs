//! ServerHello (RFC 5246 §7.4.1.3).

use crate::dtls::codec::{put_u16, put_vec8, Reader};
use crate::dtls::extension::{self, Extension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    pub version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression_method: u8,
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    pub fn parse(body: &[u8]) -> Option<ServerHello> {
        let mut r = Reader::new(body);
        let version = r.u16()?;
        let random = r.array()?;
        let session_id = r.vec8()?.to_vec();
        let cipher_suite = r.u16()?;
        let compression_method = r.u8()?;
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            extension::parse(r.vec16()?)?
        };
        if !r.is_empty() || session_id.len() > 32 {
            return None;
        }
        Some(ServerHello {
            version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u16(&mut out, self.version);
        out.extend_from_slice(&self.random);
        put_vec8(&mut out, &self.session_id);
        put_u16(&mut out, self.cipher_suite);
        out.push(self.compression_method);
        extension::write(&mut out, &self.extensions);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let hello = ServerHello {
            version: 0xfefd,
            random: [1; 32],
            session_id: vec![5; 32],
            cipher_suite: 0xc02b,
            compression_method: 0,
            extensions: vec![extension::renegotiation_info()],
        };
        assert_eq!(ServerHello::parse(&hello.encode()), Some(hello));
        assert_eq!(ServerHello::parse(&[0xfe]), None);
    }
}
