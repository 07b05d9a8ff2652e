//! The peer's certificate key and the signatures made with it: ECDSA P-256
//! and RSA (PKCS #1 v1.5 and PSS) in ServerKeyExchange (RFC 8422 §5.4) and
//! CertificateVerify (RFC 5246 §7.4.8), with the TLS 1.2 SignatureAndHashAlgorithm
//! code points (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3 for rsa_pss_rsae_*).
//! Our own signatures are made by [`Certificate::sign`](super::certificate::Certificate::sign).

use p256::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Sha256, Sha384, Sha512};
use x509_cert::der::{Decode, Encode};

pub const ECDSA_SECP256R1_SHA256: u16 = 0x0403;
pub const RSA_PSS_RSAE_SHA256: u16 = 0x0804;
pub const RSA_PSS_RSAE_SHA384: u16 = 0x0805;
pub const RSA_PSS_RSAE_SHA512: u16 = 0x0806;
pub const RSA_PKCS1_SHA256: u16 = 0x0401;
pub const RSA_PKCS1_SHA384: u16 = 0x0501;
pub const RSA_PKCS1_SHA512: u16 = 0x0601;

/// What we accept from peers, in signature_algorithms and CertificateRequest.
pub const ACCEPTED: [u16; 7] = [
    ECDSA_SECP256R1_SHA256,
    RSA_PSS_RSAE_SHA256,
    RSA_PSS_RSAE_SHA384,
    RSA_PSS_RSAE_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512,
];

/// A peer's public key, from its certificate's SubjectPublicKeyInfo.
pub enum PeerKey {
    EcdsaP256(p256::ecdsa::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

impl PeerKey {
    /// The key of a DER certificate, or `None` for a malformed certificate or
    /// a key type we cannot verify with.
    pub fn from_certificate(der: &[u8]) -> Option<PeerKey> {
        let certificate = x509_cert::Certificate::from_der(der).ok()?;
        let spki = certificate.tbs_certificate.subject_public_key_info.to_der().ok()?;
        if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) {
            return Some(PeerKey::EcdsaP256(key));
        }
        super::certificate::rsa_public_key(&spki).map(PeerKey::Rsa)
    }

    /// Whether `signature` over `message` verifies under `scheme`.
    pub fn verify(&self, scheme: u16, message: &[u8], signature: &[u8]) -> bool {
        match (self, scheme) {
            (PeerKey::EcdsaP256(key), ECDSA_SECP256R1_SHA256) => {
                p256::ecdsa::DerSignature::try_from(signature)
                    .is_ok_and(|s| key.verify(message, &s).is_ok())
            }
            (PeerKey::Rsa(key), RSA_PKCS1_SHA256) => pkcs1::<Sha256>(key, message, signature),
            (PeerKey::Rsa(key), RSA_PKCS1_SHA384) => pkcs1::<Sha384>(key, message, signature),
            (PeerKey::Rsa(key), RSA_PKCS1_SHA512) => pkcs1::<Sha512>(key, message, signature),
            (PeerKey::Rsa(key), RSA_PSS_RSAE_SHA256) => pss::<Sha256>(key, message, signature),
            (PeerKey::Rsa(key), RSA_PSS_RSAE_SHA384) => pss::<Sha384>(key, message, signature),
            (PeerKey::Rsa(key), RSA_PSS_RSAE_SHA512) => pss::<Sha512>(key, message, signature),
            _ => false,
        }
    }
}

fn pkcs1<D>(key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    let key = rsa::pkcs1v15::VerifyingKey::<D>::new(key.clone());
    rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
}

fn pss<D>(key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
{
    let key = rsa::pss::VerifyingKey::<D>::new(key.clone());
    rsa::pss::Signature::try_from(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtls::certificate::Certificate;
    use crate::random::Random;

    #[test]
    fn our_signatures_verify_with_our_certificate() {
        let mut random = Random::from_seed([4; 32]);
        let cert = Certificate::generate_ecdsa_p256(&mut random, 1_735_689_600_000, 1_800_000_000_000).unwrap();
        let key = PeerKey::from_certificate(cert.der()).unwrap();
        let sig = cert.sign(ECDSA_SECP256R1_SHA256, b"transcript", &mut random).unwrap();
        assert!(key.verify(ECDSA_SECP256R1_SHA256, b"transcript", &sig));
        assert!(!key.verify(ECDSA_SECP256R1_SHA256, b"transcripT", &sig));
        assert!(!key.verify(RSA_PKCS1_SHA256, b"transcript", &sig));
        assert!(!key.verify(ECDSA_SECP256R1_SHA256, b"transcript", &[0x30, 0]));
        assert!(PeerKey::from_certificate(b"junk").is_none());
    }
}
