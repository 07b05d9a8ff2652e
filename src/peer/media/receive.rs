//! Inbound RTP: an unprotected packet finds its transceiver as RFC 8843
//! §9.2 says: by its MID header extension (which also teaches us its
//! SSRC's mid), else by an SSRC learnt so or announced in the remote
//! description, else by a payload type only one transceiver negotiated.
//! Each SSRC has a jitter buffer ([`JitterBuffer`], video's or audio's
//! waits by the transceiver's kind) that puts its packets back in
//! sequence-number order, then a depacketizer per payload type; what it
//! hands out becomes `MediaFrame`/`MediaFrameDropped`. The buffer's
//! deadlines run from `Media::handle_timeout`.
//!
//! Loss recovery on the receiving side: when `nack` feedback was
//! negotiated for the codec, the stream's [`NackGenerator`] finds missing
//! packets and Generic NACKs (RFC 4585 §6.2.1) ask for them; RTX packets
//! (RFC 4588 §4, the payload type whose `apt=` names the original's, on
//! the sender's RTX SSRC of the remote `a=ssrc-group:FID`) are unwrapped
//! into the jitter buffer of the stream they repair. A video frame that
//! cannot be completed (dropped, the jitter buffer overflowing, NACK
//! giving up) makes the [`KeyFrameRequester`] send PLI or FIR until a key
//! frame arrives; a gap of more than a second of media (an outage) is
//! given up at once so the key frame is not held behind it. Audio has one
//! frame per packet, so an audio packet given up is reported as its frame
//! dropped. Formats without a depacketizer (telephone-event) are dropped
//! and counted, as is what SRTP refuses.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::ops::Range;

use std::time::Duration;

use crate::jsep::{MediaKind, RtpCodec, TransceiverId, TransceiverState};
use crate::peer::output::{Outputs, PeerEvent};
use crate::rtp::format::{
    av1, g711, h264, opus, vp8, vp9, Depacketized, Depacketizer, PayloadFormat, RtpInfo,
};
use crate::rtp::jitter_buffer::{
    JitterBuffer, JitterBufferConfig, JitterOutput, DEFAULT_ROUND_TRIP_TIME,
};
use crate::rtp::key_frame_request::{KeyFrameMethod, KeyFrameRequest, KeyFrameRequester};
use crate::rtp::nack_generator::NackGenerator;
use crate::rtp::packet::rtcp::{Fir, FirEntry, Nack, Pli, RtcpPacket};
use crate::rtp::packet::RtpPacket;
use crate::rtp::rtx;
use crate::time::Instant;

use super::{mid_extension_id, Media};

/// What we keep per remote SSRC.
pub(super) struct InboundStream {
    /// The transceiver its packets were routed to.
    transceiver: TransceiverId,
    kind: MediaKind,
    /// The SSRC our RTCP about it is sent from: the transceiver's sender's.
    sender_ssrc: u32,
    /// The feedback negotiated for the codec of its latest packet.
    nack_negotiated: bool,
    key_frame_method: Option<KeyFrameMethod>,
    jitter_buffer: JitterBuffer<Received>,
    nack: NackGenerator,
    key_frames: KeyFrameRequester,
    /// By payload type: a sender may switch codecs mid-stream.
    depacketizers: HashMap<u8, Box<dyn Reassembler>>,
    counters: ReceiveLossCounters,
    /// The payload type and timestamp of the last packet released.
    last_released: Option<(u8, u32)>,
    /// Its RTP clock, and the NTP/RTP timestamp pair of its sender's last
    /// SR (RFC 3550 §6.4.1): when each frame was captured, on the sender's
    /// clock, which puts its audio and video on one timeline.
    clock_rate: u32,
    sender_clock: Option<(u64, u32)>,
}

/// What a receiver asked its sender for (RTCInboundRtpStreamStats:
/// nackCount, pliCount, firCount), and the RTX packets that repaired it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiveLossCounters {
    /// NACK packets sent.
    pub nack_count: u64,
    pub pli_count: u64,
    pub fir_count: u64,
    /// RTX packets unwrapped into the stream.
    pub retransmitted_packets_received: u64,
}

/// A packet waiting in the jitter buffer: what its depacketizer needs.
/// The unprotected datagram is kept whole, so its payload is not copied.
struct Received {
    payload_type: u8,
    info: RtpInfo,
    packet: Vec<u8>,
    payload: Range<usize>,
}

/// Where `inner`, a subslice of `outer`, lies in it.
fn range_in(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    start..start + inner.len()
}

