//! The TLS 1.2 pseudorandom function and what is derived with it:
//! P_hash and PRF (RFC 5246 §5), the extended master secret (RFC 7627 §4),
//! the key block (RFC 5246 §6.3), Finished verify_data (RFC 5246 §7.4.9) and
//! the keying-material exporter (RFC 5705 §4) that DTLS-SRTP keys come from
//! (RFC 5764 §4.2).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha384};

/// The hash a cipher suite names, used by its PRF and its transcript hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrfHash {
    Sha256,
    Sha384,
}

impl PrfHash {
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            PrfHash::Sha256 => Sha256::digest(data).to_vec(),
            PrfHash::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        // HMAC accepts keys of any length (RFC 2104 §2), so new_from_slice
        // cannot fail; an empty output would fail the handshake, not panic.
        match self {
            PrfHash::Sha256 => match Hmac::<Sha256>::new_from_slice(key) {
                Ok(mut mac) => {
                    parts.iter().for_each(|p| mac.update(p));
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            },
            PrfHash::Sha384 => match Hmac::<Sha384>::new_from_slice(key) {
                Ok(mut mac) => {
                    parts.iter().for_each(|p| mac.update(p));
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            },
        }
    }
}

/// PRF(secret, label, seed) = P_hash(secret, label + seed), `len` bytes.
pub fn prf(hash: PrfHash, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    // A(1) = HMAC(secret, label + seed); A(i) = HMAC(secret, A(i-1)).
    let mut a = hash.hmac(secret, &[label, seed]);
    while out.len() < len {
        let block = hash.hmac(secret, &[&a, label, seed]);
        if block.is_empty() {
            break;
        }
        out.extend_from_slice(&block);
        a = hash.hmac(secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master
/// secret", session_hash)[0..47], where session_hash is the transcript hash
/// through ClientKeyExchange.
pub fn extended_master_secret(hash: PrfHash, pre_master: &[u8], session_hash: &[u8]) -> Vec<u8> {
    prf(hash, pre_master, b"extended master secret", session_hash, 48)
}

/// RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random).
pub fn key_block(
    hash: PrfHash,
    master: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    len: usize,
) -> Vec<u8> {
    let seed = [&server_random[..], &client_random[..]].concat();
    prf(hash, master, b"key expansion", &seed, len)
}

/// RFC 5246 §7.4.9: the 12 bytes of a Finished message.
pub fn verify_data(hash: PrfHash, master: &[u8], label: &[u8], transcript: &[u8]) -> Vec<u8> {
    prf(hash, master, label, &hash.digest(transcript), 12)
}

/// RFC 5705 §4: PRF(master, label, client_random + server_random
/// [+ context_length + context]).
pub fn export(
    hash: PrfHash,
    master: &[u8],
    label: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    context: Option<&[u8]>,
    len: usize,
) -> Vec<u8> {
    let mut seed = [&client_random[..], &server_random[..]].concat();
    if let Some(context) = context {
        seed.extend_from_slice(&u16::try_from(context.len()).unwrap_or(u16::MAX).to_be_bytes());
        seed.extend_from_slice(context);
    }
    prf(hash, master, label, &seed, len)
}

/// Compares secrets without an early exit, so timing does not reveal how many
/// leading bytes of a forged Finished were right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The TLS 1.2 PRF test vector for SHA-256 circulated on the IETF TLS
    /// list (secret 9bbe436b..., seed a0ba9f93..., "test label").
    #[test]
    fn prf_sha256_vector() {
        let out = prf(
            PrfHash::Sha256,
            &hex("9bbe436ba940f017b17652849a71db35"),
            b"test label",
            &hex("a0ba9f936cda311827a6f796ffd5198c"),
            100,
        );
        assert_eq!(out.len(), 100);
        assert_eq!(&out[..16], &hex("e3f229ba727be17b8d122620557cd453")[..]);
    }

    #[test]
    fn lengths_are_exact_and_labels_matter() {
        let a = prf(PrfHash::Sha384, b"k", b"a", b"s", 61);
        let b = prf(PrfHash::Sha384, b"k", b"b", b"s", 61);
        assert_eq!(a.len(), 61);
        assert_ne!(a, b);
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
        assert!(!constant_time_eq(&a, &a[..60]));
    }
}
