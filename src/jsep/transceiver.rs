//! The JSEP side of an `RTCRtpTransceiver` (webrtc-pc §5.4): its internal
//! slots ([[Direction]], [[CurrentDirection]], [[FiredDirection]],
//! [[Receptive]], [[Stopping]], [[Stopped]], [[Mid]] / [[JsepMid]]), its
//! sender's MSIDs and SSRCs, its receiver's remote streams, and what the
//! last answer negotiated for it; and the operations on the set of
//! transceivers (webrtc-pc §4.4.2 addTrack/removeTrack, §5.1
//! addTransceiver, §5.2 replaceTrack/setStreams, §5.4 direction and stop()).

use crate::error::RtcError;
use crate::random::Random;

use super::codecs::{codecs_of, RtpCodec};
use super::session::{uuid, Session};
use super::types::{MediaKind, SdpType, TransceiverDirection, TransceiverId};

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
    /// The codecs of this section in our own offer, pending or the one the
    /// current answer answered (payload types as we offered them); empty
    /// when the remote offered. We receive these too: RFC 3264 §5.1 has the
    /// offerer ready for any format it offered, and Chromium as answerer
    /// may send a format of the offer its answer left out.
    pub offered_codecs: Vec<RtpCodec>,
    /// RTP header extensions the last answer negotiated: (id, uri).
    pub header_extensions: Vec<(u16, String)>,
}

impl TransceiverState {
    /// The codec a received RTP packet's payload type stands for: a
    /// negotiated one, else one of our offer's.
    pub fn receive_codec(&self, payload_type: u8) -> Option<&RtpCodec> {
        self.codecs.iter().chain(&self.offered_codecs).find(|c| c.payload_type == payload_type)
    }
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
            offered_codecs: Vec::new(),
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

impl Session {
    fn draw_ssrc(&self, random: &mut Random) -> u32 {
        loop {
            let ssrc = random.next_u32();
            let taken = self.transceivers.iter().any(|t| t.ssrc == ssrc || t.rtx_ssrc == Some(ssrc));
            if ssrc != 0 && !taken {
                return ssrc;
            }
        }
    }

    /// "Create an RTCRtpTransceiver" (webrtc-pc §5.4) with a sender and a
    /// receiver of `kind`; not yet in the set of transceivers.
    pub(super) fn new_transceiver(
        &mut self,
        kind: MediaKind,
        direction: TransceiverDirection,
        track_id: Option<String>,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Transceiver {
        let id = TransceiverId(self.next_transceiver_id);
        self.next_transceiver_id = self.next_transceiver_id.wrapping_add(1);
        let ssrc = self.draw_ssrc(random);
        let rtx_ssrc = match kind {
            MediaKind::Video => loop {
                let candidate = self.draw_ssrc(random);
                if candidate != ssrc {
                    break Some(candidate);
                }
            },
            MediaKind::Audio => None,
        };
        let sender_msid_track_id = match &track_id {
            Some(track) => track.clone(),
            None => uuid(random),
        };
        let mut unique_streams: Vec<String> = Vec::new();
        for stream in stream_ids {
            if !unique_streams.contains(&stream) {
                unique_streams.push(stream);
            }
        }
        Transceiver {
            id,
            kind,
            mid: None,
            reserved_mid: None,
            direction,
            current_direction: None,
            fired_direction: None,
            receptive: false,
            stopping: false,
            stopped: false,
            created_by_add_track: false,
            add_track_attached: false,
            has_sent: false,
            sender_stream_ids: unique_streams,
            sender_track_id: track_id,
            sender_msid_track_id,
            ssrc,
            rtx_ssrc,
            receiver_track_id: uuid(random),
            remote_stream_ids: Vec::new(),
            remote_ssrcs: Vec::new(),
            codecs: Vec::new(),
            header_extensions: Vec::new(),
        }
    }

    /// addTransceiver(kind, init) (webrtc-pc §5.1).
    pub fn add_transceiver(
        &mut self,
        kind: MediaKind,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.add_transceiver_with_track(kind, None, direction, stream_ids, random)
    }

    /// addTransceiver(track, init): as [`Session::add_transceiver`], the
    /// sender starting with `track_id` (which `a=msid` then names).
    pub fn add_transceiver_with_track(
        &mut self,
        kind: MediaKind,
        track_id: Option<String>,
        direction: TransceiverDirection,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.check_open()?;
        if direction == TransceiverDirection::Stopped {
            return Err(RtcError::type_error("a new transceiver cannot be stopped"));
        }
        let transceiver = self.new_transceiver(kind, direction, track_id, stream_ids, random);
        let id = transceiver.id;
        self.transceivers.push(transceiver);
        Ok(id)
    }

    /// addTrack(track, ...streams) (webrtc-pc §4.4.2): reuses a transceiver
    /// of the same kind whose sender has no track and never sent, else
    /// adds a sendrecv one.
    pub fn add_track(
        &mut self,
        kind: MediaKind,
        track_id: String,
        stream_ids: Vec<String>,
        random: &mut Random,
    ) -> Result<TransceiverId, RtcError> {
        self.check_open()?;
        if self.transceivers.iter().any(|t| !t.stopped && t.sender_track_id.as_deref() == Some(track_id.as_str())) {
            return Err(RtcError::invalid_access("a sender for this track already exists"));
        }
        let reusable = self
            .transceivers
            .iter_mut()
            .find(|t| !t.stopped && t.sender_track_id.is_none() && t.kind == kind && !t.stopping && !t.has_sent);
        if let Some(t) = reusable {
            t.sender_track_id = Some(track_id);
            t.sender_stream_ids.clear();
            for stream in stream_ids {
                if !t.sender_stream_ids.contains(&stream) {
                    t.sender_stream_ids.push(stream);
                }
            }
            t.direction = match t.direction {
                TransceiverDirection::RecvOnly => TransceiverDirection::SendRecv,
                TransceiverDirection::Inactive => TransceiverDirection::SendOnly,
                other => other,
            };
            t.add_track_attached = true;
            return Ok(t.id);
        }
        let mut transceiver =
            self.new_transceiver(kind, TransceiverDirection::SendRecv, Some(track_id), stream_ids, random);
        transceiver.created_by_add_track = true;
        transceiver.add_track_attached = true;
        let id = transceiver.id;
        self.transceivers.push(transceiver);
        Ok(id)
    }

    fn transceiver_mut(&mut self, id: TransceiverId) -> Option<&mut Transceiver> {
        self.transceivers.iter_mut().find(|t| t.id == id)
    }

    /// removeTrack(sender) (webrtc-pc §4.4.2).
    pub fn remove_track(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.check_open()?;
        let Some(t) = self.transceiver_mut(id) else { return Ok(()) };
        if t.stopping || t.stopped || t.sender_track_id.is_none() {
            return Ok(());
        }
        t.sender_track_id = None;
        t.direction = match t.direction {
            TransceiverDirection::SendRecv => TransceiverDirection::RecvOnly,
            TransceiverDirection::SendOnly => TransceiverDirection::Inactive,
            other => other,
        };
        Ok(())
    }

    /// replaceTrack (webrtc-pc §5.2): the sender's track changes without
    /// renegotiation.
    pub fn replace_track(&mut self, id: TransceiverId, track_id: Option<String>) -> Result<(), RtcError> {
        self.check_open()?;
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopped"));
        }
        t.sender_track_id = track_id;
        Ok(())
    }

