//! Data channels: SCTP over DTLS (RFC 8261) on the `dcsctp` crate, the Data
//! Channel Establishment Protocol (RFC 8832), the channel table and the
//! RTCDataChannel rules of webrtc-pc §6; RTCSctpTransport is the engine
//! itself ([`DataChannels`]).
//!
//! - `sctp`: the dcsctp adapter — time, randomness, options (RFC 8841, RFC 9653).
//! - [`dcep`]: DATA_CHANNEL_OPEN / DATA_CHANNEL_ACK on the wire (RFC 8832 §5).
//! - [`ppid`]: payload protocol identifiers, empty messages (RFC 8831 §6.6, §8).
//! - [`channel`]: one channel's options and state; channel types onto send options (RFC 8831 §6.4).
//! - `table`: stream ids by DTLS role (RFC 8832 §6) and the table.
//!
//! The engine sits on DTLS and speaks only SCTP packets: what DTLS decrypts
//! goes to [`DataChannels::handle_sctp_packet`], and what
//! [`DataChannels::poll_transmit`] returns is DTLS application data. Like
//! every layer it takes `now` as a value. After any call, drain
//! `poll_transmit` and `poll_event`, then arm a timer for `poll_timeout`:
//!
//! ```
//! use wasmrtc::datachannel::{ChannelInit, DataChannelEvent, DataChannels, SctpConfig};
//! use wasmrtc::dtls::DtlsRole;
//! use wasmrtc::random::Random;
//! use wasmrtc::time::Instant;
//!
//! let now = Instant::ZERO;
//! let mut a = DataChannels::new(SctpConfig::new(DtlsRole::Client), &mut Random::from_seed([1; 32]), now);
//! let mut b = DataChannels::new(SctpConfig::new(DtlsRole::Server), &mut Random::from_seed([2; 32]), now);
//! let chat = a.create_channel(ChannelInit { label: "chat".into(), ..Default::default() }).unwrap();
//! a.connect(now);
//! b.connect(now);
//! let mut received = Vec::new();
//! for _ in 0..10 {
//!     while let Some(packet) = a.poll_transmit() { b.handle_sctp_packet(now, &packet) }
//!     while let Some(packet) = b.poll_transmit() { a.handle_sctp_packet(now, &packet) }
//!     while let Some(event) = a.poll_event() {
//!         if let DataChannelEvent::ChannelOpen(id) = event { a.send(now, id, false, b"hi").unwrap() }
//!     }
//!     while let Some(event) = b.poll_event() {
//!         if let DataChannelEvent::Message { data, .. } = event { received.push(data) }
//!     }
//! }
//! assert_eq!(received, [b"hi".to_vec()]);
//! assert_eq!(a.stream_id(chat), Some(0)); // the DTLS client's ids are even
//! ```

pub mod channel;
pub mod dcep;
pub mod ppid;
mod sctp;
mod table;

use std::collections::{BTreeSet, VecDeque};

use dcsctp::api::{ErrorKind, ResetStreamsError, SendError, SendOptions, SocketEvent, StreamId};

use crate::error::{RtcError, RtcErrorDetail};
use crate::dtls::DtlsRole;
use crate::jsep::SctpParameters;
use crate::random::Random;
use crate::time::Instant;

use channel::Channel;
use dcep::{DcepMessage, DataChannelOpen};
use sctp::{Association, SocketOptions};

pub use channel::{AnnouncedChannel, ChannelInit, DataChannelState, Priority};
pub use table::{ChannelId, MAX_STREAM_ID};

/// The SCTP port WebRTC uses on both sides unless SDP says otherwise (RFC 8841 §5).
pub const SCTP_PORT: u16 = 5000;

/// What we advertise in a=max-message-size and can send (RFC 8841 §6):
/// the value Chromium and Firefox use.
pub const MAX_MESSAGE_SIZE: u64 = 262_144;

/// a=max-message-size when the attribute is absent (RFC 8841 §6.1).
pub const DEFAULT_REMOTE_MAX_MESSAGE_SIZE: u64 = 65_536;

