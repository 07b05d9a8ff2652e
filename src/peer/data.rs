//! Data channels in the peer (webrtc-pc §6): the RTCSctpTransport, started
//! once an answer negotiated the application section and fixed the DTLS
//! role (which decides in-band stream ids, RFC 8832 §6); the channels the
//! API created before it existed, opened then in creation order; and the
//! handles the API knows channels by from createDataChannel on.

use std::collections::{BTreeMap, HashMap};

use crate::datachannel::{
    ChannelId, ChannelInit, DataChannelEvent, DataChannelState, DataChannels, SctpConfig,
    SctpTransportState,
};
use crate::dtls::DtlsRole;
use crate::error::RtcError;
use crate::jsep::SctpParameters;
use crate::random::Random;
use crate::stats::ChannelStats;
use crate::time::Instant;

use super::output::{Outputs, PeerEvent};

/// A data channel as the API knows it, from createDataChannel (or the
/// `datachannel` event) until it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelHandle(pub u32);

#[derive(Default)]
pub(super) struct Data {
    engine: Option<DataChannels>,
    /// Channels created before the transport existed, in creation order.
    pending: Vec<(ChannelHandle, ChannelInit)>,
    by_handle: BTreeMap<ChannelHandle, ChannelId>,
    by_id: HashMap<ChannelId, ChannelHandle>,
    next_handle: u32,
    /// getStats' data-channel objects, kept after a channel closes.
    records: BTreeMap<ChannelHandle, ChannelStats>,
    opened: u64,
    closed: u64,
}

impl Data {
    fn new_handle(&mut self) -> ChannelHandle {
        self.next_handle += 1;
        ChannelHandle(self.next_handle)
    }

    fn record(&mut self, handle: ChannelHandle, label: &str, protocol: &str) {
        self.records.insert(
            handle,
            ChannelStats {
                key: handle.0,
                label: label.to_string(),
                protocol: protocol.to_string(),
                identifier: None,
                state: "connecting",
                messages_sent: 0,
                bytes_sent: 0,
                messages_received: 0,
                bytes_received: 0,
            },
        );
    }

    /// getStats: dataChannelsOpened, dataChannelsClosed and each channel's counters.
    pub(super) fn stats(&self) -> (u64, u64, Vec<ChannelStats>) {
        let channels = self
            .records
            .iter()
            .map(|(handle, record)| {
                let mut record = record.clone();
                if record.state != "closed" {
                    record.state = self.ready_state(*handle).as_str();
                }
                record.identifier = record.identifier.or_else(|| self.stream_id(*handle));
                record
            })
            .collect();
        (self.opened, self.closed, channels)
    }

    fn bind(&mut self, handle: ChannelHandle, id: ChannelId) {
        self.by_handle.insert(handle, id);
        self.by_id.insert(id, handle);
    }

    /// createDataChannel (webrtc-pc §4.4.1.6 / §6.1): made at once if the
    /// transport exists, else kept until it does. A negotiated id already
    /// taken is an OperationError either way.
    pub(super) fn create(&mut self, init: ChannelInit) -> Result<ChannelHandle, RtcError> {
        let (label, protocol) = (init.label.clone(), init.protocol.clone());
        if let Some(engine) = self.engine.as_mut() {
            let id = engine.create_channel(init)?;
            let handle = self.new_handle();
            self.bind(handle, id);
            self.record(handle, &label, &protocol);
            return Ok(handle);
        }
        if init.negotiated {
            let id = init
                .id
                .ok_or_else(|| RtcError::type_error("negotiated channels need an id"))?;
            if self
                .pending
                .iter()
                .any(|(_, p)| p.negotiated && p.id == Some(id))
            {
                return Err(RtcError::operation(format!("id {id} is in use")));
            }
        }
        let handle = self.new_handle();
        self.pending.push((handle, init));
        self.record(handle, &label, &protocol);
        Ok(handle)
    }

