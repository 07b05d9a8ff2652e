//! The two transforms WebRTC negotiates, on one packet already framed by
//! the caller (header length found, index known):
//!
//! - AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1, RFC 5764 §4.1.2):
//!   AES-128 in counter mode with the IV (salt · 2^16) XOR (SSRC · 2^64) XOR
//!   (index · 2^16); HMAC-SHA1 over the authenticated portion (plus the ROC
//!   for SRTP), truncated to 80 bits.
//! - AEAD_AES_128_GCM (RFC 7714): a 12-byte IV from salt, SSRC, ROC and
//!   sequence (§8.1) or SRTCP index (§9.1), the header as AAD, a 16-byte tag.
//!
//! Everything happens in place in the caller's buffer: the AES key schedule
//! and the keyed HMAC state are computed once per session and cloned per
//! packet, which allocates nothing. A packet that fails authentication is
//! left as it was.

use aes::cipher::{InnerIvInit, KeyInit, StreamCipher};
use aes::Aes128;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce, Tag};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::kdf::{self, Label};
use crate::dtls::SrtpProfile;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Length of the HMAC-SHA1-80 tag (RFC 3711 §5.2).
pub(crate) const HMAC_TAG_LEN: usize = 10;
/// Length of the AES-GCM tag (RFC 7714 §7.2).
pub(crate) const GCM_TAG_LEN: usize = 16;
/// The E flag and 31-bit SRTCP index (RFC 3711 §3.4).
pub(crate) const SRTCP_INDEX_LEN: usize = 4;
/// RTCP header plus the sender's SSRC: never encrypted (RFC 3711 §3.4).
pub(crate) const SRTCP_CLEAR_LEN: usize = 8;

/// The session keys of one direction and one of SRTP or SRTCP.
#[derive(Clone)]
pub(crate) enum SessionCipher {
    AesCm { aes: Aes128, salt: [u8; 14], auth: Hmac<Sha1> },
    Gcm { aead: Aes128Gcm, salt: [u8; 12] },
}

/// Authentication failed: the packet is forged, damaged, or keyed otherwise.
#[derive(Debug)]
pub(crate) struct Forged;

impl SessionCipher {
    /// Session keys for SRTP (`rtcp` false) or SRTCP from the master key and
    /// salt (RFC 3711 §4.3, RFC 7714 §11).
    pub(crate) fn derive(profile: SrtpProfile, master_key: &[u8; 16], master_salt: &[u8], rtcp: bool) -> SessionCipher {
        let (enc, auth, salt) = if rtcp {
            (Label::SrtcpEncryption, Label::SrtcpAuthentication, Label::SrtcpSalt)
        } else {
            (Label::SrtpEncryption, Label::SrtpAuthentication, Label::SrtpSalt)
        };
        let mut key = [0u8; 16];
        kdf::derive(master_key, master_salt, enc, &mut key);
        match profile {
            SrtpProfile::Aes128CmHmacSha1_80 => {
                let mut session_salt = [0u8; 14];
                kdf::derive(master_key, master_salt, salt, &mut session_salt);
                let mut auth_key = [0u8; 20];
                kdf::derive(master_key, master_salt, auth, &mut auth_key);
                SessionCipher::aes_cm(&key, session_salt, &auth_key)
            }
            SrtpProfile::AeadAes128Gcm => {
                let mut session_salt = [0u8; 12];
                kdf::derive(master_key, master_salt, salt, &mut session_salt);
                SessionCipher::gcm(&key, session_salt)
            }
        }
    }

    pub(crate) fn aes_cm(key: &[u8; 16], salt: [u8; 14], auth_key: &[u8]) -> SessionCipher {
        SessionCipher::AesCm {
            aes: Aes128::new(key.into()),
            salt,
            // HMAC takes keys of any length.
            auth: <Hmac<Sha1> as Mac>::new_from_slice(auth_key).unwrap_or_else(|_| unreachable!()),
        }
    }

