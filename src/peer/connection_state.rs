//! The states the API shows of the transports, and RTCPeerConnectionState
//! aggregated from them (webrtc-pc §4.3.3) over the one ICE and the one
//! DTLS transport (everything is bundled). RTCDtlsTransport shows
//! `connecting` before any outcome (§5.5), though the DTLS endpoint only
//! reports outcomes: from the moment it exists and ICE has a path, or just
//! before the outcome if that comes first.

use crate::dtls::DtlsState;
use crate::ice::IceConnectionState;

use super::output::{Outputs, PeerEvent};

/// RTCPeerConnectionState (webrtc-pc §4.3.3), aggregated over the ICE and
/// DTLS transports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerConnectionState {
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

impl PeerConnectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerConnectionState::New => "new",
            PeerConnectionState::Connecting => "connecting",
            PeerConnectionState::Connected => "connected",
            PeerConnectionState::Disconnected => "disconnected",
            PeerConnectionState::Failed => "failed",
            PeerConnectionState::Closed => "closed",
        }
    }
}

/// iceConnectionState, RTCDtlsTransport.state and connectionState, and the
/// state-change events that keep the API's copies in step.
#[derive(Debug)]
pub(super) struct TransportStates {
    ice: IceConnectionState,
    dtls: DtlsState,
    connection: PeerConnectionState,
}

impl TransportStates {
    pub(super) fn new() -> TransportStates {
        TransportStates {
            ice: IceConnectionState::New,
            dtls: DtlsState::New,
            connection: PeerConnectionState::New,
        }
    }

    pub(super) fn ice(&self) -> IceConnectionState {
        self.ice
    }

    pub(super) fn dtls(&self) -> DtlsState {
        self.dtls
    }

    pub(super) fn connection(&self) -> PeerConnectionState {
        self.connection
    }

    /// The ICE agent changed state; `dtls_started` says whether the DTLS
    /// endpoint exists yet.
    pub(super) fn ice_changed(
        &mut self,
        state: IceConnectionState,
        dtls_started: bool,
        out: &mut Outputs,
    ) {
        self.ice = state;
        out.event(PeerEvent::IceConnectionStateChange(state));
        self.aggregate(dtls_started, out);
    }

    /// The DTLS endpoint reached an outcome: connected, closed or failed.
    pub(super) fn dtls_changed(&mut self, state: DtlsState, out: &mut Outputs) {
        if self.dtls == DtlsState::New && state != DtlsState::Connecting {
            self.dtls_connecting(out);
        }
        if self.dtls == state {
            return;
        }
        self.dtls = state;
        out.event(PeerEvent::DtlsStateChange(state));
        self.aggregate(true, out);
    }

    /// close() (webrtc-pc §4.4.1.7): the connection is closed, whatever the
    /// transports report after.
    pub(super) fn close(&mut self) {
        self.connection = PeerConnectionState::Closed;
    }

    fn dtls_connecting(&mut self, out: &mut Outputs) {
        self.dtls = DtlsState::Connecting;
        out.event(PeerEvent::DtlsStateChange(DtlsState::Connecting));
    }

    fn aggregate(&mut self, dtls_started: bool, out: &mut Outputs) {
        if self.connection == PeerConnectionState::Closed {
            return;
        }
        let ice_has_path = matches!(
            self.ice,
            IceConnectionState::Connected | IceConnectionState::Completed
        );
        if self.dtls == DtlsState::New && dtls_started && ice_has_path {
            self.dtls_connecting(out);
        }
        let state = aggregate(self.ice, self.dtls);
        if state != self.connection {
            self.connection = state;
            out.event(PeerEvent::ConnectionStateChange(state));
        }
    }
}