    /// After a description was applied: the transport comes into being once
    /// the DTLS role is known and an answer negotiated the application
    /// section, and the channels made so far join it (a pending channel it
    /// refuses fails with its error). If DTLS is up already, so is SCTP.
    pub(super) fn described(
        &mut self,
        now: Instant,
        role: DtlsRole,
        parameters: Option<SctpParameters>,
        dtls_connected: bool,
        random: &mut Random,
        out: &mut Outputs,
    ) {
        let (None, Some(parameters)) = (&self.engine, parameters) else {
            return;
        };
        let mut engine =
            DataChannels::new(SctpConfig::from_parameters(role, &parameters), random, now);
        for (handle, init) in std::mem::take(&mut self.pending) {
            match engine.create_channel(init) {
                Ok(id) => self.bind(handle, id),
                Err(error) => {
                    out.event(PeerEvent::DataChannelError(handle, error));
                    out.event(PeerEvent::DataChannelClosed(handle));
                }
            }
        }
        self.engine = Some(engine);
        if dtls_connected {
            self.connect(now);
        }
    }

    /// DTLS is up: start the association.
    pub(super) fn connect(&mut self, now: Instant) {
        if let Some(engine) = self.engine.as_mut() {
            engine.connect(now);
        }
    }

    pub(super) fn handle_sctp_packet(&mut self, now: Instant, packet: &[u8]) {
        if let Some(engine) = self.engine.as_mut() {
            engine.handle_sctp_packet(now, packet);
        }
    }

    pub(super) fn handle_timeout(&mut self, now: Instant) {
        if let Some(engine) = self.engine.as_mut() {
            if engine.poll_timeout().is_some_and(|t| t <= now) {
                engine.handle_timeout(now);
            }
        }
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.engine.as_ref()?.poll_timeout()
    }

