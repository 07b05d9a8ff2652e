//! Send-side congestion control composed into the peer
//! (draft-ietf-rmcat-gcc-02 over draft-holmer-rmcat-transport-wide-cc-
//! extensions-01), as tests/bwe_link.rs composes it alone:
//!
//! - sending: every RTP packet waits in the pacer ([`Pacer`]) and leaves at
//!   2.5 × the target; as it leaves it gets the next transport-wide
//!   sequence number (one counter across all SSRCs, §2) in the
//!   transport-cc header extension when that was negotiated, and the
//!   controller records it. Probe clusters go out at their own rate, with
//!   padding-only packets (RFC 3550 §5.1) on the RTX stream of the last
//!   video stream when there is no media to send (no padding without RTX).
//! - receiving: every RTP packet carrying the extension is recorded by the
//!   [`TwccReceiver`], whose transport-cc feedback (§3.1) goes out as RTCP
//!   on its timeout.
//! - feedback in (and a receiver's REMB, a cap on the target): the
//!   controller's new target paces the packets and, when it moved by more
//!   than [`TARGET_CHANGE`], becomes `TargetBitrate` for the encoders; it
//!   is also `availableOutgoingBitrate` in getStats.
//!
//! RTCP is not paced.

use std::collections::{HashMap, HashSet};

use crate::bwe::{Bitrate, Config, Controller, Paced, Pacer, TwccReceiver};
use crate::jsep::{MediaKind, TransceiverState};
use crate::peer::output::{Outputs, PeerEvent};
use crate::rtp::packet::rtcp::{Remb, RtcpPacket, TransportCc};
use crate::rtp::packet::{ExtensionElement, ExtensionKind, HeaderExtension, RtpHeader, RtpPacket};
use crate::time::Instant;

use super::{extension_id, Media};

/// A relative change of the target smaller than this is not announced:
/// the estimate moves a little with every feedback.
const TARGET_CHANGE: f64 = 0.05;
/// Padding octets in a padding-only packet (the count octet is one byte).
const PADDING_OCTETS: u8 = 255;
/// A padding-only packet on the wire: the padding, the RTP header with
/// its extensions, and the SRTP tag.
const PADDING_PACKET_SIZE: usize = PADDING_OCTETS as usize + 40;
/// The RTP header with MID and transport-cc, and SRTP's tag, as the pacer
/// counts a packet before it is written.
const PACKET_OVERHEAD: usize = 40;

/// An RTP packet waiting in the pacer, not yet written or protected.
pub(super) struct PendingRtp {
    header: RtpHeader,
    payload: Vec<u8>,
}

/// The stream padding goes on: the last video one a media packet went on.
struct PaddingStream {
    ssrc: u32,
    payload_type: u8,
    timestamp: u32,
    extension: Option<HeaderExtension>,
}

pub(super) struct Congestion {
    controller: Controller,
    pacer: Pacer<PendingRtp>,
    /// The negotiated ID of transport-cc on what we send, if any.
    extension_id: Option<u8>,
    next_transport_sequence_number: u16,
    /// Whether the start probes are in the pacer: once transport-cc is
    /// negotiated and media flows.
    probing: bool,
    padding_stream: Option<PaddingStream>,
    /// Our video senders: padding goes only on video, as libwebrtc's does,
    /// since an audio receiver takes an empty packet for a frame.
    video_ssrcs: HashSet<u32>,
    /// (video SSRC, payload type) → (RTX SSRC, RTX payload type).
    rtx: HashMap<(u32, u8), (u32, u8)>,
    receiver: Option<TwccReceiver>,
    /// The target as last announced; none before the first feedback.
    announced: Option<Bitrate>,
}

impl Default for Congestion {
    fn default() -> Self {
        let controller = Controller::new(Config::default());
        let pacer = Pacer::new(controller.target_bitrate()).with_padding_size(PADDING_PACKET_SIZE);
        Congestion {
            controller,
            pacer,
            extension_id: None,
            next_transport_sequence_number: 0,
            probing: false,
            padding_stream: None,
            video_ssrcs: HashSet::new(),
            rtx: HashMap::new(),
            receiver: None,
            announced: None,
        }
    }
}

/// The negotiated ID of the transport-cc header extension.
fn transport_cc_extension_id(transceiver: &TransceiverState) -> Option<u8> {
    extension_id(transceiver, ExtensionKind::TransportWideCc)
}

