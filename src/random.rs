//! The core's one source of randomness. The host injects it: production seeds
//! a ChaCha20 generator from the platform's CSPRNG (src/wasm.rs), tests seed
//! it with a constant so that every run is reproducible.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// A cryptographically strong generator the core draws everything from:
/// ICE credentials, session ids, SSRCs, keys, nonces.
pub struct Random(ChaCha20Rng);

impl Random {
    /// A generator whose whole output follows from `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Random(ChaCha20Rng::from_seed(seed))
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        self.0.fill_bytes(buf);
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A string of `len` characters drawn from `alphabet`, unbiased.
    pub fn string_from(&mut self, alphabet: &[u8], len: usize) -> String {
        let limit = 256 - 256 % alphabet.len();
        let mut out = String::with_capacity(len);
        while out.len() < len {
            let b = (self.0.next_u32() & 0xff) as usize;
            if b < limit {
                out.push(alphabet[b % alphabet.len()] as char);
            }
        }
        out
    }
}

impl RngCore for Random {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.try_fill_bytes(dest)
    }
}

impl rand_core::CryptoRng for Random {}
