//! The payload formats end to end: each codec's packetizer into its
//! depacketizer at several payload sizes, then the same packets lost,
//! duplicated and delivered too late. A frame handed out is always exactly
//! the frame sent; one that lost a fragment is reported dropped.

mod rtp_format_frames;

use rtp_format_frames::*;
use wasmrtc::rtp::format::av1::{Av1, Av1Packetizer};
use wasmrtc::rtp::format::g711::{G711Packetizer, G711};
use wasmrtc::rtp::format::h264::{H264Packetizer, H264};
use wasmrtc::rtp::format::opus::{Opus, OpusPacketizer};
use wasmrtc::rtp::format::vp8::{Vp8, Vp8Packetizer};
use wasmrtc::rtp::format::vp9::{Vp9, Vp9Packetizer};
use wasmrtc::rtp::format::{Depacketized, Depacketizer, Frame, Packetizer, PayloadFormat, RtpInfo};

/// A frame as sent, as it should come out, and whether it is a key frame.
struct Sent {
    frame: Vec<u8>,
    expected: Vec<u8>,
    key: bool,
}

fn timestamp(index: usize) -> u32 {
    (u32::MAX - 3000).wrapping_add(3000 * index as u32)
}

/// Packetizes the frames; sequence numbers wrap on the way.
fn packetize(packetizer: &mut dyn Packetizer, frames: &[Sent], max: usize) -> Vec<(RtpInfo, Vec<u8>, usize)> {
    let mut packets = Vec::new();
    let mut sequence_number = 65530u16;
    for (index, sent) in frames.iter().enumerate() {
        let payloads = packetizer.packetize(&sent.frame, max).unwrap();
        for payload in payloads {
            assert!(payload.data.len() <= max, "payload of {} bytes over {max}", payload.data.len());
            let info = RtpInfo { sequence_number, timestamp: timestamp(index), marker: payload.marker };
            packets.push((info, payload.data, index));
            sequence_number = sequence_number.wrapping_add(1);
        }
    }
    packets
}

fn depacketize<F: PayloadFormat + Default>(packets: &[(RtpInfo, Vec<u8>, usize)]) -> Vec<Depacketized> {
    let mut depacketizer = Depacketizer::new(F::default());
    for (info, payload, _) in packets {
        let _ = depacketizer.push(*info, payload);
    }
    std::iter::from_fn(|| depacketizer.poll_output()).collect()
}

fn expected_frame(frames: &[Sent], index: usize) -> Depacketized {
    Depacketized::Frame(Frame {
        timestamp: timestamp(index),
        data: frames[index].expected.clone(),
        key_frame: frames[index].key,
    })
}

/// Every frame handed out is the one sent with that timestamp.
fn assert_never_corrupt(frames: &[Sent], outputs: &[Depacketized], context: &str) {
    for output in outputs {
        if let Depacketized::Frame(frame) = output {
            let index =
                (0..frames.len()).find(|&i| timestamp(i) == frame.timestamp).expect("a sent timestamp");
            assert_eq!(output, &expected_frame(frames, index), "{context}: corrupt frame {index}");
        }
    }
}

