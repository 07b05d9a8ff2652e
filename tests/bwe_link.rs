//! Send-side congestion control over a simulated bottleneck (issue 13's
//! acceptance): a sender of paced synthetic media at the controller's
//! target → a link with a bandwidth cap and a drop-tail queue
//! (wasmrtc_sim::net) → a transport-wide feedback receiver → transport-cc
//! feedback, as RTCP bytes, over the reverse link → the controller.
//!
//! Figures (seed 1, 20 ms each way, 50 KB drop-tail queue, start at
//! 300 kbit/s), printed by `cargo test --test bwe_link -- --nocapture`:
//! the start probes (900 kbit/s and 1.8 Mbit/s clusters) put the target at
//! 950 kbit/s 0.2 s in, and it stays within 20% of 1 Mbit/s from then to
//! 40 s (950 kbit/s there; without probes, growing 8%/s, it took 14.9 s);
//! when the cap drops to 300 kbit/s the target is below 360 kbit/s 0.9 s
//! later and stays in 200–360 kbit/s (307 kbit/s at 50 s). With 5% random
//! loss on the link the target is in 700–1200 kbit/s from 0.2 s on (855
//! kbit/s at 30 s).

use std::time::Duration;

use wasmrtc::bwe::{Bitrate, Config, Controller, Paced, Pacer, TwccReceiver};
use wasmrtc::rtp::packet::rtcp::{self, RtcpPacket};
use wasmrtc::time::Instant;
use wasmrtc_sim::net::{Impairments, Network};

const SENDER: u8 = 0;
const RECEIVER: u8 = 1;
const MEDIA_SSRC: u32 = 0x1111;
const FEEDBACK_SSRC: u32 = 0x2222;
const FRAME_INTERVAL: Duration = Duration::from_micros(33_333);
/// RTP payloads split to this many bytes, plus headers and SRTP's tag.
const MAX_PACKET: usize = 1200;

/// One end-to-end loop in virtual time; `trace` holds the target every
/// 100 ms.
struct Link {
    net: Network<u8>,
    controller: Controller,
    pacer: Pacer<Vec<u8>>,
    receiver: TwccReceiver,
    next_frame: Instant,
    next_sample: Instant,
    transport_seq: u16,
    now: Instant,
    trace: Vec<(Instant, Bitrate)>,
    feedback_packets: u64,
}

impl Link {
    fn new(forward: Impairments) -> Link {
        let mut net = Network::new(1, Impairments::reliable(Duration::from_millis(20)));
        net.set(SENDER, RECEIVER, forward);
        let controller = Controller::new(Config::default());
        let pacer = Pacer::new(controller.target_bitrate());
        Link {
            net,
            controller,
            pacer,
            receiver: TwccReceiver::new(FEEDBACK_SSRC),
            next_frame: Instant::ZERO,
            next_sample: Instant::ZERO,
            transport_seq: 0,
            now: Instant::ZERO,
            trace: Vec::new(),
            feedback_packets: 0,
        }
    }

    /// A frame of a stream at the target rate, split into packets that
    /// carry their transport-wide sequence number in the first two bytes.
    fn make_frame(&mut self) {
        let bytes = self.controller.target_bitrate().bytes_in(FRAME_INTERVAL) as usize;
        let mut left = bytes.max(1);
        while left > 0 {
            let size = left.min(MAX_PACKET);
            left -= size;
            let packet = self.packet(size);
            let len = packet.len();
            self.pacer.handle_packet(packet, len, self.now);
        }
    }

    /// A packet of `size` bytes with the next transport-wide sequence number.
    fn packet(&mut self, size: usize) -> Vec<u8> {
        let mut packet = vec![0u8; size.max(2)];
        packet[..2].copy_from_slice(&self.transport_seq.to_be_bytes());
        self.transport_seq = self.transport_seq.wrapping_add(1);
        packet
    }