    pub(crate) fn gcm(key: &[u8; 16], salt: [u8; 12]) -> SessionCipher {
        SessionCipher::Gcm { aead: Aes128Gcm::new(key.into()), salt }
    }

    /// Bytes SRTP appends to an RTP packet.
    pub(crate) fn rtp_overhead(&self) -> usize {
        match self {
            SessionCipher::AesCm { .. } => HMAC_TAG_LEN,
            SessionCipher::Gcm { .. } => GCM_TAG_LEN,
        }
    }

    /// Bytes SRTCP appends to an RTCP packet: the tag and the E||index word.
    pub(crate) fn rtcp_overhead(&self) -> usize {
        self.rtp_overhead() + SRTCP_INDEX_LEN
    }

    /// Encrypts the payload after `header_len` and appends the tag.
    pub(crate) fn protect_rtp(&self, packet: &mut Vec<u8>, header_len: usize, ssrc: u32, roc: u32, seq: u16) {
        match self {
            SessionCipher::AesCm { aes, salt, auth } => {
                let index = (u64::from(roc) << 16) | u64::from(seq);
                if let Some(payload) = packet.get_mut(header_len..) {
                    keystream(aes, salt, ssrc, index, payload);
                }
                let mut mac = auth.clone();
                mac.update(packet);
                mac.update(&roc.to_be_bytes());
                let tag = mac.finalize().into_bytes();
                packet.extend_from_slice(tag.get(..HMAC_TAG_LEN).unwrap_or_default());
            }
            SessionCipher::Gcm { aead, salt } => {
                let nonce = rtp_nonce(salt, ssrc, roc, seq);
                let tag = seal(aead, &nonce, packet, header_len);
                packet.extend_from_slice(&tag);
            }
        }
    }

    /// Checks the tag and decrypts the payload in place; drops the tag.
    /// The caller made sure the packet holds `header_len` plus the tag.
    pub(crate) fn unprotect_rtp(&self, packet: &mut Vec<u8>, header_len: usize, ssrc: u32, roc: u32, seq: u16) -> Result<(), Forged> {
        let tag_at = packet.len().checked_sub(self.rtp_overhead()).filter(|&at| at >= header_len).ok_or(Forged)?;
        match self {
            SessionCipher::AesCm { aes, salt, auth } => {
                let (authenticated, tag) = packet.split_at(tag_at);
                let mut mac = auth.clone();
                mac.update(authenticated);
                mac.update(&roc.to_be_bytes());
                mac.verify_truncated_left(tag).map_err(|_| Forged)?;
                packet.truncate(tag_at);
                let index = (u64::from(roc) << 16) | u64::from(seq);
                if let Some(payload) = packet.get_mut(header_len..) {
                    keystream(aes, salt, ssrc, index, payload);
                }
            }
            SessionCipher::Gcm { aead, salt } => {
                let nonce = rtp_nonce(salt, ssrc, roc, seq);
                open(aead, &nonce, packet, header_len, tag_at, &[])?;
                packet.truncate(tag_at);
            }
        }
        Ok(())
    }

    /// Encrypts everything after the first 8 bytes and appends the E||index
    /// word and the tag, in the order the profile puts them.
    pub(crate) fn protect_rtcp(&self, packet: &mut Vec<u8>, ssrc: u32, index: u32) {
        let e_index = (0x8000_0000 | index).to_be_bytes();
        match self {
            SessionCipher::AesCm { aes, salt, auth } => {
                if let Some(body) = packet.get_mut(SRTCP_CLEAR_LEN..) {
                    keystream(aes, salt, ssrc, u64::from(index), body);
                }
                packet.extend_from_slice(&e_index);
                let mut mac = auth.clone();
                mac.update(packet);
                let tag = mac.finalize().into_bytes();
                packet.extend_from_slice(tag.get(..HMAC_TAG_LEN).unwrap_or_default());
            }
            SessionCipher::Gcm { aead, salt } => {
                // AAD: the clear header and the E||index word (RFC 7714 §9.2).
                let mut aad = [0u8; SRTCP_CLEAR_LEN + SRTCP_INDEX_LEN];
                if let (Some(head), Some(slot)) = (packet.get(..SRTCP_CLEAR_LEN), aad.get_mut(..SRTCP_CLEAR_LEN)) {
                    slot.copy_from_slice(head);
                }
                aad[SRTCP_CLEAR_LEN..].copy_from_slice(&e_index);
                let nonce = rtcp_nonce(salt, ssrc, index);
                let tag = match packet.get_mut(SRTCP_CLEAR_LEN..) {
                    Some(body) => aead.encrypt_in_place_detached(&nonce, &aad, body),
                    None => aead.encrypt_in_place_detached(&nonce, &aad, &mut []),
                };
                packet.extend_from_slice(&tag.unwrap_or_default());
                packet.extend_from_slice(&e_index);
            }
        }
    }

