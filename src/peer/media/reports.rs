//! RTCP reports (RFC 3550 §6.4): ours, and what the peer's tell us.
//!
//! Out: each SSRC of ours that sends or receives RTP has its own report
//! timer (`rtcp_interval`: RFC 3550 §6.3.1 with libwebrtc's minimum, 1 s
//! for video and 5 s for audio; the first report after half of it, as
//! libwebrtc schedules it) and sends one compound when it fires (§6.1): an
//! SR if it sent RTP since its last report, else an RR (a receive-only
//! transceiver reports with its sender SSRC, as libwebrtc does), with a
//! block on every remote source its transceiver receives, then SDES with
//! the CNAME (§6.5.1). A transceiver that stops says BYE (§6.6).
//!
//! In: an SR gives the LSR and its arrival for our blocks on its source,
//! and the sender's NTP time and counts (remote-outbound-rtp); a block
//! about a source of ours gives the round-trip time (§6.4.1: A − LSR −
//! DLSR, all on our own clock) and the loss and jitter the peer sees
//! (remote-inbound-rtp). A BYE ends our blocks on the sources it names.
//! Key-frame requests and NACKs about our sources, and those we send, are
//! counted for getStats.

use std::collections::HashMap;
use std::time::Duration;

use crate::jsep::{MediaKind, RtpCodec, TransceiverId, TransceiverState};
use crate::random::Random;
use crate::rtp::packet::rtcp::{
    ntp_compact, round_trip_time, Goodbye, ReceiverReport, ReportBlock, RtcpPacket, SdesChunk,
    SenderReport, SourceDescription,
};
use crate::rtp::packet::{RtpHeader, RtpPacket};
use crate::rtp::receive_statistics::ReceiveStatistics;
use crate::rtp::rtcp_interval::{
    IntervalInput, AUDIO_MINIMUM, RTCP_BANDWIDTH_FRACTION, VIDEO_MINIMUM,
};
use crate::rtp::sender_statistics::{ntp_timestamp, SenderStatistics};
use crate::stats::media::{
    CodecStats, InboundRtpStats, MediaStats, OutboundRtpStats, RemoteInboundRtpStats,
    RemoteOutboundRtpStats,
};
use crate::time::Instant;

use super::Media;

/// IPv4 and UDP headers, which RFC 3550 §6.2 counts in the RTCP size.
const LOWER_LAYER_OCTETS: usize = 28;
/// The average compound size before the first is sent (§6.3.2: "the
/// probable size of the first"): an RR with one block and a CNAME.
const INITIAL_RTCP_SIZE: f64 = 100.0;
/// An SR or RR carries at most 31 blocks (the 5-bit count).
const MAX_REPORT_BLOCKS: usize = 31;
/// The least session bandwidth the interval assumes, in octets per second:
/// 64 kb/s, RFC 3550 §6.2's audio example and about the least a WebRTC call
/// runs at. No descriptions' bandwidth reaches us, and measuring alone would
/// stretch a quiet stream's interval (DTX, a pause) without bound.
const MIN_SESSION_BANDWIDTH: f64 = 8000.0;
/// 1900 to 1970 in seconds: a peer's NTP time to the Unix epoch.
const NTP_UNIX_OFFSET_SECONDS: f64 = 2_208_988_800.0;

#[derive(Default)]
pub(super) struct Reports {
    /// Ours (RFC 7022): the one the descriptions' `a=ssrc … cname:` carry.
    cname: String,
    /// By remote SSRC.
    inbound: HashMap<u32, Inbound>,
    /// By our sender SSRC.
    outbound: HashMap<u32, Outbound>,
    /// By the SSRC of ours that reports.
    schedules: HashMap<u32, Schedule>,
    /// RTCP feedback about each of our SSRCs, or sent about each remote one.
    feedback: HashMap<u32, Feedback>,
    /// RFC 3550 §6.3.3's avg_rtcp_size: every compound we send, lower
    /// layers included, reduced-size feedback too (RFC 5506 §5).
    avg_rtcp_size: Option<f64>,
    /// RTP octets sent and received, for the session bandwidth.
    rtp_octets: u64,
    round_trip_time: Option<Duration>,
}

