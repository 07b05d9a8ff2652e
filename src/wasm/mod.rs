//! The wasm-bindgen boundary, compiled for wasm32 only: the one place the
//! core meets the host. Everything crosses as a typed wasm-bindgen value,
//! so the generated pkg/wasmrtc.d.ts describes the whole boundary: the
//! [`Core`](core::Core) and its reads ([`values`]), its outputs and API
//! events ([`output`]), and the one error type ([`error`]) js/errors.js
//! maps to the exception webrtc-pc names. Text crosses only as SDP and as
//! the getStats() report (one JSON document per call); payload bytes cross
//! once each way, as Uint8Array.

mod capabilities;
mod certificate;
mod core;
mod error;
mod output;
mod values;

use crate::random::Random;

use error::CoreError;

/// The core's random source, seeded from the platform's CSPRNG.
fn random() -> Result<Random, CoreError> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|e| CoreError::from(crate::error::RtcError::operation(format!("no random source: {e}"))))?;
    Ok(Random::from_seed(seed))
}