    /// The E flag and SRTCP index of a protected RTCP packet, read before
    /// authentication for the replay check. `None`: too short to be one.
    pub(crate) fn srtcp_e_index(&self, packet: &[u8]) -> Option<(bool, u32)> {
        if packet.len() < SRTCP_CLEAR_LEN + self.rtcp_overhead() {
            return None;
        }
        let at = match self {
            SessionCipher::AesCm { .. } => packet.len() - HMAC_TAG_LEN - SRTCP_INDEX_LEN,
            SessionCipher::Gcm { .. } => packet.len() - SRTCP_INDEX_LEN,
        };
        let word = u32::from_be_bytes(packet.get(at..at + 4)?.try_into().ok()?);
        Some((word & 0x8000_0000 != 0, word & 0x7fff_ffff))
    }

    /// Checks the tag, decrypts when the E flag says so, and leaves the
    /// plain RTCP packet. The caller read `e_index` with `srtcp_e_index`.
    pub(crate) fn unprotect_rtcp(&self, packet: &mut Vec<u8>, ssrc: u32, (encrypted, index): (bool, u32)) -> Result<(), Forged> {
        let rtcp_len = packet.len().checked_sub(self.rtcp_overhead()).filter(|&n| n >= SRTCP_CLEAR_LEN).ok_or(Forged)?;
        match self {
            SessionCipher::AesCm { aes, salt, auth } => {
                let (authenticated, tag) = packet.split_at(rtcp_len + SRTCP_INDEX_LEN);
                let mut mac = auth.clone();
                mac.update(authenticated);
                mac.verify_truncated_left(tag).map_err(|_| Forged)?;
                packet.truncate(rtcp_len);
                if encrypted {
                    if let Some(body) = packet.get_mut(SRTCP_CLEAR_LEN..) {
                        keystream(aes, salt, ssrc, u64::from(index), body);
                    }
                }
            }
            SessionCipher::Gcm { aead, salt } => {
                let nonce = rtcp_nonce(salt, ssrc, index);
                let e_index = packet.get(packet.len() - SRTCP_INDEX_LEN..).and_then(|w| <[u8; 4]>::try_from(w).ok()).ok_or(Forged)?;
                if encrypted {
                    let mut aad = [0u8; SRTCP_CLEAR_LEN + SRTCP_INDEX_LEN];
                    aad[..SRTCP_CLEAR_LEN].copy_from_slice(packet.get(..SRTCP_CLEAR_LEN).ok_or(Forged)?);
                    aad[SRTCP_CLEAR_LEN..].copy_from_slice(&e_index);
                    open(aead, &nonce, packet, SRTCP_CLEAR_LEN, rtcp_len, &aad)?;
                } else {
                    // Authentication only (RFC 7714 §9.2): the whole packet
                    // and the E||index word are the AAD. Move the word in
                    // front of the tag so the AAD is one slice.
                    packet.copy_within(rtcp_len..rtcp_len + GCM_TAG_LEN, rtcp_len + SRTCP_INDEX_LEN);
                    if let Some(slot) = packet.get_mut(rtcp_len..rtcp_len + SRTCP_INDEX_LEN) {
                        slot.copy_from_slice(&e_index);
                    }
                    let aad_len = rtcp_len + SRTCP_INDEX_LEN;
                    let result = open(aead, &nonce, packet, aad_len, aad_len, &[]);
                    if result.is_err() {
                        // Put the packet back as it came.
                        packet.copy_within(aad_len..aad_len + GCM_TAG_LEN, rtcp_len);
                        if let Some(slot) = packet.get_mut(rtcp_len + GCM_TAG_LEN..) {
                            slot.copy_from_slice(&e_index);
                        }
                    }
                    result?;
                }
                packet.truncate(rtcp_len);
            }
        }
        Ok(())
    }
}