impl Congestion {
    /// What `transceiver` sends next carries transport-cc if it negotiated it.
    pub(super) fn sending_on(&mut self, transceiver: &TransceiverState) {
        self.extension_id = transport_cc_extension_id(transceiver);
        if transceiver.kind == MediaKind::Video {
            self.video_ssrcs.insert(transceiver.sender_ssrc);
            for codec in transceiver.codecs.iter().filter(|c| c.is_rtx()) {
                if let (Some(apt), Some(rtx_ssrc)) = (codec.apt(), transceiver.sender_rtx_ssrc) {
                    self.rtx.insert(
                        (transceiver.sender_ssrc, apt),
                        (rtx_ssrc, codec.payload_type),
                    );
                }
            }
        }
    }

    /// The target once feedback set it: availableOutgoingBitrate.
    pub(super) fn available_outgoing_bitrate(&self) -> Option<f64> {
        self.announced
            .map(|_| self.controller.target_bitrate().as_bps() as f64)
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        let receiver = self.receiver.as_ref().and_then(TwccReceiver::poll_timeout);
        [self.pacer.poll_timeout(), receiver]
            .into_iter()
            .flatten()
            .min()
    }
}

impl Media {
    /// An RTP packet into the pacer; what it lets go at once is sent.
    pub(super) fn pace_rtp(&mut self, now: Instant, header: RtpHeader, payload: Vec<u8>) {
        let congestion = &mut self.congestion;
        if !congestion.probing && congestion.extension_id.is_some() {
            congestion.probing = true;
            while let Some(cluster) = congestion.controller.poll_probe_cluster() {
                congestion.pacer.create_probe_cluster(cluster, now);
            }
        }
        let size = payload.len() + PACKET_OVERHEAD;
        let packet = PendingRtp { header, payload };
        congestion.pacer.handle_packet(packet, size, now);
        self.send_paced(now);
    }

    /// The pacer's and the feedback's deadlines.
    pub(super) fn congestion_timeout(&mut self, now: Instant) {
        self.congestion.pacer.handle_timeout(now);
        self.send_paced(now);
        let Some(receiver) = self.congestion.receiver.as_mut() else {
            return;
        };
        receiver.handle_timeout(now);
        let mut feedback = Vec::new();
        while let Some(packet) = receiver.poll_feedback() {
            feedback.push(RtcpPacket::TransportCc(packet));
        }
        // Each in its own compound: one feedback is sized to fill a datagram.
        for packet in feedback {
            self.send_rtcp(&[packet]);
        }
    }

    /// A received RTP packet's transport-wide sequence number, recorded.
    pub(super) fn record_arrival(
        &mut self,
        now: Instant,
        rtp: &RtpPacket<'_>,
        transceivers: &[TransceiverState],
    ) {
        let Some(id) = transceivers.iter().find_map(transport_cc_extension_id) else {
            return;
        };
        let Some(&[high, low]) = rtp.extension(id) else {
            return;
        };
        // Feedback is sent from one of our SSRCs.
        let sender_ssrc = transceivers.first().map_or(0, |t| t.sender_ssrc);
        self.congestion
            .receiver
            .get_or_insert_with(|| TwccReceiver::new(sender_ssrc))
            .handle_packet(rtp.ssrc, u16::from_be_bytes([high, low]), now);
    }

    /// Transport-cc feedback about what we sent.
    pub(super) fn handle_transport_feedback(
        &mut self,
        now: Instant,
        feedback: &TransportCc,
        outputs: &mut Outputs,
    ) {
        let target = self.congestion.controller.handle_feedback(feedback, now);
        self.follow_target(now, target, outputs);
    }

    /// A receiver's estimate (REMB) about streams of ours caps the target.
    pub(super) fn handle_remb(
        &mut self,
        now: Instant,
        remb: &Remb,
        transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) {
        let ours = remb
            .ssrcs
            .iter()
            .any(|ssrc| transceivers.iter().any(|t| t.sender_ssrc == *ssrc));
        if ours {
            let target = self
                .congestion
                .controller
                .handle_remb(Bitrate::bps(remb.bitrate));
            self.follow_target(now, target, outputs);
        }
    }

