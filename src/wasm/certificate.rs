//! RTCPeerConnection.generateCertificate() (webrtc-pc §4.9): the key pair
//! and self-signed certificate are made in the core, with its random source.

use wasm_bindgen::prelude::*;

use crate::dtls::certificate::{format_fingerprint, Certificate};

use super::error::CoreError;
use super::random;

/// A new certificate: its DER, its PKCS#8 key, when it expires (ms since
/// the epoch), and its sha-256 fingerprint in lowercase hex pairs, as
/// RTCCertificate.getFingerprints() gives it.
#[wasm_bindgen]
pub struct CertificateMaterial {
    certificate: Certificate,
}

#[wasm_bindgen]
impl CertificateMaterial {
    #[wasm_bindgen(getter)]
    pub fn der(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(self.certificate.der())
    }

    #[wasm_bindgen(getter)]
    pub fn key(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(self.certificate.private_key_pkcs8_der().as_slice())
    }

    #[wasm_bindgen(getter)]
    pub fn expires(&self) -> f64 {
        self.certificate.expires_ms() as f64
    }

    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        format_fingerprint(&self.certificate.fingerprint_sha256(), false)
    }
}

/// A new ECDSA P-256 certificate valid until `expires_ms`.
#[wasm_bindgen(js_name = generateCertificate)]
pub fn generate_certificate(now_ms: f64, expires_ms: f64) -> Result<CertificateMaterial, CoreError> {
    let certificate =
        Certificate::generate_ecdsa_p256(&mut random()?, now_ms.max(0.0) as u64, expires_ms.max(0.0) as u64)?;
    Ok(CertificateMaterial { certificate })
}

/// A new RSA certificate (`RSASSA-PKCS1-v1_5` with SHA-256):
/// `modulus_length` bits, `public_exponent` as a number; NotSupportedError
/// for what native Chromium refuses (see `Certificate::generate_rsa`).
#[wasm_bindgen(js_name = generateRsaCertificate)]
pub fn generate_rsa_certificate(
    now_ms: f64,
    expires_ms: f64,
    modulus_length: u32,
    public_exponent: f64,
) -> Result<CertificateMaterial, CoreError> {
    let certificate = Certificate::generate_rsa(
        &mut random()?,
        modulus_length as usize,
        public_exponent.max(0.0) as u64,
        now_ms.max(0.0) as u64,
        expires_ms.max(0.0) as u64,
    )?;
    Ok(CertificateMaterial { certificate })
}
