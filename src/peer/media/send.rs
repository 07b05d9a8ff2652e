//! Outbound RTP: a frame packetized with the negotiated codec's payload
//! format, each payload given an RTP header (RFC 3550 §5.1) with the
//! sender's SSRC, its own sequence numbers (from a random start, §5.1) and
//! the MID header extension (RFC 8843 §15), then SRTP-protected.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use crate::error::{ErrorName, RtcError};
use crate::jsep::{RtpCodec, TransceiverState};
use crate::random::Random;
use crate::rtp::format::{av1, g711, h264, opus, vp8, vp9, Packetizer};
use crate::rtp::packet::{ExtensionElement, HeaderExtension, RtpHeader};
use crate::time::Instant;

use super::{mid_extension_id, Media};

/// The largest RTP payload we send: with the RTP header, the MID
/// extension, the SRTP tag and TURN's ChannelData header, a packet stays
/// within IPv6's minimum MTU of 1280 bytes.
const MAX_PAYLOAD_SIZE: usize = 1200;

pub(super) struct Sender {
    pub(super) next_sequence_number: u16,
    /// By payload type: a packetizer may carry state from frame to frame
    /// (VP8's picture ID).
    pub(super) packetizers: HashMap<u8, Box<dyn Packetizer>>,
}

fn packetizer(codec: &RtpCodec, random: &mut Random) -> Option<Box<dyn Packetizer>> {
    let name = codec.name.to_ascii_lowercase();
    Some(match name.as_str() {
        "opus" => Box::new(opus::OpusPacketizer),
        "pcmu" | "pcma" => Box::new(g711::G711Packetizer),
        "vp8" => Box::new(vp8::Vp8Packetizer::new(random.next_u32() as u16)),
        "vp9" => Box::new(vp9::Vp9Packetizer::new(random.next_u32() as u16)),
        // Our packetizer fragments (FU-A), which packetization-mode 0 forbids.
        "h264"
            if codec
                .fmtp
                .as_deref()
                .is_some_and(|f| f.contains("packetization-mode=1")) =>
        {
            Box::new(h264::H264Packetizer)
        }
        "av1" => Box::new(av1::Av1Packetizer),
        _ => return None,
    })
}

impl Media {
    /// One encoded frame from `transceiver`'s sender, as RTP packets with
    /// `payload_type` and `rtp_timestamp`.
    pub(in crate::peer) fn send_frame(
        &mut self,
        now: Instant,
        transceiver: &TransceiverState,
        payload_type: u8,
        rtp_timestamp: u32,
        frame: &[u8],
        random: &mut Random,
    ) -> Result<(), RtcError> {
        let sending = transceiver.direction.has_send()
            && transceiver.current_direction.is_some_and(|d| d.has_send());
        if transceiver.stopping || transceiver.stopped || !sending {
            return Err(RtcError::invalid_state("the transceiver does not send"));
        }
        if self.srtp.is_none() {
            return Err(RtcError::invalid_state(
                "the DTLS transport has no SRTP keys yet",
            ));
        }
        let codec = transceiver
            .codecs
            .iter()
            .find(|c| c.payload_type == payload_type)
            .ok_or_else(|| {
                RtcError::invalid_access(format!("payload type {payload_type} was not negotiated"))
            })?;
        let sender = self
            .senders
            .entry(transceiver.sender_ssrc)
            .or_insert_with(|| Sender {
                next_sequence_number: random.next_u32() as u16,
                packetizers: HashMap::new(),
            });
        let packetizer = match sender.packetizers.entry(payload_type) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => entry.insert(packetizer(codec, random).ok_or_else(|| {
                RtcError::new(
                    ErrorName::NotSupportedError,
                    format!("cannot send {}", codec.name),
                )
            })?),
        };
        let payloads = packetizer
            .packetize(frame, MAX_PAYLOAD_SIZE)
            .map_err(|e| RtcError::operation(format!("cannot packetize the frame: {e}")))?;
        let extension = mid_extension_id(transceiver)
            .zip(transceiver.mid.as_ref())
            .map(|(id, mid)| {
                HeaderExtension::from_elements(vec![ExtensionElement {
                    id,
                    data: mid.as_bytes().to_vec(),
                }])
            });
        self.reports
            .frame_sent(now, transceiver, codec, rtp_timestamp);
        self.congestion.sending_on(transceiver);
        let first_sequence_number = sender.next_sequence_number;
        sender.next_sequence_number = first_sequence_number.wrapping_add(payloads.len() as u16);
        for (sequence_number, payload) in (0..)
            .map(|n| first_sequence_number.wrapping_add(n))
            .zip(payloads)
        {
            let header = RtpHeader {
                marker: payload.marker,
                payload_type,
                sequence_number,
                timestamp: rtp_timestamp,
                ssrc: transceiver.sender_ssrc,
                csrc: Vec::new(),
                extension: extension.clone(),
            };
            self.retransmission
                .remember(now, transceiver, &header, &payload.data, random);
            self.transmit_rtp(now, header, payload.data)?;
        }
        Ok(())
    }

    /// One RTP packet onto the wire: paced, then written with its
    /// transport-wide sequence number, SRTP-protected, queued for ICE
    /// (congestion.rs). Every RTP packet we send passes here.
    pub(super) fn transmit_rtp(
        &mut self,
        now: Instant,
        header: RtpHeader,
        payload: Vec<u8>,
    ) -> Result<(), RtcError> {
        if self.srtp.is_none() {
            return Err(RtcError::invalid_state(
                "the DTLS transport has no SRTP keys yet",
            ));
        }
        self.pace_rtp(now, header, payload);
        Ok(())
    }
}