    /// The pacer at the new target; the encoders told if it moved enough.
    fn follow_target(&mut self, now: Instant, target: Bitrate, outputs: &mut Outputs) {
        let congestion = &mut self.congestion;
        congestion.pacer.set_target_bitrate(target, now);
        let moved = congestion.announced.is_none_or(|announced| {
            let change = target.as_bps().abs_diff(announced.as_bps()) as f64;
            change > announced.as_bps() as f64 * TARGET_CHANGE
        });
        if moved {
            congestion.announced = Some(target);
            outputs.event(PeerEvent::TargetBitrate {
                bitrate_bps: target.as_bps(),
            });
        }
    }

    /// Writes, protects and queues for ICE what the pacer released.
    fn send_paced(&mut self, now: Instant) {
        while let Some(paced) = self.congestion.pacer.poll_transmit() {
            let (header, payload, padding, probe_cluster) = match paced {
                Paced::Media {
                    packet,
                    probe_cluster,
                } => (packet.header, packet.payload, 0, probe_cluster),
                Paced::Padding { probe_cluster, .. } => match self.padding_header() {
                    Some(header) => (header, Vec::new(), PADDING_OCTETS, Some(probe_cluster)),
                    None => continue,
                },
            };
            if self
                .write_paced(now, header, &payload, padding, probe_cluster)
                .is_none()
            {
                self.dropped += 1;
            }
        }
    }

    /// One packet onto the wire, with the next transport-wide sequence
    /// number if transport-cc was negotiated.
    fn write_paced(
        &mut self,
        now: Instant,
        mut header: RtpHeader,
        payload: &[u8],
        padding: u8,
        probe_cluster: Option<u32>,
    ) -> Option<()> {
        let congestion = &mut self.congestion;
        if padding == 0 && congestion.video_ssrcs.contains(&header.ssrc) {
            congestion.padding_stream = Some(PaddingStream {
                ssrc: header.ssrc,
                payload_type: header.payload_type,
                timestamp: header.timestamp,
                extension: header.extension.clone(),
            });
        }
        let transport_sequence_number = congestion.extension_id.map(|id| {
            let seq = congestion.next_transport_sequence_number;
            congestion.next_transport_sequence_number = seq.wrapping_add(1);
            let mut elements = header
                .extension
                .as_ref()
                .map(|e| e.elements().to_vec())
                .unwrap_or_default();
            elements.push(ExtensionElement {
                id,
                data: seq.to_be_bytes().to_vec(),
            });
            header.extension = Some(HeaderExtension::from_elements(elements));
            seq
        });
        let mut packet = Vec::with_capacity(payload.len() + 64);
        header.write_packet(payload, padding, &mut packet).ok()?;
        self.reports
            .rtp_sent(now, &header, payload.len(), packet.len());
        self.srtp.as_mut()?.protect_rtp(&mut packet).ok()?;
        if let Some(seq) = transport_sequence_number {
            self.congestion
                .controller
                .on_sent(seq, packet.len(), probe_cluster, now);
        }
        self.transmits.push_back(packet);
        Some(())
    }

