//! Our payload formats against an independent implementation, webrtc-rs's
//! `rtp` crate: our packetizers into its depacketizers, and its payloaders
//! into our depacketizers, for the codecs it has (VP8, VP9, H.264, Opus;
//! AV1 only in its direction, as it has no AV1 depacketizer).
#![cfg(not(target_arch = "wasm32"))]

mod rtp_format_frames;

use bytes::Bytes;
use rtp::codecs::{
    av1::Av1Payloader, h264::H264Packet, h264::H264Payloader, opus::OpusPacket, opus::OpusPayloader,
};
use rtp::codecs::{vp8::Vp8Packet, vp8::Vp8Payloader, vp9::Vp9Packet, vp9::Vp9Payloader};
use rtp::packetizer::{Depacketizer as TheirDepacketizer, Payloader};
use rtp_format_frames::*;
use std::sync::Arc;
use wasmrtc::rtp::format::av1::Av1;
use wasmrtc::rtp::format::h264::{split_annex_b, H264Packetizer, H264};
use wasmrtc::rtp::format::opus::{Opus, OpusPacketizer};
use wasmrtc::rtp::format::vp8::{Vp8, Vp8Packetizer};
use wasmrtc::rtp::format::vp9::{Vp9, Vp9Packetizer};
use wasmrtc::rtp::format::{Depacketized, Depacketizer, Frame, Packetizer, PayloadFormat, RtpInfo};

const SIZES: &[usize] = &[1200, 500, 100, 40];

/// (frame, key) pairs: a key frame, deltas, another key frame.
fn frames(make: fn(&mut Rng, bool, usize) -> Vec<u8>, seed: u64) -> Vec<(Vec<u8>, bool)> {
    let mut rng = Rng(seed);
    [(true, 1500), (false, 700), (false, 20), (true, 300)]
        .into_iter()
        .map(|(key, len)| (make(&mut rng, key, len), key))
        .collect()
}

/// Our packetizer, their depacketizer: what it hands back per frame.
fn ours_into_theirs(
    ours: &mut dyn Packetizer,
    theirs: &mut dyn TheirDepacketizer,
    frame: &[u8],
    max: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    for payload in ours.packetize(frame, max).unwrap() {
        out.extend_from_slice(&theirs.depacketize(&Bytes::from(payload.data)).unwrap());
    }
    out
}

/// Their payloader, our depacketizer (marker on the last payload).
fn theirs_into_ours<F: PayloadFormat + Default>(
    theirs: &mut dyn Payloader,
    frames: &[(Vec<u8>, bool)],
    max: usize,
) -> Vec<Frame> {
    let mut depacketizer = Depacketizer::new(F::default());
    let mut sequence_number = 0u16;
    for (index, (frame, _)) in frames.iter().enumerate() {
        let payloads = theirs.payload(max, &Bytes::copy_from_slice(frame)).unwrap();
        let count = payloads.len();
        for (i, payload) in payloads.into_iter().enumerate() {
            let info = RtpInfo { sequence_number, timestamp: 90 * index as u32, marker: i + 1 == count };
            depacketizer
                .push(info, &payload)
                .unwrap_or_else(|e| panic!("{e} at {max}: {:02x?}", &payload[..payload.len().min(8)]));
            sequence_number = sequence_number.wrapping_add(1);
        }
    }
    std::iter::from_fn(|| depacketizer.poll_output())
        .map(|output| match output {
            Depacketized::Frame(frame) => frame,
            dropped => panic!("{dropped:?}"),
        })
        .collect()
}

#[test]
fn vp8_both_ways() {
    let frames = frames(vp8, 11);
    for &max in SIZES {
        let mut ours = Vp8Packetizer::new(0x7FF0);
        for (frame, _) in &frames {
            assert_eq!(
                ours_into_theirs(&mut ours, &mut Vp8Packet::default(), frame, max),
                *frame,
                "at {max}"
            );
        }
        let mut theirs = Vp8Payloader::default();
        theirs.enable_picture_id = true;
        let received = theirs_into_ours::<Vp8>(&mut theirs, &frames, max);
        let expected: Vec<_> = frames.iter().map(|(f, k)| (f.clone(), *k)).collect();
        assert_eq!(
            received.into_iter().map(|f| (f.data, f.key_frame)).collect::<Vec<_>>(),
            expected,
            "at {max}"
        );
    }
}

