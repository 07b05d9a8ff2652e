//! Our senders' side of loss recovery: every packet a video sender sends
//! is kept in its [`PacketHistory`]; a Generic NACK about it (RFC 4585
//! §6.2.1) resends what the history still has, as RTX (RFC 4588 §4, on the
//! transceiver's RTX SSRC with the RTX payload type whose `apt=` names the
//! original's) when one was negotiated, else as the original packet again,
//! which RFC 4585 §3.1 allows.

use std::collections::HashMap;

use crate::jsep::{MediaKind, TransceiverState};
use crate::random::Random;
use crate::rtp::packet::rtcp::Nack;
use crate::rtp::packet::RtpHeader;
use crate::rtp::packet_history::PacketHistory;
use crate::rtp::rtx;
use crate::time::Instant;

use super::Media;

/// What one of our senders was asked to resend and resent
/// (RTCOutboundRtpStreamStats: nackCount, retransmittedPacketsSent,
/// retransmittedBytesSent: the payload bytes sent, an RTX payload's OSN
/// included, as the reports count them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetransmissionCounters {
    pub nack_count: u64,
    pub retransmitted_packets_sent: u64,
    pub retransmitted_bytes_sent: u64,
}

#[derive(Default)]
pub(super) struct Retransmission {
    /// By sender SSRC.
    histories: HashMap<u32, PacketHistory>,
    /// The next RTX sequence number, by RTX SSRC (from a random start,
    /// RFC 3550 §5.1).
    rtx_sequence_numbers: HashMap<u32, u16>,
    /// By sender SSRC.
    counters: HashMap<u32, RetransmissionCounters>,
}

impl Retransmission {
    /// A packet `transceiver` sent: kept if it is video (audio is not
    /// retransmitted: Chromium negotiates no NACK for it).
    pub(super) fn remember(
        &mut self,
        now: Instant,
        transceiver: &TransceiverState,
        header: &RtpHeader,
        payload: &[u8],
        random: &mut Random,
    ) {
        if transceiver.kind != MediaKind::Video {
            return;
        }
        if let Some(rtx_ssrc) = transceiver.sender_rtx_ssrc {
            self.rtx_sequence_numbers
                .entry(rtx_ssrc)
                .or_insert_with(|| random.next_u32() as u16);
        }
        self.histories
            .entry(header.ssrc)
            .or_default()
            .insert(now, header, payload);
    }
}

impl Retransmission {
    /// The next sequence number of the RTX stream `rtx_ssrc`, once its
    /// video stream sent something.
    pub(super) fn next_rtx_sequence_number(&mut self, rtx_ssrc: u32) -> Option<u16> {
        next_sequence_number(&mut self.rtx_sequence_numbers, rtx_ssrc)
    }
}

fn next_sequence_number(numbers: &mut HashMap<u32, u16>, ssrc: u32) -> Option<u16> {
    let next = numbers.get_mut(&ssrc)?;
    let sequence_number = *next;
    *next = next.wrapping_add(1);
    Some(sequence_number)
}

impl Media {
    /// What our sender with SSRC `ssrc` was NACKed for and resent.
    pub(in crate::peer) fn retransmission_counters(
        &self,
        ssrc: u32,
    ) -> Option<RetransmissionCounters> {
        self.retransmission.counters.get(&ssrc).copied()
    }