/// What the descriptions negotiated for the association.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SctpConfig {
    /// Decides the stream ids of in-band channels (RFC 8832 §6).
    pub dtls_role: DtlsRole,
    pub local_port: u16,
    /// The remote a=sctp-port.
    pub remote_port: u16,
    /// The remote a=max-message-size; `None` when absent (then 65536), 0 for "any size".
    pub remote_max_message_size: Option<u64>,
}

impl SctpConfig {
    /// Port 5000 both sides, no a=max-message-size from the peer.
    pub fn new(dtls_role: DtlsRole) -> SctpConfig {
        SctpConfig { dtls_role, local_port: SCTP_PORT, remote_port: SCTP_PORT, remote_max_message_size: None }
    }

    /// From what JSEP negotiated (which already applied the 65536 default).
    pub fn from_parameters(dtls_role: DtlsRole, parameters: &SctpParameters) -> SctpConfig {
        SctpConfig {
            dtls_role,
            local_port: parameters.local_port,
            remote_port: parameters.remote_port,
            remote_max_message_size: Some(parameters.remote_max_message_size),
        }
    }

    /// webrtc-pc §6.1.1: the smaller of the peer's limit and what we can
    /// send, where 0 from the peer means it takes any size.
    fn max_message_size(&self) -> u64 {
        match self.remote_max_message_size.unwrap_or(DEFAULT_REMOTE_MAX_MESSAGE_SIZE) {
            0 => MAX_MESSAGE_SIZE,
            remote => remote.min(MAX_MESSAGE_SIZE),
        }
    }
}

/// `RTCSctpTransportState` (webrtc-pc §6.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SctpTransportState {
    Connecting,
    Connected,
    Closed,
}

impl SctpTransportState {
    pub fn as_str(self) -> &'static str {
        match self {
            SctpTransportState::Connecting => "connecting",
            SctpTransportState::Connected => "connected",
            SctpTransportState::Closed => "closed",
        }
    }
}

/// What the host learns from [`DataChannels::poll_event`], in the order the
/// spec's tasks would run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataChannelEvent {
    /// The RTCSctpTransport's `statechange`.
    StateChange(SctpTransportState),
    /// The channel is open (the `open` event). A channel the peer created
    /// gets this right after its [`DataChannelEvent::ChannelCreatedByPeer`].
    ChannelOpen(ChannelId),
    /// The peer opened a channel in-band (the `datachannel` event); it is
    /// open already, and a `ChannelOpen` follows.
    ChannelCreatedByPeer { id: ChannelId, channel: AnnouncedChannel },
    /// A message (`binary` false: UTF-8 text as bytes).
    Message { id: ChannelId, binary: bool, data: Vec<u8> },
    BufferedAmountLow(ChannelId),
    /// The peer started closing the channel (the `closing` event). A
    /// channel closed by [`DataChannels::close_channel`] is closing from
    /// that call on, without this event, as webrtc-pc's close() says.
    ChannelClosing(ChannelId),
    /// The channel is closed (the `close` event); its handle is forgotten.
    ChannelClosed(ChannelId),
    /// The `error` event, before `ChannelClosed`; the detail is
    /// `data-channel-failure` or `sctp-failure`.
    ChannelError(ChannelId, RtcError),
}

/// The RTCSctpTransport with all its data channels: one SCTP association
/// over DTLS, as a sans-IO engine.
pub struct DataChannels {
    config: SctpConfig,
    sctp: Association,
    table: table::ChannelTable,
    state: SctpTransportState,
    max_channels: Option<u16>,
    /// Channels whose outgoing stream reset waits for their send queue to drain.
    pending_resets: BTreeSet<ChannelId>,
    transmits: VecDeque<Vec<u8>>,
    events: VecDeque<DataChannelEvent>,
}