fn check<F: PayloadFormat + Default>(
    name: &str,
    new_packetizer: &dyn Fn() -> Box<dyn Packetizer>,
    frames: &[Sent],
    sizes: &[usize],
) {
    for &max in sizes {
        let packets = packetize(&mut *new_packetizer(), frames, max);
        let context = format!("{name} at {max} bytes");

        // Clean: every frame, in order.
        let clean = depacketize::<F>(&packets);
        let all: Vec<_> = (0..frames.len()).map(|i| expected_frame(frames, i)).collect();
        assert_eq!(clean, all, "{context}");

        // Duplicated: the same.
        let doubled: Vec<_> = packets.iter().flat_map(|p| [p.clone(), p.clone()]).collect();
        assert_eq!(depacketize::<F>(&doubled), all, "{context}, duplicated");

        // Every packet lost in turn (every few, when there are many).
        for lost in (0..packets.len()).step_by(packets.len() / 100 + 1) {
            let mut lossy = packets.clone();
            let (_, _, lost_frame) = lossy.remove(lost);
            let outputs = depacketize::<F>(&lossy);
            let context = format!("{context}, packet {lost} lost");
            assert_never_corrupt(frames, &outputs, &context);
            let lost_timestamp = timestamp(lost_frame);
            // Reported once another of its packets came, or (if the very last
            // packet was lost) never: nothing says the stream went on.
            let frame_had_more =
                packets.iter().filter(|p| p.2 == lost_frame).count() > 1 && lost + 1 < packets.len();
            assert_eq!(
                outputs.contains(&Depacketized::Dropped { timestamp: lost_timestamp }),
                frame_had_more,
                "{context}: {outputs:?}"
            );
            // Frames before the loss are untouched.
            for index in 0..lost_frame {
                assert!(outputs.contains(&expected_frame(frames, index)), "{context}: frame {index} missing");
            }

            // Delivered after the next packet instead: too late, ignored.
            if lost + 1 < packets.len() {
                let mut late = packets.clone();
                late.swap(lost, lost + 1);
                assert_never_corrupt(frames, &depacketize::<F>(&late), &format!("{context} (late instead)"));
            }
        }

        // Payloads cut inside their headers never panic.
        for cut in (0..packets.len()).step_by(packets.len() / 100 + 1) {
            let len = packets[cut].1.len();
            for keep in (0..len.min(12)).chain([len - 1]) {
                let mut truncated = packets.clone();
                truncated[cut].1.truncate(keep);
                depacketize::<F>(&truncated);
            }
        }
    }
}

const VIDEO_SIZES: &[usize] = &[1200, 300, 64, 17];

fn video(rng: &mut Rng, make: fn(&mut Rng, bool, usize) -> Vec<u8>) -> Vec<Sent> {
    [(true, 900), (false, 400), (false, 30), (true, 200), (false, 5)]
        .into_iter()
        .map(|(key, len)| {
            let frame = make(rng, key, len);
            Sent { expected: frame.clone(), frame, key }
        })
        .collect()
}

#[test]
fn vp8_round_trips() {
    let frames = video(&mut Rng(1), vp8);
    check::<Vp8>("VP8", &|| Box::new(Vp8Packetizer::new(0x7FFE)), &frames, VIDEO_SIZES);
}

#[test]
fn vp9_round_trips() {
    let frames = video(&mut Rng(2), vp9);
    check::<Vp9>("VP9", &|| Box::new(Vp9Packetizer::new(3)), &frames, VIDEO_SIZES);
}

#[test]
fn h264_round_trips() {
    let frames = video(&mut Rng(3), h264);
    check::<H264>("H.264", &|| Box::new(H264Packetizer), &frames, VIDEO_SIZES);
}

#[test]
fn h264_key_frame_without_parameter_sets_gets_the_last_ones() {
    let mut rng = Rng(4);
    let first = h264(&mut rng, true, 100);
    let idr = annex_b(&[[&[0x65][..], &rng.bytes(50)].concat()]);
    let frames = [
        Sent { expected: first.clone(), frame: first, key: true },
        Sent {
            expected: [annex_b(&[SPS.to_vec(), PPS.to_vec()]), idr.clone()].concat(),
            frame: idr,
            key: true,
        },
    ];
    check::<H264>("H.264 bare IDR", &|| Box::new(H264Packetizer), &frames, &[1200, 40]);
}

#[test]
fn av1_round_trips() {
    let mut rng = Rng(5);
    let frames: Vec<_> = [(true, 900), (false, 400), (false, 30), (true, 200), (false, 1)]
        .into_iter()
        .map(|(key, len)| {
            let (frame, expected) = av1(&mut rng, key, len);
            Sent { frame, expected, key }
        })
        .collect();
    check::<Av1>("AV1", &|| Box::new(Av1Packetizer), &frames, &[1200, 300, 64, 17, 5, 3]);
}

