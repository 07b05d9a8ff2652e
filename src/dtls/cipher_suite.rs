//! The five cipher suites this DTLS speaks, all ECDHE with an AEAD:
//! TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905),
//! TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 and
//! TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289) for an ECDSA server
//! certificate; TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905) and
//! TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289) for an RSA one (the
//! ECDHE_RSA suites Chromium and Firefox offer). The suite's signature
//! algorithm is the server's certificate key (RFC 8422 §2), so a server
//! only picks suites of its own key type; a client offers them all. Also
//! the record protection each gives (RFC 5246 §6.2.3.3, RFC 5288 §3,
//! RFC 7905 §2; the sequence number is DTLS's epoch + sequence, RFC 6347
//! §4.1.2.1).
//!
//! ChaCha20-Poly1305 comes first in our preference: in wasm it seals about
//! seven times faster than AES-GCM, which has no AES instructions there.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use chacha20poly1305::ChaCha20Poly1305;

use super::codec::put_u16;
use super::prf::PrfHash;
use super::record::DTLS_1_2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CipherSuite {
    EcdheEcdsaWithChacha20Poly1305Sha256,
    EcdheEcdsaWithAes128GcmSha256,
    EcdheEcdsaWithAes256GcmSha384,
    EcdheRsaWithChacha20Poly1305Sha256,
    EcdheRsaWithAes128GcmSha256,
}

/// Our order of preference, offered in this order and chosen in this order
/// (a server skipping the suites its key cannot sign for).
pub const PREFERENCE: [CipherSuite; 5] = [
    CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256,
    CipherSuite::EcdheEcdsaWithAes128GcmSha256,
    CipherSuite::EcdheEcdsaWithAes256GcmSha384,
    CipherSuite::EcdheRsaWithChacha20Poly1305Sha256,
    CipherSuite::EcdheRsaWithAes128GcmSha256,
];

/// Who signs the ServerKeyExchange under a suite: the key type of the
/// server's certificate (RFC 8422 §2.1 ECDHE_ECDSA, §2.2 ECDHE_RSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    Ecdsa,
    Rsa,
}

/// The record protection a suite uses; the RSA and ECDSA variants of a
/// suite protect records identically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AeadKind {
    ChaCha20Poly1305,
    Aes128Gcm,
    Aes256Gcm,
}

/// The AEAD tag every suite here appends.
const TAG_LEN: usize = 16;
/// RFC 5288 §3: AES-GCM records carry the nonce's last 8 bytes explicitly.
const GCM_EXPLICIT_NONCE_LEN: usize = 8;

impl CipherSuite {
    /// The IANA code point.
    pub fn id(self) -> u16 {
        match self {
            CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256 => 0xcca9,
            CipherSuite::EcdheEcdsaWithAes128GcmSha256 => 0xc02b,
            CipherSuite::EcdheEcdsaWithAes256GcmSha384 => 0xc02c,
            CipherSuite::EcdheRsaWithChacha20Poly1305Sha256 => 0xcca8,
            CipherSuite::EcdheRsaWithAes128GcmSha256 => 0xc02f,
        }
    }

    pub fn authentication(self) -> Authentication {
        match self {
            CipherSuite::EcdheRsaWithChacha20Poly1305Sha256 | CipherSuite::EcdheRsaWithAes128GcmSha256 => {
                Authentication::Rsa
            }
            _ => Authentication::Ecdsa,
        }
    }

    fn aead(self) -> AeadKind {
        match self {
            CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256 | CipherSuite::EcdheRsaWithChacha20Poly1305Sha256 => {
                AeadKind::ChaCha20Poly1305
            }
            CipherSuite::EcdheEcdsaWithAes128GcmSha256 | CipherSuite::EcdheRsaWithAes128GcmSha256 => AeadKind::Aes128Gcm,
            CipherSuite::EcdheEcdsaWithAes256GcmSha384 => AeadKind::Aes256Gcm,
        }
    }

    pub fn from_id(id: u16) -> Option<CipherSuite> {
        PREFERENCE.into_iter().find(|s| s.id() == id)
    }

