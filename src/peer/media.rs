//! Encoded frames over the DTLS-SRTP association: the SRTP session keyed
//! when DTLS connects (RFC 5764 §4.2), and each transceiver's RTP.
//!
//! Outbound, a frame is packetized with the negotiated codec's payload
//! format, each payload gets an RTP header (RFC 3550 §5.1) with the
//! sender's SSRC, its own sequence numbers (from a random start, §5.1) and
//! the MID header extension (RFC 8843 §15), and is SRTP-protected.
//!
//! Inbound, an unprotected RTP packet finds its transceiver as RFC 8843
//! §9.2 says: by its MID header extension (which also teaches us its
//! SSRC's mid), else by an SSRC learnt so or announced in the remote
//! description, else by a payload type only one transceiver negotiated.
//! Each (SSRC, payload type) has a depacketizer for the codec; what it hands
//! out becomes `MediaFrame`/`MediaFrameDropped`. Packets are taken in
//! network order: there is no jitter buffer yet, so a reordered packet
//! breaks its frame. RTX and formats without a depacketizer
//! (telephone-event) are dropped and counted, as is what SRTP refuses.
//! RTCP is unprotected (the SRTP context counts it) and dropped: parsing it
//! and sending reports and feedback are later steps.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use crate::dtls::{DtlsRole, SrtpProfile};
use crate::error::{ErrorName, RtcError};
use crate::jsep::{RtpCodec, TransceiverState};
use crate::random::Random;
use crate::rtp::format::{
    av1, g711, h264, opus, vp8, vp9, Depacketized, Depacketizer, Packetizer, PayloadFormat, RtpInfo,
};
use crate::rtp::packet::{ExtensionElement, ExtensionKind, HeaderExtension, RtpHeader, RtpPacket};
use crate::rtp::srtp::SrtpSession;

use super::output::{Outputs, PeerEvent};

/// The largest RTP payload we send: with the RTP header, the MID
/// extension, the SRTP tag and TURN's ChannelData header, a packet stays
/// within IPv6's minimum MTU of 1280 bytes.
const MAX_PAYLOAD_SIZE: usize = 1200;

#[derive(Default)]
pub(super) struct Media {
    srtp: Option<SrtpSession>,
    /// By sender SSRC.
    senders: HashMap<u32, Sender>,
    /// SSRC → mid, learnt from the MID header extension (RFC 8843 §9.2).
    ssrc_mids: HashMap<u32, String>,
    /// By (SSRC, payload type).
    receivers: HashMap<(u32, u8), Box<dyn Reassembler>>,
    /// Protected RTP packets for ICE.
    transmits: VecDeque<Vec<u8>>,
    /// RTP and RTCP datagrams dropped: before SRTP is keyed, refused by
    /// SRTP, malformed, or for no transceiver or codec we have.
    dropped: u64,
}

struct Sender {
    next_sequence_number: u16,
    /// By payload type: a packetizer may carry state from frame to frame
    /// (VP8's picture ID).
    packetizers: HashMap<u8, Box<dyn Packetizer>>,
}

