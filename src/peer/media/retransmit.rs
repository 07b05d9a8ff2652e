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
/// retransmittedBytesSent, payload bytes only).
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
            counters.retransmitted_bytes_sent += payload.len() as u64;
            let rtx = transceiver.sender_rtx_ssrc.zip(
                transceiver
                    .codecs
                    .iter()
                    .find(|c| c.is_rtx() && c.apt() == Some(header.payload_type)),
            );
            resends.push(match rtx {
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
            });
        }
        for (header, payload) in resends {
            // Without SRTP keys there was nothing to resend in the first place.
            let _ = self.transmit_rtp(now, header, &payload);
        }
    }
}
