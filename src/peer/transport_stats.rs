//! getStats' view of the transport (webrtc-stats §7.7 RTCTransportStats,
//! with the candidates, pairs and certificates it links to), read from the
//! ICE, DTLS and SCTP layers (and media's congestion controller) once
//! gathering started.

use crate::jsep::Session;
use crate::stats::TransportStats;

use super::connection_state::TransportStates;
use super::data::Data;
use super::dtls_transport::DtlsTransport;
use super::ice_transport::IceTransport;

pub(super) fn transport_stats(
    ice: &IceTransport,
    dtls: &DtlsTransport,
    states: &TransportStates,
    data: &Data,
    jsep: &Session,
    media_target: Option<f64>,
) -> Option<TransportStats> {
    let agent = ice.agent()?;
    // RTCIceServerTransportProtocol of the tunnel a candidate came through.
    let relay_protocol = |url: &str| {
        if url.starts_with("wss:") {
            "tls"
        } else {
            "tcp"
        }
    };
    Some(TransportStats {
        ice_state: states.ice().as_str(),
        ice_role: if agent.controlling() {
            "controlling"
        } else {
            "controlled"
        },
        ice_local_username_fragment: jsep.local_ice_credentials().0,
        dtls_state: states.dtls().as_str(),
        dtls_role: jsep
            .dtls_role()
            .filter(|_| dtls.started())
            .map(|role| role.as_str()),
        dtls_cipher: dtls.cipher_suite(),
        srtp_cipher: dtls.srtp_profile(),
        selected_candidate_pair_changes: ice.selected_pair_changes(),
        local_certificate: dtls.local_certificate().der().to_vec(),
        remote_certificate: dtls.remote_certificates().first().cloned(),
        local_candidates: ice
            .local_urls()
            .iter()
            .map(|(c, url)| (c.clone(), url.clone(), relay_protocol(url)))
            .collect(),
        remote_candidates: agent.remote_candidates(),
        pairs: agent.pair_reports(),
        // The congestion controller's target once media has feedback, else
        // what SCTP's congestion window lets through.
        available_outgoing_bitrate: media_target.or_else(|| data.available_outgoing_bitrate()),
    })
}