/// Video waits 3.5 RTTs for a gap rather than the default 2.5: a lost
/// NACK or retransmission then gets a second try in time (measured in
/// tests/pair_cases/loss.rs at 5% loss and 100 ms one way).
fn jitter_buffer_config(kind: MediaKind) -> JitterBufferConfig {
    match kind {
        MediaKind::Audio => JitterBufferConfig::audio(),
        MediaKind::Video => JitterBufferConfig {
            rtt_multiple: 3.5,
            ..JitterBufferConfig::video()
        },
    }
}

impl InboundStream {
    fn new(transceiver: &TransceiverState, codec: &RtpCodec) -> Self {
        InboundStream {
            transceiver: transceiver.id,
            kind: transceiver.kind,
            sender_ssrc: transceiver.sender_ssrc,
            nack_negotiated: false,
            key_frame_method: None,
            jitter_buffer: JitterBuffer::new(jitter_buffer_config(transceiver.kind)),
            nack: NackGenerator::new(codec.clock_rate),
            key_frames: KeyFrameRequester::new(),
            depacketizers: HashMap::new(),
            counters: ReceiveLossCounters::default(),
            last_released: None,
            clock_rate: codec.clock_rate.max(1),
            sender_clock: None,
        }
    }

    /// One packet of `codec` (an RTX one unwrapped), into the jitter
    /// buffer; what that releases, through the depacketizers.
    /// How many whole frames came out.
    fn handle_packet(
        &mut self,
        now: Instant,
        codec: &RtpCodec,
        received: Received,
        round_trip_time: Duration,
        outputs: &mut Outputs,
    ) -> u64 {
        let has = |kind: &str, parameter: Option<&str>| {
            codec
                .rtcp_feedback
                .iter()
                .any(|(k, p)| k == kind && p.as_deref() == parameter)
        };
        self.nack_negotiated = has("nack", None);
        self.key_frame_method = match (self.kind, has("nack", Some("pli")), has("ccm", Some("fir")))
        {
            (MediaKind::Audio, ..) => None,
            (_, true, _) => Some(KeyFrameMethod::Pli),
            (_, false, true) => Some(KeyFrameMethod::Fir),
            _ => None,
        };
        self.set_round_trip_time(round_trip_time);
        let sequence_number = received.info.sequence_number;
        if self.nack_negotiated {
            self.nack
                .handle_packet(now, sequence_number, received.info.timestamp);
        }
        self.jitter_buffer
            .handle_packet(now, sequence_number, received);
        if self.nack.take_gave_up() {
            // An outage: waiting for its gap would only hold back the key
            // frame asked for now.
            self.jitter_buffer.give_up_gaps();
            self.handle_loss();
        }
        self.release(outputs)
    }

    /// Its sender's SR: `ntp_timestamp` is when it stamped `rtp_timestamp`.
    pub(super) fn sender_report(&mut self, ntp_timestamp: u64, rtp_timestamp: u32) {
        self.sender_clock = Some((ntp_timestamp, rtp_timestamp));
    }

    /// Whether `codec`'s packets can be depacketized.
    fn accepts(&mut self, payload_type: u8, codec: &RtpCodec) -> Option<()> {
        if let Entry::Vacant(entry) = self.depacketizers.entry(payload_type) {
            entry.insert(depacketizer(codec)?);
        }
        Some(())
    }

    fn set_round_trip_time(&mut self, round_trip_time: Duration) {
        self.jitter_buffer.set_round_trip_time(round_trip_time);
        self.nack.set_round_trip_time(round_trip_time);
        self.nack.set_max_age(self.jitter_buffer.wait());
    }

