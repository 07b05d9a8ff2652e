//! RTP payload formats: how each codec's frames become RTP payloads and back.
//!
//! Every codec has the same two halves:
//!
//! - a [`Packetizer`] turns one encoded frame into payloads no larger than the
//!   path allows, the marker bit (RFC 3550 §5.1) set on the last payload of a
//!   video frame;
//! - a [`Depacketizer`] is fed payloads in sequence-number order (the jitter
//!   buffer reorders before it) with the few RTP header fields it needs
//!   ([`RtpInfo`]), and hands out whole frames with their timestamp and whether
//!   each is a key frame. A frame it saw part of but could not complete (a
//!   fragment was lost or malformed) is reported as [`Depacketized::Dropped`],
//!   never handed out corrupt.
//!
//! The per-codec files implement [`PayloadFormat`], which reads one payload;
//! the frame assembly, loss and duplicate handling is shared here.
//!
//! - [`opus`]: RFC 7587 · [`g711`]: G.711 and PCMU/PCMA (RFC 3551 §4.5.14)
//! - [`telephone_event`]: RFC 4733 §2.3
//! - [`vp8`]: RFC 7741 · [`vp9`]: RFC 9628 · [`h264`]: RFC 6184 · [`av1`]: the
//!   AOM RTP payload format for AV1

pub mod av1;
pub mod g711;
pub mod h264;
pub mod h264_profile_level_id;
pub mod opus;
pub mod telephone_event;
pub mod vp8;
pub mod vp9;

mod leb128;

use std::borrow::Cow;
use std::collections::VecDeque;

/// The RTP header fields (RFC 3550 §5.1) a depacketizer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpInfo {
    pub sequence_number: u16,
    pub timestamp: u32,
    pub marker: bool,
}

/// One payload a packetizer produced, with the marker bit its packet carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub data: Vec<u8>,
    pub marker: bool,
}

/// A whole frame as a decoder takes it (the codec's own bitstream: Annex B
/// for H.264, the low-overhead OBU format for AV1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The RTP timestamp all of the frame's packets carried.
    pub timestamp: u32,
    pub data: Vec<u8>,
    /// Decodable without any earlier frame (audio frames always are).
    pub key_frame: bool,
}

/// What a depacketizer hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Depacketized {
    Frame(Frame),
    /// The frame with this timestamp lost a fragment (or one was malformed)
    /// and was discarded.
    Dropped {
        timestamp: u32,
    },
}