    /// A NACK from the remote: what it names that we still have, again.
    pub(super) fn handle_nack(
        &mut self,
        now: Instant,
        nack: &Nack,
        transceivers: &[TransceiverState],
    ) {
        let Some(transceiver) = transceivers
            .iter()
            .find(|t| t.sender_ssrc == nack.media_ssrc)
        else {
            return;
        };
        let round_trip_time = self.round_trip_time_or_default();
        let retransmission = &mut self.retransmission;
        let counters = retransmission.counters.entry(nack.media_ssrc).or_default();
        counters.nack_count += 1;
        let Some(history) = retransmission.histories.get_mut(&nack.media_ssrc) else {
            return;
        };
        let mut resends = Vec::new();
        for sequence_number in nack.lost() {
            let Some((header, payload)) = history.resend(now, sequence_number, round_trip_time)
            else {
                continue;
            };
            counters.retransmitted_packets_sent += 1;
            let rtx = transceiver.sender_rtx_ssrc.zip(
                transceiver
                    .codecs
                    .iter()
                    .find(|c| c.is_rtx() && c.apt() == Some(header.payload_type)),
            );
            let resend = match rtx {
                Some((rtx_ssrc, codec)) => {
                    let sequence_number =
                        next_sequence_number(&mut retransmission.rtx_sequence_numbers, rtx_ssrc)
                            .unwrap_or_default();
                    rtx::wrap(
                        header,
                        payload,
                        rtx_ssrc,
                        codec.payload_type,
                        sequence_number,
                    )
                }
                None => (header.clone(), payload.to_vec()),
            };
            counters.retransmitted_bytes_sent += resend.1.len() as u64;
            resends.push(resend);
        }
        for (header, payload) in resends {
            // Without SRTP keys there was nothing to resend in the first place.
            let _ = self.transmit_rtp(now, header, payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::tests::{codec, keyed, transceiver};
    use super::*;
    use crate::dtls::DtlsRole;
    use crate::jsep::RtpCodec;
    use crate::peer::demux::{self, Protocol};
    use crate::peer::output::{Output, Outputs, PeerEvent, Queued};

    fn video_codecs(feedback: &[(&str, Option<&str>)]) -> Vec<RtpCodec> {
        let feedback = feedback
            .iter()
            .map(|(t, p)| (t.to_string(), p.map(str::to_string)))
            .collect();
        vec![
            RtpCodec {
                clock_rate: 90_000,
                rtcp_feedback: feedback,
                ..codec(96, "VP8")
            },
            RtpCodec {
                clock_rate: 90_000,
                fmtp: Some("apt=96".into()),
                ..codec(97, "rtx")
            },
        ]
    }

    /// What `media` queued, RTP and RTCP apart.
    fn transmits(media: &mut Media) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let all: Vec<_> = std::iter::from_fn(|| media.poll_transmit()).collect();
        all.into_iter()
            .partition(|d| demux::classify(d) == Protocol::Rtp)
    }

    fn frames(outputs: &mut Outputs) -> Vec<PeerEvent> {
        std::iter::from_fn(|| outputs.pop())
            .filter_map(|q| match q {
                Queued::Output(Output::Event(e)) => Some(*e),
                _ => None,
            })
            .filter(|e| {
                matches!(
                    e,
                    PeerEvent::MediaFrame { .. } | PeerEvent::MediaFrameDropped { .. }
                )
            })
            .collect()
    }

    /// A VP8 key frame of three packets, the second lost: the receiver
    /// NACKs it, the sender resends it as RTX, and the frame is whole.
    #[test]
    fn a_nacked_packet_comes_back_as_rtx_and_completes_its_frame() {
        let (mut sender, mut receiver) = (keyed(DtlsRole::Client), keyed(DtlsRole::Server));
        let codecs = video_codecs(&[("nack", None), ("nack", Some("pli"))]);
        let from = TransceiverState {
            sender_rtx_ssrc: Some(4321),
            ..transceiver(0, MediaKind::Video, "1", codecs.clone(), 1234)
        };
        let to = [transceiver(0, MediaKind::Video, "1", codecs, 99)];
        let mut random = Random::from_seed([3; 32]);
        let mut frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
        frame.resize(3000, 0x55);
        let mut now = Instant::ZERO;
        sender
            .send_frame(now, &from, 96, 9000, &frame, &mut random)
            .unwrap();
        let mut outputs = Outputs::default();
        for _ in 0..10 {
            sender.handle_timeout(now, std::slice::from_ref(&from), &mut random, &mut outputs);
            now = now + Duration::from_millis(5);
        }
        let (rtp, _) = transmits(&mut sender);
        assert_eq!(rtp.len(), 3);
        receiver.handle_rtp(now, &rtp[0], &to, &mut outputs);
        receiver.handle_rtp(now, &rtp[2], &to, &mut outputs);
        assert_eq!(frames(&mut outputs), []);

        // After the reorder wait, a NACK for the middle packet.
        now = now + Duration::from_millis(10);
        receiver.handle_timeout(now, &to, &mut random, &mut outputs);
        let (_, rtcp) = transmits(&mut receiver);
        assert_eq!(receiver.receive_loss_counters(1234).unwrap().nack_count, 1);
        for datagram in &rtcp {
            sender.handle_rtcp(now, datagram, std::slice::from_ref(&from), &mut outputs);
        }
        for _ in 0..10 {
            sender.handle_timeout(now, std::slice::from_ref(&from), &mut random, &mut outputs);
            now = now + Duration::from_millis(5);
        }
        let (rtx, _) = transmits(&mut sender);
        assert_eq!(rtx.len(), 1, "one retransmission");
        let counters = sender.retransmission_counters(1234).unwrap();
        assert_eq!(
            (counters.nack_count, counters.retransmitted_packets_sent),
            (1, 1)
        );
        receiver.handle_rtp(now, &rtx[0], &to, &mut outputs);
        match frames(&mut outputs).as_slice() {
            [PeerEvent::MediaFrame {
                data, key_frame, ..
            }] => assert_eq!((data, *key_frame), (&frame, true)),
            other => panic!("{other:?}"),
        }
        let counters = receiver.receive_loss_counters(1234).unwrap();
        assert_eq!(counters.retransmitted_packets_received, 1);
        assert_eq!(receiver.dropped(), 0);
    }

    /// Without `nack`, a frame that lost a packet is given up after the
    /// jitter buffer's wait and, with only `ccm fir`, a FIR asks for a key
    /// frame; repeated with the same command sequence number, it is one
    /// request to the sender.
    #[test]
    fn a_lost_frame_brings_a_fir_when_only_fir_was_negotiated() {
        let (mut sender, mut receiver) = (keyed(DtlsRole::Client), keyed(DtlsRole::Server));
        let codecs = video_codecs(&[("ccm", Some("fir"))]);
        let from = transceiver(0, MediaKind::Video, "1", codecs.clone(), 1234);
        let to = [transceiver(0, MediaKind::Video, "1", codecs, 99)];
        let mut random = Random::from_seed([4; 32]);
        let mut outputs = Outputs::default();
        let mut now = Instant::ZERO;
        let mut delta = vec![0x11, 0x02, 0x00];
        delta.resize(3000, 0x66);
        sender
            .send_frame(now, &from, 96, 9000, &delta, &mut random)
            .unwrap();
        sender
            .send_frame(now, &from, 96, 12000, &delta, &mut random)
            .unwrap();
        for _ in 0..20 {
            sender.handle_timeout(now, std::slice::from_ref(&from), &mut random, &mut outputs);
            now = now + Duration::from_millis(5);
        }
        let (rtp, _) = transmits(&mut sender);
        assert_eq!(rtp.len(), 6);
        for (i, datagram) in rtp.iter().enumerate() {
            if i != 1 {
                receiver.handle_rtp(now, datagram, &to, &mut outputs);
            }
        }
        let mut requests = 0;
        for _ in 0..100 {
            now = now + Duration::from_millis(10);
            receiver.handle_timeout(now, &to, &mut random, &mut outputs);
            let (_, rtcp) = transmits(&mut receiver);
            let mut sender_outputs = Outputs::default();
            for datagram in &rtcp {
                sender.handle_rtcp(
                    now,
                    datagram,
                    std::slice::from_ref(&from),
                    &mut sender_outputs,
                );
            }
            requests += std::iter::from_fn(|| sender_outputs.pop())
                .filter(|q| {
                    matches!(q, Queued::Output(Output::Event(e))
                        if matches!(**e, PeerEvent::KeyFrameRequest { .. }))
                })
                .count();
        }
        let events = frames(&mut outputs);
        assert!(
            matches!(
                events.as_slice(),
                [
                    PeerEvent::MediaFrameDropped {
                        rtp_timestamp: 9000,
                        ..
                    },
                    PeerEvent::MediaFrame {
                        rtp_timestamp: 12000,
                        ..
                    }
                ]
            ),
            "{events:?}"
        );
        let counters = receiver.receive_loss_counters(1234).unwrap();
        assert_eq!((counters.nack_count, counters.pli_count), (0, 0));
        assert!(
            counters.fir_count >= 2,
            "repeated while no key frame comes: {counters:?}"
        );
        assert_eq!(requests, 1, "the same command sequence number");
    }
}
