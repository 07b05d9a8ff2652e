//! Long-term credentials (RFC 8489 §9.2, RFC 8656 §5): users from the command
//! line or a file, or the TURN REST API's ephemeral credentials
//! (draft-uberti-behave-turn-rest, coturn's `--use-auth-secret`): username
//! `expiry:user` (expiry in Unix seconds), password
//! `base64(HMAC-SHA1(secret, username))`.
//!
//! Nonces are stateless: base64url(expiry seconds (4 bytes) || HMAC-SHA1(server
//! secret, expiry || client IP)[..8]), 16 characters, so they expire (438
//! Stale Nonce) and cannot be replayed from another address. They are short
//! so that a challenge stays about as small as the request it answers.

use std::collections::HashMap;
use std::net::IpAddr;

use base64::Engine;
use wasmrtc::stun::integrity::hmac_sha1_of;
use wasmrtc::stun::long_term_key;

/// Where passwords come from.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// `user → password` (`--user user:password`).
    pub users: HashMap<String, String>,
    /// `--static-auth-secret` values (with `--use-auth-secret`); any one of
    /// them may have signed a username.
    pub auth_secrets: Vec<String>,
}

/// Why a username has no key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    UnknownUser,
    Expired,
}

impl Credentials {
    /// The long-term key for `username` in `realm`, at `now_unix` seconds.
    /// With REST secrets every secret gives a candidate key.
    pub fn keys(&self, username: &str, realm: &str, now_unix: u64) -> Result<Vec<[u8; 16]>, KeyError> {
        if let Some(password) = self.users.get(username) {
            return Ok(vec![long_term_key(username, realm, password)]);
        }
        if self.auth_secrets.is_empty() {
            return Err(KeyError::UnknownUser);
        }
        // coturn: the timestamp is the part before the first ':' (or the
        // whole name when there is none).
        let stamp = username.split(':').next().unwrap_or(username);
        let expiry: u64 = stamp.parse().map_err(|_| KeyError::UnknownUser)?;
        if expiry < now_unix {
            return Err(KeyError::Expired);
        }
        Ok(self
            .auth_secrets
            .iter()
            .map(|s| long_term_key(username, realm, &rest_password(s, username)))
            .collect())
    }
}

/// The TURN REST API password for `username` under `secret`.
pub fn rest_password(secret: &str, username: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac_sha1_of(secret.as_bytes(), username.as_bytes()))
}

/// Makes and checks nonces.
#[derive(Clone)]
pub struct Nonces {
    secret: [u8; 32],
    lifetime_secs: u64,
}

/// What a nonce from a request turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    Valid,
    /// Expired, forged, or from another address: answer 438.
    Stale,
}

impl Nonces {
    pub fn new(secret: [u8; 32], lifetime_secs: u64) -> Self {
        Nonces { secret, lifetime_secs: lifetime_secs.max(1) }
    }

    fn mac(&self, expiry: u32, ip: IpAddr) -> [u8; 8] {
        let mut m = expiry.to_be_bytes().to_vec();
        match ip {
            IpAddr::V4(v) => m.extend_from_slice(&v.octets()),
            IpAddr::V6(v) => m.extend_from_slice(&v.octets()),
        }
        let full = hmac_sha1_of(&self.secret, &m);
        let mut out = [0u8; 8];
        out.copy_from_slice(&full[..8]);
        out
    }

    /// An unguessable RESERVATION-TOKEN for the `n`th reservation.
    pub fn token(&self, n: u64) -> [u8; 8] {
        let mut m = b"reservation".to_vec();
        m.extend_from_slice(&n.to_be_bytes());
        let full = hmac_sha1_of(&self.secret, &m);
        let mut out = [0u8; 8];
        out.copy_from_slice(&full[..8]);
        out
    }

    /// A fresh nonce for a client at `ip` (16 characters).
    pub fn issue(&self, ip: IpAddr, now_unix: u64) -> String {
        let expiry = u32::try_from(now_unix + self.lifetime_secs).unwrap_or(u32::MAX);
        let mut raw = expiry.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.mac(expiry, ip));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn check(&self, nonce: &str, ip: IpAddr, now_unix: u64) -> NonceCheck {
        let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(nonce) else {
            return NonceCheck::Stale;
        };
        if raw.len() != 12 {
            return NonceCheck::Stale;
        }
        let expiry = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        if u64::from(expiry) < now_unix || raw[4..] != self.mac(expiry, ip) {
            return NonceCheck::Stale;
        }
        NonceCheck::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_password_matches_coturn_convention() {
        // base64(HMAC-SHA1("secret", "1700000000:alice")), computed with
        // `printf %s 1700000000:alice | openssl dgst -sha1 -hmac secret -binary | base64`.
        let p = rest_password("secret", "1700000000:alice");
        assert_eq!(p, "d8soP47RbdIKLDUOpnJPVQyq5Ts=");
        let c = Credentials { users: HashMap::new(), auth_secrets: vec!["secret".into()] };
        assert_eq!(c.keys("1700000000:alice", "r", 1_800_000_000), Err(KeyError::Expired));
        let k = c.keys("1900000000:alice", "r", 1_800_000_000).unwrap();
        assert_eq!(k[0], long_term_key("1900000000:alice", "r", &rest_password("secret", "1900000000:alice")));
        assert_eq!(c.keys("alice", "r", 0), Err(KeyError::UnknownUser));
    }

    #[test]
    fn nonces_expire_and_bind_to_ip() {
        let n = Nonces::new([7; 32], 600);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let s = n.issue(ip, 1000);
        assert_eq!(s.len(), 16);
        assert_eq!(n.check(&s, ip, 1000), NonceCheck::Valid);
        assert_eq!(n.check(&s, ip, 1600), NonceCheck::Valid);
        assert_eq!(n.check(&s, ip, 1601), NonceCheck::Stale);
        assert_eq!(n.check(&s, "127.0.0.2".parse().unwrap(), 1000), NonceCheck::Stale);
        assert_eq!(n.check("zzzzzzzzzzzzzzzz", ip, 0), NonceCheck::Stale);
        let mut forged = s.clone().into_bytes();
        forged[15] = if forged[15] == b'A' { b'B' } else { b'A' };
        assert_eq!(n.check(std::str::from_utf8(&forged).unwrap(), ip, 1000), NonceCheck::Stale);
        assert_eq!(n.check("é", ip, 0), NonceCheck::Stale);
        assert_eq!(n.check("", ip, 0), NonceCheck::Stale);
    }
}