impl DataChannels {
    /// A transport in state `connecting`. `random` seeds the association's
    /// verification tags and initial TSNs.
    pub fn new(config: SctpConfig, random: &mut Random, now: Instant) -> DataChannels {
        let max_message_size = usize::try_from(config.max_message_size()).unwrap_or(usize::MAX);
        let options =
            SocketOptions { local_port: config.local_port, remote_port: config.remote_port, max_message_size };
        DataChannels {
            config,
            sctp: Association::new(options, random, now),
            table: table::ChannelTable::default(),
            state: SctpTransportState::Connecting,
            max_channels: None,
            pending_resets: BTreeSet::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    // ---- getters ----

    pub fn state(&self) -> SctpTransportState {
        self.state
    }

    /// RTCSctpTransport.maxMessageSize (webrtc-pc §6.1.1).
    pub fn max_message_size(&self) -> u64 {
        self.config.max_message_size()
    }

    /// RTCSctpTransport.maxChannels: null until the association is up.
    pub fn max_channels(&self) -> Option<u16> {
        self.max_channels
    }

    /// What the congestion window lets through (webrtc-stats
    /// availableOutgoingBitrate): cwnd per smoothed RTT, in bits per
    /// second, once the association has measured a round trip.
    pub fn available_outgoing_bitrate(&self) -> Option<f64> {
        let (cwnd, srtt) = self.sctp.congestion()?;
        (!srtt.is_zero()).then(|| cwnd as f64 * 8.0 / srtt.as_secs_f64())
    }

    /// Whether RFC 9653 zero checksum is in use (both sides offered it).
    pub fn uses_zero_checksum(&self) -> bool {
        self.sctp.uses_zero_checksum()
    }

    /// The channel's `id`, its SCTP stream id.
    pub fn stream_id(&self, id: ChannelId) -> Option<u16> {
        self.table.get(id).map(|c| c.stream_id)
    }

    /// The channel's `readyState`; `Closed` once it is forgotten.
    pub fn ready_state(&self, id: ChannelId) -> DataChannelState {
        self.table.get(id).map_or(DataChannelState::Closed, |c| c.state)
    }

    /// The channel's `bufferedAmount`: bytes queued and not yet handed to
    /// the network. An empty message counts as the one byte it is sent as.
    pub fn buffered_amount(&self, id: ChannelId) -> u64 {
        self.table.get(id).map_or(0, |c| self.sctp.buffered_amount(c.stream_id) as u64)
    }

    // ---- handlers ----

    /// DTLS is connected: start the association. Both sides may call it;
    /// SCTP resolves the INIT collision (RFC 9260 §5.2.1).
    pub fn connect(&mut self, now: Instant) {
        self.sctp.connect(now);
        self.drive();
    }

    /// One SCTP packet, decrypted by DTLS.
    pub fn handle_sctp_packet(&mut self, now: Instant, packet: &[u8]) {
        self.sctp.handle_input(now, packet);
        self.drive();
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.sctp.advance(now);
        self.drive();
    }

    // ---- mutators ----

    /// createDataChannel's steps that concern the transport (webrtc-pc §4.4.1.6 / §6.1).
    pub fn create_channel(&mut self, init: ChannelInit) -> Result<ChannelId, RtcError> {
        if init.label.len() > usize::from(u16::MAX) {
            return Err(RtcError::type_error("label is longer than 65535 bytes"));
        }
        if init.protocol.len() > usize::from(u16::MAX) {
            return Err(RtcError::type_error("protocol is longer than 65535 bytes"));
        }
        if init.max_retransmits.is_some() && init.max_packet_life_time.is_some() {
            return Err(RtcError::type_error("maxPacketLifeTime and maxRetransmits are both set"));
        }
        if self.state == SctpTransportState::Closed {
            return Err(RtcError::invalid_state("the SCTP transport is closed"));
        }
        let limit = self.max_channels.map_or(u32::from(MAX_STREAM_ID) + 1, u32::from);
        let stream_id = if init.negotiated {
            let id = init.id.ok_or_else(|| RtcError::type_error("negotiated channels need an id"))?;
            if id > MAX_STREAM_ID {
                return Err(RtcError::type_error("id 65535 is reserved"));
            }
            if self.table.stream_in_use(id) {
                return Err(RtcError::operation(format!("id {id} is in use")));
            }
            if u32::from(id) >= limit {
                return Err(RtcError::operation(format!("id {id} is not below maxChannels")));
            }
            id
        } else {
            self.table
                .allocate_stream_id(self.config.dtls_role, limit)
                .ok_or_else(|| RtcError::operation("no stream id is free"))?
        };
        let id = self.table.insert(Channel::from_init(&init, stream_id));
        self.sctp.set_stream_priority(stream_id, init.priority.to_wire());
        if self.state == SctpTransportState::Connected {
            self.open_channel(id);
        }
        self.drive();
        Ok(id)
    }

    /// RTCDataChannel.send (webrtc-pc §6.2): `binary` for ArrayBuffer/Blob
    /// data, text as its UTF-8 bytes otherwise.
    pub fn send(&mut self, now: Instant, id: ChannelId, binary: bool, data: &[u8]) -> Result<(), RtcError> {
        let channel = self
            .table
            .get(id)
            .filter(|c| c.state == DataChannelState::Open)
            .ok_or_else(|| RtcError::invalid_state("the data channel is not open"))?;
        if data.len() as u64 > self.max_message_size() {
            return Err(RtcError::type_error(format!(
                "message of {} bytes exceeds maxMessageSize {}",
                data.len(),
                self.max_message_size()
            )));
        }
        let (stream_id, options) = (channel.stream_id, channel.send_options());
        if let Some(channel) = self.table.get_mut(id) {
            channel.sent_user_data = true;
        }
        self.sctp.advance(now);
        let (ppid, payload) = ppid::encode(binary, data);
        let result = self.sctp.send(stream_id, ppid, payload, &options);
        self.drive();
        result.map_err(send_error)
    }

    /// RTCDataChannel.close (webrtc-pc §6.2): the channel is closing at
    /// once; its outgoing stream is reset once what it queued has been sent
    /// (dcsctp would drop queued messages), and it is closed when the peer
    /// has reset its side too (RFC 8831 §6.7).
    pub fn close_channel(&mut self, now: Instant, id: ChannelId) {
        let Some(channel) = self.table.get_mut(id) else { return };
        match channel.state {
            DataChannelState::Connecting => {
                // Nothing went on the wire for it yet.
                self.table.remove(id);
                self.events.push_back(DataChannelEvent::ChannelClosed(id));
            }
            DataChannelState::Open => {
                channel.state = DataChannelState::Closing;
                self.want_reset(id);
                self.sctp.advance(now);
                self.drive();
            }
            DataChannelState::Closing | DataChannelState::Closed => {}
        }
    }

    /// RTCDataChannel.bufferedAmountLowThreshold.
    pub fn set_buffered_amount_low_threshold(&mut self, id: ChannelId, threshold: u64) {
        if let Some(channel) = self.table.get(id) {
            let bytes = usize::try_from(threshold).unwrap_or(usize::MAX);
            self.sctp.set_buffered_amount_low_threshold(channel.stream_id, bytes);
        }
    }

    /// The transport ends at once (RTCPeerConnection.close, webrtc-pc
    /// §4.4.1.5): an ABORT goes out, every channel is closed, and no event
    /// fires.
    pub fn close(&mut self) {
        self.sctp.close();
        while let Some(event) = self.sctp.poll_event() {
            if let SocketEvent::SendPacket(packet) = event {
                self.transmits.push_back(packet);
            }
        }
        while self.sctp.next_message().is_some() {}
        for id in self.table.ids() {
            self.table.remove(id);
        }
        self.pending_resets.clear();
        self.state = SctpTransportState::Closed;
    }

    // ---- polls ----

    /// The next SCTP packet to hand to DTLS.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<DataChannelEvent> {
        self.events.pop_front()
    }

    /// When to call [`Self::handle_timeout`]; any other call may change it.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.sctp.poll_timeout()
    }

