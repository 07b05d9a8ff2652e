//! The DTLS certificate every peer presents: a self-signed X.509 certificate
//! (RFC 5280) over an ECDSA P-256 or an RSA key, as webrtc-pc §4.9
//! (`RTCCertificate`, `generateCertificate({name: "ECDSA", namedCurve:
//! "P-256"})` or `{name: "RSASSA-PKCS1-v1_5", modulusLength,
//! publicExponent, hash: "SHA-256"}`) makes, and its fingerprint as carried
//! in SDP's `a=fingerprint` (RFC 8122 §5).
//!
//! WebRTC does not use a PKI: nobody checks the chain, the name or the
//! validity of a peer's certificate. The certificate only binds the key used
//! in the DTLS handshake to the fingerprint exchanged in the (signalled,
//! hopefully authenticated) SDP. Its contents therefore copy Chromium's
//! (`rtc_base/openssl_key_pair.cc`, `openssl_certificate.cc`) so that a
//! wasmrtc peer looks like any other: version 3, a random 64-bit serial,
//! `CN=WebRTC` as both subject and issuer, notBefore one day in the past to
//! absorb clock skew, no extensions, signed with ecdsa-with-SHA256 (RFC 5758
//! §3.2) or sha256WithRSAEncryption (RFC 4055 §5).
//!
//! Sans-IO: the clock (`now_ms`, `expires_ms`) and the randomness (`Random`)
//! are passed in. Nothing here can panic on input: malformed DER and keys
//! come back as errors.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use der::asn1::{BitString, GeneralizedTime, UtcTime};
use der::{Any, DateTime, Decode, Encode};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::elliptic_curve::zeroize::Zeroize;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use p256::FieldBytes;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{TbsCertificate, Version};

/// The TLS signature scheme code points [`Certificate::sign`] takes.
pub use super::signature::{
    ECDSA_SECP256R1_SHA256, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512, RSA_PSS_RSAE_SHA256,
    RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512,
};
use crate::error::{ErrorName, RtcError};
use crate::random::Random;

/// Chromium backdates notBefore by a day (`kCertificateWindowInSeconds`), so a
/// peer whose clock runs behind ours still finds the certificate valid.
const NOT_BEFORE_BACKDATE_MS: u64 = 24 * 60 * 60 * 1000;

/// Chromium's serials are 64 bits long (`kSerialNumberBits`), the top one set.
const SERIAL_BYTES: usize = 8;

/// The subject and issuer common name every browser uses (`kIdentityName`).
const COMMON_NAME: &str = "CN=WebRTC";

/// ecdsa-with-SHA256 (RFC 5758 §3.2). Spelled out because p256 only derives
/// it when sha2's `oid` feature is on; `new_unwrap` runs at compile time.
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// sha256WithRSAEncryption (RFC 4055 §5).
const SHA256_WITH_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// The RSA modulus sizes Chromium generates (`kRsaMinModSize`,
/// `kRsaMaxModSize` in rtc_base/ssl_identity.h), measured with native
/// Chromium: 1023 and 8193 are refused with NotSupportedError.
pub const RSA_MIN_MODULUS_BITS: usize = 1024;
pub const RSA_MAX_MODULUS_BITS: usize = 8192;

/// Chromium passes the exponent as a C `int`; larger ones are refused.
const RSA_MAX_PUBLIC_EXPONENT: u64 = i32::MAX as u64;

/// The TLS signature schemes (RFC 8446 §4.2.3) each key type can make, in
/// our order of preference.
const ECDSA_SCHEMES: [u16; 1] = [ECDSA_SECP256R1_SHA256];
const RSA_SCHEMES: [u16; 6] = [
    RSA_PKCS1_SHA256,
    RSA_PSS_RSAE_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PSS_RSAE_SHA384,
    RSA_PKCS1_SHA512,
    RSA_PSS_RSAE_SHA512,
];

/// The kind of key a certificate holds; it decides the DTLS cipher suites a
/// server may pick (ECDHE_ECDSA or ECDHE_RSA, RFC 8422 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    EcdsaP256,
    Rsa,
}

/// The private key. RSA keys are boxed: a few big integers, far larger
/// than a P-256 key.
#[derive(Clone)]
enum Key {
    EcdsaP256(SigningKey),
    Rsa(Box<RsaPrivateKey>),
}

/// A local DTLS identity: the signing key, the DER certificate over its
/// public key, and the certificate's notAfter.
#[derive(Clone)]
pub struct Certificate {
    key: Key,
    der: Vec<u8>,
    expires_ms: u64,
}

