//! Encoded frames through two whole peers: an Opus and a VP8 transceiver,
//! sendrecv on both sides, over SRTP with either profile.

use std::collections::HashSet;
use std::time::Duration;

use wasmrtc::dtls::SrtpProfile;
use wasmrtc::error::ErrorName;
use wasmrtc::jsep::{MediaKind, TransceiverDirection, TransceiverId};
use wasmrtc::peer::PeerEvent;
use wasmrtc_sim::net::Impairments;
use wasmrtc_sim::pair::{Addr, Pair};

use super::CLEAN;

/// 5% loss, no duplication, a constant 10 ms (NACK and RTX repair most of
/// the video: tests/pair_cases/loss.rs measures them).
const FIVE_PERCENT: Impairments = Impairments::lossy(0.05, 0.0, (10, 10));

/// One frame as the sender made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sent {
    pub(super) payload_type: u8,
    pub(super) rtp_timestamp: u32,
    pub(super) key_frame: bool,
    pub(super) data: Vec<u8>,
}

/// Bytes that depend on the frame, so a frame put together from the wrong
/// pieces does not compare equal.
fn filler(seed: u32, len: usize) -> impl Iterator<Item = u8> {
    (0..len as u32).map(move |i| (seed.wrapping_mul(31).wrapping_add(i.wrapping_mul(7)) >> 1) as u8)
}