    // ---- internals ----

    /// Drains the socket after any call into it. Socket events and received
    /// messages come from two queues, so their relative order is lost:
    /// connection events go first (the association is up before its first
    /// message), then messages, then resets and closure (a channel's last
    /// messages are delivered before it closes, as RFC 6525 orders them).
    fn drive(&mut self) {
        loop {
            let mut progressed = false;
            let mut late = Vec::new();
            while let Some(event) = self.sctp.poll_event() {
                progressed = true;
                match event {
                    SocketEvent::SendPacket(packet) => self.transmits.push_back(packet),
                    SocketEvent::OnConnected() => self.on_connected(),
                    SocketEvent::OnBufferedAmountLow(StreamId(stream_id)) => self.on_buffered_amount_low(stream_id),
                    event @ (SocketEvent::OnStreamsResetPerformed(_)
                    | SocketEvent::OnStreamsResetFailed(_)
                    | SocketEvent::OnIncomingStreamReset(_)
                    | SocketEvent::OnClosed()
                    | SocketEvent::OnAborted(..)) => late.push(event),
                    // Non-fatal (dcsctp: "no action need to be taken"), or
                    // about things we do not use: restarts keep the
                    // association, lifecycle ids are never set.
                    SocketEvent::OnError(..)
                    | SocketEvent::OnConnectionRestarted()
                    | SocketEvent::OnTotalBufferedAmountLow()
                    | SocketEvent::OnLifecycleMessageFullySent(_)
                    | SocketEvent::OnLifecycleMessageMaybeExpired(_)
                    | SocketEvent::OnLifecycleMessageExpired(_)
                    | SocketEvent::OnLifecycleMessageDelivered(_)
                    | SocketEvent::OnLifecycleEnd(_) => {}
                }
            }
            while let Some(message) = self.sctp.next_message() {
                progressed = true;
                self.on_message(message.stream_id.0, message.ppid.0, message.payload);
            }
            for event in late {
                match event {
                    SocketEvent::OnStreamsResetPerformed(streams) => self.on_outgoing_reset(&streams),
                    SocketEvent::OnStreamsResetFailed(streams) => self.on_reset_failed(&streams),
                    SocketEvent::OnIncomingStreamReset(streams) => self.on_incoming_reset(&streams),
                    SocketEvent::OnAborted(kind, reason) => self.on_transport_closed(Some((kind, reason))),
                    _ => self.on_transport_closed(None),
                }
            }
            progressed |= self.flush_resets();
            if !progressed {
                break;
            }
        }
    }