// Never print the private key; the fingerprint identifies the certificate.
impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("key_type", &self.key_type())
            .field(
                "fingerprint_sha256",
                &format_fingerprint(&self.fingerprint_sha256(), true),
            )
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Generates a fresh P-256 key and a self-signed certificate for it.
    ///
    /// `now_ms` and `expires_ms` are milliseconds since the Unix epoch, passed
    /// in by the host (the core has no clock). X.509 times have one-second
    /// resolution, so notAfter is `expires_ms` rounded down to the second;
    /// [`Certificate::expires_ms`] reports that rounded value.
    pub fn generate_ecdsa_p256(
        random: &mut Random,
        now_ms: u64,
        expires_ms: u64,
    ) -> Result<Certificate, RtcError> {
        let key = Key::EcdsaP256(generate_key(random)?);
        Certificate::self_signed(key, random, now_ms, expires_ms)
    }

    /// Generates a fresh RSA key of `modulus_bits` with `public_exponent`
    /// and a self-signed certificate for it, as
    /// `generateCertificate({name: "RSASSA-PKCS1-v1_5", ...})` does.
    ///
    /// Accepts what native Chromium accepts (webrtc's
    /// `KeyParams::IsValid`, checked against Chromium 156): a modulus of
    /// 1024 to 8192 bits and an exponent larger than the modulus size that
    /// fits a C `int`, so 65537 up to 8192 bits but not 3 or 17; otherwise
    /// NotSupportedError. An even exponent has no RSA key (Chromium's
    /// keygen fails); it is refused here too, since the `rsa` crate would
    /// search for one forever. Times as for
    /// [`Certificate::generate_ecdsa_p256`].
    pub fn generate_rsa(
        random: &mut Random,
        modulus_bits: usize,
        public_exponent: u64,
        now_ms: u64,
        expires_ms: u64,
    ) -> Result<Certificate, RtcError> {
        check_rsa_parameters(modulus_bits, public_exponent)?;
        // The exact exponent and size are what Chromium asked BoringSSL for;
        // the crate's checks match (odd exponent ≥ 3, two primes).
        let key = RsaPrivateKey::new_with_exp(random, modulus_bits, &BigUint::from(public_exponent))
            .map_err(|e| RtcError::operation(format!("RSA key generation failed: {e}")))?;
        Certificate::self_signed(Key::Rsa(Box::new(key)), random, now_ms, expires_ms)
    }

    /// The self-signed certificate over `key`, valid from a day before
    /// `now_ms` to `expires_ms`.
    fn self_signed(
        key: Key,
        random: &mut Random,
        now_ms: u64,
        expires_ms: u64,
    ) -> Result<Certificate, RtcError> {
        let not_before_ms = now_ms.saturating_sub(NOT_BEFORE_BACKDATE_MS);
        if expires_ms < not_before_ms {
            return Err(RtcError::operation(
                "certificate expiry lies before its start of validity",
            ));
        }
        let validity = Validity {
            not_before: x509_time(not_before_ms)?,
            not_after: x509_time(expires_ms)?,
        };

        let mut serial = [0u8; SERIAL_BYTES];
        random.fill(&mut serial);
        // As Chromium's BN_pseudo_rand(64 bits, top set): the top bit forced
        // to 1 makes the serial non-zero and always 64 bits long. It stays
        // positive (RFC 5280 §4.1.2.2) because SerialNumber encodes it as
        // an unsigned integer, with a leading zero byte in DER.
        serial[0] |= 0x80;
        let serial_number = SerialNumber::new(&serial).map_err(der_error)?;

        let name = Name::from_str(COMMON_NAME).map_err(der_error)?;
        let (subject_public_key_info, signature_algorithm) = match &key {
            Key::EcdsaP256(key) => (
                SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(spki_error)?,
                // RFC 5758 §3.2: ecdsa-with-SHA256 carries no parameters.
                AlgorithmIdentifierOwned {
                    oid: ECDSA_WITH_SHA256,
                    parameters: None,
                },
            ),
            Key::Rsa(key) => (
                // rsaEncryption with NULL parameters (RFC 3279 §2.3.1).
                SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).map_err(spki_error)?,
                // RFC 4055 §5: sha256WithRSAEncryption's parameters are
                // NULL, as BoringSSL writes them.
                AlgorithmIdentifierOwned {
                    oid: SHA256_WITH_RSA_ENCRYPTION,
                    parameters: Some(Any::null()),
                },
            ),
        };

        // Built by hand rather than with x509_cert's CertificateBuilder: its
        // profiles all add extensions (key identifiers, key usage) that
        // browsers' WebRTC certificates do not carry.
        let tbs_certificate = TbsCertificate {
            version: Version::V3,
            serial_number,
            signature: signature_algorithm.clone(),
            issuer: name.clone(),
            validity,
            subject: name,
            subject_public_key_info,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: None,
        };
        let tbs_der = tbs_certificate.to_der().map_err(der_error)?;
        let signature = match &key {
            Key::EcdsaP256(_) => sign_with(&key, ECDSA_SECP256R1_SHA256, &tbs_der, random),
            Key::Rsa(_) => sign_with(&key, RSA_PKCS1_SHA256, &tbs_der, random),
        }
        .ok_or_else(|| RtcError::operation("signing the certificate failed"))?;
        let certificate = x509_cert::Certificate {
            tbs_certificate,
            signature_algorithm,
            signature: BitString::from_bytes(&signature).map_err(der_error)?,
        };
        let der = certificate.to_der().map_err(der_error)?;
        let expires_ms = not_after_ms(&certificate);
        Ok(Certificate {
            key,
            der,
            expires_ms,
        })
    }

    /// Rebuilds a certificate from its DER and its key in PKCS #8 DER, as
    /// stored by a serialized `RTCCertificate`. Fails unless the key is a
    /// P-256 or RSA key whose public half is the certificate's.
    pub fn from_parts(cert_der: &[u8], pkcs8_key_der: &[u8]) -> Result<Certificate, RtcError> {
        let certificate = x509_cert::Certificate::from_der(cert_der)
            .map_err(|e| RtcError::invalid_access(format!("malformed certificate: {e}")))?;
        let spki_der = certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(der_error)?;
        let mismatch = || RtcError::invalid_access("private key does not match the certificate");
        let key = if let Ok(cert_key) = VerifyingKey::from_public_key_der(&spki_der) {
            let key = SigningKey::from_pkcs8_der(pkcs8_key_der)
                .map_err(|_| RtcError::invalid_access("malformed or non-P-256 PKCS #8 private key"))?;
            if *key.verifying_key() != cert_key {
                return Err(mismatch());
            }
            Key::EcdsaP256(key)
        } else if let Some(cert_key) = rsa_public_key(&spki_der) {
            // The crate validates the key (primes multiply to n, d inverts e).
            let key = RsaPrivateKey::from_pkcs8_der(pkcs8_key_der)
                .map_err(|_| RtcError::invalid_access("malformed or non-RSA PKCS #8 private key"))?;
            if key.to_public_key() != cert_key {
                return Err(mismatch());
            }
            Key::Rsa(Box::new(key))
        } else {
            return Err(RtcError::invalid_access(
                "certificate holds neither an ECDSA P-256 nor an RSA public key",
            ));
        };
        let expires_ms = not_after_ms(&certificate);
        Ok(Certificate {
            key,
            der: cert_der.to_vec(),
            expires_ms,
        })
    }

    /// The certificate in DER, as sent in the DTLS Certificate message.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate's notAfter, in milliseconds since the Unix epoch
    /// (`RTCCertificate.expires`).
    pub fn expires_ms(&self) -> u64 {
        self.expires_ms
    }

    pub fn key_type(&self) -> KeyType {
        match self.key {
            Key::EcdsaP256(_) => KeyType::EcdsaP256,
            Key::Rsa(_) => KeyType::Rsa,
        }
    }

    /// SHA-256 of the DER certificate: the fingerprint every browser puts in
    /// `a=fingerprint` (RFC 8122 §5).
    pub fn fingerprint_sha256(&self) -> Vec<u8> {
        Sha256::digest(&self.der).to_vec()
    }

    /// The fingerprint under the RFC 8122 hash-function token `algorithm`
    /// (case-insensitive, as SDP tokens are), or `None` for one this core
    /// does not compute (`sha-1`, `md5`, `md2`, unknown names).
    pub fn fingerprint(&self, algorithm: &str) -> Option<Vec<u8>> {
        fingerprint_of(&self.der, algorithm)
    }

    /// The certificate in PEM, for tests and tools such as openssl.
    pub fn to_pem(&self) -> String {
        pem("CERTIFICATE", &self.der)
    }

    /// The private key in PKCS #8 DER (RFC 5958), to store or clone an
    /// `RTCCertificate` and to hand to openssl in tests.
    pub fn private_key_pkcs8_der(&self) -> Vec<u8> {
        // Encoding a valid in-memory key cannot fail; an empty result would
        // make a later from_parts fail cleanly rather than panic here.
        let document = match &self.key {
            Key::EcdsaP256(key) => key.to_pkcs8_der(),
            Key::Rsa(key) => key.to_pkcs8_der(),
        };
        match document {
            Ok(document) => document.as_bytes().to_vec(),
            Err(_) => Vec::new(),
        }
    }

    /// The TLS signature schemes (RFC 8446 §4.2.3 code points) this key can
    /// sign with, in our order of preference.
    pub fn signature_schemes(&self) -> Vec<u16> {
        match &self.key {
            Key::EcdsaP256(_) => ECDSA_SCHEMES.to_vec(),
            // PSS with a salt as long as the hash needs an encoded message
            // of 2 hashes + 2 bytes (RFC 8017 §9.1.1): a 1024-bit key is
            // too short for rsa_pss_rsae_sha512.
            Key::Rsa(key) => {
                let encoded_len = (key.n().bits().saturating_sub(1)).div_ceil(8);
                RSA_SCHEMES
                    .into_iter()
                    .filter(|&scheme| match scheme {
                        RSA_PSS_RSAE_SHA256 => encoded_len >= 2 * 32 + 2,
                        RSA_PSS_RSAE_SHA384 => encoded_len >= 2 * 48 + 2,
                        RSA_PSS_RSAE_SHA512 => encoded_len >= 2 * 64 + 2,
                        _ => true,
                    })
                    .collect()
            }
        }
    }

    /// Signs `message` under the TLS signature scheme `scheme`, as DTLS's
    /// ServerKeyExchange and CertificateVerify carry it; `None` if the key
    /// cannot sign with that scheme.
    ///
    /// ecdsa_secp256r1_sha256 gives a DER `Ecdsa-Sig-Value` (RFC 3279),
    /// deterministic (RFC 6979). The RSA schemes (PKCS #1 v1.5 and PSS with
    /// a salt as long as the hash, RFC 8446 §4.2.3) draw from `random`:
    /// PSS for its salt, both to blind the private-key operation against
    /// timing attacks.
    pub fn sign(&self, scheme: u16, message: &[u8], random: &mut Random) -> Option<Vec<u8>> {
        sign_with(&self.key, scheme, message, random)
    }
}

