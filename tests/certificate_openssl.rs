//! Checks wasmrtc's DTLS certificate (src/dtls/certificate.rs) against
//! OpenSSL, the implementation most WebRTC stacks (Chromium via BoringSSL,
//! aiortc, libdatachannel) build on: it must parse the certificate, agree on
//! the fingerprint, accept the self-signature and verify our ECDSA
//! signatures. Integration tests may do I/O and read the clock; the core may
//! not, so the clock is read here and passed in.

// Native only: these tests use proptest, the file system or processes.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use wasmrtc::dtls::certificate::{
    format_fingerprint, Certificate, KeyType, ECDSA_SECP256R1_SHA256, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384,
    RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA512,
};
use wasmrtc::random::Random;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// 2025-01-01T00:00:00Z.
const FIXED_NOW_MS: u64 = 1_735_689_600_000;

/// A scratch directory unique to this process and test, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "wasmrtc-certificate-{}-{}",
            std::process::id(),
            test
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs openssl with `args`; returns (success, stdout + stderr).
fn openssl(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (bool, String) {
    let output = Command::new("openssl")
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("openssl must be installed (/usr/bin/openssl) to run these tests");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn openssl_ok(args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let (ok, text) = openssl(args);
    assert!(
        ok,
        "openssl {:?} failed:\n{text}",
        args.iter().map(|a| a.as_ref()).collect::<Vec<_>>()
    );
    text
}

// An integration test runs on the host, so it may read the wall clock that
// the core never does: `openssl verify` checks the dates against it.
#[allow(clippy::disallowed_methods)]
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn generate(seed: u8, now_ms: u64, expires_ms: u64) -> Certificate {
    let mut random = Random::from_seed([seed; 32]);
    Certificate::generate_ecdsa_p256(&mut random, now_ms, expires_ms).unwrap()
}

fn write_pem(scratch: &Scratch, cert: &Certificate) -> PathBuf {
    scratch.write("cert.pem", cert.to_pem())
}

#[test]
fn fingerprint_matches_openssl() {
    let scratch = Scratch::new("fingerprint");
    for seed in 0..4 {
        let cert = generate(seed, FIXED_NOW_MS, FIXED_NOW_MS + 30 * DAY_MS);
        let pem = write_pem(&scratch, &cert);
        let out = openssl_ok(&[
            &"x509",
            &"-noout",
            &"-fingerprint",
            &"-sha256",
            &"-in",
            &pem,
        ]);
        let expected = format_fingerprint(&cert.fingerprint_sha256(), true);
        // OpenSSL 3 prints "sha256 Fingerprint=AA:BB:...", 1.1 "SHA256 Fingerprint=...".
        let theirs = out.trim().rsplit('=').next().unwrap();
        assert_eq!(theirs, expected);
        for (algorithm, flag) in [("sha-384", "-sha384"), ("sha-512", "-sha512")] {
            let out = openssl_ok(&[&"x509", &"-noout", &"-fingerprint", &flag, &"-in", &pem]);
            let theirs = out.trim().rsplit('=').next().unwrap();
            assert_eq!(
                theirs,
                format_fingerprint(&cert.fingerprint(algorithm).unwrap(), true)
            );
        }
    }
}

#[test]
fn openssl_reads_the_contents() {
    let scratch = Scratch::new("text");
    let cert = generate(1, FIXED_NOW_MS, FIXED_NOW_MS + 30 * DAY_MS);
    let pem = write_pem(&scratch, &cert);
    let text = openssl_ok(&[&"x509", &"-noout", &"-text", &"-in", &pem]);
    for needle in [
        "Version: 3 (0x2)",
        "Signature Algorithm: ecdsa-with-SHA256",
        "Issuer: CN = WebRTC",
        "Subject: CN = WebRTC",
        "Public Key Algorithm: id-ecPublicKey",
        "Public-Key: (256 bit)",
        "NIST CURVE: P-256",
        "Not Before: Dec 31 00:00:00 2024 GMT",
        "Not After : Jan 31 00:00:00 2025 GMT",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(
        !text.contains("X509v3 extensions"),
        "unexpected extensions:\n{text}"
    );
    let dates = openssl_ok(&[&"x509", &"-noout", &"-enddate", &"-in", &pem]);
    assert_eq!(dates.trim(), "notAfter=Jan 31 00:00:00 2025 GMT");
    assert_eq!(cert.expires_ms(), FIXED_NOW_MS + 30 * DAY_MS);

    // Serial: positive, 64 bits (OpenSSL prints it in hex with -serial).
    let serial = openssl_ok(&[&"x509", &"-noout", &"-serial", &"-in", &pem]);
    let hex = serial.trim().strip_prefix("serial=").unwrap();
    assert_eq!(hex.len(), 16, "{serial}");

    // A notAfter past 2049 becomes a GeneralizedTime that OpenSSL reads too.
    let far = generate(2, FIXED_NOW_MS, 2_556_144_000_000); // 2051-01-01
    let pem = write_pem(&scratch, &far);
    let dates = openssl_ok(&[&"x509", &"-noout", &"-enddate", &"-in", &pem]);
    assert_eq!(dates.trim(), "notAfter=Jan  1 00:00:00 2051 GMT");
}

#[test]
fn openssl_verifies_the_self_signature() {
    let scratch = Scratch::new("verify");
    // Valid now by the real clock, as openssl verify checks the dates.
    let now = now_ms();
    let cert = generate(3, now, now + 30 * DAY_MS);
    let pem = write_pem(&scratch, &cert);
    let out = openssl_ok(&[&"verify", &"-CAfile", &pem, &pem]);
    assert!(out.contains(": OK"), "{out}");

    // And refuses it once expired, proving it did check the dates.
    let expired = generate(3, now - 60 * DAY_MS, now - 30 * DAY_MS);
    let pem = scratch.write("expired.pem", expired.to_pem());
    let (ok, out) = openssl(&[&"verify", &"-CAfile", &pem, &pem]);
    assert!(!ok, "{out}");
    assert!(out.contains("expired"), "{out}");
}

#[test]
fn openssl_verifies_our_signatures() {
    let scratch = Scratch::new("sign");
    let cert = generate(4, FIXED_NOW_MS, FIXED_NOW_MS + DAY_MS);
    let pem = write_pem(&scratch, &cert);
    let pubkey = scratch.path("pub.pem");
    openssl_ok(&[
        &"x509", &"-noout", &"-pubkey", &"-in", &pem, &"-out", &pubkey,
    ]);

    for (i, message) in [&b""[..], b"hello", &[0xa5; 1000][..]].iter().enumerate() {
        let msg = scratch.write(&format!("msg{i}"), message);
        let sig = scratch.write(&format!("sig{i}"), cert.sign(ECDSA_SECP256R1_SHA256, message, &mut Random::from_seed([0; 32])).unwrap());
        let out = openssl_ok(&[
            &"dgst",
            &"-sha256",
            &"-verify",
            &pubkey,
            &"-signature",
            &sig,
            &msg,
        ]);
        assert!(out.contains("Verified OK"), "{out}");
    }

    // A signature over a different message must not verify.
    let msg = scratch.write("other", b"hellO");
    let sig = scratch.write("sig-other", cert.sign(ECDSA_SECP256R1_SHA256, b"hello", &mut Random::from_seed([0; 32])).unwrap());
    let (ok, out) = openssl(&[
        &"dgst",
        &"-sha256",
        &"-verify",
        &pubkey,
        &"-signature",
        &sig,
        &msg,
    ]);
    assert!(!ok, "{out}");
}

#[test]
fn openssl_reads_the_private_key() {
    let scratch = Scratch::new("key");
    let cert = generate(5, FIXED_NOW_MS, FIXED_NOW_MS + DAY_MS);
    let pem = write_pem(&scratch, &cert);
    let key = scratch.write("key.der", cert.private_key_pkcs8_der());
    openssl_ok(&[
        &"pkey", &"-inform", &"DER", &"-in", &key, &"-check", &"-noout",
    ]);
    let from_key = openssl_ok(&[&"pkey", &"-inform", &"DER", &"-in", &key, &"-pubout"]);
    let from_cert = openssl_ok(&[&"x509", &"-noout", &"-pubkey", &"-in", &pem]);
    assert_eq!(from_key, from_cert);

    // OpenSSL signs with our stored key; the signature verifies against our cert.
    let msg = scratch.write("msg", b"signed by openssl");
    let sig = scratch.path("sig");
    openssl_ok(&[
        &"dgst",
        &"-sha256",
        &"-keyform",
        &"DER",
        &"-sign",
        &key,
        &"-out",
        &sig,
        &msg,
    ]);
    let pubkey = scratch.write("pub.pem", from_cert);
    let out = openssl_ok(&[
        &"dgst",
        &"-sha256",
        &"-verify",
        &pubkey,
        &"-signature",
        &sig,
        &msg,
    ]);
    assert!(out.contains("Verified OK"), "{out}");
}

/// Makes a self-signed certificate and PKCS #8 key with OpenSSL; returns
/// their DER.
fn openssl_identity(scratch: &Scratch, name: &str, newkey: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let key_pem = scratch.path(&format!("{name}.key.pem"));
    let cert_pem = scratch.path(&format!("{name}.cert.pem"));
    let key_der = scratch.path(&format!("{name}.key.der"));
    let cert_der = scratch.path(&format!("{name}.cert.der"));
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"req", &"-x509", &"-nodes"];
    for a in newkey {
        args.push(a);
    }
    args.extend_from_slice(&[
        &"-keyout",
        &key_pem,
        &"-out",
        &cert_pem,
        &"-subj",
        &"/CN=openssl",
        &"-days",
        &"1",
    ]);
    openssl_ok(&args);
    openssl_ok(&[
        &"x509",
        &"-in",
        &cert_pem,
        &"-outform",
        &"DER",
        &"-out",
        &cert_der,
    ]);
    openssl_ok(&[
        &"pkcs8",
        &"-topk8",
        &"-nocrypt",
        &"-in",
        &key_pem,
        &"-outform",
        &"DER",
        &"-out",
        &key_der,
    ]);
    (
        std::fs::read(&cert_der).unwrap(),
        std::fs::read(&key_der).unwrap(),
    )
}

#[test]
fn from_parts_accepts_openssl_p256_and_rejects_other_keys() {
    let scratch = Scratch::new("import");
    let (cert_der, key_der) = openssl_identity(
        &scratch,
        "p256",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let cert = Certificate::from_parts(&cert_der, &key_der).unwrap();
    let pem = scratch.write("p256.pem", cert.to_pem());
    let out = openssl_ok(&[
        &"x509",
        &"-noout",
        &"-fingerprint",
        &"-sha256",
        &"-in",
        &pem,
    ]);
    assert_eq!(
        out.trim().rsplit('=').next().unwrap(),
        format_fingerprint(&cert.fingerprint_sha256(), true)
    );
    // Our signature with the imported key verifies under OpenSSL.
    let pubkey = scratch.path("p256.pub.pem");
    openssl_ok(&[
        &"x509", &"-noout", &"-pubkey", &"-in", &pem, &"-out", &pubkey,
    ]);
    let msg = scratch.write("msg", b"imported");
    let sig = scratch.write("sig", cert.sign(ECDSA_SECP256R1_SHA256, b"imported", &mut Random::from_seed([0; 32])).unwrap());
    let out = openssl_ok(&[
        &"dgst",
        &"-sha256",
        &"-verify",
        &pubkey,
        &"-signature",
        &sig,
        &msg,
    ]);
    assert!(out.contains("Verified OK"), "{out}");

    // A P-384 identity is refused, not mis-read.
    let (cert_der, key_der) = openssl_identity(
        &scratch,
        "p384",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
    );
    assert!(Certificate::from_parts(&cert_der, &key_der).is_err());
    // An RSA identity of OpenSSL's is taken, and signs as it should.
    let (rsa_cert, rsa_key) = openssl_identity(&scratch, "rsa", &["-newkey", "rsa:2048"]);
    let imported = Certificate::from_parts(&rsa_cert, &rsa_key).unwrap();
    assert_eq!(imported.key_type(), KeyType::Rsa);
    let pem = scratch.write("rsa.pem", imported.to_pem());
    let pubkey = scratch.path("rsa.pub.pem");
    openssl_ok(&[&"x509", &"-noout", &"-pubkey", &"-in", &pem, &"-out", &pubkey]);
    let sig = scratch.write("rsa.sig", imported.sign(RSA_PKCS1_SHA256, b"imported", &mut Random::from_seed([0; 32])).unwrap());
    let out = openssl_ok(&[&"dgst", &"-sha256", &"-verify", &pubkey, &"-signature", &sig, &msg]);
    assert!(out.contains("Verified OK"), "{out}");
    // A P-256 key under an RSA certificate is a mismatch.
    assert!(Certificate::from_parts(&rsa_cert, &key_der).is_err());

    // Ours with OpenSSL's key, and OpenSSL's with ours: mismatches.
    let ours = generate(6, FIXED_NOW_MS, FIXED_NOW_MS + DAY_MS);
    let (p256_cert, p256_key) = (cert.der().to_vec(), cert.private_key_pkcs8_der());
    assert!(Certificate::from_parts(ours.der(), &p256_key).is_err());
    assert!(Certificate::from_parts(&p256_cert, &ours.private_key_pkcs8_der()).is_err());
}

/// Our RSA certificate (`generateCertificate({name: "RSASSA-PKCS1-v1_5",
/// modulusLength: 2048, publicExponent: 65537, hash: "SHA-256"})`) as
/// OpenSSL reads it: rsaEncryption key, sha256WithRSAEncryption
/// self-signature that verifies, the same fingerprint, the key readable,
/// and our PKCS #1 v1.5 and PSS signatures verifying.
#[test]
fn openssl_reads_and_verifies_our_rsa_certificate() {
    let scratch = Scratch::new("rsa");
    let now = now_ms();
    let mut random = Random::from_seed([7; 32]);
    let cert = Certificate::generate_rsa(&mut random, 2048, 65537, now, now + 30 * DAY_MS).unwrap();
    let pem = write_pem(&scratch, &cert);
    let text = openssl_ok(&[&"x509", &"-noout", &"-text", &"-in", &pem]);
    for needle in [
        "Version: 3 (0x2)",
        "Signature Algorithm: sha256WithRSAEncryption",
        "Issuer: CN = WebRTC",
        "Subject: CN = WebRTC",
        "Public Key Algorithm: rsaEncryption",
        "Public-Key: (2048 bit)",
        "Exponent: 65537 (0x10001)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("X509v3 extensions"), "unexpected extensions:\n{text}");
    let out = openssl_ok(&[&"x509", &"-noout", &"-fingerprint", &"-sha256", &"-in", &pem]);
    assert_eq!(
        out.trim().rsplit('=').next().unwrap(),
        format_fingerprint(&cert.fingerprint_sha256(), true)
    );
    let out = openssl_ok(&[&"verify", &"-CAfile", &pem, &pem]);
    assert!(out.contains(": OK"), "{out}");

    let key = scratch.write("key.der", cert.private_key_pkcs8_der());
    openssl_ok(&[&"pkey", &"-inform", &"DER", &"-in", &key, &"-check", &"-noout"]);
    let from_key = openssl_ok(&[&"pkey", &"-inform", &"DER", &"-in", &key, &"-pubout"]);
    let from_cert = openssl_ok(&[&"x509", &"-noout", &"-pubkey", &"-in", &pem]);
    assert_eq!(from_key, from_cert);

    let pubkey = scratch.path("pub.pem");
    openssl_ok(&[&"x509", &"-noout", &"-pubkey", &"-in", &pem, &"-out", &pubkey]);
    let msg = scratch.write("msg", b"client random || server random || params");
    for (scheme, digest, pss) in [
        (RSA_PKCS1_SHA256, "-sha256", false),
        (RSA_PSS_RSAE_SHA256, "-sha256", true),
        (RSA_PKCS1_SHA384, "-sha384", false),
        (RSA_PSS_RSAE_SHA512, "-sha512", true),
    ] {
        let signature = cert.sign(scheme, b"client random || server random || params", &mut random).unwrap();
        let sig = scratch.write(&format!("sig{scheme}"), signature);
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"dgst", &digest, &"-verify", &pubkey, &"-signature", &sig];
        if pss {
            args.extend_from_slice(&[&"-sigopt", &"rsa_padding_mode:pss", &"-sigopt", &"rsa_pss_saltlen:digest"]);
        }
        args.push(&msg);
        let out = openssl_ok(&args);
        assert!(out.contains("Verified OK"), "{scheme:#06x}: {out}");
    }
}
