//! Congestion control between two whole peers (issue 13's acceptance):
//! peer 0 sends a VP8-shaped stream at the latest `TargetBitrate` to peer 1
//! through the relayed UDP, with a bandwidth cap and a drop-tail queue on
//! that direction (wasmrtc_sim::net); peer 1 feeds back transport-cc.
//!
//! Figures (seed 5, 20 ms each way on the relayed UDP, 50 KB queue),
//! printed by `cargo test --test peer_pair -- the_target a_100_kb
//! random_loss --nocapture`:
//! the start probes put the target at 949 kbit/s 0.3 s in, and it stays
//! within 20% of 1 Mbit/s (829–1028 kbit/s, the delay-based controller's
//! sawtooth) until the cap drops at 20 s; then it is 336 kbit/s 1.0 s
//! later (under 360 kbit/s) and stays in 214–295 kbit/s to 30 s. 882 of
//! 901 frames arrive whole, 8 are reported dropped; the bottleneck's queue
//! drops 9 packets. getStats' availableOutgoingBitrate is the controller's
//! target, within the 5% the event waits for (seeds 1, 2, 3, 7, 11: 0.3 s
//! and 1.0 s too). With 5% random loss on the 1 Mbit/s link (seed 7) the
//! target is in 700–1200 kbit/s from 0.3 s on (835 kbit/s at 20 s). A
//! 100 KB key frame at the start (seed 6, 2 Mbit/s cap) arrives whole 0.6 s
//! after it was sent; 98 of the 121 frames of those 4 s arrive whole (the
//! target overshoots while the key frame drains, and the queue drops some
//! of the frames after it).
// Native only (tests/peer_pair.rs): tests/wasm.rs shares the module tree.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::time::Duration;

use wasmrtc::jsep::{MediaKind, TransceiverDirection, TransceiverId};
use wasmrtc::peer::PeerEvent;
use wasmrtc::time::Instant;
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::{Addr, Pair};

const FRAME_INTERVAL: Duration = Duration::from_micros(33_333);
/// The controller's start, before any feedback.
const START_BPS: u64 = 300_000;