#[test]
fn audio_round_trips_one_frame_per_packet() {
    let mut rng = Rng(6);
    let frames: Vec<_> = [120, 3, 60, 1]
        .into_iter()
        .map(|len| {
            let frame = rng.bytes(len);
            Sent { expected: frame.clone(), frame, key: true }
        })
        .collect();
    check::<Opus>("Opus", &|| Box::new(OpusPacketizer), &frames, &[1200, 120]);
    check::<G711>("G.711", &|| Box::new(G711Packetizer), &frames, &[160]);
    assert!(OpusPacketizer.packetize(&[1; 121], 120).is_err());
    assert!(OpusPacketizer.packetize(&[], 120).is_err());
    assert!(G711Packetizer.packetize(&[], 120).is_err());
}

#[test]
fn packetizers_refuse_what_they_cannot_send() {
    assert!(Vp8Packetizer::new(0).packetize(&[], 1200).is_err());
    assert!(Vp8Packetizer::new(0).packetize(&[0; 10], 4).is_err());
    assert!(Vp9Packetizer::new(0).packetize(&[0x00, 1, 2], 1200).is_err());
    assert!(H264Packetizer.packetize(&[0x65, 1, 2], 1200).is_err());
    assert!(H264Packetizer.packetize(&[0, 0, 1, 0x65, 1, 2, 3], 2).is_err());
    assert!(H264Packetizer.packetize(&[0, 0, 1, 0x7C, 0x85, 1], 1200).is_err(), "an FU-A inside a frame");
    assert!(Av1Packetizer.packetize(&[0x12, 0x00], 1200).is_err());
    assert!(Av1Packetizer.packetize(&[0x32, 0x05, 1], 1200).is_err());
}

fn push_one<F: PayloadFormat + Default>(payload: &[u8]) -> Result<(), wasmrtc::rtp::format::FormatError> {
    Depacketizer::new(F::default()).push(RtpInfo { sequence_number: 1, timestamp: 1, marker: true }, payload)
}

#[test]
fn malformed_payloads_are_errors() {
    assert!(push_one::<Vp8>(&[0x80]).is_err());
    assert!(push_one::<Vp8>(&[0x10]).is_err(), "descriptor without data");
    assert!(push_one::<Vp9>(&[0x88]).is_err());
    assert!(push_one::<H264>(&[0x1F, 1]).is_err(), "reserved NAL unit type");
    assert!(push_one::<H264>(&[0x1A, 1]).is_err(), "MTAP16 is not packetization-mode 1");
    assert!(push_one::<H264>(&[0x7C, 0xC5, 1]).is_err(), "FU-A with S and E");
    assert!(push_one::<H264>(&[0x7C, 0x05, 1]).is_err(), "FU-A continued without start");
    assert!(push_one::<H264>(&[0x78, 0x00, 0x05, 0x67]).is_err(), "STAP-A size beyond payload");
    assert!(push_one::<H264>(&[0x78, 0x00, 0x00]).is_err(), "STAP-A zero size");
    assert!(push_one::<H264>(&[0x78]).is_err(), "empty STAP-A");
    assert!(push_one::<Av1>(&[0x20, 0x01, 0x30]).is_err(), "W = 2 with one element");
    assert!(push_one::<Av1>(&[0x80, 0x30]).is_err(), "continuation without start");
    assert!(push_one::<Av1>(&[0x10, 0xB0]).is_err(), "forbidden bit");
    assert!(push_one::<Av1>(&[0x00, 0x05, 0x30]).is_err(), "element length beyond payload");
    // FU-A not ended before the next NAL unit.
    let mut depacketizer = Depacketizer::new(H264::default());
    assert!(depacketizer
        .push(RtpInfo { sequence_number: 1, timestamp: 1, marker: false }, &[0x7C, 0x85, 1])
        .is_ok());
    assert!(depacketizer
        .push(RtpInfo { sequence_number: 2, timestamp: 1, marker: true }, &[0x65, 1])
        .is_err());
    assert_eq!(depacketizer.poll_output(), Some(Depacketized::Dropped { timestamp: 1 }));
}