/// Feedback messages, counted as webrtc-stats' nackCount, pliCount and firCount do.
#[derive(Default, Clone, Copy)]
struct Feedback {
    nacks: u64,
    plis: u64,
    firs: u64,
}

struct Schedule {
    kind: MediaKind,
    next: Instant,
    /// The last report and the RTP octets counted then.
    last: Instant,
    rtp_octets_at_last: u64,
}

/// A remote source we receive.
struct Inbound {
    transceiver: TransceiverId,
    kind: MediaKind,
    mid: Option<String>,
    track_identifier: String,
    codec: RtpCodec,
    statistics: ReceiveStatistics,
    bytes_received: u64,
    header_bytes_received: u64,
    last_packet_received: Instant,
    frames_received: u64,
    /// From its SRs.
    sender: Option<RemoteSender>,
    /// It said BYE: no more blocks on it.
    left: bool,
}

/// What the last SR of a remote source said, and how many came.
struct RemoteSender {
    packets_sent: u32,
    octets_sent: u32,
    ntp_timestamp: u64,
    reports: u64,
}

/// A source of ours that sent.
struct Outbound {
    kind: MediaKind,
    mid: Option<String>,
    codec: RtpCodec,
    rtx_ssrc: Option<u32>,
    statistics: SenderStatistics,
    frames_sent: u64,
    retransmitted_packets_sent: u64,
    retransmitted_bytes_sent: u64,
    /// From the peer's blocks on it.
    receiver: Option<RemoteReceiver>,
}

#[derive(Default)]
struct RemoteReceiver {
    fraction_lost: u8,
    cumulative_lost: i32,
    jitter: u32,
    round_trip_time: Option<Duration>,
    total_round_trip_time: Duration,
    measurements: u64,
}

fn minimum(kind: MediaKind) -> Duration {
    match kind {
        MediaKind::Audio => AUDIO_MINIMUM,
        MediaKind::Video => VIDEO_MINIMUM,
    }
}

impl Reports {
    pub(super) fn set_cname(&mut self, cname: &str) {
        self.cname = cname.to_owned();
    }

    /// The first report of `ssrc`, half the minimum from now.
    fn schedule(&mut self, now: Instant, ssrc: u32, kind: MediaKind) {
        let rtp_octets_at_last = self.rtp_octets;
        self.schedules.entry(ssrc).or_insert_with(|| Schedule {
            kind,
            next: now + minimum(kind) / 2,
            last: now,
            rtp_octets_at_last,
        });
    }

    /// A frame of `transceiver`'s, stamped `rtp_timestamp`, is about to go
    /// as RTP with `codec`.
    pub(super) fn frame_sent(
        &mut self,
        now: Instant,
        transceiver: &TransceiverState,
        codec: &RtpCodec,
        rtp_timestamp: u32,
    ) {
        let outbound = self
            .outbound
            .entry(transceiver.sender_ssrc)
            .or_insert_with(|| Outbound {
                kind: transceiver.kind,
                mid: transceiver.mid.clone(),
                codec: codec.clone(),
                rtx_ssrc: transceiver.sender_rtx_ssrc,
                statistics: SenderStatistics::new(codec.clock_rate),
                frames_sent: 0,
                retransmitted_packets_sent: 0,
                retransmitted_bytes_sent: 0,
                receiver: None,
            });
        if outbound.codec.payload_type != codec.payload_type {
            outbound.codec = codec.clone();
        }
        outbound.frames_sent += 1;
        outbound.statistics.frame(now, rtp_timestamp);
    }