/// The table of webrtc-pc §4.3.3, first row that applies, for one ICE and
/// one DTLS transport. `completed` counts as `connected`, as in browsers.
fn aggregate(ice: IceConnectionState, dtls: DtlsState) -> PeerConnectionState {
    use IceConnectionState as I;
    match (ice, dtls) {
        (I::Closed, _) => PeerConnectionState::Closed,
        (I::Failed, _) | (_, DtlsState::Failed) => PeerConnectionState::Failed,
        (I::Disconnected, _) => PeerConnectionState::Disconnected,
        (I::New, DtlsState::New | DtlsState::Closed) => PeerConnectionState::New,
        (I::New | I::Checking, _) | (_, DtlsState::New | DtlsState::Connecting) => {
            PeerConnectionState::Connecting
        }
        (I::Connected | I::Completed, DtlsState::Connected | DtlsState::Closed) => {
            PeerConnectionState::Connected
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peer::output::Queued;
    use crate::peer::Output;

    use DtlsState as D;
    use IceConnectionState as I;
    use PeerConnectionState as P;

    fn events(out: &mut Outputs) -> Vec<PeerEvent> {
        std::iter::from_fn(|| out.pop())
            .map(|o| match o {
                Queued::Output(Output::Event(e)) => *e,
                other => panic!("not an event: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_spec_table_row_by_row() {
        let rows = [
            // closed: only close() or a closed ICE agent.
            (I::Closed, D::Connected, P::Closed),
            // failed: ICE failed, or DTLS failed.
            (I::Failed, D::Connected, P::Failed),
            (I::Failed, D::New, P::Failed),
            (I::Connected, D::Failed, P::Failed),
            (I::Disconnected, D::Failed, P::Failed),
            (I::New, D::Failed, P::Failed),
            // disconnected: ICE disconnected, DTLS in any other state.
            (I::Disconnected, D::Connected, P::Disconnected),
            (I::Disconnected, D::New, P::Disconnected),
            // new: ICE new and DTLS new or closed.
            (I::New, D::New, P::New),
            (I::New, D::Closed, P::New),
            // connected: ICE connected (or completed), DTLS connected or closed.
            (I::Connected, D::Connected, P::Connected),
            (I::Completed, D::Connected, P::Connected),
            (I::Connected, D::Closed, P::Connected),
            // connecting: none of the above.
            (I::New, D::Connecting, P::Connecting),
            (I::New, D::Connected, P::Connecting),
            (I::Checking, D::New, P::Connecting),
            (I::Checking, D::Connected, P::Connecting),
            (I::Checking, D::Closed, P::Connecting),
            (I::Connected, D::New, P::Connecting),
            (I::Connected, D::Connecting, P::Connecting),
            (I::Completed, D::Connecting, P::Connecting),
        ];
        for (ice, dtls, expected) in rows {
            assert_eq!(aggregate(ice, dtls), expected, "ICE {ice:?}, DTLS {dtls:?}");
        }
    }

    #[test]
    fn dtls_shows_connecting_once_it_exists_and_ice_has_a_path() {
        let mut states = TransportStates::new();
        let mut out = Outputs::default();
        states.ice_changed(I::Checking, true, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::IceConnectionStateChange(I::Checking),
                PeerEvent::ConnectionStateChange(P::Connecting)
            ]
        );
        states.ice_changed(I::Connected, true, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::IceConnectionStateChange(I::Connected),
                PeerEvent::DtlsStateChange(D::Connecting)
            ]
        );
        states.dtls_changed(D::Connected, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::DtlsStateChange(D::Connected),
                PeerEvent::ConnectionStateChange(P::Connected)
            ]
        );
        assert_eq!(
            (states.ice(), states.dtls(), states.connection()),
            (I::Connected, D::Connected, P::Connected)
        );
    }

    #[test]
    fn without_a_dtls_endpoint_dtls_stays_new() {
        let mut states = TransportStates::new();
        let mut out = Outputs::default();
        states.ice_changed(I::Connected, false, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::IceConnectionStateChange(I::Connected),
                PeerEvent::ConnectionStateChange(P::Connecting)
            ]
        );
        assert_eq!(states.dtls(), D::New);
    }

    #[test]
    fn an_outcome_before_ice_has_a_path_is_preceded_by_connecting() {
        let mut states = TransportStates::new();
        let mut out = Outputs::default();
        states.dtls_changed(D::Failed, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::DtlsStateChange(D::Connecting),
                PeerEvent::DtlsStateChange(D::Failed),
                PeerEvent::ConnectionStateChange(P::Failed),
            ]
        );
        states.dtls_changed(D::Failed, &mut out);
        assert!(
            events(&mut out).is_empty(),
            "the same state twice is no change"
        );
    }

    #[test]
    fn after_close_the_connection_stays_closed() {
        let mut states = TransportStates::new();
        let mut out = Outputs::default();
        states.ice_changed(I::Connected, true, &mut out);
        states.dtls_changed(D::Connected, &mut out);
        events(&mut out);
        states.close();
        states.dtls_changed(D::Closed, &mut out);
        states.ice_changed(I::Failed, true, &mut out);
        assert_eq!(
            events(&mut out),
            [
                PeerEvent::DtlsStateChange(D::Closed),
                PeerEvent::IceConnectionStateChange(I::Failed)
            ],
            "the transports' own events still fire"
        );
        assert_eq!(states.connection(), P::Closed);
    }
}
