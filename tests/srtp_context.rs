//! SRTP/SRTCP contexts (src/rtp/srtp) through the public API: a published
//! packet, round trips of both profiles, the roll-over counter across the
//! 65535→0 wrap, the replay window, and forged or truncated packets, which
//! must be refused, counted, and leave the context as it was.

use wasmrtc::dtls::{DtlsRole, SrtpProfile};
use wasmrtc::rtp::srtp::{SrtpContext, SrtpError, SrtpSession, REPLAY_WINDOW};

const PROFILES: [SrtpProfile; 2] = [SrtpProfile::Aes128CmHmacSha1_80, SrtpProfile::AeadAes128Gcm];

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

fn pair(profile: SrtpProfile) -> (SrtpContext, SrtpContext) {
    let key: Vec<u8> = (1..=16).collect();
    let salt: Vec<u8> = (0xA0..0xA0 + if profile == SrtpProfile::AeadAes128Gcm { 12 } else { 14 }).collect();
    (SrtpContext::new(profile, &key, &salt).unwrap(), SrtpContext::new(profile, &key, &salt).unwrap())
}

/// An RTP packet with a CSRC and a one-byte header extension.
fn rtp(seq: u16, ssrc: u32) -> Vec<u8> {
    let mut p = vec![0x91, 0x60];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq) * 960).to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    p.extend_from_slice(&[0xBE, 0xDE, 0, 1, 0x10, 0xFF, 0, 0]);
    p.extend((0..40u8).map(|i| i ^ seq as u8));
    p
}

/// A compound RTCP packet: an RR with one block, then SDES CNAME.
fn rtcp(ssrc: u32) -> Vec<u8> {
    let mut p = vec![0x81, 201, 0, 7];
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&[0x11; 24]);
    p.extend_from_slice(&[0x81, 202, 0, 3]);
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&[1, 4, b'a', b'b', b'c', b'd', 0, 0]);
    p
}

/// libsrtp's reference packet (SSRC 0xcafebabe, sequence 0x1234, sixteen
/// 0xab) under the RFC 3711 B.3 master key, as libsrtp's test driver
/// protects it with AES_CM_128_HMAC_SHA1_80.
#[test]
fn aes_cm_protects_the_libsrtp_reference_packet() {
    let key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    let salt = hex("0EC675AD498AFEEBB6960B3AABE6");
    let mut tx = SrtpContext::new(SrtpProfile::Aes128CmHmacSha1_80, &key, &salt).unwrap();
    let mut rx = SrtpContext::new(SrtpProfile::Aes128CmHmacSha1_80, &key, &salt).unwrap();
    let plain = hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
    let mut packet = plain.clone();
    tx.protect_rtp(&mut packet).unwrap();
    assert_eq!(
        packet,
        hex("800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb")
    );
    rx.unprotect_rtp(&mut packet).unwrap();
    assert_eq!(packet, plain);
}

#[test]
fn round_trips_rtp_and_rtcp_in_both_profiles() {
    for profile in PROFILES {
        let (mut tx, mut rx) = pair(profile);
        for seq in 0..50u16 {
            for ssrc in [1, 0xDEAD_BEEF] {
                let plain = rtp(seq, ssrc);
                let mut packet = plain.clone();
                tx.protect_rtp(&mut packet).unwrap();
                assert_eq!(packet.len(), plain.len() + tx.rtp_overhead());
                assert_eq!(packet[..20], plain[..20], "the header stays in the clear");
                assert_ne!(packet[20..plain.len()], plain[20..], "the payload is encrypted");
                rx.unprotect_rtp(&mut packet).unwrap();
                assert_eq!(packet, plain);

                let plain = rtcp(ssrc);
                let mut packet = plain.clone();
                tx.protect_rtcp(&mut packet).unwrap();
                assert_eq!(packet.len(), plain.len() + tx.rtcp_overhead());
                assert_ne!(packet[8..plain.len()], plain[8..]);
                rx.unprotect_rtcp(&mut packet).unwrap();
                assert_eq!(packet, plain);
            }
        }
        assert_eq!(rx.counters().rtp_packets, 100);
        assert_eq!(rx.counters().rtcp_packets, 100);
    }
}