    /// The association is up (webrtc-pc §6.1.4, "SCTP transport connected"):
    /// channels created so far open in creation order.
    fn on_connected(&mut self) {
        if self.state != SctpTransportState::Connecting {
            return;
        }
        self.state = SctpTransportState::Connected;
        self.max_channels = self.sctp.max_streams();
        self.events.push_back(DataChannelEvent::StateChange(SctpTransportState::Connected));
        let limit = self.max_channels.map_or(u32::from(MAX_STREAM_ID) + 1, u32::from);
        for id in self.table.ids() {
            match self.table.get(id) {
                Some(c) if c.state == DataChannelState::Connecting && u32::from(c.stream_id) >= limit => {
                    let error = RtcError::operation(format!("stream id {} is not below maxChannels", c.stream_id))
                        .with_detail(RtcErrorDetail::DataChannelFailure);
                    self.fail_channel(id, error);
                }
                Some(c) if c.state == DataChannelState::Connecting => self.open_channel(id),
                _ => {}
            }
        }
    }

    /// Announces a channel of ours as open: in-band ones send
    /// DATA_CHANNEL_OPEN first (RFC 8832 §6) and may send at once.
    fn open_channel(&mut self, id: ChannelId) {
        let Some(channel) = self.table.get_mut(id) else { return };
        if !channel.negotiated {
            let (stream_id, open) = (channel.stream_id, channel.open_message());
            channel.awaiting_ack = true;
            if let Err(error) = self.send_dcep(stream_id, &DcepMessage::Open(open)) {
                self.fail_channel(id, error);
                return;
            }
        }
        if let Some(channel) = self.table.get_mut(id) {
            channel.state = DataChannelState::Open;
            self.events.push_back(DataChannelEvent::ChannelOpen(id));
        }
    }

