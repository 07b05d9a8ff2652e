//! The media dictionaries of webrtc-stats §7: RTCCodecStats,
//! RTCInboundRtpStreamStats, RTCOutboundRtpStreamStats,
//! RTCRemoteInboundRtpStreamStats and RTCRemoteOutboundRtpStreamStats,
//! with Chromium's ids (pc/rtc_stats_collector.cc): "CIT01_111_<fmtp>"
//! for a codec as received, "COT01_…" as sent; "IT01A<ssrc>" and
//! "OT01V<ssrc>" for the streams; "RIA<ssrc>" and "ROV<ssrc>" for the
//! remote views. Only streams with data are in it, as in Chromium: an
//! inbound-rtp once a packet arrived, a remote-* once a report did, a
//! codec once a stream uses it.

use serde_json::{json, Value};

use super::{ms, object, TRANSPORT_ID};
use crate::time::Instant;

/// A codec as a stream uses it, in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecStats {
    /// As received ("CI…") or as sent ("CO…").
    pub inbound: bool,
    pub payload_type: u8,
    /// "audio/opus", "video/VP8": the kind and the rtpmap name.
    pub mime_type: String,
    pub clock_rate: u32,
    pub channels: Option<u32>,
    pub sdp_fmtp_line: Option<String>,
}

/// What the peer's SRs say of a stream we receive.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteOutboundRtpStats {
    pub packets_sent: u64,
    pub bytes_sent: u64,
    /// The SR's NTP time, in ms since the Unix epoch on the peer's clock.
    pub remote_timestamp: f64,
    pub reports_sent: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboundRtpStats {
    pub ssrc: u32,
    pub kind: &'static str,
    pub mid: Option<String>,
    pub track_identifier: String,
    pub codec: CodecStats,
    pub packets_received: u64,
    /// Payload octets.
    pub bytes_received: u64,
    pub header_bytes_received: u64,
    /// Cumulative, negative with duplicates (RFC 3550 §6.4.1).
    pub packets_lost: i64,
    /// Seconds.
    pub jitter: f64,
    pub last_packet_received: Instant,
    /// NACK, PLI and FIR packets we sent about it.
    pub nack_count: u64,
    pub pli_count: u64,
    pub fir_count: u64,
    pub frames_received: u64,
    pub remote: Option<RemoteOutboundRtpStats>,
}

/// What the peer's report blocks say of a stream we send.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteInboundRtpStats {
    /// Seconds: the latest, their sum, and how many.
    pub round_trip_time: Option<f64>,
    pub total_round_trip_time: f64,
    pub round_trip_time_measurements: u64,
    /// 0 to 1, since the peer's previous report.
    pub fraction_lost: f64,
    pub packets_lost: i64,
    /// Seconds.
    pub jitter: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRtpStats {
    pub ssrc: u32,
    pub kind: &'static str,
    pub mid: Option<String>,
    pub codec: CodecStats,
    /// Retransmissions included (webrtc-stats §7.8).
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub header_bytes_sent: u64,
    pub retransmitted_packets_sent: u64,
    pub retransmitted_bytes_sent: u64,
    /// NACK, PLI and FIR packets received about it.
    pub nack_count: u64,
    pub pli_count: u64,
    pub fir_count: u64,
    pub frames_sent: u64,
    pub remote: Option<RemoteInboundRtpStats>,
}

/// The media streams, each sorted by SSRC.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaStats {
    pub inbound: Vec<InboundRtpStats>,
    pub outbound: Vec<OutboundRtpStats>,
}

impl CodecStats {
    fn id(&self) -> String {
        let direction = if self.inbound { 'I' } else { 'O' };
        let mut id = format!("C{direction}{TRANSPORT_ID}_{}", self.payload_type);
        if let Some(fmtp) = &self.sdp_fmtp_line {
            id.push('_');
            id.push_str(fmtp);
        }
        id
    }
}

