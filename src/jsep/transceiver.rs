//! The JSEP side of an `RTCRtpTransceiver` (webrtc-pc §5.4): its internal
//! slots ([[Direction]], [[CurrentDirection]], [[FiredDirection]],
//! [[Receptive]], [[Stopping]], [[Stopped]], [[Mid]] / [[JsepMid]]), its
//! sender's MSIDs and SSRCs, its receiver's remote streams, and what the
//! last answer negotiated for it.

use super::codecs::RtpCodec;
use super::types::{MediaKind, TransceiverDirection, TransceiverId};

/// A snapshot of one transceiver, as the JS `RTCRtpTransceiver` and its
/// sender and receiver expose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransceiverState {
    pub id: TransceiverId,
    pub kind: MediaKind,
    pub mid: Option<String>,
    /// The `direction` attribute: `Stopped` once stop() was called.
    pub direction: TransceiverDirection,
    /// The `currentDirection` attribute: `Some(Stopped)` once stopped,
    /// `None` before any answer negotiated it.
    pub current_direction: Option<TransceiverDirection>,
    pub stopping: bool,
    pub stopped: bool,
    /// [[Receptive]]: ready to receive media before the answer arrives.
    pub receptive: bool,
    /// The sender's [[AssociatedMediaStreamIds]] (`a=msid` stream ids).
    pub sender_stream_ids: Vec<String>,
    /// The sender's track, if any (the JS side owns tracks; this is its id).
    pub sender_track_id: Option<String>,
    /// The id `a=msid` gives the sending track (Chromium's RtpSender id:
    /// the first track's id, or a fresh UUID for addTransceiver(kind)).
    pub sender_msid_track_id: String,
    /// The SSRC this transceiver sends with, and its RTX SSRC (video).
    pub sender_ssrc: u32,
    pub sender_rtx_ssrc: Option<u32>,
    /// The receiver track's id: a UUID of our own (webrtc-pc §5.3).
    pub receiver_track_id: String,
    /// The receiver's [[AssociatedRemoteMediaStreams]], by stream id.
    pub receiver_stream_ids: Vec<String>,
    /// SSRCs the remote description announces for this `m=` section.
    pub receiver_ssrcs: Vec<u32>,
    /// The codecs the last answer negotiated (payload types as in the
    /// session), RTX formats included; empty before an answer.
    pub codecs: Vec<RtpCodec>,
    /// RTP header extensions the last answer negotiated: (id, uri).
    pub header_extensions: Vec<(u16, String)>,
}

/// Everything the session tracks about one transceiver.
#[derive(Debug, Clone)]
pub(super) struct Transceiver {
    pub id: TransceiverId,
    pub kind: MediaKind,
    /// [[Mid]]: set once a description with its `m=` section is applied.
    pub mid: Option<String>,
    /// A mid chosen by createOffer for a transceiver not yet in any
    /// applied description, kept so that repeated offers and the
    /// setLocalDescription that follows agree (RFC 8829 §5.2.1).
    pub reserved_mid: Option<String>,
    /// [[Direction]]; stop() sets it to inactive (the getter then says
    /// "stopped" because [[Stopping]] is true).
    pub direction: TransceiverDirection,
    pub current_direction: Option<TransceiverDirection>,
    pub fired_direction: Option<TransceiverDirection>,
    pub receptive: bool,
    pub stopping: bool,
    pub stopped: bool,
    /// Created by addTrack: a remote offer may take it over (RFC 8829 §5.10).
    pub created_by_add_track: bool,
    /// A track was attached via addTrack at some point: rollback keeps it
    /// even if setRemoteDescription created it (webrtc-pc §4.4.1.5).
    pub add_track_attached: bool,
    /// [[CurrentDirection]] once had a sending value: addTrack no longer
    /// reuses the sender (webrtc-pc §4.4.2 addTrack).
    pub has_sent: bool,
    pub sender_stream_ids: Vec<String>,
    pub sender_track_id: Option<String>,
    pub sender_msid_track_id: String,
    pub ssrc: u32,
    pub rtx_ssrc: Option<u32>,
    pub receiver_track_id: String,
    pub remote_stream_ids: Vec<String>,
    pub remote_ssrcs: Vec<u32>,
    pub codecs: Vec<RtpCodec>,
    pub header_extensions: Vec<(u16, String)>,
}

impl Transceiver {
    pub fn state(&self) -> TransceiverState {
        TransceiverState {
            id: self.id,
            kind: self.kind,
            mid: self.mid.clone(),
            direction: if self.stopping { TransceiverDirection::Stopped } else { self.direction },
            current_direction: if self.stopped { Some(TransceiverDirection::Stopped) } else { self.current_direction },
            stopping: self.stopping,
            stopped: self.stopped,
            receptive: self.receptive,
            sender_stream_ids: self.sender_stream_ids.clone(),
            sender_track_id: self.sender_track_id.clone(),
            sender_msid_track_id: self.sender_msid_track_id.clone(),
            sender_ssrc: self.ssrc,
            sender_rtx_ssrc: self.rtx_ssrc,
            receiver_track_id: self.receiver_track_id.clone(),
            receiver_stream_ids: self.remote_stream_ids.clone(),
            receiver_ssrcs: self.remote_ssrcs.clone(),
            codecs: self.codecs.clone(),
            header_extensions: self.header_extensions.clone(),
        }
    }

    /// The mid its `m=` section has or will have in the next offer.
    pub fn jsep_mid(&self) -> Option<&str> {
        self.mid.as_deref().or(self.reserved_mid.as_deref())
    }

    /// "Stop sending and receiving" (webrtc-pc §5.4).
    pub fn stop_sending_and_receiving(&mut self) {
        self.direction = TransceiverDirection::Inactive;
        self.stopping = true;
    }

    /// "Stop the RTCRtpTransceiver" (webrtc-pc §5.4).
    pub fn stop(&mut self) {
        if !self.stopping {
            self.stop_sending_and_receiving();
        }
        self.stopped = true;
        self.receptive = false;
        self.current_direction = None;
        self.remote_stream_ids.clear();
    }

    /// Records a negotiated [[CurrentDirection]].
    pub fn set_current_direction(&mut self, direction: TransceiverDirection) {
        self.current_direction = Some(direction);
        if direction.has_send() {
            self.has_sent = true;
        }
    }
}
