//! Message integrity and fingerprint (RFC 8489 §14.5 MESSAGE-INTEGRITY,
//! §14.6 MESSAGE-INTEGRITY-SHA256, §14.7 FINGERPRINT) and the long-term
//! credential key (§9.2.2, with the default MD5 password algorithm).
//!
//! Both HMACs cover the message up to the integrity attribute, with the
//! header's length field set as if that attribute were the last one.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::Sha256;

use super::attribute::types;
use super::message::{check_header, raw_attributes};
use super::{StunError, HEADER_LEN};

/// FINGERPRINT's XOR constant, "STUN" in ASCII (RFC 8489 §14.7).
pub const FINGERPRINT_XOR: u32 = 0x5354_554e;

/// Which integrity attribute a message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrityAlgorithm {
    /// MESSAGE-INTEGRITY, HMAC-SHA1, 20 bytes.
    Sha1,
    /// MESSAGE-INTEGRITY-SHA256, HMAC-SHA256, 32 bytes when we send it.
    Sha256,
}

/// Why a message's integrity did not check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntegrityError {
    #[error("no MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256")]
    Missing,
    #[error("message integrity does not match")]
    Mismatch,
    #[error("malformed message")]
    Malformed,
}

/// The long-term credential key: MD5(username ":" realm ":" password)
/// (RFC 8489 §9.2.2; the strings are used as given, without SASLprep).
pub fn long_term_key(username: &str, realm: &str, password: &str) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(username.as_bytes());
    h.update(b":");
    h.update(realm.as_bytes());
    h.update(b":");
    h.update(password.as_bytes());
    h.finalize().into()
}

fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> [u8; 20] {
    // HMAC accepts keys of any length, so new_from_slice cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so new_from_slice cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA1 of `data` under `key`; also the TURN REST API's password
/// derivation (base64 of HMAC-SHA1(secret, username)).
pub fn hmac_sha1_of(key: &[u8], data: &[u8]) -> [u8; 20] {
    hmac_sha1(key, &[data])
}

/// Appends a MESSAGE-INTEGRITY(-SHA256) attribute to an encoded message whose
/// last attribute so far is the one before it.
pub fn append_integrity(out: &mut Vec<u8>, alg: IntegrityAlgorithm, key: &[u8]) -> Result<(), StunError> {
    let (typ, len) = match alg {
        IntegrityAlgorithm::Sha1 => (types::MESSAGE_INTEGRITY, 20usize),
        IntegrityAlgorithm::Sha256 => (types::MESSAGE_INTEGRITY_SHA256, 32usize),
    };
    let body = u16::try_from(out.len() - HEADER_LEN + 4 + len).map_err(|_| StunError::TooLong)?;
    out[2..4].copy_from_slice(&body.to_be_bytes());
    out.extend_from_slice(&typ.to_be_bytes());
    out.extend_from_slice(&(len as u16).to_be_bytes());
    let covered = out.len() - 4;
    match alg {
        IntegrityAlgorithm::Sha1 => {
            let m = hmac_sha1(key, &[&out[..covered]]);
            out.extend_from_slice(&m);
        }
        IntegrityAlgorithm::Sha256 => {
            let m = hmac_sha256(key, &[&out[..covered]]);
            out.extend_from_slice(&m);
        }
    }
    Ok(())
}

/// Appends FINGERPRINT: CRC-32 of everything before it, xor 0x5354554e.
pub fn append_fingerprint(out: &mut Vec<u8>) -> Result<(), StunError> {
    let body = u16::try_from(out.len() - HEADER_LEN + 8).map_err(|_| StunError::TooLong)?;
    out[2..4].copy_from_slice(&body.to_be_bytes());
    let crc = crc32fast::hash(out) ^ FINGERPRINT_XOR;
    out.extend_from_slice(&types::FINGERPRINT.to_be_bytes());
    out.extend_from_slice(&4u16.to_be_bytes());
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}

/// Checks the first integrity attribute of the encoded message `bytes`
/// against `key`; returns which one it was. Comparison is constant-time.
pub fn verify(bytes: &[u8], key: &[u8]) -> Result<IntegrityAlgorithm, IntegrityError> {
    check_header(bytes).map_err(|_| IntegrityError::Malformed)?;
    for raw in raw_attributes(bytes) {
        let raw = raw.map_err(|_| IntegrityError::Malformed)?;
        let alg = match raw.typ {
            types::MESSAGE_INTEGRITY => IntegrityAlgorithm::Sha1,
            types::MESSAGE_INTEGRITY_SHA256 => IntegrityAlgorithm::Sha256,
            _ => continue,
        };
        // The length field as if this attribute ended the message.
        let body = raw.offset - HEADER_LEN + 4 + raw.value.len();
        let body = u16::try_from(body).map_err(|_| IntegrityError::Malformed)?.to_be_bytes();
        let parts: [&[u8]; 3] = [&bytes[..2], &body, &bytes[4..raw.offset]];
        let ok = match alg {
            IntegrityAlgorithm::Sha1 => {
                let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).map_err(|_| IntegrityError::Malformed)?;
                parts.iter().for_each(|p| mac.update(p));
                mac.verify_slice(raw.value).is_ok()
            }
            IntegrityAlgorithm::Sha256 => {
                if raw.value.len() < 16 {
                    return Err(IntegrityError::Malformed);
                }
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| IntegrityError::Malformed)?;
                parts.iter().for_each(|p| mac.update(p));
                mac.verify_truncated_left(raw.value).is_ok()
            }
        };
        return if ok { Ok(alg) } else { Err(IntegrityError::Mismatch) };
    }
    Err(IntegrityError::Missing)
}

/// Whether the message carries a FINGERPRINT and it matches. A message
/// without one gives `None`.
pub fn check_fingerprint(bytes: &[u8]) -> Option<bool> {
    check_header(bytes).ok()?;
    for raw in raw_attributes(bytes) {
        let raw = raw.ok()?;
        if raw.typ == types::FINGERPRINT {
            let v: [u8; 4] = raw.value.try_into().ok()?;
            let want = crc32fast::hash(&bytes[..raw.offset]) ^ FINGERPRINT_XOR;
            return Some(u32::from_be_bytes(v) == want && raw.offset + 8 == bytes.len());
        }
    }
    None
}