    /// Gives up the gaps whose wait is over; the NACK and key frame
    /// request due, onto `rtcp`. `ssrc` is the stream's. How many whole
    /// frames came out.
    fn handle_timeout(
        &mut self,
        now: Instant,
        ssrc: u32,
        round_trip_time: Duration,
        outputs: &mut Outputs,
        rtcp: &mut Vec<RtcpPacket>,
    ) -> u64 {
        self.set_round_trip_time(round_trip_time);
        self.jitter_buffer.handle_timeout(now);
        let frames = self.release(outputs);
        if self.nack_negotiated {
            let lost = self.nack.poll_nack(now);
            if !lost.is_empty() {
                self.counters.nack_count += 1;
                rtcp.push(RtcpPacket::Nack(Nack::from_lost(
                    self.sender_ssrc,
                    ssrc,
                    lost,
                )));
            }
            if self.nack.take_gave_up() {
                self.handle_loss();
            }
        }
        let request = self
            .key_frames
            .poll_request(now, round_trip_time, self.key_frame_method);
        let sender_ssrc = self.sender_ssrc;
        match request {
            Some(KeyFrameRequest::Pli) => {
                self.counters.pli_count += 1;
                rtcp.push(RtcpPacket::Pli(Pli {
                    sender_ssrc,
                    media_ssrc: ssrc,
                }));
            }
            Some(KeyFrameRequest::Fir { sequence_number }) => {
                self.counters.fir_count += 1;
                rtcp.push(RtcpPacket::Fir(Fir {
                    sender_ssrc,
                    entries: vec![FirEntry {
                        ssrc,
                        sequence_number,
                    }],
                }));
            }
            None => {}
        }
        frames
    }

    fn poll_timeout(&self, round_trip_time: Duration) -> Option<Instant> {
        let nack = self.nack_negotiated.then(|| self.nack.poll_timeout());
        let key_frame = self
            .key_frame_method
            .and(self.key_frames.poll_timeout(round_trip_time));
        [self.jitter_buffer.poll_timeout(), nack.flatten(), key_frame]
            .into_iter()
            .flatten()
            .min()
    }

    /// A video frame was lost: the decoder needs a key frame.
    fn handle_loss(&mut self) {
        if self.kind == MediaKind::Video {
            self.key_frames.handle_loss();
        }
    }

    /// Audio carries one frame per packet, so each packet given up before
    /// `item` is one frame lost; when they split the timestamps between the
    /// last packet and this one evenly (no DTX pause, no codec switch),
    /// each is reported dropped with its timestamp.
    fn report_lost_audio(&mut self, item: &Received, lost_before: u64, outputs: &mut Outputs) {
        let last = self
            .last_released
            .replace((item.payload_type, item.info.timestamp));
        let Some((payload_type, timestamp)) = last else {
            return;
        };
        let Ok(frames) = u32::try_from(lost_before + 1) else {
            return;
        };
        let elapsed = item.info.timestamp.wrapping_sub(timestamp);
        if lost_before == 0 || payload_type != item.payload_type || elapsed % frames != 0 {
            return;
        }
        let duration = elapsed / frames;
        for n in 1..frames {
            outputs.event(PeerEvent::MediaFrameDropped {
                transceiver: self.transceiver,
                rtp_timestamp: timestamp.wrapping_add(duration * n),
            });
        }
    }

    /// A video frame every packet of which was lost leaves no timestamp to
    /// report it by: packets given up between two timestamps report the
    /// span between them as lost.
    fn report_lost_video(&mut self, item: &Received, lost_before: u64, outputs: &mut Outputs) {
        let last = self
            .last_released
            .replace((item.payload_type, item.info.timestamp));
        let Some((_, after)) = last else {
            return;
        };
        if lost_before > 0 && after != item.info.timestamp {
            outputs.event(PeerEvent::MediaFramesLost {
                transceiver: self.transceiver,
                after_rtp_timestamp: after,
                before_rtp_timestamp: item.info.timestamp,
            });
        }
    }

    /// What the jitter buffer released, in order, through the
    /// depacketizers; how many whole frames came out.
    fn release(&mut self, outputs: &mut Outputs) -> u64 {
        let mut frames = 0;
        while let Some(output) = self.jitter_buffer.poll_output() {
            let (item, lost_before) = match output {
                JitterOutput::Packet {
                    item, lost_before, ..
                } => (item, lost_before),
                JitterOutput::Overflow => {
                    self.handle_loss();
                    continue;
                }
            };
            match self.kind {
                MediaKind::Audio => self.report_lost_audio(&item, lost_before, outputs),
                MediaKind::Video => self.report_lost_video(&item, lost_before, outputs),
            }
            let Some(receiver) = self.depacketizers.get_mut(&item.payload_type) else {
                continue;
            };
            receiver.push(item.info, &item.packet[item.payload.clone()]);
            while let Some(output) = receiver.poll_output() {
                outputs.event(match output {
                    Depacketized::Frame(frame) => {
                        frames += 1;
                        if frame.key_frame {
                            self.key_frames.handle_key_frame();
                        }
                        PeerEvent::MediaFrame {
                            transceiver: self.transceiver,
                            payload_type: item.payload_type,
                            rtp_timestamp: frame.timestamp,
                            capture_time: capture_time(
                                self.sender_clock,
                                self.clock_rate,
                                frame.timestamp,
                            ),
                            key_frame: frame.key_frame,
                            data: frame.data,
                        }
                    }
                    Depacketized::Dropped { timestamp } => {
                        if self.kind == MediaKind::Video {
                            self.key_frames.handle_loss();
                        }
                        PeerEvent::MediaFrameDropped {
                            transceiver: self.transceiver,
                            rtp_timestamp: timestamp,
                        }
                    }
                });
            }
        }
        frames
    }
}

