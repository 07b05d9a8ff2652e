//! The W3C webrtc-stats dictionaries the data path reports (webrtc-stats
//! §7: RTCPeerConnectionStats, RTCDataChannelStats, RTCTransportStats,
//! RTCIceCandidatePairStats, RTCIceCandidateStats, RTCCertificateStats),
//! built from a snapshot of the peer's layers. Ids are stable across calls,
//! so a caller can follow one object's counters over time. The media types
//! (inbound-rtp, outbound-rtp, codec, media-source) join this list as
//! members of [`StatsInput`] when media exists.

pub mod media;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::dtls::certificate::{fingerprint_of, format_fingerprint};
use crate::ice::PairReport;
use crate::sdp::Candidate;

/// One data channel's counters (webrtc-stats §7.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStats {
    /// A key unique within the peer connection for the channel's life.
    pub key: u32,
    pub label: String,
    pub protocol: String,
    pub identifier: Option<u16>,
    pub state: &'static str,
    pub messages_sent: u64,
    pub bytes_sent: u64,
    pub messages_received: u64,
    pub bytes_received: u64,
}

/// The one (bundled) transport.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportStats {
    pub ice_state: &'static str,
    pub ice_role: &'static str,
    pub ice_local_username_fragment: String,
    pub dtls_state: &'static str,
    pub dtls_role: Option<&'static str>,
    pub dtls_cipher: Option<&'static str>,
    pub srtp_cipher: Option<&'static str>,
    pub selected_candidate_pair_changes: u64,
    pub local_certificate: Vec<u8>,
    pub remote_certificate: Option<Vec<u8>>,
    /// Each local candidate with the iceServers URL it came from and the
    /// tunnel's protocol (RTCIceServerTransportProtocol).
    pub local_candidates: Vec<(Candidate, String, &'static str)>,
    pub remote_candidates: Vec<Candidate>,
    pub pairs: Vec<PairReport>,
    /// The selected pair's availableOutgoingBitrate: what SCTP's congestion
    /// window lets through (there is no media congestion controller).
    pub available_outgoing_bitrate: Option<f64>,
}

/// Everything a report is made of, read from the peer at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsInput {
    /// Milliseconds since the Unix epoch (DOMHighResTimeStamp), from the host.
    pub timestamp: f64,
    pub data_channels_opened: u64,
    pub data_channels_closed: u64,
    pub channels: Vec<ChannelStats>,
    pub transport: Option<TransportStats>,
    pub media: media::MediaStats,
}

const TRANSPORT_ID: &str = "T01";

fn candidate_id(prefix: &str, c: &Candidate) -> String {
    format!("{prefix}{}_{}_{}", c.foundation, c.address, c.port)
}

fn certificate_id(der: &[u8]) -> String {
    format!("CF{}", fingerprint(der))
}

fn fingerprint(der: &[u8]) -> String {
    fingerprint_of(der, "sha-256").map_or_else(String::new, |f| format_fingerprint(&f, true))
}

fn ms(instant: Option<crate::time::Instant>, now: crate::time::Instant, timestamp: f64) -> Option<f64> {
    // A host Instant to the report's clock: the same distance before `now`.
    instant.map(|t| (timestamp - (now - t).as_secs_f64() * 1000.0).floor())
}

fn object(id: &str, ty: &str, timestamp: f64, fields: Value) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(id));
    map.insert("timestamp".into(), json!(timestamp));
    map.insert("type".into(), json!(ty));
    if let Value::Object(more) = fields {
        map.extend(more.into_iter().filter(|(_, v)| !v.is_null()));
    }
    Value::Object(map)
}

fn candidate_stats(id: &str, ty: &str, c: &Candidate, timestamp: f64, local: Option<(&str, &str)>) -> Value {
    let ufrag = c.extensions.iter().find(|(k, _)| k == "ufrag").map(|(_, v)| v.clone());
    let mut fields = json!({
        "transportId": TRANSPORT_ID,
        "address": c.address,
        "ip": c.address,
        "port": c.port,
        "protocol": c.transport.to_ascii_lowercase(),
        "candidateType": c.typ,
        "priority": c.priority,
        "foundation": c.foundation,
        "usernameFragment": ufrag,
        "isRemote": local.is_none(),
    });
    if let (Some((url, relay_protocol)), Value::Object(map)) = (local, &mut fields) {
        map.insert("url".into(), json!(url));
        map.insert("relayProtocol".into(), json!(relay_protocol));
        // A tunnel is not a network interface the page can name.
        map.insert("networkType".into(), json!("unknown"));
    }
    object(id, ty, timestamp, fields)
}

