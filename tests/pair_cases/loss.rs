//! Loss recovery through two whole peers (issue 13): the jitter buffer puts
//! reordered and duplicated packets back in order, NACK and RTX repair lost
//! video packets, a lost audio packet is reported as its frame dropped,
//! and a PLI after an outage brings a key frame.
//!
//! Figures (`cargo test --test peer_pair -- reordered under_loss with_rtx
//! after_an_outage --nocapture`; one way is 20 ms to the relay, the UDP
//! link's delay, 20 ms from it; per direction, 30 fps VP8-shaped and 50 pps
//! Opus-shaped; the video jitter buffer waits 3.5 RTTs):
//!
//! - reordered (5% duplicated, 5% held back 30 ms, 20–50 ms), no loss, 4 s:
//!   200/200 Opus and 120/120 VP8 frames whole and in order each way.
//! - 5% loss with that reordering, 6 s: Opus 288 and 284 of 300 whole, the
//!   rest reported dropped; VP8 117 and 116 of 180 whole, 63 reported
//!   dropped, 0 and 1 lost whole (every packet given up), within the span
//!   the receiver reports lost (`MediaFramesLost`);
//!   505/521 NACKs sent, 171/223 packets retransmitted as RTX, RTT ~150 ms.
//!   Most drops are retransmissions that came after their gap was given up
//!   (the jitter buffer counts 25–32 late): the sender's target is ~900
//!   kbit/s (paced at 2.5 ×) under this jitter, below the ~2.5 Mbit/s this
//!   stream sends regardless (it ignores TargetBitrate), so the pacer's
//!   queue grows and retransmissions wait in it behind the video.
//! - 20% loss so: Opus 235/233 of 300 whole, the rest dropped (3 lost before
//!   the first packet heard vanish); VP8 36/42 whole, 143/138 dropped, 1/0
//!   in a span reported lost; ~1050 NACKs and ~100 retransmissions each way (target
//!   150–290 kbit/s).
//! - 5% loss, 100–110 ms one way (no reordering), 10 s: 300/300 VP8 frames
//!   whole both ways with 287/226 NACKs, 235/155 retransmissions, RTT
//!   208 ms, no PLI. The wait is 3.5 × RTT (730 ms): a lost NACK or RTX gets
//!   two more tries. At 2.5 × RTT (520 ms) 14 frames of 300 were lost to
//!   peer 0; with the 100 ms default RTT instead of the measured one (3.5 ×:
//!   350 ms) 6, and even at 5 × (500 ms) 1.
//! - a 2 s outage at 40 ms one way: the 60 frames sent into it are in the
//!   span the receiver reports lost; the first packet after it shows a gap
//!   of more than a second of media, so NACK and the jitter buffer give it
//!   up at once and the PLI goes 40 ms after the heal; the key frame is made 20 ms after the request comes and
//!   is received 134 ms after the PLI left (RTT 80 ms + a frame interval +
//!   pacing 20 KB); the frames after it are whole.

use std::collections::HashSet;
use std::time::Duration;

use wasmrtc::dtls::SrtpProfile;
use wasmrtc::jsep::TransceiverId;
use wasmrtc::peer::PeerEvent;
use wasmrtc::time::Instant;
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::Pair;

use super::media::{media_pair, Media, Sent};

/// No loss, but 5% duplicated, 5% held back 30 ms, and 20–50 ms of delay:
/// packets overtake each other within and across frames.
const REORDERED: Impairments = Impairments {
    duplicate: 0.05,
    reorder: 0.05,
    reorder_delay: Duration::from_millis(30),
    ..Impairments::lossy(0.0, 0.05, (20, 50))
};

/// `loss`, with REORDERED's duplication, reordering and jitter.
const fn lossy(loss: f64) -> Impairments {
    Impairments { loss, ..REORDERED }
}

/// What became of one kind's frames at one receiver.
#[derive(Debug)]
struct Outcome {
    sent: usize,
    whole: usize,
    dropped: usize,
    /// Neither delivered nor reported dropped, but within a span reported
    /// lost.
    lost: usize,
    /// Neither delivered nor reported.
    vanished: usize,
}

