//! Inbound RTP: an unprotected packet finds its transceiver as RFC 8843
//! §9.2 says: by its MID header extension (which also teaches us its
//! SSRC's mid), else by an SSRC learnt so or announced in the remote
//! description, else by a payload type only one transceiver negotiated.
//! Each SSRC has a jitter buffer ([`JitterBuffer`], video's or audio's
//! waits by the transceiver's kind) that puts its packets back in
//! sequence-number order, then a depacketizer per payload type; what it
//! hands out becomes `MediaFrame`/`MediaFrameDropped`. The buffer's
//! deadlines run from `Media::handle_timeout`. RTX and formats without a
//! depacketizer (telephone-event) are dropped and counted, as is what SRTP
//! refuses.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use crate::jsep::{MediaKind, RtpCodec, TransceiverId, TransceiverState};
use crate::peer::output::{Outputs, PeerEvent};
use crate::rtp::format::{
    av1, g711, h264, opus, vp8, vp9, Depacketized, Depacketizer, PayloadFormat, RtpInfo,
};
use crate::rtp::jitter_buffer::{JitterBuffer, JitterBufferConfig, JitterOutput};
use crate::rtp::packet::RtpPacket;
use crate::time::Instant;

use super::{mid_extension_id, Media};

/// What we keep per remote SSRC.
pub(super) struct InboundStream {
    /// The transceiver its packets were routed to.
    transceiver: TransceiverId,
    jitter_buffer: JitterBuffer<Received>,
    /// By payload type: a sender may switch codecs mid-stream.
    depacketizers: HashMap<u8, Box<dyn Reassembler>>,
}

/// A packet waiting in the jitter buffer: what its depacketizer needs.
struct Received {
    payload_type: u8,
    info: RtpInfo,
    payload: Vec<u8>,
}

impl InboundStream {
    fn new(transceiver: &TransceiverState) -> Self {
        let config = match transceiver.kind {
            MediaKind::Audio => JitterBufferConfig::audio(),
            MediaKind::Video => JitterBufferConfig::video(),
        };
        InboundStream {
            transceiver: transceiver.id,
            jitter_buffer: JitterBuffer::new(config),
            depacketizers: HashMap::new(),
        }
    }

    /// Gives up the gaps whose wait is over; the frames that completes.
    pub(super) fn handle_timeout(&mut self, now: Instant, outputs: &mut Outputs) -> u64 {
        self.jitter_buffer.handle_timeout(now);
        self.release(outputs)
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.jitter_buffer.poll_timeout()
    }

    /// What the jitter buffer released, in order, through the
    /// depacketizers; how many whole frames came out.
    fn release(&mut self, outputs: &mut Outputs) -> u64 {
        let mut frames = 0;
        while let Some(output) = self.jitter_buffer.poll_output() {
            let JitterOutput::Packet { item, .. } = output else {
                continue;
            };
            let Some(receiver) = self.depacketizers.get_mut(&item.payload_type) else {
                continue;
            };
            receiver.push(item.info, &item.payload);
            while let Some(output) = receiver.poll_output() {
                outputs.event(match output {
                    Depacketized::Frame(frame) => {
                        frames += 1;
                        PeerEvent::MediaFrame {
                            transceiver: self.transceiver,
                            payload_type: item.payload_type,
                            rtp_timestamp: frame.timestamp,
                            key_frame: frame.key_frame,
                            data: frame.data,
                        }
                    }
                    Depacketized::Dropped { timestamp } => PeerEvent::MediaFrameDropped {
                        transceiver: self.transceiver,
                        rtp_timestamp: timestamp,
                    },
                });
            }
        }
        frames
    }
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

    /// The receive side's deadlines: gaps given up.
    pub(super) fn handle_receive_timeout(
        &mut self,
        now: Instant,
        _transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) {
        for (ssrc, stream) in &mut self.inbound {
            let frames = stream.handle_timeout(now, outputs);
            self.reports.frames_received(*ssrc, frames);
        }
    }

    pub(super) fn poll_receive_timeout(&self) -> Option<Instant> {
        self.inbound
            .values()
            .filter_map(InboundStream::poll_timeout)
            .min()
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
        let stream = self
            .inbound
            .entry(rtp.ssrc)
            .or_insert_with(|| InboundStream::new(transceiver));
        if let Entry::Vacant(entry) = stream.depacketizers.entry(rtp.payload_type) {
            entry.insert(depacketizer(codec)?);
        }
        self.reports
            .rtp_received(now, transceiver, codec, &rtp, packet.len());
        let info = RtpInfo {
            sequence_number: rtp.sequence_number,
            timestamp: rtp.timestamp,
            marker: rtp.marker,
        };
        let received = Received {
            payload_type: rtp.payload_type,
            info,
            payload: rtp.payload.to_vec(),
        };
        stream
            .jitter_buffer
            .handle_packet(now, rtp.sequence_number, received);
        let frames = stream.release(outputs);
        self.reports.frames_received(rtp.ssrc, frames);
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