/// A VP8 frame (RFC 6386 §9.1): the 3-byte frame tag with P clear on the
/// key frame, which also carries the start code and a 640×480 size, and
/// set on the others. 500 B–20 KB, so most take several packets.
fn vp8_frame(from: usize, n: u32, key_frame: bool) -> Vec<u8> {
    let len = if key_frame { 20_000 } else { 500 + (n.wrapping_mul(7919) % 19_500) as usize };
    // show_frame = 1, version 0, first partition size 0x1234.
    let mut data = vec![0x10 | u8::from(!key_frame) | 0x40, 0x46, 0x02];
    if key_frame {
        data.extend_from_slice(&[0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    }
    data.extend(filler(n ^ ((from as u32) << 16), len - data.len()));
    data
}

/// An Opus frame (RFC 6716 §3.1): a TOC byte (SILK wideband, 20 ms, one
/// frame) and 60–160 bytes.
fn opus_frame(from: usize, n: u32) -> Vec<u8> {
    let mut data = vec![0x48];
    data.extend(filler(n ^ ((from as u32) << 20) ^ 0x8000_0000, 60 + (n as usize * 13) % 100));
    data
}

pub(super) struct Media {
    pub(super) pair: Pair,
    /// Each peer's (audio, video) transceiver.
    pub(super) transceivers: [(TransceiverId, TransceiverId); 2],
    /// Each peer's (Opus, VP8) payload type.
    payload_types: [(u8, u8); 2],
}

fn transceiver(pair: &Pair, i: usize, kind: MediaKind) -> (TransceiverId, u8) {
    let t = pair.peers[i].pc.transceivers().into_iter().find(|t| t.kind == kind).expect("a transceiver");
    assert_eq!(t.current_direction, Some(TransceiverDirection::SendRecv), "peer {i} {kind:?}");
    let name = if kind == MediaKind::Audio { "opus" } else { "VP8" };
    let codec = t.codecs.iter().find(|c| c.name == name).expect("the codec negotiated");
    (t.id, codec.payload_type)
}

/// Two peers with an audio and a video track each, negotiated sendrecv,
/// connected, SRTP keyed with `profile`.
pub(super) fn media_pair(seed: u64, udp: Impairments, profile: SrtpProfile) -> Media {
    let mut pair = Pair::new(seed, udp);
    for (i, peer) in pair.peers.iter_mut().enumerate() {
        peer.pc.set_srtp_profiles(vec![profile]);
        peer.pc.add_track(MediaKind::Audio, format!("audio{i}"), vec![format!("stream{i}")]).unwrap();
        peer.pc.add_track(MediaKind::Video, format!("video{i}"), vec![format!("stream{i}")]).unwrap();
    }
    pair.connect();
    let t = |i| {
        let (audio, opus) = transceiver(&pair, i, MediaKind::Audio);
        let (video, vp8) = transceiver(&pair, i, MediaKind::Video);
        ((audio, video), (opus, vp8))
    };
    let (t0, t1) = (t(0), t(1));
    Media { transceivers: [t0.0, t1.0], payload_types: [t0.1, t1.1], pair }
}

impl Media {
    /// `seconds` of 50 packets/s of Opus and 30 fps of VP8 both ways, then
    /// a second to let the last arrive; what each peer sent, by kind.
    pub(super) fn exchange(&mut self, seconds: u32) -> [(Vec<Sent>, Vec<Sent>); 2] {
        self.exchange_keyed(seconds, |_, _, n| n == 0)
    }

    /// As [`exchange`](Self::exchange), `key_frame(pair, from, n)` saying
    /// whether peer `from`'s video frame `n` is a key frame.
    pub(super) fn exchange_keyed(
        &mut self,
        seconds: u32,
        mut key_frame: impl FnMut(&Pair, usize, u32) -> bool,
    ) -> [(Vec<Sent>, Vec<Sent>); 2] {
        let mut sent: [(Vec<Sent>, Vec<Sent>); 2] = Default::default();
        // 10 ms ticks: Opus every other one, VP8 on three of every ten.
        for tick in 0..seconds * 100 {
            for (from, sent) in sent.iter_mut().enumerate() {
                let (audio, video) = self.transceivers[from];
                let (opus, vp8) = self.payload_types[from];
                let mut frames = Vec::new();
                if tick % 2 == 0 {
                    let n = tick / 2;
                    frames.push((
                        audio,
                        Sent {
                            payload_type: opus,
                            rtp_timestamp: 1000 + n * 960,
                            key_frame: true,
                            data: opus_frame(from, n),
                        },
                    ));
                }
                if [0, 4, 7].contains(&(tick % 10)) {
                    let n = sent.1.len() as u32;
                    let key_frame = key_frame(&self.pair, from, n);
                    let data = vp8_frame(from, n, key_frame);
                    frames.push((video, Sent { payload_type: vp8, rtp_timestamp: 5000 + n * 3000, key_frame, data }));
                }
                for (transceiver, frame) in frames {
                    let now = self.pair.now;
                    self.pair.peers[from]
                        .pc
                        .send_frame(now, transceiver, frame.payload_type, frame.rtp_timestamp, &frame.data)
                        .unwrap();
                    if transceiver == audio {
                        sent.0.push(frame)
                    } else {
                        sent.1.push(frame)
                    }
                }
            }
            self.pair.drain();
            self.pair.run_for(Duration::from_millis(10));
        }
        self.pair.run_for(Duration::from_secs(1));
        sent
    }

    /// What peer `i` received on `transceiver`: frames and dropped timestamps.
    pub(super) fn received(&self, i: usize, transceiver: TransceiverId) -> (Vec<Sent>, Vec<u32>) {
        let mut frames = Vec::new();
        let mut dropped = Vec::new();
        for (_, event) in &self.pair.peers[i].events {
            match event {
                PeerEvent::MediaFrame { transceiver: t, payload_type, rtp_timestamp, key_frame, data, .. }
                    if *t == transceiver =>
                {
                    frames.push(Sent {
                        payload_type: *payload_type,
                        rtp_timestamp: *rtp_timestamp,
                        key_frame: *key_frame,
                        data: data.clone(),
                    })
                }
                PeerEvent::MediaFrameDropped { transceiver: t, rtp_timestamp } if *t == transceiver => {
                    dropped.push(*rtp_timestamp)
                }
                _ => {}
            }
        }
        (frames, dropped)
    }

    /// The spans peer `i` reported frames on `transceiver` lost whole in:
    /// (after, before) RTP timestamps.
    pub(super) fn lost_spans(&self, i: usize, transceiver: TransceiverId) -> Vec<(u32, u32)> {
        self.pair.peers[i]
            .events
            .iter()
            .filter_map(|(_, event)| match event {
                PeerEvent::MediaFramesLost { transceiver: t, after_rtp_timestamp, before_rtp_timestamp }
                    if *t == transceiver =>
                {
                    Some((*after_rtp_timestamp, *before_rtp_timestamp))
                }
                _ => None,
            })
            .collect()
    }
}

pub(super) const PROFILES: [SrtpProfile; 2] = [SrtpProfile::Aes128CmHmacSha1_80, SrtpProfile::AeadAes128Gcm];

pub fn frames_arrive_whole_and_in_order_on_a_clean_network() {
    for (seed, profile) in (20..).zip(PROFILES) {
        let mut media = media_pair(seed, CLEAN, profile);
        assert_eq!(
            media.pair.peers[0]
                .pc
                .stats(media.pair.now, 0.0)
                .iter()
                .find_map(|s| s["srtpCipher"].as_str().map(str::to_owned)),
            Some(profile.name().to_owned())
        );
        let sent = media.exchange(2);
        for to in 0..2 {
            let (audio, video) = media.transceivers[to];
            let (audio_sent, video_sent) = &sent[1 - to];
            assert_eq!((audio_sent.len(), video_sent.len()), (100, 60));
            assert!(video_sent.iter().filter(|f| f.data.len() > 1200).count() > 50, "most frames fragment");
            assert_eq!(media.received(to, audio), (audio_sent.clone(), vec![]), "{profile:?}: audio to {to}");
            assert_eq!(media.received(to, video), (video_sent.clone(), vec![]), "{profile:?}: video to {to}");
            assert_eq!(media.pair.peers[to].pc.media_datagrams_dropped(), 0);
        }
        println!("{profile:?}: 100 Opus and 60 VP8 frames each way, all whole and in order");
    }
}

pub fn under_five_percent_loss_a_frame_is_whole_or_reported_dropped() {
    for (seed, profile) in (30..).zip(PROFILES) {
        let mut media = media_pair(seed, FIVE_PERCENT, profile);
        let sent = media.exchange(4);
        for to in 0..2 {
            let (audio, video) = media.transceivers[to];
            let (audio_sent, video_sent) = &sent[1 - to];
            for (kind, transceiver, sent) in [("audio", audio, audio_sent), ("video", video, video_sent)] {
                let (frames, dropped) = media.received(to, transceiver);
                // Every frame handed out is one that was sent, unchanged, in order.
                let mut rest = sent.iter();
                for frame in &frames {
                    assert!(
                        rest.any(|s| s == frame),
                        "{profile:?} {kind} to {to}: frame {} corrupt or out of order",
                        frame.rtp_timestamp
                    );
                }
                let delivered: HashSet<u32> = frames.iter().map(|f| f.rtp_timestamp).collect();
                let timestamps: HashSet<u32> = sent.iter().map(|f| f.rtp_timestamp).collect();
                assert!(
                    dropped.iter().all(|t| timestamps.contains(t) && !delivered.contains(t)),
                    "{kind}: {dropped:?}"
                );
                // What is neither was lost whole: no packet of it arrived.
                let lost = sent.len() - frames.len() - dropped.len();
                println!(
                    "{profile:?} {kind} to {to}: {} sent, {} whole, {} reported dropped, {lost} lost whole",
                    sent.len(),
                    frames.len(),
                    dropped.len()
                );
                assert!(
                    frames.len() * 10 >= sent.len() * if kind == "audio" { 9 } else { 3 },
                    "{kind}: {} of {}",
                    frames.len(),
                    sent.len()
                );
            }
        }
        let stats = media.pair.net.stats();
        assert!(stats.lost > 0, "{stats:?}");
    }
}

pub fn forged_and_garbled_rtp_is_dropped_and_counted() {
    let mut media = media_pair(40, CLEAN, SrtpProfile::AeadAes128Gcm);
    // Peer 0's relayed address and peer 1's, as peer 0 selected them.
    let (local, remote) = media.pair.peers[0]
        .events
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            PeerEvent::SelectedCandidatePairChange { local, remote } => Some((local.clone(), remote.clone())),
            _ => None,
        })
        .unwrap();
    let addr = |c: &wasmrtc::sdp::Candidate| Addr::Relayed(format!("{}:{}", c.address, c.port).parse().unwrap());
    let (from, to) = (addr(&local), addr(&remote));
    let sender_ssrc = media.pair.peers[0].pc.transceivers()[0].sender_ssrc;
    let opus = media.payload_types[0].0;
    let mut forged = vec![0x80, opus, 0x12, 0x34, 0, 0, 0x10, 0];
    forged.extend_from_slice(&sender_ssrc.to_be_bytes());
    forged.extend(filler(9, 120));
    let datagrams = [
        forged,
        vec![0x80, opus],
        vec![0x90, opus, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0xff, 0xff],
        // SRTCP: a receiver report with a garbage tag and index.
        vec![0x81, 201, 0, 7, 1, 2, 3, 4, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0x80, 0, 0, 1],
    ];
    let now = media.pair.now;
    for datagram in &datagrams {
        media.pair.net.send(now, from, to, datagram.clone());
    }
    media.pair.run_for(Duration::from_millis(100));
    assert_eq!(media.pair.peers[1].pc.media_datagrams_dropped(), datagrams.len() as u64);
    // And media still flows.
    let sent = media.exchange(1);
    let (audio, video) = media.transceivers[1];
    assert_eq!(media.received(1, audio).0, sent[0].0);
    assert_eq!(media.received(1, video).0, sent[0].1);
}

