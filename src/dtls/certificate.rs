//! The DTLS certificate every peer presents: a self-signed X.509 certificate
//! (RFC 5280) over an ECDSA P-256 key, as webrtc-pc §4.9 (`RTCCertificate`,
//! `generateCertificate({name: "ECDSA", namedCurve: "P-256"})`) makes, and its
//! fingerprint as carried in SDP's `a=fingerprint` (RFC 8122 §5).
//!
//! WebRTC does not use a PKI: nobody checks the chain, the name or the
//! validity of a peer's certificate. The certificate only binds the key used
//! in the DTLS handshake to the fingerprint exchanged in the (signalled,
//! hopefully authenticated) SDP. Its contents therefore copy Chromium's
//! (`rtc_base/openssl_key_pair.cc`, `openssl_certificate.cc`) so that a
//! wasmrtc peer looks like any other: version 3, a random 64-bit serial,
//! `CN=WebRTC` as both subject and issuer, notBefore one day in the past to
//! absorb clock skew, no extensions, signed with ecdsa-with-SHA256.
//!
//! Sans-IO: the clock (`now_ms`, `expires_ms`) and the randomness (`Random`)
//! are passed in. Nothing here can panic on input: malformed DER and keys
//! come back as errors.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use der::asn1::{BitString, GeneralizedTime, UtcTime};
use der::{DateTime, Decode, Encode};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::elliptic_curve::zeroize::Zeroize;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use p256::FieldBytes;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{TbsCertificate, Version};

use crate::error::RtcError;
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

/// A local DTLS identity: the P-256 signing key, the DER certificate over its
/// public key, and the certificate's notAfter.
#[derive(Clone)]
pub struct Certificate {
    key: SigningKey,
    der: Vec<u8>,
    expires_ms: u64,
}

// Never print the private key; the fingerprint identifies the certificate.
impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field(
                "fingerprint_sha256",
                &format_fingerprint(&self.fingerprint_sha256(), true),
            )
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Generates a fresh key and a self-signed certificate for it.
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
        let key = generate_key(random)?;

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
        let subject_public_key_info =
            SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).map_err(spki_error)?;
        // RFC 5758 §3.2: ecdsa-with-SHA256 carries no parameters.
        let signature_algorithm = AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
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
        let signature: DerSignature = key.sign(&tbs_der);
        let certificate = x509_cert::Certificate {
            tbs_certificate,
            signature_algorithm,
            signature: BitString::from_bytes(signature.as_bytes()).map_err(der_error)?,
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
    /// P-256 key whose public half is the certificate's.
    pub fn from_parts(cert_der: &[u8], pkcs8_key_der: &[u8]) -> Result<Certificate, RtcError> {
        let certificate = x509_cert::Certificate::from_der(cert_der)
            .map_err(|e| RtcError::invalid_access(format!("malformed certificate: {e}")))?;
        let spki_der = certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(der_error)?;
        let cert_key = VerifyingKey::from_public_key_der(&spki_der).map_err(|_| {
            RtcError::invalid_access("certificate does not hold an ECDSA P-256 public key")
        })?;
        let key = SigningKey::from_pkcs8_der(pkcs8_key_der)
            .map_err(|_| RtcError::invalid_access("malformed or non-P-256 PKCS #8 private key"))?;
        if *key.verifying_key() != cert_key {
            return Err(RtcError::invalid_access(
                "private key does not match the certificate",
            ));
        }
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
        // Encoding a valid in-memory P-256 key cannot fail; an empty result
        // would make a later from_parts fail cleanly rather than panic here.
        match self.key.to_pkcs8_der() {
            Ok(document) => document.as_bytes().to_vec(),
            Err(_) => Vec::new(),
        }
    }

    /// Signs `message` with ECDSA over SHA-256 and returns the DER-encoded
    /// signature (RFC 3279 `Ecdsa-Sig-Value`), as DTLS's CertificateVerify
    /// and ServerKeyExchange carry it. Deterministic (RFC 6979): the same
    /// key and message always give the same signature, and no randomness
    /// is needed.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: DerSignature = self.key.sign(message);
        signature.as_bytes().to_vec()
    }
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

/// PEM (RFC 7468) with 64-column base64 lines, written here so the output
/// does not depend on which optional features of `der` are switched on.
fn pem(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut base64 = String::with_capacity(der.len().div_ceil(3) * 4);
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                base64.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
            } else {
                base64.push('=');
            }
        }
    }
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
        cert.key.verifying_key().verify(&tbs, &signature).unwrap();
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
        let signature = cert.sign(b"client random || server random || params");
        assert_eq!(
            signature,
            cert.sign(b"client random || server random || params")
        );
        let parsed = p256::ecdsa::Signature::from_der(&signature).unwrap();
        cert.key
            .verifying_key()
            .verify(b"client random || server random || params", &parsed)
            .unwrap();
        assert!(cert
            .key
            .verifying_key()
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
        assert_eq!(back.sign(b"m"), cert.sign(b"m"));
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
