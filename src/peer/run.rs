//! Running the layers to quiescence, at the end of every call into the
//! peer (DESIGN.md, "sans-IO"): outbound, SCTP packets become DTLS records,
//! DTLS datagrams and SRTP packets go onto the ICE transport and ICE's
//! transmits to the host; inbound, what ICE receives is demultiplexed
//! (RFC 7983), DTLS's share decrypted into SCTP and SRTP's into media; and
//! each layer's events become the API's, until nothing moves. The host's `poll_output` then only reads the queue.

use crate::dtls::{DtlsEvent, DtlsState};
use crate::ice::IceEvent;
use crate::time::Instant;

use super::demux::{self, Protocol};
use super::output::{Output, PeerEvent};
use super::PeerConnection;

impl PeerConnection {
    /// Passes over the layers, all with the time of the call being handled,
    /// until one pass moves nothing.
    pub(super) fn run(&mut self, now: Instant) {
        while self.pass(now) {}
    }

    /// Each layer's output to the next, outbound then inbound and events;
    /// whether anything moved.
    fn pass(&mut self, now: Instant) -> bool {
        let mut moved = false;
        while let Some(packet) = self.data.poll_transmit() {
            moved = true;
            self.dtls.send_application_data(&packet);
        }
        let ice = &mut self.ice;
        moved |= self.dtls.flush(|datagram| ice.send(now, datagram));
        while let Some(packet) = self.media.poll_transmit() {
            moved = true;
            // One ICE refuses (no path yet) is lost as on a dead network.
            self.ice.send(now, &packet);
        }
        while let Some((tunnel, data)) = self.ice.poll_transmit() {
            moved = true;
            self.outputs.push(Output::Transmit { tunnel, data });
        }
        while let Some(event) = self.ice.poll_event() {
            moved = true;
            self.ice_event(now, event);
        }
        while let Some(event) = self.dtls.poll_event() {
            moved = true;
            self.dtls_event(now, event);
        }
        while let Some(event) = self.data.poll_event() {
            moved = true;
            self.outputs.event(event);
        }
        moved
    }

    fn ice_event(&mut self, now: Instant, event: IceEvent) {
        let event = match event {
            IceEvent::Data(datagram) => return self.demultiplex(now, &datagram),
            IceEvent::ConnectionStateChange(state) => {
                return self
                    .states
                    .ice_changed(state, self.dtls.started(), &mut self.outputs);
            }
            IceEvent::LocalCandidate { candidate, url } => {
                return self.outputs.local_candidate(Some((candidate, url)))
            }
            IceEvent::GatheringComplete => return self.outputs.local_candidate(None),
            IceEvent::GatheringStateChange(state) => PeerEvent::IceGatheringStateChange(state),
            IceEvent::SelectedPairChange { local, remote } => {
                PeerEvent::SelectedCandidatePairChange { local, remote }
            }
            IceEvent::CandidateError {
                url,
                error_code,
                error_text,
            } => PeerEvent::IceCandidateError {
                url,
                error_code,
                error_text,
            },
        };
        self.outputs.event(event);
    }

    /// A datagram from the peer that ICE did not consume, to its layer.
    fn demultiplex(&mut self, now: Instant, datagram: &[u8]) {
        match demux::classify(datagram) {
            Protocol::Dtls => self.dtls.handle_datagram(now, datagram),
            Protocol::Rtp => {
                self.media
                    .handle_rtp(now, datagram, &self.transceivers, &mut self.outputs)
            }
            Protocol::Rtcp => {
                self.media
                    .handle_rtcp(now, datagram, &self.transceivers, &mut self.outputs)
            }
            // STUN is the ICE agent's; the rest is not WebRTC's.
            Protocol::Stun | Protocol::Unknown => {}
        }
    }

    fn dtls_event(&mut self, now: Instant, event: DtlsEvent) {
        match event {
            DtlsEvent::Connected { srtp, .. } => {
                if let (Some((profile, material)), Some(role)) = (srtp, self.jsep.dtls_role()) {
                    self.media.connect(role, profile, &material);
                }
                self.states
                    .dtls_changed(DtlsState::Connected, &mut self.outputs);
                self.data.connect(now);
            }
            DtlsEvent::ApplicationData(packet) => self.data.handle_sctp_packet(now, &packet),
            DtlsEvent::Closed => self
                .states
                .dtls_changed(DtlsState::Closed, &mut self.outputs),
            DtlsEvent::Failed(error) => {
                // webrtc-pc §5.5: the error event, then the state change.
                self.outputs.event(PeerEvent::DtlsError(error));
                self.states
                    .dtls_changed(DtlsState::Failed, &mut self.outputs);
            }
        }
    }
}
