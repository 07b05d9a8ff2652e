//! The congestion controller, the pacer and the feedback receiver on
//! arbitrary input: a script of sends, arrivals, time steps and raw RTCP
//! bytes (a peer's transport-cc feedback is untrusted). Nothing may panic,
//! the target stays within the configured bounds, and the receiver's own
//! feedback writes to RTCP that parses back to the same packet.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use wasmrtc::bwe::{Config, Controller, Paced, Pacer, TwccReceiver};
use wasmrtc::rtp::packet::rtcp::{self, RtcpPacket};
use wasmrtc::time::Instant;

/// Sends what the pacer released, padding numbered from `next_seq`.
fn transmit(pacer: &mut Pacer<(u16, usize)>, controller: &mut Controller, next_seq: &mut u16, now: Instant) {
    while let Some(cluster) = controller.poll_probe_cluster() {
        pacer.create_probe_cluster(cluster, now);
    }
    pacer.handle_timeout(now);
    while let Some(paced) = pacer.poll_transmit() {
        let (seq, size, cluster) = match paced {
            Paced::Media { packet: (seq, size), probe_cluster } => (seq, size, probe_cluster),
            Paced::Padding { size, probe_cluster } => {
                *next_seq = next_seq.wrapping_add(1);
                (*next_seq, size, Some(probe_cluster))
            }
        };
        controller.on_sent(seq, size, cluster, now);
    }
}

fuzz_target!(|data: &[u8]| {
    let config = Config::default();
    let mut controller = Controller::new(config);
    let mut pacer = Pacer::new(controller.target_bitrate());
    let mut receiver = TwccReceiver::new(1);
    let mut now = Instant::ZERO;
    let mut next_seq = 0u16;
    let mut input = data;
    while let Some((&op, rest)) = input.split_first() {
        input = rest;
        let mut word = || {
            let (w, rest) = input.split_first_chunk::<2>().map_or(([0, 0], &[][..]), |(w, r)| (*w, r));
            input = rest;
            u16::from_be_bytes(w)
        };
        match op % 5 {
            0 => {
                let (seq, size) = (word(), word());
                next_seq = seq;
                pacer.handle_packet((seq, usize::from(size)), usize::from(size), now);
            }
            1 => {
                let seq = word();
                receiver.handle_packet(2, seq, now);
            }
            2 => {
                now = now + Duration::from_micros(u64::from(word()) * 50);
                receiver.handle_timeout(now);
                while let Some(feedback) = receiver.poll_feedback() {
                    let mut bytes = Vec::new();
                    rtcp::write(&[RtcpPacket::TransportCc(feedback.clone())], &mut bytes).expect("feedback writes");
                    let parsed = rtcp::parse(&bytes, true).expect("our feedback parses");
                    assert_eq!(parsed, [RtcpPacket::TransportCc(feedback.clone())]);
                    let target = controller.handle_feedback(&feedback, now);
                    pacer.set_target_bitrate(target, now);
                }
            }
            3 => {
                let len = usize::from(word() % 512).min(input.len());
                let (bytes, rest) = input.split_at(len);
                input = rest;
                for packet in rtcp::parse(bytes, true).unwrap_or_default() {
                    if let RtcpPacket::TransportCc(feedback) = packet {
                        let target = controller.handle_feedback(&feedback, now);
                        pacer.set_target_bitrate(target, now);
                    }
                }
            }
            _ => {
                if let Some(at) = pacer.poll_timeout() {
                    now = now.max(at);
                }
            }
        }
        transmit(&mut pacer, &mut controller, &mut next_seq, now);
        let target = controller.target_bitrate();
        assert!(target >= config.min_bitrate && target <= config.max_bitrate, "{target}");
    }
});