/// Why a frame cannot be packetized or a payload is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("payload too short: {0}")]
    Truncated(&'static str),
    #[error("malformed payload: {0}")]
    Malformed(&'static str),
    #[error("not supported by this payload format: {0}")]
    Unsupported(&'static str),
    #[error("a payload of {max} bytes cannot carry this: {what}")]
    PayloadTooSmall { max: usize, what: &'static str },
    #[error("malformed frame: {0}")]
    BadFrame(&'static str),
}

/// Turns encoded frames into RTP payloads.
pub trait Packetizer {
    /// Splits `frame` into payloads of at most `max_payload_size` bytes each,
    /// in the order they are to be sent, all with the frame's timestamp.
    fn packetize(&mut self, frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError>;
}

/// Whether a payload begins a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameStart {
    /// The payload format marks this as a frame's first payload.
    Yes,
    /// It continues a frame whose beginning came before.
    No,
    /// The format does not say (H.264, AV1): a payload with a new timestamp
    /// begins a frame only if no packet was lost just before it.
    Unknown,
}

/// What one payload contributes to its frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment<'a> {
    pub start: FrameStart,
    /// The frame is complete with this payload.
    pub end: bool,
    /// This payload shows the frame to be a key frame.
    pub key_frame: bool,
    /// The bytes to append to the frame.
    pub data: Cow<'a, [u8]>,
}

/// One codec's payload format, as the shared [`Depacketizer`] reads it.
pub trait PayloadFormat {
    /// Reads one non-empty payload.
    fn parse<'a>(&mut self, info: &RtpInfo, payload: &'a [u8]) -> Result<Fragment<'a>, FormatError>;

    /// Forgets what was carried from one payload to the next (a fragment
    /// split across packets): called after each frame, and with `after_loss`
    /// when packets before the next one were lost or malformed.
    fn reset(&mut self, _after_loss: bool) {}

    /// Last touches to a complete frame before it is handed out; `false`
    /// if it cannot be decoded after all, and is to be reported dropped.
    fn finish(&mut self, _frame: &mut Frame) -> bool {
        true
    }
}

/// A frame larger than this is discarded rather than buffered without end.
pub const MAX_FRAME_SIZE: usize = 8 << 20;

/// Rebuilds whole frames of one RTP stream from its payloads.
#[derive(Debug, Default)]
pub struct Depacketizer<F> {
    format: F,
    last_sequence_number: Option<u16>,
    current: Option<Partial>,
    outputs: VecDeque<Depacketized>,
}

#[derive(Debug)]
struct Partial {
    timestamp: u32,
    data: Vec<u8>,
    key_frame: bool,
    /// A fragment is missing or was malformed: the frame will be reported
    /// dropped when its end (or the next frame) comes.
    broken: bool,
}

impl<F: PayloadFormat> Depacketizer<F> {
    pub fn new(format: F) -> Self {
        Depacketizer { format, last_sequence_number: None, current: None, outputs: VecDeque::new() }
    }

    /// Feeds the next packet's payload (the RTP payload, padding removed).
    /// Packets come in sequence-number order; one that is not newer than the
    /// last one fed (a duplicate, or too late) is ignored. An error says the
    /// payload was malformed; its frame is then reported dropped.
    pub fn push(&mut self, info: RtpInfo, payload: &[u8]) -> Result<(), FormatError> {
        let contiguous = match self.last_sequence_number {
            None => true,
            Some(last) => match info.sequence_number.wrapping_sub(last) {
                0 | 0x8000.. => return Ok(()),
                delta => delta == 1,
            },
        };
        self.last_sequence_number = Some(info.sequence_number);
        if !contiguous {
            self.format.reset(true);
            if let Some(partial) = &mut self.current {
                partial.broken = true;
            }
        }
        // Padding-only packets (RFC 3550 §5.1) keep the sequence unbroken
        // and carry nothing.
        if payload.is_empty() {
            return Ok(());
        }
        if self.current.as_ref().is_some_and(|p| p.timestamp != info.timestamp) {
            self.drop_current(!contiguous);
        }
        let fragment = match self.format.parse(&info, payload) {
            Ok(fragment) => fragment,
            Err(error) => {
                self.format.reset(true);
                self.current_or_new(info.timestamp, true).broken = true;
                if info.marker {
                    self.drop_current(true);
                }
                return Err(error);
            }
        };
        let broken_start = match fragment.start {
            FrameStart::Yes => false,
            FrameStart::No => true,
            FrameStart::Unknown => !contiguous,
        };
        let partial = self.current_or_new(info.timestamp, broken_start);
        partial.key_frame |= fragment.key_frame;
        if partial.data.len().saturating_add(fragment.data.len()) > MAX_FRAME_SIZE {
            partial.broken = true;
        }
        if !partial.broken {
            partial.data.extend_from_slice(&fragment.data);
        }
        if fragment.end {
            if let Some(partial) = self.current.take() {
                let dropped = Depacketized::Dropped { timestamp: partial.timestamp };
                let mut frame =
                    Frame { timestamp: partial.timestamp, data: partial.data, key_frame: partial.key_frame };
                self.outputs.push_back(if !partial.broken && self.format.finish(&mut frame) {
                    Depacketized::Frame(frame)
                } else {
                    dropped
                });
            }
            self.format.reset(false);
        }
        Ok(())
    }

    /// The next frame or drop report, in the order the packets completed them.
    pub fn poll_output(&mut self) -> Option<Depacketized> {
        self.outputs.pop_front()
    }

    fn current_or_new(&mut self, timestamp: u32, broken: bool) -> &mut Partial {
        self.current.get_or_insert_with(|| Partial { timestamp, data: Vec::new(), key_frame: false, broken })
    }

    /// The current frame will never be completed: its end was lost.
    fn drop_current(&mut self, after_loss: bool) {
        if let Some(partial) = self.current.take() {
            self.format.reset(after_loss);
            self.outputs.push_back(Depacketized::Dropped { timestamp: partial.timestamp });
        }
    }
}

/// Audio formats put one whole frame in each payload and cannot split one.
fn one_frame_per_payload(frame: &[u8], max_payload_size: usize) -> Result<Vec<Payload>, FormatError> {
    // An empty payload would read as padding.
    if frame.is_empty() {
        return Err(FormatError::BadFrame("empty audio frame"));
    }
    if frame.len() > max_payload_size {
        return Err(FormatError::PayloadTooSmall { max: max_payload_size, what: "one audio frame" });
    }
    Ok(vec![Payload { data: frame.to_vec(), marker: false }])
}

#[cfg(test)]
mod tests;