    /// DCEP goes ordered and reliable (RFC 8832 §6).
    fn send_dcep(&mut self, stream_id: u16, message: &DcepMessage) -> Result<(), RtcError> {
        let bytes = message
            .encode()
            .map_err(|e| RtcError::operation(e.to_string()).with_detail(RtcErrorDetail::DataChannelFailure))?;
        self.sctp.send(stream_id, ppid::DCEP, bytes, &SendOptions::default()).map_err(send_error)
    }

    fn on_message(&mut self, stream_id: u16, ppid: u32, payload: Vec<u8>) {
        if ppid == ppid::DCEP {
            self.on_dcep(stream_id, &payload);
            return;
        }
        let Some(id) = self.table.by_stream(stream_id) else { return };
        let Some(channel) = self.table.get_mut(id) else { return };
        // A message on the stream shows the peer has the channel: it counts
        // as the DATA_CHANNEL_ACK (RFC 8832 §6).
        channel.awaiting_ack = false;
        // webrtc-pc §6.2 "receiving a message": dropped unless open.
        if channel.state != DataChannelState::Open {
            return;
        }
        let Some((binary, empty)) = ppid::decode(ppid) else { return };
        let data = if empty { Vec::new() } else { payload };
        self.events.push_back(DataChannelEvent::Message { id, binary, data });
    }

    /// A malformed DCEP message, or one for a stream in use, is ignored: a
    /// peer's mistake must not close channels that work.
    fn on_dcep(&mut self, stream_id: u16, payload: &[u8]) {
        match DcepMessage::decode(payload) {
            Ok(DcepMessage::Open(open)) if !self.table.stream_in_use(stream_id) => self.on_open(stream_id, open),
            Ok(DcepMessage::Ack) => {
                if let Some(channel) = self.table.by_stream(stream_id).and_then(|id| self.table.get_mut(id)) {
                    channel.awaiting_ack = false;
                }
            }
            Ok(DcepMessage::Open(_)) | Err(_) => {}
        }
    }

    /// The peer opened a channel (RFC 8832 §6; webrtc-pc §6.2 "announce a
    /// channel created by the peer"): it is open, and we acknowledge it.
    fn on_open(&mut self, stream_id: u16, open: DataChannelOpen) {
        let channel = Channel::from_open(open, stream_id);
        self.sctp.set_stream_priority(stream_id, channel.priority.to_wire());
        let id = self.table.next_id();
        self.events.push_back(DataChannelEvent::ChannelCreatedByPeer { id, channel: channel.announced() });
        self.events.push_back(DataChannelEvent::ChannelOpen(id));
        self.table.insert(channel);
        if let Err(error) = self.send_dcep(stream_id, &DcepMessage::Ack) {
            self.fail_channel(id, error);
        }
    }

    fn on_buffered_amount_low(&mut self, stream_id: u16) {
        let Some(id) = self.table.by_stream(stream_id) else { return };
        let live = |c: &Channel| matches!(c.state, DataChannelState::Open | DataChannelState::Closing);
        if self.table.get(id).is_some_and(|c| c.sent_user_data && live(c)) {
            self.events.push_back(DataChannelEvent::BufferedAmountLow(id));
        }
    }

    fn want_reset(&mut self, id: ChannelId) {
        if let Some(channel) = self.table.get_mut(id) {
            if !channel.close.reset_wanted {
                channel.close.reset_wanted = true;
                self.pending_resets.insert(id);
            }
        }
    }

    /// Resets the outgoing streams whose send queues have drained. Returns
    /// whether it did anything.
    fn flush_resets(&mut self) -> bool {
        let ready: Vec<ChannelId> = self
            .pending_resets
            .iter()
            .copied()
            .filter(|&id| self.table.get(id).is_none_or(|c| self.sctp.buffered_amount(c.stream_id) == 0))
            .collect();
        if ready.is_empty() {
            return false;
        }
        let mut streams = Vec::with_capacity(ready.len());
        for id in &ready {
            self.pending_resets.remove(id);
            if let Some(channel) = self.table.get_mut(*id) {
                channel.close.reset_sent = true;
                streams.push(channel.stream_id);
            }
        }
        match self.sctp.reset_streams(&streams) {
            Ok(()) => {}
            // Without an association (or a peer without RE-CONFIG) there is
            // nothing to reset on the wire: the channels are closed here.
            Err(ResetStreamsError::NotConnected | ResetStreamsError::NotSupported) => {
                for id in ready {
                    if let Some(channel) = self.table.get_mut(id) {
                        channel.close.outgoing_reset = true;
                        channel.close.incoming_reset = true;
                    }
                    self.finish_close_if_reset(id);
                }
            }
        }
        true
    }