    /// setStreams (webrtc-pc §5.2): the sender's [[AssociatedMediaStreamIds]].
    pub fn set_sender_streams(&mut self, id: TransceiverId, stream_ids: Vec<String>) -> Result<(), RtcError> {
        self.check_open()?;
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopped"));
        }
        t.sender_stream_ids.clear();
        for stream in stream_ids {
            if !t.sender_stream_ids.contains(&stream) {
                t.sender_stream_ids.push(stream);
            }
        }
        Ok(())
    }

    /// The `direction` setter (webrtc-pc §5.4).
    pub fn set_direction(&mut self, id: TransceiverId, direction: TransceiverDirection) -> Result<(), RtcError> {
        // A removed transceiver is stopped, and so is every one after close().
        let t = self.transceiver_mut(id).ok_or_else(|| RtcError::invalid_state("the transceiver is stopped"))?;
        if t.stopping {
            return Err(RtcError::invalid_state("the transceiver is stopping"));
        }
        if direction == t.direction {
            return Ok(());
        }
        if direction == TransceiverDirection::Stopped {
            return Err(RtcError::type_error("use stop() to stop a transceiver"));
        }
        t.direction = direction;
        Ok(())
    }

    /// stop() (webrtc-pc §5.4). A transceiver no applied description has
    /// an `m=` section for has nothing to negotiate: it is stopped at once
    /// and leaves the set at the end of the next negotiation, as in Chromium.
    pub fn stop_transceiver(&mut self, id: TransceiverId) -> Result<(), RtcError> {
        self.check_open()?;
        let Some(t) = self.transceiver_mut(id) else { return Ok(()) };
        if t.stopping {
            return Ok(());
        }
        t.stop_sending_and_receiving();
        if t.mid.is_none() {
            t.stop();
        }
        Ok(())
    }

    /// getTransceivers(): every transceiver in the set, in insertion order.
    pub fn transceivers(&self) -> Vec<TransceiverState> {
        self.transceivers
            .iter()
            .map(|t| TransceiverState { offered_codecs: self.offered_codecs(t), ..t.state() })
            .collect()
    }

    /// `t`'s section in our latest offer: the pending one, else the one
    /// the current answer answered. A rolled-back offer is in neither.
    fn offered_codecs(&self, t: &Transceiver) -> Vec<RtpCodec> {
        let offer = [&self.pending_local, &self.current_local].into_iter().flatten().find(|d| d.ty == SdpType::Offer);
        let section =
            offer.zip(t.mid.as_deref()).and_then(|(d, mid)| d.sdp.media.iter().find(|m| m.mid() == Some(mid)));
        section.map(codecs_of).unwrap_or_default()
    }

    /// The first createDataChannel: an `m=application` section is wanted.
    pub fn add_data_channel(&mut self) {
        self.data.wanted = true;
    }
}
