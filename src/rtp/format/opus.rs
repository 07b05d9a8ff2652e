//! Opus over RTP (RFC 7587 §4): each payload is one Opus packet (RFC 6716
//! §3), never fragmented; every frame decodes on its own.

use super::{
    one_frame_per_payload, Depacketizer, FormatError, Fragment, FrameStart, Packetizer, Payload,
    PayloadFormat, RtpInfo,
};
use std::borrow::Cow;

/// RFC 7587 §4.2: one Opus packet per RTP payload.
#[derive(Debug, Default)]
pub struct OpusPacketizer;

impl Packetizer for OpusPacketizer {
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
        one_frame_per_payload(frame, max_payload_size)
    }
}

#[derive(Debug, Default)]
pub struct Opus;

impl PayloadFormat for Opus {
    fn parse<'a>(&mut self, _: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError> {
        Ok(Fragment { start: FrameStart::Yes, end: true, key_frame: true, data: Cow::Borrowed(payload) })
    }
}

pub type OpusDepacketizer = Depacketizer<Opus>;