/// 'A' or 'V', as Chromium's ids have it.
fn kind_letter(kind: &str) -> char {
    if kind == "audio" {
        'A'
    } else {
        'V'
    }
}

/// The media part of the report: codecs, then inbound-rtp, outbound-rtp,
/// remote-inbound-rtp and remote-outbound-rtp; `timestamp` is the report's.
pub(super) fn report(media: &MediaStats, now: Instant, timestamp: f64, out: &mut Vec<Value>) {
    let t = timestamp;
    let codecs = media.inbound.iter().map(|i| &i.codec).chain(media.outbound.iter().map(|o| &o.codec));
    let mut codec_ids = Vec::new();
    for codec in codecs {
        let id = codec.id();
        if codec_ids.contains(&id) {
            continue;
        }
        out.push(object(
            &id,
            "codec",
            t,
            json!({
                "transportId": TRANSPORT_ID,
                "payloadType": codec.payload_type,
                "mimeType": codec.mime_type,
                "clockRate": codec.clock_rate,
                "channels": codec.channels,
                "sdpFmtpLine": codec.sdp_fmtp_line,
            }),
        ));
        codec_ids.push(id);
    }
    let inbound_id = |i: &InboundRtpStats| format!("I{TRANSPORT_ID}{}{}", kind_letter(i.kind), i.ssrc);
    let outbound_id = |o: &OutboundRtpStats| format!("O{TRANSPORT_ID}{}{}", kind_letter(o.kind), o.ssrc);
    let remote_inbound_id = |o: &OutboundRtpStats| format!("RI{}{}", kind_letter(o.kind), o.ssrc);
    let remote_outbound_id = |i: &InboundRtpStats| format!("RO{}{}", kind_letter(i.kind), i.ssrc);
    for i in &media.inbound {
        let video = i.kind == "video";
        out.push(object(
            &inbound_id(i),
            "inbound-rtp",
            t,
            json!({
                "ssrc": i.ssrc,
                "kind": i.kind,
                "mid": i.mid,
                "trackIdentifier": i.track_identifier,
                "codecId": i.codec.id(),
                "transportId": TRANSPORT_ID,
                "packetsReceived": i.packets_received,
                "bytesReceived": i.bytes_received,
                "headerBytesReceived": i.header_bytes_received,
                "packetsLost": i.packets_lost,
                "jitter": i.jitter,
                "lastPacketReceivedTimestamp": ms(Some(i.last_packet_received), now, t),
                "nackCount": i.nack_count,
                // Chromium leaves these out for audio.
                "pliCount": video.then_some(i.pli_count),
                "firCount": video.then_some(i.fir_count),
                "framesReceived": video.then_some(i.frames_received),
                "remoteId": i.remote.as_ref().map(|_| remote_outbound_id(i)),
            }),
        ));
    }
    for o in &media.outbound {
        let video = o.kind == "video";
        out.push(object(
            &outbound_id(o),
            "outbound-rtp",
            t,
            json!({
                "ssrc": o.ssrc,
                "kind": o.kind,
                "mid": o.mid,
                "codecId": o.codec.id(),
                "transportId": TRANSPORT_ID,
                "packetsSent": o.packets_sent,
                "bytesSent": o.bytes_sent,
                "headerBytesSent": o.header_bytes_sent,
                "retransmittedPacketsSent": o.retransmitted_packets_sent,
                "retransmittedBytesSent": o.retransmitted_bytes_sent,
                "nackCount": o.nack_count,
                "pliCount": video.then_some(o.pli_count),
                "firCount": video.then_some(o.fir_count),
                "framesSent": video.then_some(o.frames_sent),
                "remoteId": o.remote.as_ref().map(|_| remote_inbound_id(o)),
            }),
        ));
    }
    for o in &media.outbound {
        let Some(r) = &o.remote else { continue };
        out.push(object(
            &remote_inbound_id(o),
            "remote-inbound-rtp",
            t,
            json!({
                "ssrc": o.ssrc,
                "kind": o.kind,
                "codecId": o.codec.id(),
                "transportId": TRANSPORT_ID,
                "roundTripTime": r.round_trip_time,
                "totalRoundTripTime": r.total_round_trip_time,
                "roundTripTimeMeasurements": r.round_trip_time_measurements,
                "fractionLost": r.fraction_lost,
                "packetsLost": r.packets_lost,
                "jitter": r.jitter,
                "localId": outbound_id(o),
            }),
        ));
    }
    for i in &media.inbound {
        let Some(r) = &i.remote else { continue };
        out.push(object(
            &remote_outbound_id(i),
            "remote-outbound-rtp",
            t,
            json!({
                "ssrc": i.ssrc,
                "kind": i.kind,
                "codecId": i.codec.id(),
                "transportId": TRANSPORT_ID,
                "packetsSent": r.packets_sent,
                "bytesSent": r.bytes_sent,
                "remoteTimestamp": r.remote_timestamp,
                "reportsSent": r.reports_sent,
                "localId": inbound_id(i),
            }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(inbound: bool) -> CodecStats {
        CodecStats {
            inbound,
            payload_type: 111,
            mime_type: "audio/opus".into(),
            clock_rate: 48000,
            channels: Some(2),
            sdp_fmtp_line: Some("minptime=10;useinbandfec=1".into()),
        }
    }

    #[test]
    fn chromium_ids_and_links() {
        let media = MediaStats {
            inbound: vec![InboundRtpStats {
                ssrc: 1234,
                kind: "audio",
                mid: Some("0".into()),
                track_identifier: "t".into(),
                codec: codec(true),
                packets_received: 10,
                bytes_received: 1000,
                header_bytes_received: 120,
                packets_lost: 1,
                jitter: 0.002,
                last_packet_received: Instant::from_micros(500_000),
                nack_count: 0,
                pli_count: 0,
                fir_count: 0,
                frames_received: 10,
                remote: Some(RemoteOutboundRtpStats {
                    packets_sent: 11,
                    bytes_sent: 1100,
                    remote_timestamp: 5.0,
                    reports_sent: 1,
                }),
            }],
            outbound: vec![OutboundRtpStats {
                ssrc: 99,
                kind: "video",
                mid: Some("1".into()),
                codec: CodecStats {
                    mime_type: "video/VP8".into(),
                    payload_type: 96,
                    sdp_fmtp_line: None,
                    channels: None,
                    clock_rate: 90000,
                    inbound: false,
                },
                packets_sent: 5,
                bytes_sent: 5000,
                header_bytes_sent: 60,
                retransmitted_packets_sent: 0,
                retransmitted_bytes_sent: 0,
                nack_count: 0,
                pli_count: 2,
                fir_count: 0,
                frames_sent: 3,
                remote: None,
            }],
        };
        let mut out = Vec::new();
        report(&media, Instant::from_micros(1_000_000), 10_000.0, &mut out);
        let ids: Vec<&str> = out.iter().map(|v| v["id"].as_str().unwrap_or_default()).collect();
        assert_eq!(ids, ["CIT01_111_minptime=10;useinbandfec=1", "COT01_96", "IT01A1234", "OT01V99", "ROA1234"]);
        assert_eq!(out[2]["codecId"], ids[0]);
        assert_eq!(out[2]["remoteId"], "ROA1234");
        assert_eq!(out[2]["lastPacketReceivedTimestamp"], 9500.0);
        assert!(out[2].get("pliCount").is_none(), "audio has no pliCount");
        assert_eq!(out[3]["pliCount"], 2);
        assert!(out[3].get("remoteId").is_none());
        assert_eq!(out[4]["localId"], "IT01A1234");
        assert_eq!(out[4]["type"], "remote-outbound-rtp");
        assert_eq!(out[0]["channels"], 2);
        assert!(out[1].get("sdpFmtpLine").is_none());
    }
}