#[test]
fn roc_wraps_at_65535_and_late_packets_from_before_the_wrap_decrypt() {
    for profile in PROFILES {
        let (mut tx, mut rx) = pair(profile);
        let seqs: Vec<u16> = (65526..=65535).chain(0..10).collect();
        let protected: Vec<(u16, Vec<u8>)> = seqs
            .iter()
            .map(|&seq| {
                let mut p = rtp(seq, 7);
                tx.protect_rtp(&mut p).unwrap();
                (seq, p)
            })
            .collect();
        assert_eq!(tx.roc(7), Some(1));
        // Deliver all but 65533..=65535, which arrive after the wrap.
        for (seq, p) in protected.iter().filter(|(s, _)| !(65533..=65535).contains(s)) {
            let mut p = p.clone();
            rx.unprotect_rtp(&mut p).unwrap();
            assert_eq!(p, rtp(*seq, 7));
        }
        assert_eq!(rx.roc(7), Some(1));
        for (seq, p) in protected.iter().filter(|(s, _)| (65533..=65535).contains(s)) {
            let mut p = p.clone();
            rx.unprotect_rtp(&mut p).unwrap();
            assert_eq!(p, rtp(*seq, 7));
        }
        assert_eq!(rx.roc(7), Some(1), "late packets do not move the ROC back");
        // And the next wrap moves it again.
        for seq in (10..=65535).chain(0..3) {
            let mut p = rtp(seq, 7);
            tx.protect_rtp(&mut p).unwrap();
            if seq % 1000 == 0 || !(3..=65530).contains(&seq) {
                rx.unprotect_rtp(&mut p).unwrap();
            }
        }
        assert_eq!((tx.roc(7), rx.roc(7)), (Some(2), Some(2)));
    }
}

#[test]
fn replay_and_reorder_inside_and_outside_the_window() {
    for profile in PROFILES {
        let (mut tx, mut rx) = pair(profile);
        let packets: Vec<Vec<u8>> = (0..300u16)
            .map(|seq| {
                let mut p = rtp(seq, 9);
                tx.protect_rtp(&mut p).unwrap();
                p
            })
            .collect();
        let deliver = |rx: &mut SrtpContext, seq: usize| {
            let mut p = packets[seq].clone();
            rx.unprotect_rtp(&mut p)
        };
        assert_eq!(deliver(&mut rx, 200), Ok(()));
        assert_eq!(deliver(&mut rx, 200), Err(SrtpError::Replayed));
        // Reordered within the window: accepted once each.
        assert_eq!(deliver(&mut rx, 150), Ok(()));
        assert_eq!(deliver(&mut rx, 200 - REPLAY_WINDOW as usize + 1), Ok(()));
        assert_eq!(deliver(&mut rx, 150), Err(SrtpError::Replayed));
        // Below the window: refused although never seen.
        assert_eq!(deliver(&mut rx, 200 - REPLAY_WINDOW as usize), Err(SrtpError::Replayed));
        assert_eq!(deliver(&mut rx, 3), Err(SrtpError::Replayed));
        assert_eq!(deliver(&mut rx, 299), Ok(()));
        assert_eq!(deliver(&mut rx, 250), Ok(()), "never seen, inside the window");
        assert_eq!(deliver(&mut rx, 250), Err(SrtpError::Replayed));
        assert_eq!(rx.counters().replayed, 5);
        assert_eq!(rx.counters().rtp_packets, 5);

        // SRTCP keeps its own window over the SRTCP index.
        let rtcp_packets: Vec<Vec<u8>> = (0..200)
            .map(|_| {
                let mut p = rtcp(9);
                tx.protect_rtcp(&mut p).unwrap();
                p
            })
            .collect();
        let deliver = |rx: &mut SrtpContext, i: usize| rx.unprotect_rtcp(&mut rtcp_packets[i].clone());
        assert_eq!(deliver(&mut rx, 199), Ok(()));
        assert_eq!(deliver(&mut rx, 199), Err(SrtpError::Replayed));
        assert_eq!(deliver(&mut rx, 100), Ok(()));
        assert_eq!(deliver(&mut rx, 50), Err(SrtpError::Replayed));
    }
}

/// Every single-bit flip of a protected packet is refused, counted, and
/// leaves the packet and the context unchanged.
#[test]
fn every_bit_flip_is_refused() {
    for profile in PROFILES {
        let (mut tx, mut rx) = pair(profile);
        let mut good_rtp = rtp(1000, 5);
        tx.protect_rtp(&mut good_rtp).unwrap();
        let mut good_rtcp = rtcp(5);
        tx.protect_rtcp(&mut good_rtcp).unwrap();
        let mut refused = 0;
        for (good, rtcp) in [(&good_rtp, false), (&good_rtcp, true)] {
            for bit in 0..good.len() * 8 {
                let mut forged = good.clone();
                forged[bit / 8] ^= 1 << (bit % 8);
                let before = forged.clone();
                let result = if rtcp { rx.unprotect_rtcp(&mut forged) } else { rx.unprotect_rtp(&mut forged) };
                assert!(result.is_err(), "{profile:?} rtcp={rtcp}: flip of bit {bit} accepted");
                assert_eq!(forged, before, "a refused packet is left as it came");
                refused += 1;
            }
        }
        let c = rx.counters();
        assert_eq!(c.malformed + c.authentication_failures + c.replayed, refused);
        assert!(c.authentication_failures > 0);
        assert_eq!(c.rtp_packets + c.rtcp_packets, 0);
        let plain_rtp = rtp(1000, 5);
        rx.unprotect_rtp(&mut good_rtp).unwrap();
        assert_eq!(good_rtp, plain_rtp);
        rx.unprotect_rtcp(&mut good_rtcp).unwrap();
        assert_eq!(good_rtcp, rtcp(5));
    }
}