    /// The IANA name, as `RTCDtlsTransport`'s stats report it (`dtlsCipher`).
    pub fn name(self) -> &'static str {
        match self {
            CipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256 => {
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
            }
            CipherSuite::EcdheEcdsaWithAes128GcmSha256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            CipherSuite::EcdheEcdsaWithAes256GcmSha384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            CipherSuite::EcdheRsaWithChacha20Poly1305Sha256 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            CipherSuite::EcdheRsaWithAes128GcmSha256 => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        }
    }

    pub fn prf_hash(self) -> PrfHash {
        match self {
            CipherSuite::EcdheEcdsaWithAes256GcmSha384 => PrfHash::Sha384,
            _ => PrfHash::Sha256,
        }
    }

    fn key_len(self) -> usize {
        match self.aead() {
            AeadKind::Aes128Gcm => 16,
            AeadKind::ChaCha20Poly1305 | AeadKind::Aes256Gcm => 32,
        }
    }

    /// The implicit IV from the key block: GCM's 4-byte salt (RFC 5288 §3),
    /// ChaCha20-Poly1305's 12-byte IV (RFC 7905 §2).
    fn fixed_iv_len(self) -> usize {
        match self.aead() {
            AeadKind::ChaCha20Poly1305 => 12,
            AeadKind::Aes128Gcm | AeadKind::Aes256Gcm => 4,
        }
    }

    fn explicit_nonce_len(self) -> usize {
        match self.aead() {
            AeadKind::ChaCha20Poly1305 => 0,
            AeadKind::Aes128Gcm | AeadKind::Aes256Gcm => GCM_EXPLICIT_NONCE_LEN,
        }
    }

    /// Bytes a protected record adds to its plaintext.
    pub fn overhead(self) -> usize {
        self.explicit_nonce_len() + TAG_LEN
    }

    /// Splits the key block (RFC 5246 §6.3; AEAD suites have no MAC keys)
    /// into the client's and the server's record protection.
    pub fn keys(self, key_block: &[u8]) -> Option<(RecordCipher, RecordCipher)> {
        let (k, iv) = (self.key_len(), self.fixed_iv_len());
        let client_key = key_block.get(..k)?;
        let server_key = key_block.get(k..2 * k)?;
        let client_iv = key_block.get(2 * k..2 * k + iv)?;
        let server_iv = key_block.get(2 * k + iv..2 * k + 2 * iv)?;
        Some((
            RecordCipher::new(self, client_key, client_iv)?,
            RecordCipher::new(self, server_key, server_iv)?,
        ))
    }

    pub fn key_block_len(self) -> usize {
        2 * (self.key_len() + self.fixed_iv_len())
    }
}

enum Algorithm {
    ChaCha20Poly1305(Box<ChaCha20Poly1305>),
    Aes128Gcm(Box<Aes128Gcm>),
    Aes256Gcm(Box<Aes256Gcm>),
}

/// One direction's record protection for one epoch.
pub struct RecordCipher {
    suite: CipherSuite,
    algorithm: Algorithm,
    fixed_iv: Vec<u8>,
}

impl RecordCipher {
    fn new(suite: CipherSuite, key: &[u8], fixed_iv: &[u8]) -> Option<RecordCipher> {
        let algorithm = match suite.aead() {
            AeadKind::ChaCha20Poly1305 => {
                Algorithm::ChaCha20Poly1305(Box::new(ChaCha20Poly1305::new_from_slice(key).ok()?))
            }
            AeadKind::Aes128Gcm => Algorithm::Aes128Gcm(Box::new(Aes128Gcm::new_from_slice(key).ok()?)),
            AeadKind::Aes256Gcm => {
                Algorithm::Aes256Gcm(Box::new(Aes256Gcm::new_from_slice(key).ok()?))
            }
        };
        Some(RecordCipher {
            suite,
            algorithm,
            fixed_iv: fixed_iv.to_vec(),
        })
    }

    /// The 12-byte nonce: GCM's salt + explicit part, or ChaCha20's IV XOR
    /// the padded sequence number.
    fn nonce(&self, explicit: &[u8; 8]) -> [u8; 12] {
        let mut nonce = [0u8; 12];
        match self.suite.aead() {
            AeadKind::ChaCha20Poly1305 => {
                for (i, n) in nonce.iter_mut().enumerate() {
                    let seq = if i >= 4 { explicit[i - 4] } else { 0 };
                    *n = self.fixed_iv.get(i).copied().unwrap_or(0) ^ seq;
                }
            }
            AeadKind::Aes128Gcm | AeadKind::Aes256Gcm => {
                for (n, s) in nonce.iter_mut().zip(&self.fixed_iv) {
                    *n = *s;
                }
                nonce[4..].copy_from_slice(explicit);
            }
        }
        nonce
    }