/// A VP8 frame (RFC 6386 §9.1) of `len` bytes: the frame tag, and on a key
/// frame the start code and a 640×480 size.
fn vp8_frame(key_frame: bool, n: u32, len: usize) -> Vec<u8> {
    let mut data = vec![0x10 | u8::from(!key_frame) | 0x40, 0x46, 0x02];
    if key_frame {
        data.extend_from_slice(&[0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    }
    let fill = len.max(data.len()) - data.len();
    data.extend((0..fill as u32).map(|i| (n.wrapping_mul(31).wrapping_add(i.wrapping_mul(7)) >> 1) as u8));
    data
}

/// Peer 0 sends video only, peer 1 receives it; both connected.
struct Call {
    pair: Pair,
    transceiver: TransceiverId,
    payload_type: u8,
    /// The relayed addresses: peer 0's, peer 1's.
    forward: (Addr, Addr),
    frames_sent: u32,
    next_frame: Instant,
    /// Samples every 100 ms: time, the latest TargetBitrate, getStats'
    /// availableOutgoingBitrate.
    trace: Vec<(Instant, u64, Option<f64>)>,
}

fn relayed(candidate: &wasmrtc::sdp::Candidate) -> Addr {
    Addr::Relayed(format!("{}:{}", candidate.address, candidate.port).parse().expect("a relayed address"))
}

impl Call {
    fn new(seed: u64) -> Call {
        let mut pair = Pair::new(seed, Impairments::reliable(Duration::from_millis(20)));
        pair.peers[0].pc.add_track(MediaKind::Video, "video0".into(), vec!["stream0".into()]).unwrap();
        pair.connect();
        let t = pair.peers[0].pc.transceivers().into_iter().find(|t| t.kind == MediaKind::Video).unwrap();
        assert_eq!(t.current_direction, Some(TransceiverDirection::SendOnly));
        let payload_type = t.codecs.iter().find(|c| c.name == "VP8").expect("VP8 negotiated").payload_type;
        let (local, remote) = pair.peers[0].pc.ice().and_then(|ice| ice.selected_pair()).expect("a selected pair");
        let now = pair.now;
        Call {
            pair,
            transceiver: t.id,
            payload_type,
            forward: (relayed(&local), relayed(&remote)),
            frames_sent: 0,
            next_frame: now,
            trace: Vec::new(),
        }
    }

    fn cap(&mut self, bits_per_s: u64) {
        self.impair(Impairments::bottleneck(bits_per_s, 0.0));
    }

    fn impair(&mut self, impairments: Impairments) {
        let (from, to) = self.forward;
        self.pair.net.set(from, to, impairments);
    }

    /// The latest TargetBitrate peer 0 announced.
    fn target(&self) -> u64 {
        self.pair.peers[0]
            .events
            .iter()
            .rev()
            .find_map(|(_, e)| match e {
                PeerEvent::TargetBitrate { bitrate_bps } => Some(*bitrate_bps),
                _ => None,
            })
            .unwrap_or(START_BPS)
    }

    fn available_outgoing_bitrate(&self) -> Option<f64> {
        let stats = self.pair.peers[0].pc.stats(self.pair.now, 0.0);
        // Only the selected pair reports it.
        stats.iter().filter(|s| s["type"] == "candidate-pair").find_map(|s| s["availableOutgoingBitrate"].as_f64())
    }

    /// Frames at the target until `end`, a sample every 100 ms; `first`
    /// is the size of the first frame (a key frame).
    fn run_until(&mut self, end: Instant, first: Option<usize>) {
        let mut next_sample = self.pair.now;
        while self.pair.now < end {
            let now = self.pair.now;
            if now >= next_sample {
                self.trace.push((now, self.target(), self.available_outgoing_bitrate()));
                next_sample = now + Duration::from_millis(100);
            }
            if now >= self.next_frame {
                let n = self.frames_sent;
                let len = match (n, first) {
                    (0, Some(len)) => len,
                    _ => (self.target() / 8 * FRAME_INTERVAL.as_micros() as u64 / 1_000_000) as usize,
                };
                let frame = vp8_frame(n == 0, n, len);
                let rtp_timestamp = 3000 * n;
                self.pair.peers[0]
                    .pc
                    .send_frame(now, self.transceiver, self.payload_type, rtp_timestamp, &frame)
                    .unwrap();
                self.frames_sent += 1;
                self.next_frame = self.next_frame + FRAME_INTERVAL;
            }
            self.pair.drain();
            let next = self.next_frame.min(next_sample).min(end);
            self.pair.run_for(next.saturating_duration_since(self.pair.now));
        }
    }

    /// The first sample from which the target stays in `band` until `until`.
    fn settled_at(&self, from: Instant, until: Instant, band: (u64, u64)) -> Option<Instant> {
        let window: Vec<_> = self.trace.iter().filter(|(t, ..)| *t >= from && *t < until).collect();
        let outside = window.iter().rposition(|(_, b, _)| *b < band.0 || *b > band.1);
        match outside {
            None => window.first().map(|(t, ..)| *t),
            Some(i) => window.get(i + 1).map(|(t, ..)| *t),
        }
    }

    fn print_trace(&self) {
        let start = self.trace.first().map_or(Instant::ZERO, |(t, ..)| *t);
        for chunk in self.trace.chunks(5) {
            let (t, target, available) = chunk[0];
            println!(
                "  {:5.1} s  target {:7.0} kbit/s  availableOutgoingBitrate {:?}",
                (t - start).as_secs_f64(),
                target as f64 / 1000.0,
                available.map(|b| (b / 1000.0).round())
            );
        }
    }

    /// The frames peer 1 received whole, and those it saw dropped.
    fn received(&self) -> (Vec<(u32, usize)>, usize) {
        let mut frames = Vec::new();
        let mut dropped = 0;
        for (_, event) in &self.pair.peers[1].events {
            match event {
                PeerEvent::MediaFrame { rtp_timestamp, data, .. } => frames.push((*rtp_timestamp, data.len())),
                PeerEvent::MediaFrameDropped { .. } => dropped += 1,
                _ => {}
            }
        }
        (frames, dropped)
    }
}

/// 1 Mbit/s for 20 s, then 300 kbit/s for 10 s: the estimate converges to
/// within 20% of the first and is under 360 kbit/s within 2 s of the drop;
/// availableOutgoingBitrate is the target throughout.
pub fn the_target_follows_a_bottleneck_of_1_mbit_s_then_300_kbit_s() {
    let mut call = Call::new(5);
    call.cap(1_000_000);
    let t0 = call.pair.now;
    let drop_at = t0 + Duration::from_secs(20);
    call.run_until(drop_at, None);
    let converged = call.settled_at(t0, drop_at, (800_000, 1_200_000));
    call.cap(300_000);
    let end = drop_at + Duration::from_secs(10);
    call.run_until(end, None);
    let backed_off = call.trace.iter().find(|(t, b, _)| *t >= drop_at && *b < 360_000).map(|(t, ..)| *t - drop_at);
    let settled_low = call.settled_at(drop_at, end, (200_000, 360_000));
    call.print_trace();
    let (frames, dropped) = call.received();
    let stats = call.pair.net.stats();
    println!(
        "converged within 20% of 1 Mbit/s {:?} s in; backed off below 360 kbit/s {:?} s after the drop, in \
         200–360 kbit/s from {:?} s after it; {} frames sent, {} whole, {} dropped; {} datagrams on all links, {} \
         dropped by the bottleneck's queue",
        converged.map(|t| (t - t0).as_secs_f64()),
        backed_off.map(|d| d.as_secs_f64()),
        settled_low.map(|t| (t - drop_at).as_secs_f64()),
        call.frames_sent,
        frames.len(),
        dropped,
        stats.sent,
        stats.queue_dropped,
    );
    assert!(converged.is_some(), "the estimate converges within 20% of 1 Mbit/s");
    assert!(backed_off.is_some_and(|d| d <= Duration::from_secs(2)), "backed off after {backed_off:?}");
    assert!(settled_low.is_some(), "the estimate stays near 300 kbit/s");
    // availableOutgoingBitrate is the controller's target: the announced
    // one moves only by more than 5%.
    for (t, target, available) in call.trace.iter().filter(|(t, ..)| *t >= t0 + Duration::from_secs(1)) {
        let available = available.unwrap_or_else(|| panic!("no availableOutgoingBitrate at {t:?}"));
        let off = (available - *target as f64).abs() / *target as f64;
        assert!(off <= 0.06, "availableOutgoingBitrate {available} for a target of {target} at {t:?}");
    }
    assert!(frames.len() as u32 * 10 >= call.frames_sent * 8, "{} of {} frames whole", frames.len(), call.frames_sent);
}

/// A 100 KB key frame at the start (2.7 s of it at the start's 300 kbit/s,
/// 1.1 s at its pacing rate) still arrives whole, and soon: the probes and
/// the pacer's 2 s queue-time limit let it out faster. Frames right after
/// it may be lost in the bottleneck's queue as the target jumps.
pub fn a_100_kb_key_frame_at_the_start_arrives_whole() {
    let mut call = Call::new(6);
    call.cap(2_000_000);
    let t0 = call.pair.now;
    call.run_until(t0 + Duration::from_secs(4), Some(100_000));
    let first = call.pair.peers[1].events.iter().find_map(|(at, e)| match e {
        PeerEvent::MediaFrame { rtp_timestamp: 0, data, key_frame, .. } => Some((*at, data.len(), *key_frame)),
        _ => None,
    });
    println!("the 100 KB key frame: {:?}", first.map(|(at, len, key)| ((at - t0).as_secs_f64(), len, key)));
    let (at, len, key_frame) = first.expect("the key frame arrives");
    assert_eq!((len, key_frame), (100_000, true));
    assert!(at - t0 < Duration::from_millis(2500), "after {:?}", at - t0);
    let (frames, dropped) = call.received();
    println!("{} frames sent, {} whole, {dropped} dropped", call.frames_sent, frames.len());
    assert!(frames.len() as u32 * 4 >= call.frames_sent * 3, "{} of {} frames whole", frames.len(), call.frames_sent);
}

/// Random loss of 5%, below the loss-based controller's 10%, on a 1 Mbit/s
/// bottleneck: the delay-based estimate still leads.
pub fn random_loss_of_5_percent_does_not_pull_the_target_off_the_bottleneck() {
    let mut call = Call::new(7);
    call.impair(Impairments::bottleneck(1_000_000, 0.05));
    let t0 = call.pair.now;
    let end = t0 + Duration::from_secs(20);
    call.run_until(end, None);
    let settled = call.settled_at(t0, end, (700_000, 1_200_000));
    let stats = call.pair.net.stats();
    println!(
        "with 5% loss: target in 700–1200 kbit/s from {:?} s, {} kbit/s at 20 s; {} datagrams lost of {} on all links",
        settled.map(|t| (t - t0).as_secs_f64()),
        call.target() / 1000,
        stats.lost,
        stats.sent,
    );
    assert!(settled.is_some_and(|t| t - t0 < Duration::from_secs(5)), "{settled:?}");
}