/// When the frame stamped `rtp_timestamp` was captured, as a 64-bit NTP
/// timestamp of the sender's clock, from the NTP/RTP pair of its last SR
/// (`sender_clock`) and the RTP clock; none before its first SR.
fn capture_time(
    sender_clock: Option<(u64, u32)>,
    clock_rate: u32,
    rtp_timestamp: u32,
) -> Option<u64> {
    let (ntp_timestamp, reference) = sender_clock?;
    // Signed: a frame may be stamped before the SR's instant.
    let ticks = i64::from(rtp_timestamp.wrapping_sub(reference) as i32);
    Some(ntp_timestamp.wrapping_add_signed((ticks << 32) / i64::from(clock_rate)))
}

/// A [`Depacketizer`] whatever its codec.
pub(super) trait Reassembler {
    fn push(&mut self, info: RtpInfo, payload: &[u8]);
    fn poll_output(&mut self) -> Option<Depacketized>;
}

impl<F: PayloadFormat> Reassembler for Depacketizer<F> {
    fn push(&mut self, info: RtpInfo, payload: &[u8]) {
        // A malformed payload's frame is reported dropped by the depacketizer.
        let _ = Depacketizer::push(self, info, payload);
    }

    fn poll_output(&mut self) -> Option<Depacketized> {
        Depacketizer::poll_output(self)
    }
}

fn depacketizer(codec: &RtpCodec) -> Option<Box<dyn Reassembler>> {
    let name = codec.name.to_ascii_lowercase();
    Some(match name.as_str() {
        "opus" => Box::new(Depacketizer::new(opus::Opus)),
        "pcmu" | "pcma" => Box::new(Depacketizer::new(g711::G711)),
        "vp8" => Box::new(Depacketizer::new(vp8::Vp8)),
        "vp9" => Box::new(Depacketizer::new(vp9::Vp9)),
        "h264" => Box::new(Depacketizer::new(h264::H264::default())),
        "av1" => Box::new(Depacketizer::new(av1::Av1::default())),
        _ => return None,
    })
}

impl Media {
    /// An SRTP datagram, to its transceiver's depacketizer; the frames it
    /// completes become events.
    pub(in crate::peer) fn handle_rtp(
        &mut self,
        now: Instant,
        datagram: &[u8],
        transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) {
        if self.receive(now, datagram, transceivers, outputs).is_none() {
            self.dropped += 1;
        }
    }

    /// The receive side's deadlines: gaps given up, NACKs and key frame
    /// requests sent.
    pub(super) fn handle_receive_timeout(&mut self, now: Instant, outputs: &mut Outputs) {
        let round_trip_time = self.round_trip_time_or_default();
        let mut rtcp = Vec::new();
        for (&ssrc, stream) in &mut self.inbound {
            let frames = stream.handle_timeout(now, ssrc, round_trip_time, outputs, &mut rtcp);
            self.reports.frames_received(ssrc, frames);
        }
        if !rtcp.is_empty() {
            self.send_rtcp(&rtcp);
        }
    }

    pub(super) fn poll_receive_timeout(&self) -> Option<Instant> {
        let round_trip_time = self.round_trip_time_or_default();
        self.inbound
            .values()
            .filter_map(|stream| stream.poll_timeout(round_trip_time))
            .min()
    }

    /// The latest RTT from report blocks; until one came, libwebrtc's default.
    pub(super) fn round_trip_time_or_default(&self) -> Duration {
        self.round_trip_time().unwrap_or(DEFAULT_ROUND_TRIP_TIME)
    }

    /// What the receiver of remote SSRC `ssrc` asked for and was repaired by.
    pub(in crate::peer) fn receive_loss_counters(&self, ssrc: u32) -> Option<ReceiveLossCounters> {
        self.inbound.get(&ssrc).map(|stream| stream.counters)
    }

