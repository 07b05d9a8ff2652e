//! Cross-checks SRTP/SRTCP (src/rtp/srtp) against an independent
//! implementation, webrtc-rs's webrtc-srtp: what we protect they unprotect,
//! and the other way round, for both profiles, SRTP and SRTCP, across a
//! roll-over counter wrap. Key derivation is exercised too: both sides
//! start from the same master key and salt.

// Native only: webrtc-srtp is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use webrtc_srtp::context::Context;
use webrtc_srtp::protection_profile::ProtectionProfile;
use wasmrtc::dtls::SrtpProfile;
use wasmrtc::rtp::srtp::SrtpContext;

fn keys(profile: SrtpProfile) -> (Vec<u8>, Vec<u8>, ProtectionProfile) {
    let key: Vec<u8> = (0..16).map(|i| i * 7 + 3).collect();
    match profile {
        SrtpProfile::Aes128CmHmacSha1_80 => (key, (0..14).map(|i| 0xF0 ^ i).collect(), ProtectionProfile::Aes128CmHmacSha1_80),
        SrtpProfile::AeadAes128Gcm => (key, (0..12).map(|i| 0x40 + i).collect(), ProtectionProfile::AeadAes128Gcm),
    }
}

fn ours(profile: SrtpProfile) -> SrtpContext {
    let (key, salt, _) = keys(profile);
    SrtpContext::new(profile, &key, &salt).unwrap()
}

fn theirs(profile: SrtpProfile) -> Context {
    let (key, salt, p) = keys(profile);
    Context::new(&key, &salt, p, None, None).unwrap()
}

fn rtp(seq: u16, ssrc: u32, len: usize) -> Vec<u8> {
    let mut p = vec![0x90, 0xE0];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    // A one-byte extension: transport-cc sequence number under ID 3.
    p.extend_from_slice(&[0xBE, 0xDE, 0, 1, 0x31]);
    p.extend_from_slice(&seq.to_be_bytes());
    p.push(0);
    p.extend((0..len).map(|i| (i as u8).wrapping_mul(31) ^ seq as u8));
    p
}

fn rtcp(ssrc: u32) -> Vec<u8> {
    // SR with no blocks, then a PLI.
    let mut p = vec![0x80, 200, 0, 6];
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&[0xE5, 0x35, 0x2B, 0x7C, 0x80, 0, 0, 0, 0, 0, 0x3A, 0x98, 0, 0, 0, 10, 0, 0, 0x0B, 0xB8]);
    p.extend_from_slice(&[0x81, 206, 0, 2]);
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&0x0BAD_CAFEu32.to_be_bytes());
    p
}

const PROFILES: [SrtpProfile; 2] = [SrtpProfile::Aes128CmHmacSha1_80, SrtpProfile::AeadAes128Gcm];

/// Sequence numbers across a wrap, so the ROC (in the HMAC, in the GCM IV)
/// must agree.
fn sequence() -> impl Iterator<Item = u16> {
    (65500..=65535).chain(0..40)
}

#[test]
fn our_srtp_unprotects_with_webrtc_srtp() {
    for profile in PROFILES {
        let mut tx = ours(profile);
        let mut rx = theirs(profile);
        for (n, seq) in sequence().enumerate() {
            let plain = rtp(seq, 0x1111_2222, n * 13 % 1200);
            let mut packet = plain.clone();
            tx.protect_rtp(&mut packet).unwrap();
            let decrypted = rx.decrypt_rtp(&packet).unwrap_or_else(|e| panic!("{profile:?} seq {seq}: {e}"));
            assert_eq!(&decrypted[..], &plain[..]);
        }
    }
}

#[test]
fn webrtc_srtp_protected_rtp_unprotects_with_ours() {
    for profile in PROFILES {
        let mut tx = theirs(profile);
        let mut rx = ours(profile);
        for (n, seq) in sequence().enumerate() {
            let plain = rtp(seq, 0x3333_4444, n * 17 % 1200);
            let mut packet = tx.encrypt_rtp(&plain).unwrap().to_vec();
            rx.unprotect_rtp(&mut packet).unwrap_or_else(|e| panic!("{profile:?} seq {seq}: {e}"));
            assert_eq!(packet, plain);
        }
        assert_eq!(rx.roc(0x3333_4444), Some(1));
    }
}

#[test]
fn srtcp_both_ways() {
    for profile in PROFILES {
        let (mut our_tx, mut our_rx) = (ours(profile), ours(profile));
        let (mut their_tx, mut their_rx) = (theirs(profile), theirs(profile));
        for i in 0..50u32 {
            let plain = rtcp(0x5555_0000 + i % 3);
            let mut packet = plain.clone();
            our_tx.protect_rtcp(&mut packet).unwrap();
            let decrypted = their_rx.decrypt_rtcp(&packet).unwrap_or_else(|e| panic!("{profile:?} #{i}: {e}"));
            assert_eq!(&decrypted[..], &plain[..]);

            let mut packet = their_tx.encrypt_rtcp(&plain).unwrap().to_vec();
            our_rx.unprotect_rtcp(&mut packet).unwrap_or_else(|e| panic!("{profile:?} #{i}: {e}"));
            assert_eq!(packet, plain);
        }
    }
}
