//! Encoded frames over the DTLS-SRTP association: the SRTP session keyed
//! when DTLS connects (RFC 5764 §4.2), and each transceiver's RTP.
//!
//! - `send`: a frame packetized with the negotiated codec's payload
//!   format, each payload with an RTP header (RFC 3550 §5.1), SRTP-protected.
//! - `receive`: an unprotected RTP packet routed to its transceiver
//!   (RFC 8843 §9.2) and depacketized into frames.
//! - `rtcp`: SRTCP in (RFC 3711 §3.4), parsed and dispatched: key-frame
//!   requests (PLI, FIR) become events; RTCP out, one compound at a time.
//! - `retransmit`: our video packets kept, and resent (as RTX when
//!   negotiated) when the peer NACKs them (RFC 4585 §6.2.1, RFC 4588).
//! - `reports`: SR, RR, SDES and BYE of ours on their intervals (RFC 3550
//!   §6), and the round-trip time and loss the peer's reports give.
//! - `congestion`: the pacer in front of the wire, transport-wide
//!   sequence numbers and feedback, and the target bitrate.

mod congestion;
mod receive;
mod reports;
mod retransmit;
mod rtcp;
mod send;

use std::collections::{HashMap, VecDeque};

use crate::dtls::{DtlsRole, SrtpProfile};
use crate::jsep::TransceiverState;
use crate::peer::output::Outputs;
use crate::random::Random;
use crate::rtp::packet::ExtensionKind;
use crate::rtp::srtp::SrtpSession;
use crate::time::Instant;

use congestion::Congestion;
use receive::InboundStream;
use reports::Reports;
use retransmit::Retransmission;
use send::Sender;

pub use receive::ReceiveLossCounters;
pub use retransmit::RetransmissionCounters;

#[derive(Default)]
pub(super) struct Media {
    srtp: Option<SrtpSession>,
    /// By sender SSRC.
    senders: HashMap<u32, Sender>,
    /// SSRC → mid, learnt from the MID header extension (RFC 8843 §9.2).
    ssrc_mids: HashMap<u32, String>,
    /// By remote SSRC.
    inbound: HashMap<u32, InboundStream>,
    /// Our video senders' packet histories, resent when NACKed.
    retransmission: Retransmission,
    /// The command sequence number of the last FIR for each of our SSRCs
    /// (RFC 5104 §4.3.1.2).
    fir_sequence_numbers: HashMap<u32, u8>,
    /// Protected RTP packets for ICE.
    transmits: VecDeque<Vec<u8>>,
    /// RTCP reports, ours and the peer's.
    reports: Reports,
    /// Compounds of ours that could not be written or protected.
    rtcp_unsent: u64,
    /// RTP and RTCP datagrams dropped: before SRTP is keyed, refused by
    /// SRTP, malformed, or for no transceiver or codec we have.
    dropped: u64,
    congestion: Congestion,
}

/// The negotiated ID of the MID header extension (one for the whole
/// BUNDLE group, RFC 8843 §9.1).
fn mid_extension_id(transceiver: &TransceiverState) -> Option<u8> {
    extension_id(transceiver, ExtensionKind::Mid)
}