    fn additional_data(epoch_sequence: u64, content_type: u8, len: usize) -> Vec<u8> {
        let mut aad = epoch_sequence.to_be_bytes().to_vec();
        aad.push(content_type);
        put_u16(&mut aad, DTLS_1_2);
        put_u16(&mut aad, u16::try_from(len).unwrap_or(u16::MAX));
        aad
    }

    fn run(&self, nonce: &[u8; 12], payload: Payload<'_, '_>, seal: bool) -> Option<Vec<u8>> {
        let nonce = &Nonce::from(*nonce);
        match (&self.algorithm, seal) {
            (Algorithm::ChaCha20Poly1305(c), true) => c.encrypt(nonce, payload).ok(),
            (Algorithm::ChaCha20Poly1305(c), false) => c.decrypt(nonce, payload).ok(),
            (Algorithm::Aes128Gcm(c), true) => c.encrypt(nonce, payload).ok(),
            (Algorithm::Aes128Gcm(c), false) => c.decrypt(nonce, payload).ok(),
            (Algorithm::Aes256Gcm(c), true) => c.encrypt(nonce, payload).ok(),
            (Algorithm::Aes256Gcm(c), false) => c.decrypt(nonce, payload).ok(),
        }
    }

    /// The record fragment protecting `plaintext`. The explicit GCM nonce is
    /// the epoch and sequence number, unique per key by construction.
    pub fn seal(&self, epoch_sequence: u64, content_type: u8, plaintext: &[u8]) -> Vec<u8> {
        let explicit = epoch_sequence.to_be_bytes();
        let aad = Self::additional_data(epoch_sequence, content_type, plaintext.len());
        let sealed = self
            .run(
                &self.nonce(&explicit),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
                true,
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(self.suite.overhead() + plaintext.len());
        if self.suite.explicit_nonce_len() > 0 {
            out.extend_from_slice(&explicit);
        }
        out.extend_from_slice(&sealed);
        out
    }

    /// The plaintext of a record fragment, or `None` if it does not
    /// authenticate.
    pub fn open(&self, epoch_sequence: u64, content_type: u8, fragment: &[u8]) -> Option<Vec<u8>> {
        let plaintext_len = fragment.len().checked_sub(self.suite.overhead())?;
        let explicit: [u8; 8] = if self.suite.explicit_nonce_len() > 0 {
            fragment.get(..GCM_EXPLICIT_NONCE_LEN)?.try_into().ok()?
        } else {
            epoch_sequence.to_be_bytes()
        };
        let ciphertext = fragment.get(self.suite.explicit_nonce_len()..)?;
        let aad = Self::additional_data(epoch_sequence, content_type, plaintext_len);
        self.run(
            &self.nonce(&explicit),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
            false,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suite_round_trips_and_rejects_tampering() {
        for suite in PREFERENCE {
            let block: Vec<u8> = (0..suite.key_block_len() as u8).collect();
            let (client, server) = suite.keys(&block).unwrap();
            let sealed = client.seal(1 << 48 | 5, 23, b"hello");
            assert_eq!(sealed.len(), 5 + suite.overhead());
            assert_eq!(client.open(1 << 48 | 5, 23, &sealed).unwrap(), b"hello");
            assert!(server.open(1 << 48 | 5, 23, &sealed).is_none(), "other key");
            assert!(client.open(1 << 48 | 6, 23, &sealed).is_none(), "other sequence");
            assert!(client.open(1 << 48 | 5, 22, &sealed).is_none(), "other type");
            let mut bad = sealed.clone();
            *bad.last_mut().unwrap() ^= 1;
            assert!(client.open(1 << 48 | 5, 23, &bad).is_none());
            assert!(client.open(1 << 48 | 5, 23, &sealed[..3]).is_none());
            assert_eq!(CipherSuite::from_id(suite.id()), Some(suite));
        }
        assert!(CipherSuite::keys(PREFERENCE[0], &[0; 10]).is_none());
    }
}
