//! RTCP reports between two whole peers (RFC 3550 §6): the round-trip time
//! from SR/RR (LSR/DLSR), loss and jitter as each side sees the other,
//! the report interval, BYE when a transceiver stops, and the media part of
//! getStats those feed.

use std::time::Duration;

use serde_json::Value;
use wasmrtc::dtls::SrtpProfile;
use wasmrtc::jsep::MediaKind;
use wasmrtc::peer::PeerEvent;
use wasmrtc_sim::net::Impairments;

use super::media::{media_pair, Media};
use super::CLEAN;

/// 5% loss on every relayed datagram, a constant 10 ms (50 ms each way with the tunnels).
const FIVE_PERCENT: Impairments = Impairments::lossy(0.05, 0.0, (10, 10));

fn stats(media: &Media, i: usize) -> Vec<Value> {
    media.pair.peers[i].pc.stats(media.pair.now, 1_000_000.0)
}

/// The one stats object of `ty` for `kind`.
fn find<'a>(stats: &'a [Value], ty: &str, kind: &str) -> &'a Value {
    let mut matching = stats.iter().filter(|s| s["type"] == ty && s["kind"] == kind);
    let found = matching.next().unwrap_or_else(|| panic!("no {ty} for {kind}"));
    assert!(matching.next().is_none(), "one {ty} for {kind}");
    found
}