#[test]
fn truncated_packets_are_refused() {
    for profile in PROFILES {
        let (mut tx, mut rx) = pair(profile);
        let mut good_rtp = rtp(1, 5);
        tx.protect_rtp(&mut good_rtp).unwrap();
        let mut good_rtcp = rtcp(5);
        tx.protect_rtcp(&mut good_rtcp).unwrap();
        for len in 0..good_rtp.len() {
            let mut p = good_rtp[..len].to_vec();
            assert!(rx.unprotect_rtp(&mut p).is_err(), "{profile:?}: RTP cut to {len} accepted");
        }
        for len in 0..good_rtcp.len() {
            let mut p = good_rtcp[..len].to_vec();
            assert!(rx.unprotect_rtcp(&mut p).is_err(), "{profile:?}: RTCP cut to {len} accepted");
        }
        assert_eq!(rx.unprotect_rtp(&mut vec![0x80; 12]), Err(SrtpError::Truncated));
        assert_eq!(rx.unprotect_rtcp(&mut vec![0x80; 8]), Err(SrtpError::Truncated));
        assert_eq!(tx.protect_rtp(&mut vec![0x00; 20]), Err(SrtpError::Malformed), "version 0");
        assert_eq!(tx.protect_rtcp(&mut vec![0x80; 7]), Err(SrtpError::Truncated));
        assert_eq!(tx.protect_rtcp(&mut vec![0x40; 28]), Err(SrtpError::Malformed), "version 1");
        assert_eq!(rx.unprotect_rtcp(&mut vec![0x40; 40]), Err(SrtpError::Malformed));
        rx.unprotect_rtp(&mut good_rtp).unwrap();
        rx.unprotect_rtcp(&mut good_rtcp).unwrap();
    }
}

#[test]
fn a_packet_under_another_key_fails_authentication() {
    for profile in PROFILES {
        let (mut tx, _) = pair(profile);
        let salt_len = if profile == SrtpProfile::AeadAes128Gcm { 12 } else { 14 };
        let mut other = SrtpContext::new(profile, &[9; 16], &vec![9; salt_len]).unwrap();
        let mut p = rtp(1, 1);
        tx.protect_rtp(&mut p).unwrap();
        assert_eq!(other.unprotect_rtp(&mut p), Err(SrtpError::AuthenticationFailed));
        assert_eq!(other.counters().authentication_failures, 1);
        assert_eq!(other.roc(1), None, "a forged packet creates no stream state");
    }
}

#[test]
fn key_lengths_are_checked() {
    assert_eq!(SrtpContext::new(SrtpProfile::Aes128CmHmacSha1_80, &[0; 15], &[0; 14]).unwrap_err(), SrtpError::KeyLength);
    assert_eq!(SrtpContext::new(SrtpProfile::Aes128CmHmacSha1_80, &[0; 16], &[0; 12]).unwrap_err(), SrtpError::KeyLength);
    assert_eq!(SrtpContext::new(SrtpProfile::AeadAes128Gcm, &[0; 16], &[0; 14]).unwrap_err(), SrtpError::KeyLength);
    assert_eq!(
        SrtpSession::from_dtls(DtlsRole::Client, SrtpProfile::AeadAes128Gcm, &[0; 60]).unwrap_err(),
        SrtpError::KeyLength
    );
}

/// RFC 5764 §4.2: client write key, server write key, client salt, server
/// salt. Each side protects with its own half and unprotects with the other.
#[test]
fn dtls_keying_material_splits_by_role() {
    for profile in PROFILES {
        let material: Vec<u8> = (0..profile.keying_material_len() as u8).collect();
        let mut client = SrtpSession::from_dtls(DtlsRole::Client, profile, &material).unwrap();
        let mut server = SrtpSession::from_dtls(DtlsRole::Server, profile, &material).unwrap();
        let salt_len = if profile == SrtpProfile::AeadAes128Gcm { 12 } else { 14 };
        let mut client_write =
            SrtpContext::new(profile, &material[..16], &material[32..32 + salt_len]).unwrap();

        let mut p = rtp(1, 1);
        client.protect_rtp(&mut p).unwrap();
        let mut same = rtp(1, 1);
        client_write.protect_rtp(&mut same).unwrap();
        assert_eq!(p, same, "the client writes with the client write key and salt");
        assert_eq!(client.remote.clone().unprotect_rtp(&mut p.clone()), Err(SrtpError::AuthenticationFailed));
        server.unprotect_rtp(&mut p).unwrap();
        assert_eq!(p, rtp(1, 1));

        let mut p = rtcp(2);
        server.protect_rtcp(&mut p).unwrap();
        client.unprotect_rtcp(&mut p).unwrap();
        assert_eq!(p, rtcp(2));
    }
}