#[test]
fn vp9_both_ways() {
    let frames = frames(vp9, 12);
    for &max in SIZES {
        let mut ours = Vp9Packetizer::new(5);
        for (frame, _) in &frames {
            let mut theirs = Vp9Packet::default();
            assert_eq!(ours_into_theirs(&mut ours, &mut theirs, frame, max), *frame, "at {max}");
        }
        // Their payloader never sets P, so every picture reads as a key
        // frame: compare the bytes only.
        let mut theirs = Vp9Payloader::default();
        theirs.initial_picture_id_fn = Some(Arc::new(|| 77));
        let received = theirs_into_ours::<Vp9>(&mut theirs, &frames, max);
        assert_eq!(
            received.into_iter().map(|f| f.data).collect::<Vec<_>>(),
            frames.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn vp9_key_frames_carry_an_ss_they_read() {
    let (frame, _) = &frames(vp9, 13)[0];
    let payloads = Vp9Packetizer::new(1).packetize(frame, 1200).unwrap();
    let mut theirs = Vp9Packet::default();
    theirs.depacketize(&Bytes::from(payloads[0].data.clone())).unwrap();
    assert!(theirs.v && theirs.b && !theirs.p);
    assert_eq!((theirs.width.clone(), theirs.height.clone()), (vec![320], vec![240]));
}

fn nal_units(stream: &[u8]) -> Vec<Vec<u8>> {
    split_annex_b(stream).unwrap().into_iter().map(<[u8]>::to_vec).collect()
}

#[test]
fn h264_both_ways() {
    let frames = frames(h264, 14);
    for &max in SIZES {
        let mut theirs = H264Packet::default();
        for (frame, _) in &frames {
            let received = ours_into_theirs(&mut H264Packetizer, &mut theirs, frame, max);
            assert_eq!(nal_units(&received), nal_units(frame), "at {max}");
        }
        let received = theirs_into_ours::<H264>(&mut H264Payloader::default(), &frames, max);
        for (got, (sent, key)) in received.iter().zip(&frames) {
            assert_eq!(nal_units(&got.data), nal_units(sent), "at {max}");
            assert_eq!(got.key_frame, *key);
        }
        assert_eq!(received.len(), frames.len());
    }
}

#[test]
fn opus_both_ways() {
    let mut rng = Rng(15);
    let frames: Vec<_> = [60, 1, 200].into_iter().map(|len| (rng.bytes(len), true)).collect();
    for (frame, _) in &frames {
        assert_eq!(ours_into_theirs(&mut OpusPacketizer, &mut OpusPacket, frame, 1200), *frame);
    }
    let received = theirs_into_ours::<Opus>(&mut OpusPayloader, &frames, 1200);
    assert_eq!(received.into_iter().map(|f| (f.data, f.key_frame)).collect::<Vec<_>>(), frames);
}

/// webrtc-rs 0.13 writes a LEB128 length of 128 or more wrongly (its
/// `put_leb128` shifts by 7 where its packing needs 8: 316 comes out as
/// 82 F8 02, not BC 02), and we rightly refuse those packets. So here every
/// OBU that gets a length stays short, and the long frame OBU goes last,
/// where W leaves its length out.
#[test]
fn av1_theirs_into_ours() {
    let mut rng = Rng(16);
    let units: Vec<_> = [(true, 1500), (false, 700), (false, 20), (true, 300)]
        .into_iter()
        .map(|(key, len)| {
            let mut received = Vec::new();
            if key {
                received.extend(obu(1, None, &rng.bytes(12)));
            }
            received.extend(obu(5, Some(0x08), &rng.bytes(5)));
            received.extend(obu(6, None, &rng.bytes(len)));
            let sent = [obu(2, None, &[]), received.clone()].concat();
            (sent, received, key)
        })
        .collect();
    let sent: Vec<_> = units.iter().map(|(sent, _, key)| (sent.clone(), *key)).collect();
    for &max in SIZES {
        let received = theirs_into_ours::<Av1>(&mut Av1Payloader {}, &sent, max);
        let expected: Vec<_> = units.iter().map(|(_, received, key)| (received.clone(), *key)).collect();
        assert_eq!(
            received.into_iter().map(|f| (f.data, f.key_frame)).collect::<Vec<_>>(),
            expected,
            "at {max}"
        );
    }
}