/// A [`Depacketizer`] whatever its codec.
trait Reassembler {
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

fn packetizer(codec: &RtpCodec, random: &mut Random) -> Option<Box<dyn Packetizer>> {
    let name = codec.name.to_ascii_lowercase();
    Some(match name.as_str() {
        "opus" => Box::new(opus::OpusPacketizer),
        "pcmu" | "pcma" => Box::new(g711::G711Packetizer),
        "vp8" => Box::new(vp8::Vp8Packetizer::new(random.next_u32() as u16)),
        "vp9" => Box::new(vp9::Vp9Packetizer::new(random.next_u32() as u16)),
        // Our packetizer fragments (FU-A), which packetization-mode 0 forbids.
        "h264" if codec.fmtp.as_deref().is_some_and(|f| f.contains("packetization-mode=1")) => {
            Box::new(h264::H264Packetizer)
        }
        "av1" => Box::new(av1::Av1Packetizer),
        _ => return None,
    })
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

/// The negotiated ID of the MID header extension (one for the whole
/// BUNDLE group, RFC 8843 §9.1).
fn mid_extension_id(transceiver: &TransceiverState) -> Option<u8> {
    let uri = ExtensionKind::Mid.uri();
    let (id, _) = transceiver.header_extensions.iter().find(|(_, u)| u == uri)?;
    u8::try_from(*id).ok()
}

impl Media {
    /// DTLS connected with an SRTP profile: `role` is our DTLS role.
    pub(super) fn connect(&mut self, role: DtlsRole, profile: SrtpProfile, material: &[u8]) {
        // DTLS exported as much as the profile it chose needs, so this
        // fails only if DTLS is wrong; media then stays off.
        self.srtp = SrtpSession::from_dtls(role, profile, material).ok();
    }

    pub(super) fn dropped(&self) -> u64 {
        self.dropped
    }

    pub(super) fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    /// One encoded frame from `transceiver`'s sender, as RTP packets with
    /// `payload_type` and `rtp_timestamp`.
    pub(super) fn send_frame(
        &mut self,
        transceiver: &TransceiverState,
        payload_type: u8,
        rtp_timestamp: u32,
        frame: &[u8],
        random: &mut Random,
    ) -> Result<(), RtcError> {
        let sending = transceiver.direction.has_send() && transceiver.current_direction.is_some_and(|d| d.has_send());
        if transceiver.stopping || transceiver.stopped || !sending {
            return Err(RtcError::invalid_state("the transceiver does not send"));
        }
        let Some(srtp) = self.srtp.as_mut() else {
            return Err(RtcError::invalid_state("the DTLS transport has no SRTP keys yet"));
        };
        let codec = transceiver
            .codecs
            .iter()
            .find(|c| c.payload_type == payload_type)
            .ok_or_else(|| RtcError::invalid_access(format!("payload type {payload_type} was not negotiated")))?;
        let sender = self
            .senders
            .entry(transceiver.sender_ssrc)
            .or_insert_with(|| Sender { next_sequence_number: random.next_u32() as u16, packetizers: HashMap::new() });
        let packetizer =
            match sender.packetizers.entry(payload_type) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => entry.insert(packetizer(codec, random).ok_or_else(|| {
                    RtcError::new(ErrorName::NotSupportedError, format!("cannot send {}", codec.name))
                })?),
            };
        let payloads = packetizer
            .packetize(frame, MAX_PAYLOAD_SIZE)
            .map_err(|e| RtcError::operation(format!("cannot packetize the frame: {e}")))?;
        let extension = mid_extension_id(transceiver).zip(transceiver.mid.as_ref()).map(|(id, mid)| {
            HeaderExtension::from_elements(vec![ExtensionElement { id, data: mid.as_bytes().to_vec() }])
        });
        for payload in payloads {
            let header = RtpHeader {
                marker: payload.marker,
                payload_type,
                sequence_number: sender.next_sequence_number,
                timestamp: rtp_timestamp,
                ssrc: transceiver.sender_ssrc,
                csrc: Vec::new(),
                extension: extension.clone(),
            };
            sender.next_sequence_number = sender.next_sequence_number.wrapping_add(1);
            let mut packet = Vec::with_capacity(MAX_PAYLOAD_SIZE + 64);
            header
                .write_packet(&payload.data, 0, &mut packet)
                .map_err(|e| RtcError::operation(format!("cannot write the RTP packet: {e}")))?;
            srtp.protect_rtp(&mut packet).map_err(|e| RtcError::operation(format!("SRTP: {e}")))?;
            self.transmits.push_back(packet);
        }
        Ok(())
    }

    /// An SRTCP datagram: unprotected (the SRTP context counts it) and
    /// dropped until RTCP is parsed.
    pub(super) fn handle_rtcp(&mut self, datagram: &[u8]) {
        let mut packet = datagram.to_vec();
        if self.srtp.as_mut().is_none_or(|srtp| srtp.unprotect_rtcp(&mut packet).is_err()) {
            self.dropped += 1;
        }
    }

    /// An SRTP datagram, to its transceiver's depacketizer; the frames it
    /// completes become events.
    pub(super) fn handle_rtp(&mut self, datagram: &[u8], transceivers: &[TransceiverState], outputs: &mut Outputs) {
        if self.receive(datagram, transceivers, outputs).is_none() {
            self.dropped += 1;
        }
    }

    fn receive(&mut self, datagram: &[u8], transceivers: &[TransceiverState], outputs: &mut Outputs) -> Option<()> {
        let mut packet = datagram.to_vec();
        self.srtp.as_mut()?.unprotect_rtp(&mut packet).ok()?;
        let rtp = RtpPacket::parse(&packet).ok()?;
        let transceiver = self.route(&rtp, transceivers)?;
        let receiving = transceiver.current_direction.is_some_and(|d| d.has_recv());
        if transceiver.stopped || !receiving {
            return None;
        }
        let codec = transceiver.codecs.iter().find(|c| c.payload_type == rtp.payload_type)?;
        let receiver = match self.receivers.entry((rtp.ssrc, rtp.payload_type)) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => entry.insert(depacketizer(codec)?),
        };
        let info = RtpInfo { sequence_number: rtp.sequence_number, timestamp: rtp.timestamp, marker: rtp.marker };
        receiver.push(info, rtp.payload);
        while let Some(output) = receiver.poll_output() {
            outputs.event(match output {
                Depacketized::Frame(frame) => PeerEvent::MediaFrame {
                    transceiver: transceiver.id,
                    payload_type: rtp.payload_type,
                    rtp_timestamp: frame.timestamp,
                    key_frame: frame.key_frame,
                    data: frame.data,
                },
                Depacketized::Dropped { timestamp } => {
                    PeerEvent::MediaFrameDropped { transceiver: transceiver.id, rtp_timestamp: timestamp }
                }
            });
        }
        Some(())
    }