fn by_id<'a>(stats: &'a [Value], id: &Value) -> &'a Value {
    stats.iter().find(|s| s["id"] == *id).unwrap_or_else(|| panic!("no {id}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// 20 ms to the relay, 10 ms through it, 20 ms from it: 100 ms round trip.
pub fn round_trip_time_from_sender_and_receiver_reports() {
    let mut media = media_pair(50, CLEAN, SrtpProfile::AeadAes128Gcm);
    // Audio's first SRs cross at 2.5 s with no LSR yet; the next carry one.
    media.exchange(9);
    for i in 0..2 {
        let rtt = media.pair.peers[i].pc.media_round_trip_time().expect("an RTT");
        println!("peer {i}: RTT {rtt:?}");
        assert!(rtt.abs_diff(Duration::from_millis(100)) <= Duration::from_millis(2), "peer {i}: {rtt:?}");
        let stats = stats(&media, i);
        for kind in ["audio", "video"] {
            let remote = find(&stats, "remote-inbound-rtp", kind);
            let rtt = f(&remote["roundTripTime"]);
            let measurements = u(&remote["roundTripTimeMeasurements"]);
            assert!((rtt - 0.1).abs() <= 0.002, "peer {i} {kind}: {rtt}");
            assert!((f(&remote["totalRoundTripTime"]) / measurements as f64 - 0.1).abs() <= 0.002);
            println!("peer {i} {kind}: {measurements} RTT measurements");
            // Video reports about every 0.8 s, audio about every 4 s, the first after half.
            assert!(measurements >= if kind == "video" { 5 } else { 1 }, "{kind}: {measurements}");
        }
    }
}

/// Under 5% loss: what each receiver counts lost is what the network
/// dropped of RTP, and the sender learns the same figures from the reports.
pub fn loss_and_jitter_seen_by_the_receiver_reach_the_sender() {
    let mut media = media_pair(51, FIVE_PERCENT, SrtpProfile::AeadAes128Gcm);
    let before = media.pair.net.stats();
    media.exchange(8);
    // Quiet, so that the last reports (audio's every ~4 s) carry the final counts.
    media.pair.run_for(Duration::from_secs(12));
    let dropped = media.pair.net.stats().lost - before.lost;
    let mut counted = 0;
    for to in 0..2 {
        let (receiver, sender) = (stats(&media, to), stats(&media, 1 - to));
        for kind in ["audio", "video"] {
            let inbound = find(&receiver, "inbound-rtp", kind);
            let remote = find(&sender, "remote-inbound-rtp", kind);
            let lost = inbound["packetsLost"].as_i64().unwrap_or_default();
            println!(
                "to {to} {kind}: {} received, {lost} lost; the sender is told {} lost, jitter {} s (receiver: {} s)",
                inbound["packetsReceived"], remote["packetsLost"], remote["jitter"], inbound["jitter"]
            );
            assert_eq!(remote["ssrc"], inbound["ssrc"]);
            assert_eq!(remote["packetsLost"], inbound["packetsLost"], "to {to} {kind}");
            let clock_rate = f(&by_id(&receiver, &inbound["codecId"])["clockRate"]);
            assert!((f(&remote["jitter"]) - f(&inbound["jitter"])).abs() <= 1.0 / clock_rate, "to {to} {kind}");
            let outbound = find(&sender, "outbound-rtp", kind);
            // Retransmissions (RTX) count on the sender, not in the receiver's RFC 3550 counts.
            let originals = u(&outbound["packetsSent"]) - u(&outbound["retransmittedPacketsSent"]);
            assert_eq!(originals, u(&inbound["packetsReceived"]) + lost as u64, "to {to} {kind}");
            assert!(lost > 0);
            counted += lost as u64;
        }
    }
    // Retransmissions (RTX) lost count in neither, and NACKs are RTCP.
    let (mut rtx_lost, mut nacks) = (0, 0);
    for from in 0..2 {
        let pc = &media.pair.peers[from].pc;
        for ssrc in pc.transceivers().iter().map(|t| t.sender_ssrc) {
            let resent = pc.retransmission_counters(ssrc).unwrap_or_default();
            let repaired = media.pair.peers[1 - from].pc.receive_loss_counters(ssrc).unwrap_or_default();
            rtx_lost += resent.retransmitted_packets_sent - repaired.retransmitted_packets_received;
            nacks += repaired.nack_count;
        }
    }
    // The rest of what the network dropped is RTCP (reports, NACKs, and
    // transport-cc feedback about every 100 ms each way) and STUN: a few.
    println!("the network dropped {dropped}, the receivers counted {counted} RTP lost, {rtx_lost} RTX lost, {nacks} NACKs sent");
    let rest = dropped - counted - rtx_lost;
    assert!(counted + rtx_lost <= dropped && rest <= 25 + nacks / 10, "{counted} + {rtx_lost} of {dropped}");
}

/// RFC 3550 A.7 with libwebrtc's minimum: video every 1 s × [0.5, 1.5] /
/// 1.21828 (0.41–1.23 s, 0.82 s on average), audio every 5 s so.
pub fn sender_reports_come_at_the_rfc3550_interval() {
    let mut media = media_pair(52, CLEAN, SrtpProfile::AeadAes128Gcm);
    let start = media.pair.now;
    media.exchange(20);
    // exchange ran a quiet second after the 20: SRs stop with the RTP.
    let seconds = (media.pair.now - start).as_secs_f64() - 1.0;
    for i in 0..2 {
        let stats = stats(&media, i);
        for (kind, minimum) in [("video", 1.0), ("audio", 5.0)] {
            let reports = u(&find(&stats, "remote-outbound-rtp", kind)["reportsSent"]) as f64;
            // The first after half an interval, then one per interval.
            let mean = (seconds - minimum / 2.0 * 0.82) / (reports - 1.0);
            println!("to {i} {kind}: {reports} SRs in {seconds:.1} s, {mean:.3} s apart on average");
            assert!(reports >= seconds / (1.5 / 1.218 * minimum) && reports <= seconds / (0.5 / 1.218 * minimum) + 1.0);
            assert!((mean - 0.821 * minimum).abs() <= 0.2 * minimum, "{kind}: {mean}");
        }
    }
}

/// A transceiver that stops says BYE: the peer reports on its source no
/// more, while the other stream's reports go on.
pub fn a_stopped_transceiver_says_bye() {
    let mut media = media_pair(53, CLEAN, SrtpProfile::AeadAes128Gcm);
    media.exchange(6);
    let measurements =
        |media: &Media, kind| u(&find(&stats(media, 0), "remote-inbound-rtp", kind)["roundTripTimeMeasurements"]);
    let video = media.transceivers[0].1;
    media.pair.peers[0].pc.stop_transceiver(video).unwrap();
    media.pair.run_for(Duration::from_millis(200));
    let (video_before, audio_before) = (measurements(&media, "video"), measurements(&media, "audio"));
    // Audio only, from peer 1 too: peer 0 keeps receiving.
    media.pair.run_for(Duration::from_secs(10));
    assert_eq!(measurements(&media, "video"), video_before, "no block on a source that said BYE");
    assert!(measurements(&media, "audio") > audio_before, "audio's reports go on");
    // Peer 1's own video transceiver still reports to peer 0.
    let stats1 = stats(&media, 1);
    assert!(u(&find(&stats1, "remote-inbound-rtp", "video")["roundTripTimeMeasurements"]) > 0);
}

/// getStats' media objects after 2 s of Opus and VP8 on a clean network:
/// each side's counts of a stream agree, ids link up, types are Chromium's.
pub fn get_stats_reports_media_as_chromium_does() {
    let mut media = media_pair(54, CLEAN, SrtpProfile::Aes128CmHmacSha1_80);
    let before = stats(&media, 1);
    assert!(!before.iter().any(|s| s["type"] == "inbound-rtp" || s["type"] == "remote-outbound-rtp"), "no data yet");
    media.exchange(2);
    let (s0, s1) = (stats(&media, 0), stats(&media, 1));
    for kind in [MediaKind::Audio, MediaKind::Video] {
        let kind = kind.as_str();
        let letter = if kind == "audio" { 'A' } else { 'V' };
        let outbound = find(&s0, "outbound-rtp", kind);
        let inbound = find(&s1, "inbound-rtp", kind);
        let ssrc = u(&outbound["ssrc"]);
        assert_eq!(outbound["id"], format!("OT01{letter}{ssrc}"));
        assert_eq!(inbound["id"], format!("IT01{letter}{ssrc}"));
        for (sent, received) in [
            ("packetsSent", "packetsReceived"),
            ("bytesSent", "bytesReceived"),
            ("headerBytesSent", "headerBytesReceived"),
        ] {
            assert_eq!(outbound[sent], inbound[received], "{kind} {sent}");
        }
        assert!(u(&outbound["packetsSent"]) > 0 && u(&outbound["headerBytesSent"]) >= 12 * u(&outbound["packetsSent"]));
        assert_eq!(inbound["packetsLost"], 0);
        assert_eq!((&outbound["mid"], &outbound["transportId"]), (&inbound["mid"], &inbound["transportId"]));
        let transceiver = media.pair.peers[1].pc.transceivers().into_iter().find(|t| t.kind.as_str() == kind).unwrap();
        assert_eq!(inbound["trackIdentifier"], transceiver.receiver_track_id);
        assert!(f(&inbound["lastPacketReceivedTimestamp"]) <= 1_000_000.0);
        assert!(f(&inbound["jitter"]) >= 0.0);
        assert_eq!(
            (u(&inbound["nackCount"]), u(&outbound["nackCount"]), u(&outbound["retransmittedPacketsSent"])),
            (0, 0, 0)
        );
        if kind == "video" {
            assert_eq!((u(&outbound["framesSent"]), u(&inbound["framesReceived"])), (60, 60));
            assert_eq!((u(&outbound["pliCount"]), u(&outbound["firCount"]), u(&inbound["pliCount"])), (0, 0, 0));
        } else {
            assert!(outbound.get("framesSent").is_none() && inbound.get("pliCount").is_none());
        }
        // Codecs, one per direction and payload type.
        let codec = by_id(&s1, &inbound["codecId"]);
        assert_eq!(codec["type"], "codec");
        assert!(codec["id"].as_str().is_some_and(|id| id.starts_with("CIT01_")));
        let (mime, clock_rate) = if kind == "audio" { ("audio/opus", 48000) } else { ("video/VP8", 90000) };
        assert_eq!((codec["mimeType"].as_str(), u(&codec["clockRate"])), (Some(mime), clock_rate));
        assert_eq!(by_id(&s0, &outbound["codecId"])["payloadType"], codec["payloadType"]);
        if kind == "audio" {
            assert_eq!(codec["channels"], 2);
            assert_eq!(codec["sdpFmtpLine"].as_str().map(|l| l.contains("useinbandfec=1")), Some(true));
        }
        // The remote views link to the local ones.
        let remote_inbound = by_id(&s0, &outbound["remoteId"]);
        assert_eq!(
            (&remote_inbound["id"], &remote_inbound["type"]),
            (&Value::from(format!("RI{letter}{ssrc}")), &Value::from("remote-inbound-rtp"))
        );
        assert_eq!(remote_inbound["localId"], outbound["id"]);
        assert_eq!(remote_inbound["codecId"], outbound["codecId"]);
        assert_eq!((f(&remote_inbound["fractionLost"]), remote_inbound["packetsLost"].as_i64()), (0.0, Some(0)));
        let remote_outbound = by_id(&s1, &inbound["remoteId"]);
        assert_eq!(remote_outbound["id"], format!("RO{letter}{ssrc}"));
        assert_eq!(remote_outbound["localId"], inbound["id"]);
        assert!(u(&remote_outbound["reportsSent"]) >= 1);
        // An SR's counts are of payload octets, up to the moment it went.
        assert!(u(&remote_outbound["packetsSent"]) <= u(&outbound["packetsSent"]));
        assert!(u(&remote_outbound["bytesSent"]) <= u(&outbound["bytesSent"]));
        assert!(f(&remote_outbound["remoteTimestamp"]).is_finite());
    }
}

/// Received frames carry their capture time on the sender's clock, mapped
/// through its SRs' NTP/RTP pairs: audio (RTP 1000 + 960 per 20 ms frame at
/// 48 kHz) and video (5000 + 3000 per frame at 90 kHz) captured from the
/// same start line up on one timeline, within the few ms by which the
/// video frames' hand-over times miss 30 fps, though the pacer delays video.
pub fn capture_times_put_audio_and_video_on_one_clock() {
    let mut media = media_pair(53, CLEAN, SrtpProfile::AeadAes128Gcm);
    media.exchange(6);
    let (audio, video) = media.transceivers[1];
    let mut offsets = Vec::new();
    let mut before_first_sr = 0;
    for (_, event) in &media.pair.peers[1].events {
        let PeerEvent::MediaFrame { transceiver, rtp_timestamp, capture_time, .. } = event else { continue };
        let nominal = if *transceiver == audio {
            f64::from(rtp_timestamp - 1000) / 48_000.0
        } else if *transceiver == video {
            f64::from(rtp_timestamp - 5000) / 90_000.0
        } else {
            continue;
        };
        match capture_time {
            Some(ntp) => offsets.push((*transceiver == video, *ntp as f64 / 4_294_967_296.0 - nominal)),
            None => before_first_sr += 1,
        }
    }
    let spread = |video: bool| {
        let of_kind: Vec<f64> = offsets.iter().filter(|(v, _)| *v == video).map(|(_, o)| *o).collect();
        let (min, max) = of_kind.iter().fold((f64::MAX, f64::MIN), |(lo, hi), o| (lo.min(*o), hi.max(*o)));
        (of_kind.len(), min, max)
    };
    let (audio_frames, audio_min, audio_max) = spread(false);
    let (video_frames, video_min, video_max) = spread(true);
    println!(
        "{audio_frames} audio and {video_frames} video frames with a capture time ({before_first_sr} before the first SR): \
         audio offsets {:.1} ms wide, video {:.1} ms, {:.1} ms apart",
        (audio_max - audio_min) * 1e3,
        (video_max - video_min) * 1e3,
        (video_min - audio_min) * 1e3
    );
    // Audio reports first 2.5 s in, video 0.5 s (RFC 3550 A.7, half the minimum).
    assert!(audio_frames > 150 && video_frames > 150, "{audio_frames} {video_frames}");
    assert!(before_first_sr > 0, "the first frames come before any SR");
    let all_min = audio_min.min(video_min);
    let all_max = audio_max.max(video_max);
    assert!(all_max - all_min < 0.010, "offsets spread over {:.1} ms", (all_max - all_min) * 1e3);
}