/// Checks that every frame handed out is one that was sent, unchanged and
/// in order, and every drop report names a frame sent and not delivered;
/// counts the rest within a span reported lost (`lost`, RTP timestamps
/// strictly between) and outside.
fn outcome(sent: &[Sent], frames: &[Sent], dropped: &[u32], lost: &[(u32, u32)], what: &str) -> Outcome {
    let mut rest = sent.iter();
    for frame in frames {
        assert!(rest.any(|s| s == frame), "{what}: frame {} corrupt or out of order", frame.rtp_timestamp);
    }
    let delivered: HashSet<u32> = frames.iter().map(|f| f.rtp_timestamp).collect();
    let timestamps: HashSet<u32> = sent.iter().map(|f| f.rtp_timestamp).collect();
    let reported: HashSet<u32> = dropped.iter().copied().collect();
    assert!(reported.iter().all(|t| timestamps.contains(t) && !delivered.contains(t)), "{what}: {dropped:?}");
    assert_eq!(reported.len(), dropped.len(), "{what}: a frame reported dropped twice");
    let within = |t: u32| {
        lost.iter().any(|&(after, before)| (t.wrapping_sub(after) as i32) > 0 && (before.wrapping_sub(t) as i32) > 0)
    };
    let missing: Vec<u32> =
        sent.iter().map(|f| f.rtp_timestamp).filter(|t| !delivered.contains(t) && !reported.contains(t)).collect();
    let lost = missing.iter().filter(|t| within(**t)).count();
    Outcome { sent: sent.len(), whole: frames.len(), dropped: dropped.len(), lost, vanished: missing.len() - lost }
}

/// The SSRC peer `i` sends video with.
fn video_ssrc(media: &Media, i: usize) -> u32 {
    let video = media.transceivers[i].1;
    media.pair.peers[i].pc.transceivers().into_iter().find(|t| t.id == video).unwrap().sender_ssrc
}

/// NACK and retransmission figures for video from `from` to the other peer.
fn repair_figures(media: &Media, from: usize) -> String {
    let ssrc = video_ssrc(media, from);
    let sender = media.pair.peers[from].pc.retransmission_counters(ssrc).unwrap_or_default();
    let receiver = media.pair.peers[1 - from].pc.receive_loss_counters(ssrc).unwrap_or_default();
    format!(
        "{} NACKs sent, {} received, {} packets ({} B) retransmitted, {} RTX received, {} PLIs; RTT {:?}",
        receiver.nack_count,
        sender.nack_count,
        sender.retransmitted_packets_sent,
        sender.retransmitted_bytes_sent,
        receiver.retransmitted_packets_received,
        receiver.pli_count,
        media.pair.peers[from].pc.media_round_trip_time()
    )
}

pub fn reordered_and_duplicated_packets_make_whole_frames() {
    let mut media = media_pair(50, REORDERED, SrtpProfile::AeadAes128Gcm);
    let sent = media.exchange(4);
    for to in 0..2 {
        let (audio, video) = media.transceivers[to];
        let (audio_sent, video_sent) = &sent[1 - to];
        for (kind, transceiver, sent) in [("audio", audio, audio_sent), ("video", video, video_sent)] {
            let (frames, dropped) = media.received(to, transceiver);
            // The stream starts at the first packet that arrives: a packet
            // that a later one overtook at the very start is too old, and
            // its frame reported dropped (a key frame request repairs it).
            let late_start = dropped == [sent[0].rtp_timestamp];
            assert!(dropped.is_empty() || late_start, "{kind} to {to}: {dropped:?}");
            assert_eq!(frames, sent[usize::from(late_start)..], "{kind} to {to}");
            println!("{kind} to {to}: {} frames, {} whole and in order", sent.len(), frames.len());
        }
    }
    let stats = media.pair.net.stats();
    assert!(stats.duplicated > 0, "{stats:?}");
}