    /// An RTP packet went; a retransmission (RTX) counts for its media source.
    pub(super) fn rtp_sent(
        &mut self,
        now: Instant,
        header: &RtpHeader,
        payload_len: usize,
        len: usize,
    ) {
        self.rtp_octets += len as u64;
        let header_len = len.saturating_sub(payload_len);
        if let Some(outbound) = self.outbound.get_mut(&header.ssrc) {
            outbound.statistics.sent(payload_len, header_len);
            let kind = outbound.kind;
            self.schedule(now, header.ssrc, kind);
        } else if let Some(outbound) = self
            .outbound
            .values_mut()
            .find(|o| o.rtx_ssrc == Some(header.ssrc))
        {
            outbound.retransmitted_packets_sent += 1;
            outbound.retransmitted_bytes_sent += payload_len as u64;
        }
    }

    /// An RTP packet of `transceiver`'s arrived, `len` octets unprotected.
    pub(super) fn rtp_received(
        &mut self,
        now: Instant,
        transceiver: &TransceiverState,
        codec: &RtpCodec,
        rtp: &RtpPacket<'_>,
        len: usize,
    ) {
        self.rtp_octets += len as u64;
        let inbound = self.inbound.entry(rtp.ssrc).or_insert_with(|| Inbound {
            transceiver: transceiver.id,
            kind: transceiver.kind,
            mid: transceiver.mid.clone(),
            track_identifier: transceiver.receiver_track_id.clone(),
            codec: codec.clone(),
            statistics: ReceiveStatistics::new(rtp.ssrc, codec.clock_rate),
            bytes_received: 0,
            header_bytes_received: 0,
            last_packet_received: now,
            frames_received: 0,
            sender: None,
            left: false,
        });
        inbound
            .statistics
            .received(now, rtp.sequence_number, rtp.timestamp);
        // The sender may switch codecs; the latest is the stream's.
        if inbound.codec.payload_type != codec.payload_type {
            inbound.codec = codec.clone();
        }
        inbound.bytes_received += rtp.payload.len() as u64;
        inbound.header_bytes_received += len.saturating_sub(rtp.payload.len()) as u64;
        inbound.last_packet_received = now;
        // A stopping transceiver said BYE: it reports no more.
        if !transceiver.stopping && !transceiver.stopped {
            self.schedule(now, transceiver.sender_ssrc, transceiver.kind);
        }
    }

    pub(super) fn frames_received(&mut self, ssrc: u32, frames: u64) {
        if let Some(inbound) = self.inbound.get_mut(&ssrc) {
            inbound.frames_received += frames;
        }
    }

    /// A compound we send, of `len` octets: its size for the interval, and
    /// the feedback in it.
    pub(super) fn rtcp_sent(&mut self, packets: &[RtcpPacket], len: usize) {
        let size = (len + LOWER_LAYER_OCTETS) as f64;
        self.avg_rtcp_size = Some(
            self.avg_rtcp_size
                .map_or(size, |avg| avg + (size - avg) / 16.0),
        );
        for packet in packets {
            self.count_feedback(packet);
        }
    }

    fn count_feedback(&mut self, packet: &RtcpPacket) {
        let mut count = |ssrc: u32, f: fn(&mut Feedback)| f(self.feedback.entry(ssrc).or_default());
        match packet {
            RtcpPacket::Nack(nack) => count(nack.media_ssrc, |f| f.nacks += 1),
            RtcpPacket::Pli(pli) => count(pli.media_ssrc, |f| f.plis += 1),
            RtcpPacket::Fir(fir) => {
                for entry in &fir.entries {
                    count(entry.ssrc, |f| f.firs += 1);
                }
            }
            _ => {}
        }
    }