    /// The transceiver a packet is for (RFC 8843 §9.2).
    fn route<'t>(&mut self, rtp: &RtpPacket<'_>, transceivers: &'t [TransceiverState]) -> Option<&'t TransceiverState> {
        let by_mid = |mid: &str| transceivers.iter().find(|t| t.mid.as_deref() == Some(mid));
        let mid = transceivers.iter().find_map(mid_extension_id).and_then(|id| rtp.extension(id));
        if let Some(transceiver) = mid.and_then(|mid| by_mid(std::str::from_utf8(mid).ok()?)) {
            if let Some(mid) = &transceiver.mid {
                self.ssrc_mids.insert(rtp.ssrc, mid.clone());
            }
            return Some(transceiver);
        }
        if let Some(transceiver) = self.ssrc_mids.get(&rtp.ssrc).and_then(|mid| by_mid(mid)) {
            return Some(transceiver);
        }
        if let Some(transceiver) = transceivers.iter().find(|t| t.receiver_ssrcs.contains(&rtp.ssrc)) {
            return Some(transceiver);
        }
        let mut with_type = transceivers.iter().filter(|t| t.codecs.iter().any(|c| c.payload_type == rtp.payload_type));
        match (with_type.next(), with_type.next()) {
            (Some(transceiver), None) => Some(transceiver),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsep::{MediaKind, TransceiverDirection, TransceiverId};
    use crate::peer::output::{Output, Queued};

    fn codec(payload_type: u8, name: &str) -> RtpCodec {
        RtpCodec {
            payload_type,
            name: name.into(),
            clock_rate: 48000,
            channels: None,
            fmtp: None,
            rtcp_feedback: vec![],
        }
    }

    fn transceiver(id: u32, kind: MediaKind, mid: &str, codecs: Vec<RtpCodec>, ssrc: u32) -> TransceiverState {
        TransceiverState {
            id: TransceiverId(id),
            kind,
            mid: Some(mid.into()),
            direction: TransceiverDirection::SendRecv,
            current_direction: Some(TransceiverDirection::SendRecv),
            stopping: false,
            stopped: false,
            receptive: true,
            sender_stream_ids: vec![],
            sender_track_id: None,
            sender_msid_track_id: String::new(),
            sender_ssrc: ssrc,
            sender_rtx_ssrc: None,
            receiver_track_id: String::new(),
            receiver_stream_ids: vec![],
            receiver_ssrcs: vec![],
            codecs,
            header_extensions: vec![(1, ExtensionKind::Mid.uri().into())],
        }
    }

    fn keyed(role: DtlsRole) -> Media {
        let mut media = Media::default();
        media.connect(role, SrtpProfile::AeadAes128Gcm, &[7; 56]);
        media
    }

    /// Sends one Opus frame from `from`: the transceiver of `to` it reached, if any.
    fn deliver(
        sender: &mut Media,
        from: &TransceiverState,
        receiver: &mut Media,
        to: &[TransceiverState],
    ) -> Option<TransceiverId> {
        let mut random = Random::from_seed([1; 32]);
        sender.send_frame(from, from.codecs[0].payload_type, 960, &[0x48, 1, 2, 3], &mut random).unwrap();
        let packet = sender.poll_transmit().unwrap();
        let mut outputs = Outputs::default();
        receiver.handle_rtp(&packet, to, &mut outputs);
        match outputs.pop() {
            Some(Queued::Output(Output::Event(event))) => match *event {
                PeerEvent::MediaFrame { transceiver, data, .. } => {
                    assert_eq!(data, [0x48, 1, 2, 3]);
                    Some(transceiver)
                }
                other => panic!("{other:?}"),
            },
            None => None,
            Some(other) => panic!("{other:?}"),
        }
    }

    /// RFC 8843 §9.2: the MID extension first, then an SSRC it taught,
    /// then announced SSRCs, then a payload type only one transceiver has.
    #[test]
    fn packets_find_their_transceiver() {
        let mut sender = keyed(DtlsRole::Client);
        let mut receiver = keyed(DtlsRole::Server);
        let audio = transceiver(0, MediaKind::Audio, "0", vec![codec(111, "opus")], 0);
        let video = transceiver(1, MediaKind::Video, "1", vec![codec(96, "VP8"), codec(111, "opus")], 0);
        let mut ours = [audio, video];

        let mut with_mid = transceiver(9, MediaKind::Audio, "1", vec![codec(111, "opus")], 100);
        assert_eq!(deliver(&mut sender, &with_mid, &mut receiver, &ours), Some(TransceiverId(1)), "by MID");
        with_mid.header_extensions.clear();
        assert_eq!(
            deliver(&mut sender, &with_mid, &mut receiver, &ours),
            Some(TransceiverId(1)),
            "by the SSRC the MID taught"
        );

        let no_mid = transceiver(9, MediaKind::Audio, "x", vec![codec(111, "opus")], 200);
        let no_mid = TransceiverState { header_extensions: vec![], ..no_mid };
        assert_eq!(deliver(&mut sender, &no_mid, &mut receiver, &ours), None, "PT 111 is both transceivers'");
        ours[0].receiver_ssrcs.push(200);
        assert_eq!(deliver(&mut sender, &no_mid, &mut receiver, &ours), Some(TransceiverId(0)), "an announced SSRC");
        ours[1].codecs.pop();
        let other = TransceiverState { sender_ssrc: 300, ..no_mid };
        assert_eq!(deliver(&mut sender, &other, &mut receiver, &ours), Some(TransceiverId(0)), "the one with PT 111");
        assert_eq!(receiver.dropped(), 1);

        ours[0].current_direction = Some(TransceiverDirection::SendOnly);
        assert_eq!(deliver(&mut sender, &other, &mut receiver, &ours), None, "not receiving");
        assert_eq!(receiver.dropped(), 2);
    }
}
