//! SRTP/SRTCP unprotect with fixed keys, both profiles: arbitrary bytes
//! must be refused without a panic, and a valid protected packet with the
//! fuzzer's changes applied must be refused unless the changes left it as
//! it was, in which case it must come back as the original.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmrtc::dtls::SrtpProfile;
use wasmrtc::rtp::srtp::SrtpContext;

fn context(profile: SrtpProfile) -> SrtpContext {
    let salt_len = if profile == SrtpProfile::AeadAes128Gcm { 12 } else { 14 };
    SrtpContext::new(profile, &[0x2B; 16], &vec![0xF0; salt_len]).expect("fixed keys")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    for profile in [SrtpProfile::Aes128CmHmacSha1_80, SrtpProfile::AeadAes128Gcm] {
        let mut rx = context(profile);
        let rtcp = mode & 1 != 0;
        if mode & 2 == 0 {
            // Arbitrary bytes.
            let mut packet = rest.to_vec();
            let result = if rtcp { rx.unprotect_rtcp(&mut packet) } else { rx.unprotect_rtp(&mut packet) };
            if result.is_err() {
                assert_eq!(packet, rest, "a refused packet is left as it came");
            }
            continue;
        }
        // A valid packet built from the input, protected, then mutated: the
        // rest is split into a payload and (offset, xor) pairs.
        let split = rest.len() / 2;
        let (payload, edits) = rest.split_at(split);
        let mut plain = if rtcp { vec![0x80, 201, 0, 1, 0, 0, 0, 7] } else { vec![0x80, 96, 0, 9, 0, 0, 0, 1, 0, 0, 0, 7] };
        plain.extend_from_slice(payload);
        let mut protected = plain.clone();
        let mut tx = context(profile);
        if rtcp { tx.protect_rtcp(&mut protected) } else { tx.protect_rtp(&mut protected) }.expect("a valid packet protects");
        let original = protected.clone();
        for edit in edits.chunks(2) {
            if let [at, xor] = *edit {
                if let Some(len) = std::num::NonZeroUsize::new(protected.len()) {
                    protected[usize::from(at) % len] ^= xor;
                }
            } else if let [cut] = *edit {
                protected.truncate(protected.len().saturating_sub(usize::from(cut) % 8));
            }
        }
        let changed = protected != original;
        let result = if rtcp { rx.unprotect_rtcp(&mut protected) } else { rx.unprotect_rtp(&mut protected) };
        match result {
            Ok(()) => {
                assert!(!changed, "{profile:?}: a changed packet was accepted");
                assert_eq!(protected, plain);
            }
            Err(e) => assert!(changed, "{profile:?}: an untouched packet was refused: {e}"),
        }
    }
});