    /// A packet of a compound from the peer.
    pub(super) fn rtcp_received(&mut self, now: Instant, packet: &RtcpPacket) {
        match packet {
            RtcpPacket::SenderReport(sr) => {
                if let Some(inbound) = self.inbound.get_mut(&sr.ssrc) {
                    inbound.statistics.sender_report(now, sr.ntp_timestamp);
                    let reports = inbound.sender.as_ref().map_or(0, |s| s.reports);
                    inbound.sender = Some(RemoteSender {
                        packets_sent: sr.packet_count,
                        octets_sent: sr.octet_count,
                        ntp_timestamp: sr.ntp_timestamp,
                        reports: reports + 1,
                    });
                }
                self.report_blocks(now, &sr.reports);
            }
            RtcpPacket::ReceiverReport(rr) => self.report_blocks(now, &rr.reports),
            RtcpPacket::Goodbye(bye) => {
                for ssrc in &bye.sources {
                    if let Some(inbound) = self.inbound.get_mut(ssrc) {
                        inbound.left = true;
                    }
                }
            }
            _ => self.count_feedback(packet),
        }
    }

    fn report_blocks(&mut self, now: Instant, blocks: &[ReportBlock]) {
        let arrival = ntp_compact(ntp_timestamp(now));
        for block in blocks {
            let Some(outbound) = self.outbound.get_mut(&block.ssrc) else {
                continue;
            };
            let receiver = outbound.receiver.get_or_insert_with(Default::default);
            receiver.fraction_lost = block.fraction_lost;
            receiver.cumulative_lost = block.cumulative_lost;
            receiver.jitter = block.jitter;
            if let Some(rtt) = round_trip_time(arrival, block.last_sr, block.delay_since_last_sr) {
                receiver.round_trip_time = Some(rtt);
                receiver.total_round_trip_time += rtt;
                receiver.measurements += 1;
                self.round_trip_time = Some(rtt);
            }
        }
    }

    /// The compound `transceiver`'s SSRC reports with at `now`.
    fn compound(&mut self, now: Instant, transceiver: &TransceiverState) -> Vec<RtcpPacket> {
        let ssrc = transceiver.sender_ssrc;
        let mut sources: Vec<&mut Inbound> = self
            .inbound
            .values_mut()
            .filter(|i| i.transceiver == transceiver.id && !i.left)
            .collect();
        sources.sort_by_key(|i| i.statistics.ssrc());
        let reports: Vec<ReportBlock> = sources
            .into_iter()
            .take(MAX_REPORT_BLOCKS)
            .map(|i| i.statistics.report_block(now))
            .collect();
        let sender = self
            .outbound
            .get_mut(&ssrc)
            .filter(|o| o.statistics.sent_since_report());
        let report =
            match sender.and_then(|o| Some((o.statistics.sender_info(now)?, &o.statistics))) {
                // The counts wrap, as RFC 3550 §6.4.1 lets them.
                Some(((ntp_timestamp, rtp_timestamp), statistics)) => {
                    RtcpPacket::SenderReport(SenderReport {
                        ssrc,
                        ntp_timestamp,
                        rtp_timestamp,
                        packet_count: statistics.packets_sent() as u32,
                        octet_count: statistics.octets_sent() as u32,
                        reports,
                    })
                }
                None => RtcpPacket::ReceiverReport(ReceiverReport { ssrc, reports }),
            };
        vec![report, self.source_description(ssrc)]
    }

    fn source_description(&self, ssrc: u32) -> RtcpPacket {
        RtcpPacket::SourceDescription(SourceDescription {
            chunks: vec![SdesChunk::cname(ssrc, &self.cname)],
        })
    }

    /// When `ssrc` reports next, from the interval of RFC 3550 §6.3.1.
    fn reschedule(&mut self, now: Instant, ssrc: u32, we_sent: bool, random: &mut Random) {
        let members = self.schedules.len() + self.inbound.values().filter(|i| !i.left).count();
        let senders = self.outbound.len() + self.inbound.values().filter(|i| !i.left).count();
        let rtp_octets = self.rtp_octets;
        let avg_rtcp_size = self.avg_rtcp_size.unwrap_or(INITIAL_RTCP_SIZE);
        let Some(schedule) = self.schedules.get_mut(&ssrc) else {
            return;
        };
        // The session bandwidth as measured since this source's last
        // report, and no less than the floor.
        let elapsed = (now - schedule.last).as_secs_f64();
        let octets = (rtp_octets - schedule.rtp_octets_at_last) as f64;
        let measured = if elapsed > 0.0 { octets / elapsed } else { 0.0 };
        let rtcp_bandwidth = Some(RTCP_BANDWIDTH_FRACTION * measured.max(MIN_SESSION_BANDWIDTH));
        let input = IntervalInput {
            members,
            senders,
            we_sent,
            rtcp_bandwidth,
            avg_rtcp_size,
            initial: false,
            minimum: minimum(schedule.kind),
        };
        let uniform = f64::from(random.next_u32()) / 4_294_967_296.0;
        schedule.next = now + input.interval(uniform);
        schedule.last = now;
        schedule.rtp_octets_at_last = rtp_octets;
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.schedules.values().map(|s| s.next).min()
    }