pub fn under_loss_every_frame_is_whole_or_reported_dropped() {
    for (seed, loss) in [(51, 0.05), (52, 0.20)] {
        let mut media = media_pair(seed, lossy(loss), SrtpProfile::AeadAes128Gcm);
        let sent = media.exchange(6);
        // The pacer may still hold the last packets a second after.
        media.pair.run_for(Duration::from_secs(3));
        for to in 0..2 {
            let (audio, video) = media.transceivers[to];
            let (audio_sent, video_sent) = &sent[1 - to];
            for (kind, transceiver, sent) in [("audio", audio, audio_sent), ("video", video, video_sent)] {
                let (frames, dropped) = media.received(to, transceiver);
                let what = format!("{}% loss, {kind} to {to}", loss * 100.0);
                let outcome = outcome(sent, &frames, &dropped, &media.lost_spans(to, transceiver), &what);
                println!("{what}: {outcome:?}");
                // Only frames lost before the first packet that came: the
                // stream starts where it is first heard. Video frames lost
                // whole are within a span reported lost.
                let first = frames.iter().map(|f| f.rtp_timestamp).chain(dropped.iter().copied()).min().unwrap();
                let before = sent.iter().take_while(|f| f.rtp_timestamp < first).count();
                assert_eq!(outcome.vanished, before, "{what}");
                if kind == "audio" {
                    assert_eq!(outcome.lost, 0, "{what}: audio reports each lost frame dropped");
                }
            }
            let now = media.pair.now;
            let target = media.pair.peers[1 - to]
                .pc
                .stats(now, 0.0)
                .iter()
                .find_map(|s| s["availableOutgoingBitrate"].as_f64())
                .unwrap_or_default();
            println!(
                "{}% loss, video to {to}: {}; the sender's target {:.0} kbit/s",
                loss * 100.0,
                repair_figures(&media, 1 - to),
                target / 1000.0
            );
        }
        let stats = media.pair.net.stats();
        assert!(stats.lost > 0 && stats.duplicated > 0, "{stats:?}");
    }
}

/// 5% loss, 60–70 ms on the UDP link: 100–110 ms one way.
const FAR: Impairments = Impairments::lossy(0.05, 0.0, (60, 70));

pub fn with_rtx_five_percent_loss_at_100_ms_loses_no_video_frame() {
    let mut media = media_pair(53, FAR, SrtpProfile::AeadAes128Gcm);
    let sent = media.exchange(10);
    for to in 0..2 {
        let video = media.transceivers[to].1;
        let (frames, dropped) = media.received(to, video);
        let what = format!("video to {to}");
        let outcome = outcome(&sent[1 - to].1, &frames, &dropped, &media.lost_spans(to, video), &what);
        println!(
            "5% loss, 100 ms one way, {what}: {outcome:?}; {}; dropped {dropped:?}, datagrams dropped {}",
            repair_figures(&media, 1 - to),
            media.pair.peers[to].pc.media_datagrams_dropped()
        );
        assert_eq!((outcome.whole, outcome.dropped), (outcome.sent, 0), "{what}");
        let ssrc = video_ssrc(&media, 1 - to);
        let resent = media.pair.peers[1 - to].pc.retransmission_counters(ssrc).unwrap_or_default();
        assert!(resent.retransmitted_packets_sent > 0);
        // getStats reads the same counts off the RTCP and RTX it saw.
        let asked = media.pair.peers[to].pc.receive_loss_counters(ssrc).unwrap_or_default();
        let now = media.pair.now;
        let video_stats = |i: usize, ty: &str| {
            media.pair.peers[i]
                .pc
                .stats(now, 0.0)
                .into_iter()
                .find(|s| s["type"] == ty && s["kind"] == "video")
                .unwrap()
        };
        let inbound = video_stats(to, "inbound-rtp");
        let outbound = video_stats(1 - to, "outbound-rtp");
        assert_eq!(inbound["nackCount"].as_u64(), Some(asked.nack_count), "{what}");
        assert_eq!(outbound["nackCount"].as_u64(), Some(resent.nack_count), "{what}");
        assert_eq!(outbound["retransmittedPacketsSent"].as_u64(), Some(resent.retransmitted_packets_sent), "{what}");
        assert_eq!(outbound["retransmittedBytesSent"].as_u64(), Some(resent.retransmitted_bytes_sent), "{what}");
    }
}

