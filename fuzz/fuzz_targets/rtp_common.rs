//! Shared by the RTP depacketizer targets: arbitrary bytes as a run of
//! packets (each a control byte, a length byte and that many payload bytes)
//! fed to one depacketizer, which must never panic and never hand out a
//! frame larger than it was given.

use wasmrtc::rtp::format::{Depacketized, Depacketizer, Packetizer, PayloadFormat, RtpInfo};

pub fn depacketize<F: PayloadFormat>(format: F, mut data: &[u8]) {
    let mut depacketizer = Depacketizer::new(format);
    let (mut sequence_number, mut timestamp) = (0u16, 0u32);
    let mut fed = 0usize;
    while let [control, len, rest @ ..] = data {
        let len = usize::from(*len).min(rest.len());
        let (payload, after) = rest.split_at(len);
        data = after;
        // Bits 0-1: sequence step (0 duplicates, 3 skips two); bit 2: a new
        // timestamp; bit 3: the marker.
        sequence_number = sequence_number.wrapping_add(u16::from(control & 0x03));
        if control & 0x04 != 0 {
            timestamp = timestamp.wrapping_add(3000);
        }
        let info = RtpInfo { sequence_number, timestamp, marker: control & 0x08 != 0 };
        let _ = depacketizer.push(info, payload);
        fed += payload.len();
        while let Some(output) = depacketizer.poll_output() {
            if let Depacketized::Frame(frame) = output {
                // Start codes and size fields add a few bytes per unit at most.
                assert!(frame.data.len() <= 4 * fed + 64, "frame of {} bytes from {fed}", frame.data.len());
            }
        }
    }
}

/// Packetizes `frame` (the payload size from its first byte) and
/// depacketizes the result: what comes out must be `expected`.
pub fn round_trip<P: Packetizer, F: PayloadFormat>(
    mut packetizer: P,
    format: F,
    data: &[u8],
    expected: impl Fn(&[u8]) -> Vec<u8>,
) {
    let Some((&size, frame)) = data.split_first() else { return };
    let max = usize::from(size) + 1;
    let Ok(payloads) = packetizer.packetize(frame, max) else { return };
    let mut depacketizer = Depacketizer::new(format);
    for (i, payload) in payloads.iter().enumerate() {
        assert!(payload.data.len() <= max);
        let info = RtpInfo { sequence_number: i as u16, timestamp: 0, marker: payload.marker };
        depacketizer.push(info, &payload.data).expect("our own payloads parse");
    }
    match depacketizer.poll_output() {
        Some(Depacketized::Frame(got)) => assert_eq!(got.data, expected(frame)),
        other => panic!("{other:?}"),
    }
    assert_eq!(depacketizer.poll_output(), None);
}