    /// getStats' media part: only what has data, as Chromium reports it
    /// (an inbound-rtp once a packet came, remote-* once a report did).
    pub(super) fn stats(&self) -> MediaStats {
        let codec = |inbound: bool, c: &RtpCodec, kind: MediaKind| CodecStats {
            inbound,
            payload_type: c.payload_type,
            mime_type: format!("{}/{}", kind.as_str(), c.name),
            clock_rate: c.clock_rate,
            channels: c.channels,
            sdp_fmtp_line: c.fmtp.clone(),
        };
        let feedback = |ssrc: u32| self.feedback.get(&ssrc).copied().unwrap_or_default();
        let mut inbound: Vec<InboundRtpStats> = self
            .inbound
            .iter()
            .map(|(&ssrc, i)| InboundRtpStats {
                ssrc,
                kind: i.kind.as_str(),
                mid: i.mid.clone(),
                track_identifier: i.track_identifier.clone(),
                codec: codec(true, &i.codec, i.kind),
                packets_received: i.statistics.packets_received(),
                bytes_received: i.bytes_received,
                header_bytes_received: i.header_bytes_received,
                packets_lost: i.statistics.packets_lost(),
                jitter: i.statistics.jitter_seconds(),
                last_packet_received: i.last_packet_received,
                nack_count: feedback(ssrc).nacks,
                pli_count: feedback(ssrc).plis,
                fir_count: feedback(ssrc).firs,
                frames_received: i.frames_received,
                remote: i.sender.as_ref().map(|s| RemoteOutboundRtpStats {
                    packets_sent: u64::from(s.packets_sent),
                    bytes_sent: u64::from(s.octets_sent),
                    remote_timestamp: ntp_to_unix_millis(s.ntp_timestamp),
                    reports_sent: s.reports,
                }),
            })
            .collect();
        inbound.sort_by_key(|i| i.ssrc);
        let mut outbound: Vec<OutboundRtpStats> = self
            .outbound
            .iter()
            .map(|(&ssrc, o)| OutboundRtpStats {
                ssrc,
                kind: o.kind.as_str(),
                mid: o.mid.clone(),
                codec: codec(false, &o.codec, o.kind),
                packets_sent: o.statistics.packets_sent() + o.retransmitted_packets_sent,
                bytes_sent: o.statistics.octets_sent() + o.retransmitted_bytes_sent,
                header_bytes_sent: o.statistics.header_octets_sent(),
                retransmitted_packets_sent: o.retransmitted_packets_sent,
                retransmitted_bytes_sent: o.retransmitted_bytes_sent,
                nack_count: feedback(ssrc).nacks,
                pli_count: feedback(ssrc).plis,
                fir_count: feedback(ssrc).firs,
                frames_sent: o.frames_sent,
                remote: o.receiver.as_ref().map(|r| RemoteInboundRtpStats {
                    round_trip_time: r.round_trip_time.map(|d| d.as_secs_f64()),
                    total_round_trip_time: r.total_round_trip_time.as_secs_f64(),
                    round_trip_time_measurements: r.measurements,
                    fraction_lost: f64::from(r.fraction_lost) / 256.0,
                    packets_lost: i64::from(r.cumulative_lost),
                    jitter: f64::from(r.jitter) / f64::from(o.codec.clock_rate.max(1)),
                }),
            })
            .collect();
        outbound.sort_by_key(|o| o.ssrc);
        MediaStats { inbound, outbound }
    }
}

