//! RTCP in and out (RFC 3550 §6): SRTCP unprotected (RFC 3711 §3.4; the
//! SRTP context counts what it refuses), the compound parsed, and each
//! packet to the part of media it is for (every one to `reports` first);
//! and RTCP of ours, one compound per call, SRTCP-protected onto the wire.
//!
//! Key-frame requests about a sender of ours, PLI (RFC 4585 §6.3.1) or FIR
//! (RFC 5104 §4.3.1), become `KeyFrameRequest`; a FIR repeating the command
//! sequence number of the last one is a retransmission of the same request
//! (RFC 5104 §4.3.1.2) and asks for nothing new. A Generic NACK (RFC 4585
//! §6.2.1) about a sender of ours goes to `retransmit`.

use crate::jsep::TransceiverState;
use crate::peer::output::{Outputs, PeerEvent};
use crate::rtp::packet::rtcp::{self, RtcpPacket};
use crate::time::Instant;

use super::Media;

impl Media {
    /// An SRTCP datagram. Reduced-size RTCP (RFC 5506) is accepted whether
    /// or not it was negotiated: Chromium sends feedback alone.
    pub(in crate::peer) fn handle_rtcp(
        &mut self,
        now: Instant,
        datagram: &[u8],
        transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) {
        let mut packet = datagram.to_vec();
        let unprotected = self
            .srtp
            .as_mut()
            .is_some_and(|srtp| srtp.unprotect_rtcp(&mut packet).is_ok());
        let Some(packets) = unprotected
            .then(|| rtcp::parse(&packet, true).ok())
            .flatten()
        else {
            self.dropped += 1;
            return;
        };
        for packet in packets {
            self.reports.rtcp_received(now, &packet);
            match packet {
                RtcpPacket::SenderReport(sr) => {
                    if let Some(stream) = self.inbound.get_mut(&sr.ssrc) {
                        stream.sender_report(sr.ntp_timestamp, sr.rtp_timestamp);
                    }
                }
                RtcpPacket::Pli(pli) => {
                    self.key_frame_requested(pli.media_ssrc, transceivers, outputs)
                }
                RtcpPacket::Fir(fir) => {
                    for entry in fir.entries {
                        if self
                            .fir_sequence_numbers
                            .insert(entry.ssrc, entry.sequence_number)
                            != Some(entry.sequence_number)
                        {
                            self.key_frame_requested(entry.ssrc, transceivers, outputs);
                        }
                    }
                }
                RtcpPacket::TransportCc(feedback) => {
                    self.handle_transport_feedback(now, &feedback, outputs)
                }
                RtcpPacket::Remb(remb) => self.handle_remb(now, &remb, transceivers, outputs),
                RtcpPacket::Nack(nack) => self.handle_nack(now, &nack, transceivers),
                _ => {}
            }
        }
    }

    /// One compound of ours (RFC 3550 §6.1), SRTCP-protected onto the wire;
    /// one that cannot be written or protected is counted, not sent.
    pub(super) fn send_rtcp(&mut self, packets: &[RtcpPacket]) {
        let mut compound = Vec::new();
        let protected = rtcp::write(packets, &mut compound).is_ok()
            && self
                .srtp
                .as_mut()
                .is_some_and(|srtp| srtp.protect_rtcp(&mut compound).is_ok());
        if !protected {
            self.rtcp_unsent += 1;
            return;
        }
        self.reports.rtcp_sent(packets, compound.len());
        self.transmits.push_back(compound);
    }

    fn key_frame_requested(
        &mut self,
        ssrc: u32,
        transceivers: &[TransceiverState],
        outputs: &mut Outputs,
    ) {
        if let Some(transceiver) = transceivers.iter().find(|t| t.sender_ssrc == ssrc) {
            outputs.event(PeerEvent::KeyFrameRequest {
                transceiver: transceiver.id,
            });
        }
    }
}
