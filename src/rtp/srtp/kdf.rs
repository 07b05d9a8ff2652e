//! SRTP key derivation (RFC 3711 §4.3): the AES-CM PRF keyed with the
//! master key, over an IV made of the master salt XOR the label (and the
//! index DIV the key derivation rate, which WebRTC leaves at 0, so it is 0).
//! RFC 7714 §11 derives with the same PRF; its 12-byte master salt is padded
//! with zeros to the 14 bytes the PRF takes, as libsrtp does.

use aes::cipher::{KeyIvInit, StreamCipher};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// The session key labels of RFC 3711 §4.3.1 and §4.3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Label {
    SrtpEncryption = 0,
    SrtpAuthentication = 1,
    SrtpSalt = 2,
    SrtcpEncryption = 3,
    SrtcpAuthentication = 4,
    SrtcpSalt = 5,
}

/// Fills `out` with the session key of `label`. `master_salt` is 14 bytes
/// (AES-CM) or 12 (AES-GCM); the caller checked the lengths.
pub(crate) fn derive(master_key: &[u8; 16], master_salt: &[u8], label: Label, out: &mut [u8]) {
    let mut iv = [0u8; 16];
    for (slot, byte) in iv.iter_mut().zip(master_salt.iter().take(14)) {
        *slot = *byte;
    }
    // key_id = label || r with r = 0: the label is the 8th byte of the
    // 112-bit x (RFC 3711 §4.3.1), which is then shifted left 16 bits.
    iv[7] ^= label as u8;
    out.fill(0);
    Aes128Ctr::new(master_key.into(), &iv.into()).apply_keystream(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtp::srtp::tests::hex;

    /// RFC 3711 Appendix B.3.
    #[test]
    fn rfc3711_b3_key_derivation() {
        let key: [u8; 16] = hex("E1F97A0D3E018BE0D64FA32C06DE4139").try_into().unwrap();
        let salt = hex("0EC675AD498AFEEBB6960B3AABE6");
        let mut cipher_key = [0u8; 16];
        derive(&key, &salt, Label::SrtpEncryption, &mut cipher_key);
        assert_eq!(cipher_key.to_vec(), hex("C61E7A93744F39EE10734AFE3FF7A087"));
        let mut cipher_salt = [0u8; 14];
        derive(&key, &salt, Label::SrtpSalt, &mut cipher_salt);
        assert_eq!(cipher_salt.to_vec(), hex("30CBBC08863D8C85D49DB34A9AE1"));
        // B.3 lists 94 bytes of the authentication key; SHA1-80 uses 20.
        let mut auth_key = [0u8; 94];
        derive(&key, &salt, Label::SrtpAuthentication, &mut auth_key);
        assert_eq!(
            auth_key.to_vec(),
            hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE\
                 E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25\
                 6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2")
        );
    }
}