/// A 64-bit NTP time as milliseconds since the Unix epoch.
fn ntp_to_unix_millis(ntp: u64) -> f64 {
    let seconds = (ntp >> 32) as f64 + (ntp & 0xFFFF_FFFF) as f64 / 4_294_967_296.0;
    (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000.0
}

impl Media {
    /// The reports due at `now`, each its own compound.
    pub(super) fn send_reports(
        &mut self,
        now: Instant,
        transceivers: &[TransceiverState],
        random: &mut Random,
    ) {
        let mut due: Vec<u32> = self
            .reports
            .schedules
            .iter()
            .filter(|(_, s)| s.next <= now)
            .map(|(ssrc, _)| *ssrc)
            .collect();
        due.sort_unstable();
        for ssrc in due {
            let Some(transceiver) = transceivers
                .iter()
                .find(|t| t.sender_ssrc == ssrc && !t.stopping && !t.stopped)
            else {
                self.reports.schedules.remove(&ssrc);
                continue;
            };
            let packets = self.reports.compound(now, transceiver);
            let we_sent = matches!(packets.first(), Some(RtcpPacket::SenderReport(_)));
            self.send_rtcp(&packets);
            self.reports.reschedule(now, ssrc, we_sent, random);
        }
    }

    pub(super) fn reports_timeout(&self) -> Option<Instant> {
        self.reports.poll_timeout()
    }

    /// The latest round-trip time from a report block about one of our sources.
    pub(in crate::peer) fn round_trip_time(&self) -> Option<Duration> {
        self.reports.round_trip_time
    }

    /// BYE (RFC 3550 §6.6) from `ssrc`, if it sent or reported: an RR
    /// without blocks, its CNAME and the BYE; it reports no more.
    pub(in crate::peer) fn bye(&mut self, ssrc: u32) {
        let reported = self.reports.schedules.remove(&ssrc).is_some();
        if !reported && !self.reports.outbound.contains_key(&ssrc) {
            return;
        }
        let packets = [
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc,
                reports: vec![],
            }),
            self.reports.source_description(ssrc),
            RtcpPacket::Goodbye(Goodbye {
                sources: vec![ssrc],
                reason: None,
            }),
        ];
        self.send_rtcp(&packets);
    }

    /// After the transceivers changed: each that began stopping, or went,
    /// says BYE.
    pub(in crate::peer) fn transceivers_changed(
        &mut self,
        before: &[TransceiverState],
        after: &[TransceiverState],
    ) {
        for old in before.iter().filter(|t| !t.stopping && !t.stopped) {
            let new = after.iter().find(|t| t.id == old.id);
            if new.is_none_or(|t| t.stopping || t.stopped) {
                self.bye(old.sender_ssrc);
            }
        }
    }

    pub(in crate::peer) fn media_stats(&self) -> MediaStats {
        self.reports.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codec, keyed, transceiver};
    use super::*;
    use crate::dtls::DtlsRole;
    use crate::jsep::TransceiverDirection;
    use crate::peer::output::{Output, Outputs, PeerEvent, Queued};
    use crate::rtp::packet::rtcp::{self, Pli};

    fn at(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    /// Peer A sends Opus on SSRC 100 (DTLS client); B receives only and
    /// reports with its sender SSRC 200. `tap`s read each side's SRTCP.
    struct Call {
        a: Media,
        b: Media,
        ta: TransceiverState,
        tb: TransceiverState,
        random: Random,
    }

    fn call() -> Call {
        let mut a = keyed(DtlsRole::Client);
        a.set_cname("a-cname");
        let b = keyed(DtlsRole::Server);
        let ta = transceiver(3, MediaKind::Audio, "0", vec![codec(111, "opus")], 100);
        let tb = TransceiverState {
            current_direction: Some(TransceiverDirection::RecvOnly),
            ..transceiver(4, MediaKind::Audio, "0", vec![codec(111, "opus")], 200)
        };
        Call {
            a,
            b,
            ta,
            tb,
            random: Random::from_seed([2; 32]),
        }
    }

    impl Call {
        /// A frame from A at `sent`, arriving 50 ms later.
        fn rtp(&mut self, sent: u64, rtp_timestamp: u32) {
            let (a, ta) = (&mut self.a, &self.ta);
            a.send_frame(
                at(sent),
                ta,
                111,
                rtp_timestamp,
                &[0x48, 1, 2, 3],
                &mut self.random,
            )
            .unwrap();
            while let Some(packet) = self.a.poll_transmit() {
                let tb = std::slice::from_ref(&self.tb);
                self.b
                    .handle_rtp(at(sent + 50), &packet, tb, &mut Outputs::default());
            }
        }

        /// What `from` (A if `a`) sends at `sent` arrives 50 ms later: the
        /// compounds as parsed, and the events they made.
        fn rtcp(&mut self, a: bool, sent: u64) -> (Vec<Vec<RtcpPacket>>, Outputs) {
            let (from, to, t_from, t_to) = if a {
                (&mut self.a, &mut self.b, &self.ta, &self.tb)
            } else {
                (&mut self.b, &mut self.a, &self.tb, &self.ta)
            };
            from.handle_timeout(
                at(sent),
                std::slice::from_ref(t_from),
                &mut self.random,
                &mut Outputs::default(),
            );
            let mut tap = keyed(if a {
                DtlsRole::Server
            } else {
                DtlsRole::Client
            });
            let mut compounds = Vec::new();
            let mut outputs = Outputs::default();
            while let Some(datagram) = from.poll_transmit() {
                let mut copy = datagram.clone();
                tap.srtp
                    .as_mut()
                    .unwrap()
                    .unprotect_rtcp(&mut copy)
                    .unwrap();
                compounds.push(rtcp::parse(&copy, false).unwrap());
                to.handle_rtcp(
                    at(sent + 50),
                    &datagram,
                    std::slice::from_ref(t_to),
                    &mut outputs,
                );
            }
            (compounds, outputs)
        }
    }

    /// RFC 3550 §6.4: A's SR at 2.5 s (half of audio's 5 s), B's RR at
    /// 3 s with LSR of it and DLSR 0.45 s, at A at 3.05 s: 3.05 − 2.5 − 0.45
    /// = 100 ms. Each compound is the report then SDES CNAME.
    #[test]
    fn sender_and_receiver_reports_give_the_round_trip_time() {
        let mut call = call();
        call.rtp(0, 960);
        call.rtp(20, 1920);
        assert_eq!(call.a.poll_timeout(), Some(at(2500)));
        assert_eq!(
            call.b.poll_timeout(),
            Some(at(2550)),
            "B reports from its first packet's arrival"
        );
        let (compounds, _) = call.rtcp(true, 2500);
        let [compound] = &compounds[..] else {
            panic!("{compounds:?}")
        };
        let RtcpPacket::SenderReport(sr) = &compound[0] else {
            panic!("{compound:?}")
        };
        assert_eq!(
            (sr.ssrc, sr.packet_count, sr.octet_count, sr.reports.len()),
            (100, 2, 8, 0)
        );
        // 48 kHz: 2480 ms after the packet of timestamp 1920.
        assert_eq!(sr.rtp_timestamp, 1920 + 48 * 2480);
        let RtcpPacket::SourceDescription(sdes) = &compound[1] else {
            panic!("{compound:?}")
        };
        assert_eq!(sdes.cname(100), Some(&b"a-cname"[..]));
        let next = call.a.poll_timeout().unwrap();
        assert!(
            next >= at(2500 + 4104 / 2) && next <= at(2500 + 6157),
            "{next:?}"
        );

        let (compounds, _) = call.rtcp(false, 3000);
        let RtcpPacket::ReceiverReport(rr) = &compounds[0][0] else {
            panic!("{compounds:?}")
        };
        assert_eq!(
            rr.ssrc, 200,
            "a receive-only transceiver reports with its sender SSRC"
        );
        let block = rr.reports[0];
        assert_eq!(
            (
                block.ssrc,
                block.cumulative_lost,
                block.fraction_lost,
                block.extended_highest_sequence & 0xFFFF
            ),
            (
                100,
                0,
                0,
                u32::from(call.a.senders[&100].next_sequence_number.wrapping_sub(1))
            )
        );
        assert_eq!(block.last_sr, ntp_compact(sr.ntp_timestamp));
        assert_eq!(block.delay_since_last_sr, 450 * 65536 / 1000);
        let rtt = call.a.round_trip_time().unwrap();
        assert!(
            rtt.abs_diff(Duration::from_millis(100)) < Duration::from_micros(50),
            "{rtt:?}"
        );

        let stats = call.a.media_stats();
        let remote = stats.outbound[0].remote.as_ref().unwrap();
        assert_eq!(
            (
                remote.round_trip_time_measurements,
                remote.packets_lost,
                remote.fraction_lost
            ),
            (1, 0, 0.0)
        );
        let stats = call.b.media_stats();
        let sender = stats.inbound[0].remote.as_ref().unwrap();
        assert_eq!(
            (sender.packets_sent, sender.bytes_sent, sender.reports_sent),
            (2, 8, 1)
        );
    }

    /// A PLI (RFC 4585 §6.3.1) B sends about A's SSRC surfaces at A as
    /// KeyFrameRequest; both count it (pliCount on each side).
    #[test]
    fn a_picture_loss_indication_surfaces_as_a_key_frame_request() {
        let mut call = call();
        call.rtp(0, 960);
        let pli = Pli {
            sender_ssrc: 200,
            media_ssrc: 100,
        };
        call.b.send_rtcp(&[
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: 200,
                reports: vec![],
            }),
            RtcpPacket::Pli(pli),
        ]);
        let (_, mut outputs) = call.rtcp(false, 100);
        match outputs.pop() {
            Some(Queued::Output(Output::Event(event))) => {
                assert_eq!(
                    *event,
                    PeerEvent::KeyFrameRequest {
                        transceiver: call.ta.id
                    }
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(call.a.media_stats().outbound[0].pli_count, 1);
        assert_eq!(call.b.media_stats().inbound[0].pli_count, 1);
    }

    /// A transceiver that begins stopping says BYE (RFC 3550 §6.6): an RR
    /// without blocks, SDES, BYE; it reports no more, and B's next report
    /// has no block on it.
    #[test]
    fn a_stopping_transceiver_says_bye_and_is_reported_on_no_more() {
        let mut call = call();
        call.rtp(0, 960);
        let stopping = TransceiverState {
            stopping: true,
            ..call.ta.clone()
        };
        call.a.transceivers_changed(
            std::slice::from_ref(&call.ta),
            std::slice::from_ref(&stopping),
        );
        assert_eq!(
            call.a.poll_timeout(),
            Some(Instant::ZERO),
            "the BYE waits to go at once"
        );
        let (compounds, _) = call.rtcp(true, 100);
        let [compound] = &compounds[..] else {
            panic!("{compounds:?}")
        };
        assert!(
            matches!(&compound[..], [RtcpPacket::ReceiverReport(rr), RtcpPacket::SourceDescription(_), RtcpPacket::Goodbye(bye)]
            if rr.ssrc == 100 && rr.reports.is_empty() && bye.sources == [100])
        );
        assert_eq!(call.a.poll_timeout(), None);
        let (compounds, _) = call.rtcp(false, 3000);
        let RtcpPacket::ReceiverReport(rr) = &compounds[0][0] else {
            panic!("{compounds:?}")
        };
        assert!(rr.reports.is_empty());
        // Stopping again says nothing more.
        call.a
            .transceivers_changed(std::slice::from_ref(&stopping), &[]);
        assert_eq!(call.a.poll_transmit(), None);
    }
}