/// The report: one dictionary per stats object, in Chromium's order of
/// types (certificate, candidate-pair, data-channel, candidates, peer
/// connection, transport).
pub fn report(input: &StatsInput, now: crate::time::Instant) -> Vec<Value> {
    let t = input.timestamp;
    let mut out = Vec::new();
    if let Some(transport) = &input.transport {
        out.push(certificate(&transport.local_certificate, t));
        if let Some(remote) = &transport.remote_certificate {
            out.push(certificate(remote, t));
        }
        for pair in &transport.pairs {
            let s = &pair.stats;
            let local = candidate_id("I", &pair.local);
            let remote = candidate_id("I", &pair.remote);
            out.push(object(
                &format!("CP{local}_{remote}"),
                "candidate-pair",
                t,
                json!({
                    "transportId": TRANSPORT_ID,
                    "localCandidateId": local,
                    "remoteCandidateId": remote,
                    "state": pair.state,
                    "nominated": pair.nominated,
                    "priority": pair.priority,
                    "writable": pair.state == "succeeded",
                    "packetsSent": s.packets_sent,
                    "packetsReceived": s.packets_received,
                    "bytesSent": s.bytes_sent,
                    "bytesReceived": s.bytes_received,
                    "lastPacketSentTimestamp": ms(s.last_packet_sent, now, t),
                    "lastPacketReceivedTimestamp": ms(s.last_packet_received, now, t),
                    "totalRoundTripTime": s.total_round_trip_time.as_secs_f64(),
                    "currentRoundTripTime": s.current_round_trip_time.map(|d| d.as_secs_f64()),
                    "requestsReceived": s.requests_received,
                    "requestsSent": s.requests_sent,
                    "responsesReceived": s.responses_received,
                    "responsesSent": s.responses_sent,
                    "consentRequestsSent": s.consent_requests_sent,
                    "packetsDiscardedOnSend": s.packets_discarded_on_send,
                    "bytesDiscardedOnSend": s.bytes_discarded_on_send,
                    "availableOutgoingBitrate": if pair.selected { transport.available_outgoing_bitrate } else { None },
                }),
            ));
        }
    }
    for c in &input.channels {
        out.push(object(
            &format!("D{}", c.key),
            "data-channel",
            t,
            json!({
                "label": c.label,
                "protocol": c.protocol,
                "dataChannelIdentifier": c.identifier,
                "state": c.state,
                "messagesSent": c.messages_sent,
                "bytesSent": c.bytes_sent,
                "messagesReceived": c.messages_received,
                "bytesReceived": c.bytes_received,
            }),
        ));
    }
    if let Some(transport) = &input.transport {
        for (c, url, relay_protocol) in &transport.local_candidates {
            out.push(candidate_stats(&candidate_id("I", c), "local-candidate", c, t, Some((url, relay_protocol))));
        }
        for c in &transport.remote_candidates {
            out.push(candidate_stats(&candidate_id("I", c), "remote-candidate", c, t, None));
        }
    }
    out.push(object(
        "P",
        "peer-connection",
        t,
        json!({ "dataChannelsOpened": input.data_channels_opened, "dataChannelsClosed": input.data_channels_closed }),
    ));
    if let Some(transport) = &input.transport {
        let selected = transport.pairs.iter().find(|p| p.selected);
        let sum = |f: fn(&PairReport) -> u64| transport.pairs.iter().map(f).sum::<u64>();
        out.push(object(
            TRANSPORT_ID,
            "transport",
            t,
            json!({
                "packetsSent": sum(|p| p.stats.packets_sent),
                "packetsReceived": sum(|p| p.stats.packets_received),
                "bytesSent": sum(|p| p.stats.bytes_sent),
                "bytesReceived": sum(|p| p.stats.bytes_received),
                "iceRole": transport.ice_role,
                "iceLocalUsernameFragment": transport.ice_local_username_fragment,
                "iceState": transport.ice_state,
                "dtlsState": transport.dtls_state,
                "dtlsRole": transport.dtls_role,
                "selectedCandidatePairId": selected.map(|p| format!("CP{}_{}", candidate_id("I", &p.local), candidate_id("I", &p.remote))),
                "selectedCandidatePairChanges": transport.selected_candidate_pair_changes,
                "localCertificateId": certificate_id(&transport.local_certificate),
                "remoteCertificateId": transport.remote_certificate.as_deref().map(certificate_id),
                // DTLS 1.2 as the record layer writes it (RFC 6347 §4.1).
                "tlsVersion": transport.dtls_cipher.map(|_| "FEFD"),
                "dtlsCipher": transport.dtls_cipher,
                "srtpCipher": transport.srtp_cipher,
            }),
        ));
    }
    media::report(&input.media, now, t, &mut out);
    out
}

fn certificate(der: &[u8], timestamp: f64) -> Value {
    object(
        &certificate_id(der),
        "certificate",
        timestamp,
        json!({
            "fingerprint": fingerprint(der),
            "fingerprintAlgorithm": "sha-256",
            "base64Certificate": STANDARD.encode(der),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_are_left_out_and_ids_are_stable() {
        let input = StatsInput {
            timestamp: 1000.0,
            data_channels_opened: 1,
            data_channels_closed: 0,
            channels: vec![ChannelStats {
                key: 3,
                label: "x".into(),
                protocol: String::new(),
                identifier: None,
                state: "connecting",
                messages_sent: 0,
                bytes_sent: 0,
                messages_received: 0,
                bytes_received: 0,
            }],
            transport: None,
            media: Default::default(),
        };
        let report = report(&input, crate::time::Instant::ZERO);
        assert_eq!(report.len(), 2);
        assert_eq!(report[0]["id"], "D3");
        assert!(report[0].get("dataChannelIdentifier").is_none());
        assert_eq!(report[1]["type"], "peer-connection");
        assert_eq!(report[1]["dataChannelsOpened"], 1);
    }
}