    fn on_outgoing_reset(&mut self, streams: &[StreamId]) {
        for &StreamId(stream_id) in streams {
            let Some(id) = self.table.by_stream(stream_id) else { continue };
            if let Some(channel) = self.table.get_mut(id) {
                channel.close.outgoing_reset = true;
            }
            self.finish_close_if_reset(id);
        }
    }

    /// The peer refused to reset our stream: the channel cannot close
    /// cleanly, so it closes with an error.
    fn on_reset_failed(&mut self, streams: &[StreamId]) {
        for &StreamId(stream_id) in streams {
            let Some(id) = self.table.by_stream(stream_id) else { continue };
            let error = RtcError::operation(format!("the peer refused to reset stream {stream_id}"))
                .with_detail(RtcErrorDetail::DataChannelFailure);
            self.fail_channel(id, error);
        }
    }

    /// The peer reset its outgoing streams (RFC 8831 §6.7): the channels are
    /// closing, and we reset ours in turn. An empty list means every stream.
    fn on_incoming_reset(&mut self, streams: &[StreamId]) {
        let ids: Vec<ChannelId> = if streams.is_empty() {
            self.table.ids()
        } else {
            streams.iter().filter_map(|s| self.table.by_stream(s.0)).collect()
        };
        for id in ids {
            let Some(channel) = self.table.get_mut(id) else { continue };
            channel.close.incoming_reset = true;
            if matches!(channel.state, DataChannelState::Connecting | DataChannelState::Open) {
                channel.state = DataChannelState::Closing;
                self.events.push_back(DataChannelEvent::ChannelClosing(id));
            }
            self.want_reset(id);
            self.finish_close_if_reset(id);
        }
    }

    fn finish_close_if_reset(&mut self, id: ChannelId) {
        if self.table.get(id).is_some_and(Channel::fully_reset) {
            self.table.remove(id);
            self.pending_resets.remove(&id);
            self.events.push_back(DataChannelEvent::ChannelClosed(id));
        }
    }

    /// Closes a channel at once with an `error` event first.
    fn fail_channel(&mut self, id: ChannelId, error: RtcError) {
        if self.table.remove(id).is_some() {
            self.pending_resets.remove(&id);
            self.events.push_back(DataChannelEvent::ChannelError(id, error));
            self.events.push_back(DataChannelEvent::ChannelClosed(id));
        }
    }

    /// The association ended: SHUTDOWN from the peer, or ABORT / too many
    /// retransmissions (then each channel gets an `sctp-failure` error).
    fn on_transport_closed(&mut self, abort: Option<(ErrorKind, String)>) {
        if self.state == SctpTransportState::Closed {
            return;
        }
        self.state = SctpTransportState::Closed;
        for id in self.table.ids() {
            self.table.remove(id);
            if let Some((kind, reason)) = &abort {
                let error = RtcError::operation(format!("SCTP association aborted ({kind:?}): {reason}"))
                    .with_detail(RtcErrorDetail::SctpFailure);
                self.events.push_back(DataChannelEvent::ChannelError(id, error));
            }
            self.events.push_back(DataChannelEvent::ChannelClosed(id));
        }
        self.pending_resets.clear();
        self.events.push_back(DataChannelEvent::StateChange(SctpTransportState::Closed));
    }
}

/// webrtc-pc §6.2 send(): too large is a TypeError; a full queue (or a
/// transport going away) an OperationError.
fn send_error(error: SendError) -> RtcError {
    match error {
        SendError::MessageTooLarge { .. } => RtcError::type_error(error.to_string()),
        SendError::EmptyPayload | SendError::ResourceExhaustion | SendError::ShuttingDown => {
            RtcError::operation(error.to_string())
        }
    }
}