/// The ID `transceiver` negotiated for the header extension `kind`.
fn extension_id(transceiver: &TransceiverState, kind: ExtensionKind) -> Option<u8> {
    let uri = kind.uri();
    let (id, _) = transceiver
        .header_extensions
        .iter()
        .find(|(_, u)| u == uri)?;
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

    pub(in crate::peer) fn set_cname(&mut self, cname: &str) {
        self.reports.set_cname(cname);
    }

    pub(in crate::peer) fn handle_timeout(
        &mut self,
        now: Instant,
        transceivers: &[TransceiverState],
        random: &mut Random,
        outputs: &mut Outputs,
    ) {
        self.handle_receive_timeout(now, outputs);
        self.send_reports(now, transceivers, random);
        self.congestion_timeout(now);
    }

    /// The next deadline; at once if a packet waits, queued by a call
    /// without `now` that does not run the layers (a BYE from stop()).
    pub(in crate::peer) fn poll_timeout(&self) -> Option<Instant> {
        if !self.transmits.is_empty() {
            return Some(Instant::ZERO);
        }
        [
            self.reports_timeout(),
            self.poll_receive_timeout(),
            self.congestion.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The congestion controller's target, once feedback set it.
    pub(in crate::peer) fn available_outgoing_bitrate(&self) -> Option<f64> {
        self.congestion.available_outgoing_bitrate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsep::RtpCodec;
    use crate::jsep::{MediaKind, TransceiverDirection, TransceiverId};
    use crate::peer::output::{Output, Outputs, PeerEvent, Queued};
    use crate::random::Random;
    use crate::time::Instant;

    pub(super) fn codec(payload_type: u8, name: &str) -> RtpCodec {
        RtpCodec {
            payload_type,
            name: name.into(),
            clock_rate: 48000,
            channels: None,
            fmtp: None,
            rtcp_feedback: vec![],
        }
    }

    pub(super) fn transceiver(
        id: u32,
        kind: MediaKind,
        mid: &str,
        codecs: Vec<RtpCodec>,
        ssrc: u32,
    ) -> TransceiverState {
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
            offered_codecs: vec![],
            header_extensions: vec![(1, ExtensionKind::Mid.uri().into())],
        }
    }

    pub(super) fn keyed(role: DtlsRole) -> Media {
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
        let now = Instant::ZERO;
        sender
            .send_frame(
                now,
                from,
                from.codecs[0].payload_type,
                960,
                &[0x48, 1, 2, 3],
                &mut random,
            )
            .unwrap();
        let mut outputs = Outputs::default();
        // The pacer lets a packet go at once, or when the last one is paid for.
        let packet = sender
            .poll_transmit()
            .or_else(|| {
                let at = sender.poll_timeout()?;
                sender.handle_timeout(at, &[], &mut random, &mut outputs);
                sender.poll_transmit()
            })
            .unwrap();
        receiver.handle_rtp(now, &packet, to, &mut outputs);
        match outputs.pop() {
            Some(Queued::Output(Output::Event(event))) => match *event {
                PeerEvent::MediaFrame {
                    transceiver, data, ..
                } => {
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
        let video = transceiver(
            1,
            MediaKind::Video,
            "1",
            vec![codec(96, "VP8"), codec(111, "opus")],
            0,
        );
        let mut ours = [audio, video];

        let mut with_mid = transceiver(9, MediaKind::Audio, "1", vec![codec(111, "opus")], 100);
        assert_eq!(
            deliver(&mut sender, &with_mid, &mut receiver, &ours),
            Some(TransceiverId(1)),
            "by MID"
        );
        with_mid.header_extensions.clear();
        assert_eq!(
            deliver(&mut sender, &with_mid, &mut receiver, &ours),
            Some(TransceiverId(1)),
            "by the SSRC the MID taught"
        );

        let no_mid = transceiver(9, MediaKind::Audio, "x", vec![codec(111, "opus")], 200);
        let no_mid = TransceiverState {
            header_extensions: vec![],
            ..no_mid
        };
        assert_eq!(
            deliver(&mut sender, &no_mid, &mut receiver, &ours),
            None,
            "PT 111 is both transceivers'"
        );
        ours[0].receiver_ssrcs.push(200);
        assert_eq!(
            deliver(&mut sender, &no_mid, &mut receiver, &ours),
            Some(TransceiverId(0)),
            "an announced SSRC"
        );
        ours[1].codecs.pop();
        let other = TransceiverState {
            sender_ssrc: 300,
            ..no_mid
        };
        assert_eq!(
            deliver(&mut sender, &other, &mut receiver, &ours),
            Some(TransceiverId(0)),
            "the one with PT 111"
        );
        assert_eq!(receiver.dropped(), 1);

        ours[0].current_direction = Some(TransceiverDirection::SendOnly);
        assert_eq!(
            deliver(&mut sender, &other, &mut receiver, &ours),
            None,
            "not receiving"
        );
        assert_eq!(receiver.dropped(), 2);
    }
}