fn sign_with(key: &Key, scheme: u16, message: &[u8], random: &mut Random) -> Option<Vec<u8>> {
    match (key, scheme) {
        (Key::EcdsaP256(key), ECDSA_SECP256R1_SHA256) => {
            let signature: DerSignature = key.try_sign(message).ok()?;
            Some(signature.as_bytes().to_vec())
        }
        (Key::Rsa(key), RSA_PKCS1_SHA256) => pkcs1_sign::<Sha256>(key, message, random),
        (Key::Rsa(key), RSA_PKCS1_SHA384) => pkcs1_sign::<Sha384>(key, message, random),
        (Key::Rsa(key), RSA_PKCS1_SHA512) => pkcs1_sign::<Sha512>(key, message, random),
        (Key::Rsa(key), RSA_PSS_RSAE_SHA256) => pss_sign::<Sha256>(key, message, random),
        (Key::Rsa(key), RSA_PSS_RSAE_SHA384) => pss_sign::<Sha384>(key, message, random),
        (Key::Rsa(key), RSA_PSS_RSAE_SHA512) => pss_sign::<Sha512>(key, message, random),
        _ => None,
    }
}

fn pkcs1_sign<D>(key: &RsaPrivateKey, message: &[u8], random: &mut Random) -> Option<Vec<u8>>
where
    D: Digest + rsa::pkcs8::AssociatedOid,
{
    let key = rsa::pkcs1v15::SigningKey::<D>::new(key.clone());
    key.try_sign_with_rng(random, message).ok().map(|s| s.to_vec())
}