/// XORs the AES-CM keystream of (SSRC, index) into `data` (RFC 3711 §4.1.1).
fn keystream(aes: &Aes128, salt: &[u8; 14], ssrc: u32, index: u64, data: &mut [u8]) {
    let mut iv = [0u8; 16];
    iv[..14].copy_from_slice(salt);
    for (slot, byte) in iv[4..8].iter_mut().zip(ssrc.to_be_bytes()) {
        *slot ^= byte;
    }
    for (slot, byte) in iv[8..14].iter_mut().zip(&index.to_be_bytes()[2..]) {
        *slot ^= byte;
    }
    Aes128Ctr::from_core(ctr::CtrCore::inner_iv_init(aes.clone(), &iv.into())).apply_keystream(data);
}

/// RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XOR the session salt.
fn rtp_nonce(salt: &[u8; 12], ssrc: u32, roc: u32, seq: u16) -> Nonce<aes_gcm::aead::consts::U12> {
    let mut iv = [0u8; 12];
    iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
    iv[6..10].copy_from_slice(&roc.to_be_bytes());
    iv[10..12].copy_from_slice(&seq.to_be_bytes());
    xor_salt(iv, salt)
}

/// RFC 7714 §9.1: 00 00 || SSRC || 00 00 || 0 || SRTCP index, XOR the salt.
fn rtcp_nonce(salt: &[u8; 12], ssrc: u32, index: u32) -> Nonce<aes_gcm::aead::consts::U12> {
    let mut iv = [0u8; 12];
    iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
    iv[8..12].copy_from_slice(&(index & 0x7fff_ffff).to_be_bytes());
    xor_salt(iv, salt)
}

fn xor_salt(mut iv: [u8; 12], salt: &[u8; 12]) -> Nonce<aes_gcm::aead::consts::U12> {
    for (slot, byte) in iv.iter_mut().zip(salt) {
        *slot ^= byte;
    }
    iv.into()
}

/// Encrypts `packet[aad_len..]` with `packet[..aad_len]` as AAD.
fn seal(aead: &Aes128Gcm, nonce: &Nonce<aes_gcm::aead::consts::U12>, packet: &mut [u8], aad_len: usize) -> Tag {
    let (aad, body) = packet.split_at_mut(aad_len.min(packet.len()));
    aead.encrypt_in_place_detached(nonce, aad, body).unwrap_or_default()
}

/// Verifies and decrypts `packet[body_at..tag_at]` against the tag at
/// `tag_at`, with `extra_aad` if given, else `packet[..body_at]`, as AAD.
fn open(aead: &Aes128Gcm, nonce: &Nonce<aes_gcm::aead::consts::U12>, packet: &mut [u8], body_at: usize, tag_at: usize, extra_aad: &[u8]) -> Result<(), Forged> {
    let (covered, tag) = packet.split_at_mut(tag_at);
    let tag: [u8; GCM_TAG_LEN] = tag.get(..GCM_TAG_LEN).and_then(|t| t.try_into().ok()).ok_or(Forged)?;
    if body_at > covered.len() {
        return Err(Forged);
    }
    let (head, body) = covered.split_at_mut(body_at);
    let aad: &[u8] = if extra_aad.is_empty() { head } else { extra_aad };
    aead.decrypt_in_place_detached(nonce, aad, body, &Tag::from(tag)).map_err(|_| Forged)
}