/// The encoder's side of key frame requests: a key frame first, then one
/// for each KeyFrameRequest for the peer's video transceiver.
struct Encoder {
    video: [TransceiverId; 2],
    answered: [usize; 2],
    /// When each peer sent a key frame.
    key_frames: [Vec<Instant>; 2],
}

impl Encoder {
    fn key_frame(&mut self, pair: &Pair, from: usize, n: u32) -> bool {
        let video = self.video[from];
        let requests = pair.peers[from]
            .events
            .iter()
            .filter(|(_, e)| matches!(e, PeerEvent::KeyFrameRequest { transceiver } if *transceiver == video))
            .count();
        let key_frame = n == 0 || requests > self.answered[from];
        self.answered[from] = requests;
        if key_frame {
            self.key_frames[from].push(pair.now);
        }
        key_frame
    }
}

pub fn after_an_outage_a_pli_brings_a_key_frame() {
    // 40 ms one way.
    let mut media = media_pair(54, Impairments::reliable(Duration::ZERO), SrtpProfile::AeadAes128Gcm);
    let start = media.pair.now + Duration::from_secs(1);
    let end = start + Duration::from_secs(2);
    media.pair.partition_relayed(start, Some(end));
    let mut encoder = Encoder {
        video: [media.transceivers[0].1, media.transceivers[1].1],
        answered: [0; 2],
        key_frames: Default::default(),
    };
    let sent = media.exchange_keyed(5, |pair, from, n| encoder.key_frame(pair, from, n));
    for to in 0..2 {
        let video = media.transceivers[to].1;
        let from = 1 - to;
        let (frames, dropped) = media.received(to, video);
        let what = format!("video to {to}");
        let outcome = outcome(&sent[from].1, &frames, &dropped, &media.lost_spans(to, video), &what);
        // The sender's first request after the outage, and the key frame it made.
        let requested = media.pair.peers[from]
            .events
            .iter()
            .find(|(t, e)| *t >= end && matches!(e, PeerEvent::KeyFrameRequest { transceiver } if *transceiver == media.transceivers[from].1))
            .map(|(t, _)| *t)
            .expect("a key frame request after the outage");
        let made = *encoder.key_frames[from].iter().find(|t| **t >= requested).expect("a key frame made");
        let received = media.pair.peers[to]
            .events
            .iter()
            .find(|(t, e)| {
                *t >= made
                    && matches!(e, PeerEvent::MediaFrame { transceiver, key_frame: true, .. } if *transceiver == video)
            })
            .map(|(t, _)| *t)
            .expect("the key frame received");
        println!(
            "2 s outage, {what}: {outcome:?}; PLI sent {:?} after it healed, key frame made {:?} after it came, received {:?} after the PLI was sent; {}",
            requested - end - Duration::from_millis(40),
            made - requested,
            received - (requested - Duration::from_millis(40)),
            repair_figures(&media, from)
        );
        // The first packet after the outage shows the loss (one way after it
        // healed), the PLI goes at once (one way to the sender), the next
        // frame (33 ms at most) is a key frame, paced out (20 KB at the
        // pacer's rate) and one way back: RTT + a frame interval + pacing.
        let one_way = Duration::from_millis(40);
        let pli_sent = requested - one_way;
        assert!(requested - end <= 2 * one_way + Duration::from_millis(5), "{:?}", requested - end);
        assert!(received - pli_sent <= 2 * one_way + Duration::from_millis(34 + 50), "{:?}", received - pli_sent);
        // Frames after the key frame are whole again.
        let after: Vec<_> = sent[from]
            .1
            .iter()
            .filter(|f| f.rtp_timestamp >= frames.iter().rfind(|f| f.key_frame).unwrap().rtp_timestamp)
            .collect();
        assert!(after.iter().all(|f| frames.contains(f)), "{what}");
        // The frames sent into the outage are in the span reported lost.
        assert!(outcome.lost >= 55 && outcome.vanished == 0, "{what}: {outcome:?}");
    }
}