fn pss_sign<D>(key: &RsaPrivateKey, message: &[u8], random: &mut Random) -> Option<Vec<u8>>
where
    D: Digest + sha2::digest::FixedOutputReset,
{
    let key = rsa::pss::BlindedSigningKey::<D>::new(key.clone());
    key.try_sign_with_rng(random, message).ok().map(|s| s.to_vec())
}

/// Chromium's rule for RSA keygen parameters (see
/// [`Certificate::generate_rsa`]), plus the odd exponent RSA needs.
fn check_rsa_parameters(modulus_bits: usize, public_exponent: u64) -> Result<(), RtcError> {
    let unsupported = |why: &str| RtcError::new(ErrorName::NotSupportedError, why.to_string());
    if !(RSA_MIN_MODULUS_BITS..=RSA_MAX_MODULUS_BITS).contains(&modulus_bits) {
        return Err(unsupported("RSA modulusLength must be between 1024 and 8192 bits"));
    }
    if public_exponent <= modulus_bits as u64 || public_exponent > RSA_MAX_PUBLIC_EXPONENT {
        return Err(unsupported(
            "RSA publicExponent must exceed modulusLength and fit in 31 bits (65537 is the usual one)",
        ));
    }
    if public_exponent % 2 == 0 {
        return Err(unsupported("RSA publicExponent must be odd"));
    }
    Ok(())
}

/// An RSA public key from SubjectPublicKeyInfo DER, up to the largest size
/// we generate. The `rsa` crate's own decoder stops at 4096 bits, but
/// Chromium makes (and accepts) 8192-bit certificates.
pub(crate) fn rsa_public_key(spki_der: &[u8]) -> Option<RsaPublicKey> {
    let spki = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
        return None;
    }
    let pkcs1 = rsa::pkcs1::RsaPublicKey::from_der(spki.subject_public_key.as_bytes()?).ok()?;
    let n = BigUint::from_bytes_be(pkcs1.modulus.as_bytes());
    let e = BigUint::from_bytes_be(pkcs1.public_exponent.as_bytes());
    RsaPublicKey::new_with_max_size(n, e, RSA_MAX_MODULUS_BITS).ok()
}