    fn run_until(&mut self, end: Instant) {
        while self.now < end {
            let deadlines = [
                Some(self.next_frame),
                Some(self.next_sample),
                self.pacer.poll_timeout(),
                self.receiver.poll_timeout(),
                self.net.next_delivery(),
            ];
            self.now = deadlines.into_iter().flatten().min().unwrap_or(end).min(end).max(self.now);
            let now = self.now;
            if now >= self.next_sample {
                self.trace.push((now, self.controller.target_bitrate()));
                self.next_sample = now + Duration::from_millis(100);
            }
            if now >= self.next_frame {
                self.make_frame();
                self.next_frame = self.next_frame + FRAME_INTERVAL;
            }
            while let Some(cluster) = self.controller.poll_probe_cluster() {
                self.pacer.create_probe_cluster(cluster, now);
            }
            self.pacer.handle_timeout(now);
            while let Some(paced) = self.pacer.poll_transmit() {
                let (packet, probe_cluster) = match paced {
                    Paced::Media { packet, probe_cluster } => (packet, probe_cluster),
                    Paced::Padding { size, probe_cluster } => (self.packet(size), Some(probe_cluster)),
                };
                let seq = u16::from_be_bytes([packet[0], packet[1]]);
                self.controller.on_sent(seq, packet.len(), probe_cluster, now);
                self.net.send(now, SENDER, RECEIVER, packet);
            }
            while let Some(datagram) = self.net.poll(now) {
                if datagram.to == RECEIVER {
                    let seq = u16::from_be_bytes([datagram.data[0], datagram.data[1]]);
                    self.receiver.handle_packet(MEDIA_SSRC, seq, now);
                } else {
                    for packet in rtcp::parse(&datagram.data, true).expect("our feedback parses") {
                        if let RtcpPacket::TransportCc(feedback) = packet {
                            let target = self.controller.handle_feedback(&feedback, now);
                            self.pacer.set_target_bitrate(target, now);
                        }
                    }
                }
            }
            self.receiver.handle_timeout(now);
            while let Some(feedback) = self.receiver.poll_feedback() {
                let mut bytes = Vec::new();
                rtcp::write(&[RtcpPacket::TransportCc(feedback)], &mut bytes).expect("feedback writes");
                self.feedback_packets += 1;
                self.net.send(now, RECEIVER, SENDER, bytes);
            }
        }
    }

    /// The first sample from which the target stays within `band` until
    /// `until`.
    fn settled_at(&self, from: Instant, until: Instant, band: (Bitrate, Bitrate)) -> Option<Instant> {
        let window: Vec<_> = self.trace.iter().filter(|(t, _)| *t >= from && *t < until).collect();
        let last_outside = window.iter().rposition(|(_, b)| *b < band.0 || *b > band.1);
        match last_outside {
            None => window.first().map(|(t, _)| *t),
            Some(i) => window.get(i + 1).map(|(t, _)| *t),
        }
    }
}

fn secs(s: u64) -> Instant {
    Instant::ZERO + Duration::from_secs(s)
}

#[test]
fn bottleneck_of_1_mbit_s_then_300_kbit_s() {
    let mut link = Link::new(Impairments::bottleneck(1_000_000, 0.0));
    let drop_at = secs(40);
    link.run_until(drop_at);
    let converged = link
        .settled_at(Instant::ZERO, drop_at, (Bitrate::kbps(800), Bitrate::kbps(1200)))
        .expect("the estimate converges within 20% of 1 Mbit/s");
    let before_drop = link.controller.target_bitrate();

    link.net.set(SENDER, RECEIVER, Impairments::bottleneck(300_000, 0.0));
    link.run_until(drop_at + Duration::from_secs(10));
    let backed_off = link
        .trace
        .iter()
        .find(|(t, b)| *t >= drop_at && *b < Bitrate::kbps(360))
        .map(|(t, _)| *t - drop_at)
        .expect("the estimate backs off below 360 kbit/s");
    let settled_low = link.settled_at(drop_at, secs(50), (Bitrate::kbps(200), Bitrate::kbps(360)));
    let stats = link.net.stats();
    println!(
        "converged within 20% of 1 Mbit/s at {:.1} s (target {} at 40 s); backed off below 360 kbit/s {:.2} s after \
         the cap dropped to 300 kbit/s, stayed in 200–360 kbit/s from {:?} s; target at 50 s {}; {} datagrams, \
         {} dropped by the queue, {} feedback packets",
        converged.as_millis_f64() / 1000.0,
        before_drop,
        backed_off.as_secs_f64(),
        settled_low.map(|t| (t - drop_at).as_secs_f64()),
        link.controller.target_bitrate(),
        stats.sent,
        stats.queue_dropped,
        link.feedback_packets,
    );
    assert!(backed_off <= Duration::from_secs(2), "backed off after {backed_off:?}");
    assert!(settled_low.is_some(), "the estimate stays near 300 kbit/s");
}

/// Random loss below the loss-based controller's 10% does not pull the
/// target off the bottleneck: the delay-based estimate still leads.
#[test]
fn random_loss_of_5_percent_on_a_1_mbit_s_bottleneck() {
    let mut link = Link::new(Impairments::bottleneck(1_000_000, 0.05));
    link.run_until(secs(30));
    let settled = link.settled_at(Instant::ZERO, secs(30), (Bitrate::kbps(700), Bitrate::kbps(1200)));
    let stats = link.net.stats();
    println!(
        "with 5% loss: target in 700–1200 kbit/s from {:?} s, {} at 30 s; {} of {} datagrams lost",
        settled.map(|t| t.as_millis_f64() / 1000.0),
        link.controller.target_bitrate(),
        stats.lost,
        stats.sent,
    );
    assert!(settled.is_some_and(|t| t < secs(5)), "{settled:?}");
}
