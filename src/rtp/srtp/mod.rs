//! SRTP and SRTCP (RFC 3711) with the two profiles WebRTC uses over
//! DTLS-SRTP (RFC 5764): SRTP_AES128_CM_HMAC_SHA1_80 and SRTP_AEAD_AES_128_GCM
//! (RFC 7714).
//!
//! - `kdf`: session keys from the master key (RFC 3711 §4.3).
//! - `cipher`: the per-packet transforms of both profiles.
//! - `index`: the roll-over counter estimate (RFC 3711 §3.3.1, Appendix A).
//! - `replay`: the replay window (RFC 3711 §3.3.2).
//! - [`SrtpContext`]: one direction, keyed per SSRC, with its counters.
//! - [`SrtpSession`]: both directions from the DTLS exporter (RFC 5764 §4.2).
//!
//! Protection works in place on the caller's `Vec<u8>`: protecting appends
//! the tag, unprotecting truncates it, and a refused packet is left as it
//! came, so the hot path allocates nothing.

mod cipher;
mod context;
mod index;
mod kdf;
mod keying;
mod replay;

pub use crate::dtls::SrtpProfile;
pub use context::{SrtpContext, SrtpCounters};
pub use keying::SrtpSession;
pub use replay::REPLAY_WINDOW;

/// Why a packet was not protected or unprotected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrtpError {
    #[error("not an RTP or RTCP packet")]
    Malformed,
    #[error("packet too short for its header and authentication tag")]
    Truncated,
    #[error("authentication tag does not verify")]
    AuthenticationFailed,
    #[error("packet replayed or older than the replay window")]
    Replayed,
    #[error("master key or salt of the wrong length for the profile")]
    KeyLength,
    #[error("SRTCP index exhausted: the session needs new keys")]
    IndexExhausted,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::cipher::SessionCipher;

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    /// RFC 3711 Appendix B.2: the AES-CM keystream with SSRC 0 and index 0,
    /// including the blocks at counters 0xfeff..0xff01.
    #[test]
    fn rfc3711_b2_aes_cm_keystream() {
        let key: [u8; 16] = hex("2B7E151628AED2A6ABF7158809CF4F3C").try_into().unwrap();
        let salt: [u8; 14] = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD").try_into().unwrap();
        let cipher = SessionCipher::aes_cm(&key, salt, &[0; 20]);
        let mut packet = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        packet.resize(12 + 16 * 0xff02, 0);
        cipher.protect_rtp(&mut packet, 12, 0, 0, 0);
        let stream = &packet[12..12 + 16 * 0xff02];
        assert_eq!(
            stream[..48].to_vec(),
            hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0")
        );
        assert_eq!(
            stream[16 * 0xfeff..].to_vec(),
            hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44")
        );
    }

    fn rfc7714_cipher() -> SessionCipher {
        let key: [u8; 16] = hex("000102030405060708090a0b0c0d0e0f").try_into().unwrap();
        SessionCipher::gcm(&key, hex("517569642070726f2071756f").try_into().unwrap())
    }

    const RFC7714_RTP: &str = "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
                               20646976 69736120 696e2070 61727465 73207472 6573";
    const RFC7714_SRTP: &str = "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
                                be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
                                6a9152cf 765ee439 0cce";

    /// RFC 7714 §16.1: AEAD_AES_128_GCM over the "Gallia est omnis" packet.
    #[test]
    fn rfc7714_16_srtp_aead_aes_128_gcm() {
        let cipher = rfc7714_cipher();
        let mut packet = hex(RFC7714_RTP);
        cipher.protect_rtp(&mut packet, 12, 0x5501a0b2, 0, 0xf17b);
        assert_eq!(packet, hex(RFC7714_SRTP));
        cipher.unprotect_rtp(&mut packet, 12, 0x5501a0b2, 0, 0xf17b).unwrap();
        assert_eq!(packet, hex(RFC7714_RTP));
    }

    const RFC7714_RTCP: &str = "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
                                4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef";
    const RFC7714_SRTCP: &str = "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7
                                 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458
                                 96cf4d2f c5abf872 45d9eade 800005d4";

    /// RFC 7714 §17.1: SRTCP with the E flag set and index 0x5d4; the
    /// E||index word follows the tag.
    #[test]
    fn rfc7714_17_srtcp_aead_aes_128_gcm() {
        let cipher = rfc7714_cipher();
        let mut packet = hex(RFC7714_RTCP);
        cipher.protect_rtcp(&mut packet, 0x4d617273, 0x5d4);
        assert_eq!(packet, hex(RFC7714_SRTCP));
        let e_index = cipher.srtcp_e_index(&packet).unwrap();
        assert_eq!(e_index, (true, 0x5d4));
        cipher.unprotect_rtcp(&mut packet, 0x4d617273, e_index).unwrap();
        assert_eq!(packet, hex(RFC7714_RTCP));
    }

    /// An authentication-only SRTCP packet (E = 0) under AES-GCM verifies,
    /// and a forged one is left unchanged.
    #[test]
    fn gcm_srtcp_without_encryption() {
        let cipher = rfc7714_cipher();
        let plain = hex(RFC7714_RTCP);
        // Build E=0 by hand: AAD = packet || E||index, empty plaintext.
        use aes_gcm::aead::AeadInPlace;
        let SessionCipher::Gcm { aead, salt } = &cipher else { unreachable!() };
        let mut iv = [0u8; 12];
        iv[2..6].copy_from_slice(&0x4d617273u32.to_be_bytes());
        iv[8..12].copy_from_slice(&0x5d4u32.to_be_bytes());
        for (a, b) in iv.iter_mut().zip(salt) {
            *a ^= b;
        }
        let mut aad = plain.clone();
        aad.extend_from_slice(&0x5d4u32.to_be_bytes());
        let tag = aead.encrypt_in_place_detached(&iv.into(), &aad, &mut []).unwrap();
        let mut packet = plain.clone();
        packet.extend_from_slice(&tag);
        packet.extend_from_slice(&0x5d4u32.to_be_bytes());

        let mut forged = packet.clone();
        forged[10] ^= 1;
        let before = forged.clone();
        let e_index = cipher.srtcp_e_index(&forged).unwrap();
        assert!(cipher.unprotect_rtcp(&mut forged, 0x4d617273, e_index).is_err());
        assert_eq!(forged, before);

        let e_index = cipher.srtcp_e_index(&packet).unwrap();
        assert_eq!(e_index, (false, 0x5d4));
        cipher.unprotect_rtcp(&mut packet, 0x4d617273, e_index).unwrap();
        assert_eq!(packet, plain);
    }
}