    pub(super) fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.engine.as_mut()?.poll_transmit()
    }

    /// The engine's next event, as the API's.
    pub(super) fn poll_event(&mut self) -> Option<PeerEvent> {
        let event = self.engine.as_mut()?.poll_event()?;
        Some(match event {
            DataChannelEvent::StateChange(state) => PeerEvent::SctpStateChange(state),
            DataChannelEvent::ChannelCreatedByPeer { id, channel } => {
                let handle = self.new_handle();
                self.bind(handle, id);
                self.record(handle, &channel.label, &channel.protocol);
                self.opened += 1;
                PeerEvent::DataChannelCreatedByPeer { handle, channel }
            }
            DataChannelEvent::ChannelOpen(id) => {
                let handle = self.handle(id)?;
                // A channel the peer created was counted when announced.
                if self
                    .records
                    .get(&handle)
                    .is_some_and(|r| r.state == "connecting")
                {
                    self.opened += 1;
                }
                let identifier = self.stream_id(handle);
                if let Some(record) = self.records.get_mut(&handle) {
                    record.state = "open";
                    record.identifier = identifier;
                }
                PeerEvent::DataChannelOpen(handle)
            }
            DataChannelEvent::Message { id, binary, data } => {
                let handle = self.handle(id)?;
                if let Some(record) = self.records.get_mut(&handle) {
                    record.messages_received += 1;
                    record.bytes_received += data.len() as u64;
                }
                PeerEvent::DataChannelMessage {
                    handle,
                    binary,
                    data,
                }
            }
            DataChannelEvent::BufferedAmountLow(id) => {
                PeerEvent::DataChannelBufferedAmountLow(self.handle(id)?)
            }
            DataChannelEvent::ChannelClosing(id) => PeerEvent::DataChannelClosing(self.handle(id)?),
            DataChannelEvent::ChannelClosed(id) => {
                let handle = self.by_id.remove(&id)?;
                self.by_handle.remove(&handle);
                if let Some(record) = self.records.get_mut(&handle) {
                    if record.state != "connecting" {
                        self.closed += 1;
                    }
                    record.state = "closed";
                }
                PeerEvent::DataChannelClosed(handle)
            }
            DataChannelEvent::ChannelError(id, error) => {
                PeerEvent::DataChannelError(self.handle(id)?, error)
            }
        })
    }

    fn handle(&self, id: ChannelId) -> Option<ChannelHandle> {
        self.by_id.get(&id).copied()
    }

    fn engine_and_id(&mut self, handle: ChannelHandle) -> Option<(&mut DataChannels, ChannelId)> {
        let id = *self.by_handle.get(&handle)?;
        Some((self.engine.as_mut()?, id))
    }

    pub(super) fn send(
        &mut self,
        now: Instant,
        handle: ChannelHandle,
        binary: bool,
        data: &[u8],
    ) -> Result<(), RtcError> {
        let (engine, id) = self
            .engine_and_id(handle)
            .ok_or_else(|| RtcError::invalid_state("the data channel is not open"))?;
        engine.send(now, id, binary, data)?;
        if let Some(record) = self.records.get_mut(&handle) {
            record.messages_sent += 1;
            record.bytes_sent += data.len() as u64;
        }
        Ok(())
    }

    /// RTCDataChannel.close(). A channel still waiting for the transport
    /// closes at once; the caller reports its `close` event.
    pub(super) fn close_channel(&mut self, now: Instant, handle: ChannelHandle) -> bool {
        if let Some(i) = self.pending.iter().position(|(h, _)| *h == handle) {
            self.pending.remove(i);
            if let Some(record) = self.records.get_mut(&handle) {
                record.state = "closed";
            }
            return true;
        }
        if let Some((engine, id)) = self.engine_and_id(handle) {
            engine.close_channel(now, id);
        }
        false
    }

    pub(super) fn buffered_amount(&self, handle: ChannelHandle) -> u64 {
        let (Some(engine), Some(id)) = (self.engine.as_ref(), self.by_handle.get(&handle)) else {
            return 0;
        };
        engine.buffered_amount(*id)
    }

    pub(super) fn set_buffered_amount_low_threshold(
        &mut self,
        handle: ChannelHandle,
        threshold: u64,
    ) {
        if let Some((engine, id)) = self.engine_and_id(handle) {
            engine.set_buffered_amount_low_threshold(id, threshold);
        }
    }

    /// The channel's `id`: its stream id, null for an in-band channel
    /// until the DTLS role is known.
    pub(super) fn stream_id(&self, handle: ChannelHandle) -> Option<u16> {
        if let Some((_, init)) = self.pending.iter().find(|(h, _)| *h == handle) {
            return init.negotiated.then_some(init.id).flatten();
        }
        self.engine
            .as_ref()?
            .stream_id(*self.by_handle.get(&handle)?)
    }

    pub(super) fn ready_state(&self, handle: ChannelHandle) -> DataChannelState {
        if self.pending.iter().any(|(h, _)| *h == handle) {
            return DataChannelState::Connecting;
        }
        match (self.engine.as_ref(), self.by_handle.get(&handle)) {
            (Some(engine), Some(id)) => engine.ready_state(*id),
            _ => DataChannelState::Closed,
        }
    }

    pub(super) fn available_outgoing_bitrate(&self) -> Option<f64> {
        self.engine.as_ref()?.available_outgoing_bitrate()
    }

    pub(super) fn state(&self) -> Option<SctpTransportState> {
        self.engine.as_ref().map(DataChannels::state)
    }

    pub(super) fn max_message_size(&self) -> Option<u64> {
        self.engine.as_ref().map(DataChannels::max_message_size)
    }

    pub(super) fn max_channels(&self) -> Option<u16> {
        self.engine.as_ref()?.max_channels()
    }

    /// pc.close(): the association aborts, channels close without events.
    pub(super) fn close(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.close();
        }
        self.pending.clear();
    }
}