    /// A padding-only packet's header for the last video stream's RTX
    /// stream (as libwebrtc pads), with its next sequence number; none
    /// before any media went out, or for a stream without RTX. Padding on
    /// the media stream itself broke Chromium's H.264 and AV1 receivers
    /// (33 and 31 of 60 frames decoded): they find frame boundaries from
    /// sequence numbers, and a padding packet leaves a hole there.
    fn padding_header(&mut self) -> Option<RtpHeader> {
        let stream = self.congestion.padding_stream.as_ref()?;
        let &(ssrc, payload_type) = self
            .congestion
            .rtx
            .get(&(stream.ssrc, stream.payload_type))?;
        let sequence_number = self.retransmission.next_rtx_sequence_number(ssrc)?;
        Some(RtpHeader {
            marker: false,
            payload_type,
            sequence_number,
            timestamp: stream.timestamp,
            ssrc,
            csrc: Vec::new(),
            extension: stream.extension.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::dtls::DtlsRole;
    use crate::jsep::RtpCodec;
    use crate::peer::media::tests::{codec, keyed, transceiver};
    use crate::peer::output::{Output, Queued};
    use crate::random::Random;
    use crate::rtp::packet::rtcp::Remb;

    /// VP8 with RTX on `ssrc + 1`, and transport-cc.
    fn video(ssrc: u32) -> TransceiverState {
        let rtx = RtpCodec {
            fmtp: Some("apt=96".into()),
            ..codec(97, "rtx")
        };
        let mut t = transceiver(0, MediaKind::Video, "0", vec![codec(96, "VP8"), rtx], ssrc);
        t.sender_rtx_ssrc = Some(ssrc + 1);
        t.header_extensions
            .push((3, ExtensionKind::TransportWideCc.uri().into()));
        t
    }

    fn targets(outputs: &mut Outputs) -> Vec<u64> {
        let mut targets = Vec::new();
        while let Some(queued) = outputs.pop() {
            if let Queued::Output(Output::Event(event)) = queued {
                if let PeerEvent::TargetBitrate { bitrate_bps } = *event {
                    targets.push(bitrate_bps);
                }
            }
        }
        targets
    }

    /// A second of 30 fps video straight to a receiver whose feedback comes
    /// straight back: one transport-wide counter, paced packets, a target;
    /// then a REMB about our stream caps it.
    #[test]
    fn feedback_on_what_arrived_sets_the_target_and_a_remb_caps_it() {
        let mut sender = keyed(DtlsRole::Client);
        let mut receiver = keyed(DtlsRole::Server);
        let (ours, theirs) = ([video(1111)], [video(2222)]);
        let mut random = Random::from_seed([2; 32]);
        let mut outputs = Outputs::default();
        let mut now = Instant::ZERO;
        let mut transport_sequence_numbers = Vec::new();
        let mut departures = Vec::new();
        let mut padding = 0;
        for n in 0..30u32 {
            let frame = vec![0x10; 3000];
            sender
                .send_frame(now, &ours[0], 96, n * 3000, &frame, &mut random)
                .unwrap();
            let end = now + Duration::from_millis(33);
            loop {
                while let Some(packet) = sender.poll_transmit() {
                    // Our reports (RFC 5761 §4: RTCP's packet types).
                    if (192..=223).contains(&packet[1]) {
                        receiver.handle_rtcp(now, &packet, &theirs, &mut outputs);
                        continue;
                    }
                    // The header is in the clear under SRTP.
                    let rtp = RtpPacket::parse(&packet).unwrap();
                    let seq = rtp.extension(3).unwrap();
                    transport_sequence_numbers.push(u16::from_be_bytes([seq[0], seq[1]]));
                    if rtp.ssrc == 1112 {
                        // Probe padding, on the RTX stream (nothing is lost
                        // here to retransmit).
                        assert_eq!(rtp.payload_type, 97);
                        padding += 1;
                    }
                    departures.push(now);
                    receiver.handle_rtp(now, &packet, &theirs, &mut outputs);
                }
                match sender.poll_timeout() {
                    Some(at) if at <= end => {
                        now = at;
                        sender.handle_timeout(now, &ours, &mut random, &mut outputs);
                    }
                    _ => break,
                }
            }
            now = end;
            receiver.handle_timeout(now, &theirs, &mut random, &mut outputs);
            while let Some(rtcp) = receiver.poll_transmit() {
                sender.handle_rtcp(now, &rtcp, &ours, &mut outputs);
            }
        }
        let expected: Vec<u16> = (0..transport_sequence_numbers.len() as u16).collect();
        assert_eq!(transport_sequence_numbers, expected);
        // 3 packets a frame, and the start probes' padding besides.
        assert_eq!(expected.len(), 90 + padding);
        assert!(padding > 0);
        // The first frame's three packets are paced, not sent at once.
        assert!(departures[1] > departures[0] && departures[2] > departures[1]);
        let announced = targets(&mut outputs);
        let last = *announced.last().expect("a target from the feedback");
        let available = sender.available_outgoing_bitrate().unwrap();
        assert!((available - last as f64).abs() <= last as f64 * TARGET_CHANGE);

        let remb = Remb {
            sender_ssrc: 2222,
            bitrate: 100_000,
            ssrcs: vec![1111],
        };
        receiver.send_rtcp(&[RtcpPacket::Remb(remb.clone())]);
        let rtcp = receiver.poll_transmit().unwrap();
        sender.handle_rtcp(now, &rtcp, &ours, &mut outputs);
        assert_eq!(targets(&mut outputs), [100_000]);
        assert_eq!(sender.available_outgoing_bitrate(), Some(100_000.0));
        // A REMB about streams that are not ours changes nothing.
        let other = Remb {
            ssrcs: vec![7],
            bitrate: 50_000,
            ..remb
        };
        receiver.send_rtcp(&[RtcpPacket::Remb(other)]);
        let rtcp = receiver.poll_transmit().unwrap();
        sender.handle_rtcp(now, &rtcp, &ours, &mut outputs);
        assert_eq!(targets(&mut outputs), Vec::<u64>::new());
    }
}