/// Formats fingerprint bytes as colon-separated hex pairs. SDP's
/// `a=fingerprint` uses uppercase (RFC 8122 §5); `RTCDtlsFingerprint.value`
/// is lowercase (webrtc-pc §4.9.2).
pub fn format_fingerprint(bytes: &[u8], uppercase: bool) -> String {
    let digits: &[u8; 16] = if uppercase {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(digits[usize::from(byte >> 4)] as char);
        out.push(digits[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// The fingerprint of any DER certificate (such as the remote peer's) under
/// an RFC 8122 hash-function token; `None` if the token is not supported.
pub fn fingerprint_of(cert_der: &[u8], algorithm: &str) -> Option<Vec<u8>> {
    let algorithm = algorithm.to_ascii_lowercase();
    match algorithm.as_str() {
        "sha-224" => Some(Sha224::digest(cert_der).to_vec()),
        "sha-256" => Some(Sha256::digest(cert_der).to_vec()),
        "sha-384" => Some(Sha384::digest(cert_der).to_vec()),
        "sha-512" => Some(Sha512::digest(cert_der).to_vec()),
        _ => None,
    }
}

/// Draws a P-256 private scalar from `random`. `from_bytes` rejects zero and
/// values ≥ the group order, which a uniform draw hits with probability about
/// 2^-32; drawing again keeps the key uniform. The attempt cap only exists so
/// that a broken generator yields an error instead of a hang.
fn generate_key(random: &mut Random) -> Result<SigningKey, RtcError> {
    let mut bytes = FieldBytes::default();
    for _ in 0..64 {
        random.fill(&mut bytes);
        let key = SigningKey::from_bytes(&bytes);
        // The secret scalar must not linger in memory once the key holds it.
        bytes.zeroize();
        if let Ok(key) = key {
            return Ok(key);
        }
    }
    Err(RtcError::operation(
        "random source produced no valid P-256 private key",
    ))
}

/// An X.509 time for `ms` since the epoch, truncated to the second. RFC 5280
/// §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on.
fn x509_time(ms: u64) -> Result<Time, RtcError> {
    let date_time = DateTime::from_unix_duration(Duration::from_secs(ms / 1000))
        .map_err(|_| RtcError::type_error("certificate time out of the X.509 range"))?;
    if date_time.year() <= UtcTime::MAX_YEAR {
        Ok(Time::UtcTime(
            UtcTime::from_date_time(date_time).map_err(der_error)?,
        ))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(
            date_time,
        )))
    }
}

fn not_after_ms(certificate: &x509_cert::Certificate) -> u64 {
    let not_after = certificate
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration();
    u64::try_from(not_after.as_millis()).unwrap_or(u64::MAX)
}

/// PEM (RFC 7468) with 64-column base64 lines.
fn pem(label: &str, der: &[u8]) -> String {
    let base64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    // base64 is pure ASCII, so splitting its bytes keeps every line valid UTF-8.
    for line in base64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn der_error(e: der::Error) -> RtcError {
    RtcError::operation(format!("certificate encoding failed: {e}"))
}

fn spki_error(e: x509_cert::spki::Error) -> RtcError {
    RtcError::operation(format!("public key encoding failed: {e}"))
}

// proptest is a native-only dev-dependency; these run natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Certificate {
        fn ecdsa_verifying_key(&self) -> &VerifyingKey {
            match &self.key {
                Key::EcdsaP256(key) => key.verifying_key(),
                Key::Rsa(_) => panic!("not an ECDSA certificate"),
            }
        }
    }

    /// 2025-01-01T00:00:00Z and thirty days later, in ms.
    const NOW_MS: u64 = 1_735_689_600_000;
    const THIRTY_DAYS_MS: u64 = 30 * 24 * 60 * 60 * 1000;

    fn generate(seed: u8) -> Certificate {
        let mut random = Random::from_seed([seed; 32]);
        Certificate::generate_ecdsa_p256(&mut random, NOW_MS, NOW_MS + THIRTY_DAYS_MS).unwrap()
    }

    fn parsed(cert: &Certificate) -> x509_cert::Certificate {
        x509_cert::Certificate::from_der(cert.der()).unwrap()
    }

    #[test]
    fn contents_are_chromiums() {
        let cert = parsed(&generate(1));
        let tbs = &cert.tbs_certificate;
        assert_eq!(tbs.version, Version::V3);
        assert_eq!(tbs.subject.to_string(), "CN=WebRTC");
        assert_eq!(tbs.issuer, tbs.subject);
        assert!(tbs.extensions.is_none());
        assert_eq!(tbs.signature.oid, ECDSA_WITH_SHA256);
        assert_eq!(cert.signature_algorithm, tbs.signature);
        // A positive 64-bit serial with its top bit set: DER needs a leading
        // zero byte to keep it positive.
        let serial = tbs.serial_number.as_bytes();
        assert_eq!(serial.len(), 9);
        assert_eq!(serial[0], 0);
        assert!(serial[1] & 0x80 != 0);
        assert_eq!(
            tbs.validity.not_before.to_unix_duration().as_millis() as u64,
            NOW_MS - NOT_BEFORE_BACKDATE_MS
        );
        assert!(matches!(tbs.validity.not_after, Time::UtcTime(_)));
    }

    #[test]
    fn self_signature_verifies() {
        use p256::ecdsa::signature::Verifier;
        let cert = generate(2);
        let x509 = parsed(&cert);
        let tbs = x509.tbs_certificate.to_der().unwrap();
        let signature =
            p256::ecdsa::Signature::from_der(x509.signature.as_bytes().unwrap()).unwrap();
        cert.ecdsa_verifying_key().verify(&tbs, &signature).unwrap();
    }

    #[test]
    fn expires_is_not_after_truncated_to_seconds() {
        let mut random = Random::from_seed([3; 32]);
        let cert = Certificate::generate_ecdsa_p256(&mut random, NOW_MS, NOW_MS + 1_234).unwrap();
        assert_eq!(cert.expires_ms(), NOW_MS + 1_000);
        assert_eq!(generate(3).expires_ms(), NOW_MS + THIRTY_DAYS_MS);
    }

    #[test]
    fn times_after_2049_use_generalized_time() {
        // 2050-01-01T00:00:00Z.
        let expires = 2_524_608_000_000;
        let mut random = Random::from_seed([4; 32]);
        let cert = Certificate::generate_ecdsa_p256(&mut random, NOW_MS, expires).unwrap();
        assert!(matches!(
            parsed(&cert).tbs_certificate.validity.not_after,
            Time::GeneralTime(_)
        ));
        assert_eq!(cert.expires_ms(), expires);
    }

    #[test]
    fn impossible_times_are_errors() {
        let mut random = Random::from_seed([5; 32]);
        // Beyond year 9999.
        assert!(Certificate::generate_ecdsa_p256(&mut random, NOW_MS, u64::MAX).is_err());
        // Expiring before notBefore.
        assert!(Certificate::generate_ecdsa_p256(&mut random, NOW_MS, 1_000).is_err());
        // A host clock stuck at the epoch still works: notBefore saturates at 0.
        assert!(Certificate::generate_ecdsa_p256(&mut random, 0, THIRTY_DAYS_MS).is_ok());
    }

    #[test]
    fn same_seed_same_certificate() {
        let (a, b) = (generate(7), generate(7));
        assert_eq!(a.der(), b.der());
        assert_eq!(a.private_key_pkcs8_der(), b.private_key_pkcs8_der());
    }

    #[test]
    fn different_seeds_differ_in_serial_and_key() {
        let (a, b) = (generate(8), generate(9));
        let (xa, xb) = (parsed(&a), parsed(&b));
        assert_ne!(
            xa.tbs_certificate.serial_number,
            xb.tbs_certificate.serial_number
        );
        assert_ne!(
            xa.tbs_certificate.subject_public_key_info,
            xb.tbs_certificate.subject_public_key_info
        );
        assert_ne!(a.private_key_pkcs8_der(), b.private_key_pkcs8_der());
        assert_ne!(a.fingerprint_sha256(), b.fingerprint_sha256());
    }

    #[test]
    fn fingerprints() {
        let cert = generate(10);
        let sha256 = cert.fingerprint_sha256();
        assert_eq!(sha256.len(), 32);
        assert_eq!(cert.fingerprint("sha-256"), Some(sha256.clone()));
        assert_eq!(cert.fingerprint("SHA-256"), Some(sha256));
        assert_eq!(cert.fingerprint("sha-224").map(|f| f.len()), Some(28));
        assert_eq!(cert.fingerprint("sha-384").map(|f| f.len()), Some(48));
        assert_eq!(cert.fingerprint("sha-512").map(|f| f.len()), Some(64));
        assert_eq!(cert.fingerprint("sha-1"), None);
        assert_eq!(cert.fingerprint("md5"), None);
        assert_eq!(cert.fingerprint(""), None);
    }

    #[test]
    fn format_fingerprint_cases() {
        assert_eq!(format_fingerprint(&[], true), "");
        assert_eq!(format_fingerprint(&[0x0a], true), "0A");
        assert_eq!(
            format_fingerprint(&[0x0a, 0xbc, 0xff, 0x00], true),
            "0A:BC:FF:00"
        );
        assert_eq!(
            format_fingerprint(&[0x0a, 0xbc, 0xff, 0x00], false),
            "0a:bc:ff:00"
        );
    }

    #[test]
    fn pem_wraps_base64_of_der() {
        let cert = generate(11);
        let pem = cert.to_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
        let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(body.iter().all(|l| l.len() <= 64));
        assert!(body[..body.len() - 1].iter().all(|l| l.len() == 64));
        // Cross-check against der's own PEM encoder.
        let expected =
            der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert.der()).unwrap();
        assert_eq!(pem, expected);
        // Every padding case: 0, 1 and 2 bytes left over.
        assert_eq!(super::pem("X", b""), "-----BEGIN X-----\n-----END X-----\n");
        assert!(super::pem("X", b"a").contains("\nYQ==\n"));
        assert!(super::pem("X", b"ab").contains("\nYWI=\n"));
        assert!(super::pem("X", b"abc").contains("\nYWJj\n"));
    }

    #[test]
    fn sign_is_deterministic_and_verifies() {
        use p256::ecdsa::signature::Verifier;
        let cert = generate(12);
        let mut random = Random::from_seed([12; 32]);
        let message = b"client random || server random || params";
        let signature = cert.sign(ECDSA_SECP256R1_SHA256, message, &mut random).unwrap();
        assert_eq!(
            Some(signature.clone()),
            cert.sign(ECDSA_SECP256R1_SHA256, message, &mut random)
        );
        assert_eq!(cert.sign(RSA_PKCS1_SHA256, message, &mut random), None);
        let parsed = p256::ecdsa::Signature::from_der(&signature).unwrap();
        cert.ecdsa_verifying_key()
            .verify(b"client random || server random || params", &parsed)
            .unwrap();
        assert!(cert
            .ecdsa_verifying_key()
            .verify(b"something else", &parsed)
            .is_err());
    }

    #[test]
    fn from_parts_round_trips() {
        let cert = generate(13);
        let back = Certificate::from_parts(cert.der(), &cert.private_key_pkcs8_der()).unwrap();
        assert_eq!(back.der(), cert.der());
        assert_eq!(back.expires_ms(), cert.expires_ms());
        assert_eq!(back.fingerprint_sha256(), cert.fingerprint_sha256());
        assert_eq!(back.private_key_pkcs8_der(), cert.private_key_pkcs8_der());
        let mut random = Random::from_seed([13; 32]);
        assert_eq!(
            back.sign(ECDSA_SECP256R1_SHA256, b"m", &mut random),
            cert.sign(ECDSA_SECP256R1_SHA256, b"m", &mut random)
        );
    }

    #[test]
    fn from_parts_rejects_a_foreign_key() {
        let (a, b) = (generate(14), generate(15));
        let err = Certificate::from_parts(a.der(), &b.private_key_pkcs8_der()).unwrap_err();
        assert_eq!(err.name, crate::error::ErrorName::InvalidAccessError);
    }

    #[test]
    fn from_parts_rejects_garbage() {
        let cert = generate(16);
        let key = cert.private_key_pkcs8_der();
        assert!(Certificate::from_parts(&[], &key).is_err());
        assert!(Certificate::from_parts(b"not a certificate", &key).is_err());
        assert!(Certificate::from_parts(cert.der(), &[]).is_err());
        assert!(Certificate::from_parts(cert.der(), b"not a key").is_err());
        // Trailing bytes and truncation.
        let mut long = cert.der().to_vec();
        long.push(0);
        assert!(Certificate::from_parts(&long, &key).is_err());
        assert!(Certificate::from_parts(&cert.der()[..cert.der().len() - 1], &key).is_err());
        assert!(Certificate::from_parts(cert.der(), &key[..key.len() - 1]).is_err());
        // Parts swapped.
        assert!(Certificate::from_parts(&key, cert.der()).is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let cert = generate(17);
        let debug = format!("{cert:?}");
        assert!(debug.contains(&format_fingerprint(&cert.fingerprint_sha256(), true)));
        assert!(!debug.contains("SigningKey"));
    }

    /// RSA keys are slow to make in debug builds; the tests share a few,
    /// 1024-bit but for the one that checks 2048.
    fn rsa(seed: u8) -> Certificate {
        let mut random = Random::from_seed([seed; 32]);
        Certificate::generate_rsa(&mut random, 1024, 65537, NOW_MS, NOW_MS + THIRTY_DAYS_MS).unwrap()
    }

    fn rsa_public(cert: &Certificate) -> RsaPublicKey {
        let spki = parsed(cert).tbs_certificate.subject_public_key_info.to_der().unwrap();
        rsa_public_key(&spki).unwrap()
    }

    #[test]
    fn rsa_contents_are_chromiums() {
        let mut random = Random::from_seed([40; 32]);
        let cert = Certificate::generate_rsa(&mut random, 2048, 65537, NOW_MS, NOW_MS + THIRTY_DAYS_MS).unwrap();
        assert_eq!(cert.key_type(), KeyType::Rsa);
        let x509 = parsed(&cert);
        let tbs = &x509.tbs_certificate;
        assert_eq!(tbs.version, Version::V3);
        assert_eq!(tbs.subject.to_string(), "CN=WebRTC");
        assert_eq!(tbs.issuer, tbs.subject);
        assert!(tbs.extensions.is_none());
        assert_eq!(tbs.signature.oid, SHA256_WITH_RSA_ENCRYPTION);
        assert_eq!(tbs.signature.parameters, Some(Any::null()));
        assert_eq!(x509.signature_algorithm, tbs.signature);
        assert_eq!(tbs.subject_public_key_info.algorithm.oid, rsa::pkcs1::ALGORITHM_OID);
        let key = rsa_public(&cert);
        assert_eq!(key.n().bits(), 2048);
        assert_eq!(key.e(), &BigUint::from(65537u32));
        assert_eq!(cert.expires_ms(), NOW_MS + THIRTY_DAYS_MS);
        assert_eq!(cert.signature_schemes(), RSA_SCHEMES);
        assert_eq!(
            tbs.validity.not_before.to_unix_duration().as_millis() as u64,
            NOW_MS - NOT_BEFORE_BACKDATE_MS
        );
        // The self-signature verifies as sha256WithRSAEncryption.
        use rsa::signature::Verifier;
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
        let signature = rsa::pkcs1v15::Signature::try_from(x509.signature.raw_bytes()).unwrap();
        verifier.verify(&tbs.to_der().unwrap(), &signature).unwrap();
    }

    #[test]
    fn rsa_parameters_follow_chromium() {
        let mut random = Random::from_seed([41; 32]);
        let mut try_make = |bits, exponent| {
            Certificate::generate_rsa(&mut random, bits, exponent, NOW_MS, NOW_MS + 1000).map(|c| c.key_type())
        };
        for (bits, exponent) in [(1023, 65537), (8193, 65537), (16384, 65537), (1024, 3), (1024, 17), (2048, 2048), (1024, 0), (1024, 65538), (1024, 1 << 31)] {
            let err = try_make(bits, exponent).unwrap_err();
            assert_eq!(err.name, ErrorName::NotSupportedError, "{bits} {exponent}");
        }
        // Odd exponents above the modulus size, as Chromium takes them.
        assert_eq!(try_make(1024, 1025).unwrap(), KeyType::Rsa);
        assert_eq!(try_make(1031, 0x7fff_ffff).unwrap(), KeyType::Rsa);
        // Times are checked as for ECDSA.
        assert!(Certificate::generate_rsa(&mut random, 1024, 65537, NOW_MS, 1_000).is_err());
    }

    #[test]
    fn rsa_from_parts_round_trips_and_signs() {
        use rsa::signature::Verifier;
        let cert = rsa(42);
        let key = cert.private_key_pkcs8_der();
        let back = Certificate::from_parts(cert.der(), &key).unwrap();
        assert_eq!(back.key_type(), KeyType::Rsa);
        assert_eq!(back.der(), cert.der());
        assert_eq!(back.private_key_pkcs8_der(), key);
        assert_eq!(back.expires_ms(), cert.expires_ms());
        let public = rsa_public(&cert);
        let mut random = Random::from_seed([42; 32]);
        // PKCS #1 v1.5 is deterministic, blinding or not.
        let pkcs1 = back.sign(RSA_PKCS1_SHA256, b"transcript", &mut random).unwrap();
        assert_eq!(Some(pkcs1.clone()), cert.sign(RSA_PKCS1_SHA256, b"transcript", &mut random));
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public.clone());
        let signature = rsa::pkcs1v15::Signature::try_from(pkcs1.as_slice()).unwrap();
        verifier.verify(b"transcript", &signature).unwrap();
        assert!(verifier.verify(b"transcripT", &signature).is_err());
        // Every scheme we list signs; the peer's view verifies it.
        let peer = super::super::signature::PeerKey::from_certificate(cert.der()).unwrap();
        assert!(!cert.signature_schemes().contains(&RSA_PSS_RSAE_SHA512), "too long for 1024 bits");
        assert_eq!(cert.signature_schemes().len(), 5);
        for scheme in cert.signature_schemes() {
            let signature = back.sign(scheme, b"m", &mut random).unwrap();
            assert!(peer.verify(scheme, b"m", &signature), "{scheme:#06x}");
        }
        assert_eq!(back.sign(ECDSA_SECP256R1_SHA256, b"m", &mut random), None);
        assert!(format!("{back:?}").contains("Rsa"));
    }

    #[test]
    fn rsa_from_parts_rejects_foreign_and_mixed_keys() {
        let (a, b, ecdsa) = (rsa(43), rsa(44), generate(45));
        for (cert, key) in [
            (a.der(), b.private_key_pkcs8_der()),
            (a.der(), ecdsa.private_key_pkcs8_der()),
            (ecdsa.der(), a.private_key_pkcs8_der()),
        ] {
            let err = Certificate::from_parts(cert, &key).unwrap_err();
            assert_eq!(err.name, crate::error::ErrorName::InvalidAccessError);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn corrupted_rsa_parts_never_panic(index in 0usize..2000, value in any::<u8>(), in_key in any::<bool>()) {
            let good = rsa(46);
            let (mut der, mut key) = (good.der().to_vec(), good.private_key_pkcs8_der());
            if in_key {
                let i = index % key.len();
                key[i] = value;
            } else {
                let i = index % der.len();
                der[i] = value;
            }
            let _ = Certificate::from_parts(&der, &key);
        }
    }

    proptest! {
        #[test]
        fn from_parts_never_panics(cert in proptest::collection::vec(any::<u8>(), 0..600),
                                   key in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Certificate::from_parts(&cert, &key);
        }

        #[test]
        fn corrupted_certificates_never_panic(index in 0usize..1000, value in any::<u8>()) {
            let good = generate(18);
            let mut der = good.der().to_vec();
            let i = index % der.len();
            der[i] = value;
            let key = good.private_key_pkcs8_der();
            if let Ok(back) = Certificate::from_parts(&der, &key) {
                // Only a change outside the public key can still match the key.
                prop_assert_eq!(back.der(), &der[..]);
            }
        }

        #[test]
        fn corrupted_keys_never_panic(index in 0usize..1000, value in any::<u8>()) {
            let good = generate(19);
            let mut key = good.private_key_pkcs8_der();
            let i = index % key.len();
            key[i] = value;
            let _ = Certificate::from_parts(good.der(), &key);
        }
    }
}