pub fn send_frame_refuses_what_cannot_be_sent() {
    let mut pair = Pair::new(41, CLEAN);
    let audio = pair.peers[0].pc.add_track(MediaKind::Audio, "a".into(), vec![]).unwrap();
    let now = pair.now;
    let error = pair.peers[0].pc.send_frame(now, audio, 111, 0, &[0x48, 1, 2]).unwrap_err();
    assert_eq!(error.name, ErrorName::InvalidStateError, "not negotiated yet");
    pair.connect();
    // Peer 1 has no track: the answer is recvonly, so peer 0 sends only.
    let state = pair.peers[0].pc.transceivers().into_iter().find(|t| t.id == audio).unwrap();
    assert_eq!(state.current_direction, Some(TransceiverDirection::SendOnly));
    let opus = state.codecs.iter().find(|c| c.name == "opus").unwrap().payload_type;
    let now = pair.now;
    let pc = &mut pair.peers[0].pc;
    pc.send_frame(now, audio, opus, 0, &[0x48, 1, 2]).unwrap();
    assert_eq!(
        pc.send_frame(now, audio, 96, 0, &[0x48]).unwrap_err().name,
        ErrorName::InvalidAccessError,
        "a video payload type"
    );
    assert_eq!(pc.send_frame(now, audio, opus, 0, &[]).unwrap_err().name, ErrorName::OperationError, "an empty frame");
    pc.set_direction(audio, TransceiverDirection::RecvOnly).unwrap();
    assert_eq!(pc.send_frame(now, audio, opus, 0, &[0x48]).unwrap_err().name, ErrorName::InvalidStateError, "recvonly");
    pc.stop_transceiver(audio).unwrap();
    assert_eq!(pc.send_frame(now, audio, opus, 0, &[0x48]).unwrap_err().name, ErrorName::InvalidStateError, "stopped");
}