    fn receive(
        &mut self,
        now: Instant,
        datagram: &[u8],
        transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) -> Option<()> {
        let mut packet = datagram.to_vec();
        self.srtp.as_mut()?.unprotect_rtp(&mut packet).ok()?;
        let rtp = RtpPacket::parse(&packet).ok()?;
        self.record_arrival(now, &rtp, transceivers);
        let transceiver = self.route(&rtp, transceivers)?;
        let receiving = transceiver.current_direction.is_some_and(|d| d.has_recv());
        if transceiver.stopped || !receiving {
            return None;
        }
        let codec = transceiver.receive_codec(rtp.payload_type)?;
        let round_trip_time = self.round_trip_time_or_default();
        let (ssrc, payload_type) = (rtp.ssrc, rtp.payload_type);
        let info = RtpInfo {
            sequence_number: rtp.sequence_number,
            timestamp: rtp.timestamp,
            marker: rtp.marker,
        };
        let payload = range_in(&packet, rtp.payload);
        if codec.is_rtx() {
            let received = Received {
                payload_type,
                info,
                packet,
                payload,
            };
            return self.receive_rtx(now, received, codec, transceiver, outputs);
        }
        let stream = self
            .inbound
            .entry(rtp.ssrc)
            .or_insert_with(|| InboundStream::new(transceiver, codec));
        stream.accepts(rtp.payload_type, codec)?;
        self.reports
            .rtp_received(now, transceiver, codec, &rtp, packet.len());
        let received = Received {
            payload_type,
            info,
            packet,
            payload,
        };
        let frames = stream.handle_packet(now, codec, received, round_trip_time, outputs);
        self.reports.frames_received(ssrc, frames);
        Some(())
    }

    /// An RTX packet (RFC 4588 §4): the original it carries, into the
    /// stream it repairs, the transceiver's stream of the `apt=` payload
    /// type (one stream per transceiver: no simulcast).
    fn receive_rtx(
        &mut self,
        now: Instant,
        rtx: Received,
        codec: &RtpCodec,
        transceiver: &TransceiverState,
        outputs: &mut Outputs,
    ) -> Option<()> {
        let Ok((sequence_number, repaired)) = rtx::unwrap(&rtx.packet[rtx.payload.clone()]) else {
            // Padding to probe the path's bandwidth: nothing to repair.
            return Some(());
        };
        let payload = range_in(&rtx.packet, repaired);
        let apt = codec.apt()?;
        let original = transceiver.receive_codec(apt)?;
        let round_trip_time = self.round_trip_time_or_default();
        let (&ssrc, stream) = self
            .inbound
            .iter_mut()
            .find(|(_, stream)| stream.transceiver == transceiver.id)?;
        stream.accepts(apt, original)?;
        stream.counters.retransmitted_packets_received += 1;
        let received = Received {
            payload_type: apt,
            info: RtpInfo {
                sequence_number,
                ..rtx.info
            },
            packet: rtx.packet,
            payload,
        };
        let frames = stream.handle_packet(now, original, received, round_trip_time, outputs);
        self.reports.frames_received(ssrc, frames);
        Some(())
    }

    /// The transceiver a packet is for (RFC 8843 §9.2).
    fn route<'t>(
        &mut self,
        rtp: &RtpPacket<'_>,
        transceivers: &'t [TransceiverState],
    ) -> Option<&'t TransceiverState> {
        let by_mid = |mid: &str| transceivers.iter().find(|t| t.mid.as_deref() == Some(mid));
        let mid = transceivers
            .iter()
            .find_map(mid_extension_id)
            .and_then(|id| rtp.extension(id));
        if let Some(transceiver) = mid.and_then(|mid| by_mid(std::str::from_utf8(mid).ok()?)) {
            if let Some(mid) = &transceiver.mid {
                self.ssrc_mids.insert(rtp.ssrc, mid.clone());
            }
            return Some(transceiver);
        }
        if let Some(transceiver) = self.ssrc_mids.get(&rtp.ssrc).and_then(|mid| by_mid(mid)) {
            return Some(transceiver);
        }
        if let Some(transceiver) = transceivers
            .iter()
            .find(|t| t.receiver_ssrcs.contains(&rtp.ssrc))
        {
            return Some(transceiver);
        }
        let mut with_type = transceivers
            .iter()
            .filter(|t| t.codecs.iter().any(|c| c.payload_type == rtp.payload_type));
        match (with_type.next(), with_type.next()) {
            (Some(transceiver), None) => Some(transceiver),
            _ => None,
        }
    }
}
