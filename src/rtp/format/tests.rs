//! The shared depacketizer's frame assembly: loss, duplicates, late
//! packets and malformed payloads, on a toy format with explicit start and
//! end flags.
use super::*;

/// First byte: 'S' starts a frame, 'C' continues one, 'U' may start one,
/// '!' is malformed; the rest is data. The marker ends the frame.
#[derive(Debug, Default)]
struct Toy;

impl PayloadFormat for Toy {
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        let start = match payload[0] {
            b'S' => FrameStart::Yes,
            b'C' => FrameStart::No,
            b'U' => FrameStart::Unknown,
            _ => return Err(FormatError::Malformed("toy")),
        };
        Ok(Fragment {
            start,
            end: info.marker,
            key_frame: payload.get(1) == Some(&b'K'),
            data: Cow::Borrowed(&payload[1..]),
        })
    }
}

fn packet(
    sequence_number: u16,
    timestamp: u32,
    marker: bool,
    payload: &'static str,
) -> (RtpInfo, &'static [u8]) {
    (RtpInfo { sequence_number, timestamp, marker }, payload.as_bytes())
}

fn run(packets: &[(RtpInfo, &[u8])]) -> Vec<Depacketized> {
    let mut depacketizer = Depacketizer::new(Toy);
    for &(info, payload) in packets {
        let _ = depacketizer.push(info, payload);
    }
    std::iter::from_fn(|| depacketizer.poll_output()).collect()
}

fn frame(timestamp: u32, data: &str) -> Depacketized {
    Depacketized::Frame(Frame { timestamp, data: data.as_bytes().to_vec(), key_frame: data.starts_with('K') })
}

#[test]
fn whole_frames_in_order() {
    let out = run(&[
        packet(1, 100, false, "SKab"),
        packet(2, 100, false, "Ccd"),
        packet(3, 100, true, "Ce"),
        packet(4, 200, true, "Sf"),
    ]);
    assert_eq!(out, [frame(100, "Kabcde"), frame(200, "f")]);
}

#[test]
fn a_lost_middle_fragment_drops_the_frame() {
    let out = run(&[packet(1, 100, false, "Sa"), packet(3, 100, true, "Cc"), packet(4, 200, true, "Sd")]);
    assert_eq!(out, [Depacketized::Dropped { timestamp: 100 }, frame(200, "d")]);
}

#[test]
fn a_lost_last_fragment_drops_the_frame_when_the_next_begins() {
    let out = run(&[packet(1, 100, false, "Sa"), packet(3, 200, true, "Sc")]);
    assert_eq!(out, [Depacketized::Dropped { timestamp: 100 }, frame(200, "c")]);
}

#[test]
fn a_lost_first_fragment_drops_the_frame() {
    let out = run(&[packet(1, 50, true, "Sz"), packet(3, 100, false, "Cb"), packet(4, 100, true, "Cc")]);
    assert_eq!(out, [frame(50, "z"), Depacketized::Dropped { timestamp: 100 }]);
}

#[test]
fn an_unknown_start_after_loss_is_not_trusted() {
    let out = run(&[packet(1, 50, true, "Uz"), packet(3, 100, true, "Ub"), packet(4, 150, true, "Uc")]);
    assert_eq!(out, [frame(50, "z"), Depacketized::Dropped { timestamp: 100 }, frame(150, "c")]);
}

#[test]
fn duplicates_and_late_packets_are_ignored() {
    let out = run(&[
        packet(65534, 100, false, "Sa"),
        packet(65534, 100, false, "Sa"),
        packet(65535, 100, true, "Cb"),
        packet(65535, 100, true, "Cb"),
        packet(0, 200, false, "Sc"),
        packet(65535, 100, true, "Cb"),
        packet(1, 200, true, "Cd"),
    ]);
    assert_eq!(out, [frame(100, "ab"), frame(200, "cd")]);
}

#[test]
fn a_malformed_fragment_drops_its_frame_and_is_an_error() {
    let mut depacketizer = Depacketizer::new(Toy);
    assert!(depacketizer.push(RtpInfo { sequence_number: 1, timestamp: 100, marker: false }, b"Sa").is_ok());
    assert!(depacketizer.push(RtpInfo { sequence_number: 2, timestamp: 100, marker: false }, b"!").is_err());
    assert!(depacketizer.push(RtpInfo { sequence_number: 3, timestamp: 100, marker: true }, b"Cc").is_ok());
    assert_eq!(depacketizer.poll_output(), Some(Depacketized::Dropped { timestamp: 100 }));
    // A malformed first packet poisons the frame too, even with an unknown start.
    assert!(depacketizer.push(RtpInfo { sequence_number: 4, timestamp: 200, marker: false }, b"!").is_err());
    assert!(depacketizer.push(RtpInfo { sequence_number: 5, timestamp: 200, marker: true }, b"Uc").is_ok());
    assert_eq!(depacketizer.poll_output(), Some(Depacketized::Dropped { timestamp: 200 }));
    assert_eq!(depacketizer.poll_output(), None);
}

#[test]
fn padding_keeps_the_sequence_and_adds_nothing() {
    let out = run(&[packet(1, 100, true, "Ua"), packet(2, 100, false, ""), packet(3, 200, true, "Ub")]);
    assert_eq!(out, [frame(100, "a"), frame(200, "b")]);
}
