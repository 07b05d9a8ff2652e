//! CertificateRequest (RFC 5246 §7.4.4). WebRTC servers always ask: the
//! client's certificate is what its SDP fingerprint authenticates.

use crate::dtls::codec::{put_vec16, put_vec8, u16_list_bytes, Reader};

/// ClientCertificateType values (RFC 5246 §7.4.4, RFC 8422 §5.5).
pub const RSA_SIGN: u8 = 1;
pub const ECDSA_SIGN: u8 = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest {
    pub certificate_types: Vec<u8>,
    pub signature_schemes: Vec<u16>,
}

impl CertificateRequest {
    /// The distinguished names that follow are read and ignored: nobody in
    /// WebRTC names certificate authorities.
    pub fn parse(body: &[u8]) -> Option<CertificateRequest> {
        let mut r = Reader::new(body);
        let certificate_types = r.vec8()?.to_vec();
        let signature_schemes = Reader::u16_list(r.vec16()?)?;
        r.vec16()?;
        r.is_empty().then_some(CertificateRequest {
            certificate_types,
            signature_schemes,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_vec8(&mut out, &self.certificate_types);
        put_vec16(&mut out, &u16_list_bytes(&self.signature_schemes));
        put_vec16(&mut out, &[]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let req = CertificateRequest { certificate_types: vec![ECDSA_SIGN, RSA_SIGN], signature_schemes: vec![0x0403] };
        assert_eq!(CertificateRequest::parse(&req.encode()), Some(req));
        assert_eq!(CertificateRequest::parse(&[1, 64, 0, 1]), None);
    }
}
