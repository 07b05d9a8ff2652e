//! Ephemeral ECDH for ECDHE suites (RFC 8422 §5.4, §5.7): X25519 (RFC 7748)
//! and secp256r1 with uncompressed points. X25519 comes first: it is the
//! group every browser sends a key share for.

use p256::elliptic_curve::sec1::ToEncodedPoint;

use crate::random::Random;

pub const X25519: u16 = 29;
pub const SECP256R1: u16 = 23;


enum Secret {
    X25519(x25519_dalek::EphemeralSecret),
    Secp256r1(p256::ecdh::EphemeralSecret),
}

/// Our half of one key exchange.
pub struct KeyShare {
    pub public: Vec<u8>,
    secret: Secret,
}

impl KeyShare {
    pub fn generate(group: u16, random: &mut Random) -> Option<KeyShare> {
        match group {
            X25519 => {
                let secret = x25519_dalek::EphemeralSecret::random_from_rng(&mut *random);
                let public = x25519_dalek::PublicKey::from(&secret).as_bytes().to_vec();
                Some(KeyShare {
                    public,
                    secret: Secret::X25519(secret),
                })
            }
            SECP256R1 => {
                let secret = p256::ecdh::EphemeralSecret::random(&mut *random);
                let public = secret.public_key().to_encoded_point(false).as_bytes().to_vec();
                Some(KeyShare {
                    public,
                    secret: Secret::Secp256r1(secret),
                })
            }
            _ => None,
        }
    }

    /// The premaster secret with the peer's public value, or `None` if that
    /// value is malformed, not on the curve, or (X25519) of small order.
    pub fn agree(self, peer_public: &[u8]) -> Option<Vec<u8>> {
        match self.secret {
            Secret::X25519(secret) => {
                let bytes: [u8; 32] = peer_public.try_into().ok()?;
                let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(bytes));
                // RFC 7748 §6.1 / RFC 8422 §5.11: an all-zero result means a
                // small-order point; abort.
                shared.was_contributory().then(|| shared.as_bytes().to_vec())
            }
            Secret::Secp256r1(secret) => {
                // RFC 8422 §5.4.1: uncompressed points only.
                if peer_public.len() != 65 || peer_public.first() != Some(&4) {
                    return None;
                }
                let peer = p256::PublicKey::from_sec1_bytes(peer_public).ok()?;
                Some(secret.diffie_hellman(&peer).raw_secret_bytes().to_vec())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_groups_agree_and_reject_garbage() {
        let mut random = Random::from_seed([3; 32]);
        for group in [X25519, SECP256R1] {
            let a = KeyShare::generate(group, &mut random).unwrap();
            let b = KeyShare::generate(group, &mut random).unwrap();
            let (a_pub, b_pub) = (a.public.clone(), b.public.clone());
            assert_eq!(a.agree(&b_pub).unwrap(), b.agree(&a_pub).unwrap());
            let c = KeyShare::generate(group, &mut random).unwrap();
            assert!(c.agree(&[0; 5]).is_none());
        }
        let x = KeyShare::generate(X25519, &mut random).unwrap();
        assert!(x.agree(&[0; 32]).is_none(), "small-order point");
        assert!(KeyShare::generate(24, &mut random).is_none());
    }
}
