//! The SCTP association (RFC 9260, with PR-SCTP RFC 3758, stream reset
//! RFC 6525 and zero checksum RFC 9653) over DTLS (RFC 8261), provided by
//! the `dcsctp` crate and adapted here to the core's contract: time is our
//! [`Instant`], and its randomness comes from our injected source.
//!
//! dcsctp draws verification tags, initial TSNs and tie-tags from fastrand's
//! thread-global generator (on wasm32 an unseeded one is predictable). Each
//! association keeps a generator of its own, seeded from the injected
//! [`Random`], and reseeds fastrand from it right before every call that
//! may draw (connect, handle_input). So each association's tags follow from
//! its own seed alone, whatever other associations in the thread do, and
//! fastrand's small state never produces more than a few tags per seed.

use dcsctp::api::{
    DcSctpSocket, Message, Options, ResetStreamsError, SendError, SendOptions, Socket, SocketEvent,
    SocketTime, StreamId, ZERO_CHECKSUM_ALTERNATE_ERROR_DETECTION_METHOD_LOWER_LAYER_DTLS,
};

use std::time::Duration;

use crate::random::Random;
use crate::time::Instant;

/// Per-stream send queue limit: Chromium's 16 MiB, so scripts that queue
/// as much as they do on native WebRTC do not fail here first.
const PER_STREAM_SEND_QUEUE_LIMIT: usize = 16 * 1024 * 1024;

/// The socket's options for a data channel association.
pub(super) struct SocketOptions {
    pub local_port: u16,
    pub remote_port: u16,
    /// The largest message we may send: the smaller of the peer's limit and ours.
    pub max_message_size: usize,
}

pub(super) struct Association {
    socket: Socket,
    /// `now` when the association was made: SocketTime zero.
    epoch: Instant,
    random: Random,
}

impl Association {
    pub fn new(options: SocketOptions, random: &mut Random, now: Instant) -> Association {
        let mut seed = [0u8; 32];
        random.fill(&mut seed);
        let options = Options {
            local_port: options.local_port,
            remote_port: options.remote_port,
            max_message_size: options.max_message_size,
            // Zero checksum is only safe when a lower layer protects the
            // packets, as DTLS does here (RFC 9653 §5); dcsctp offers it in
            // INIT/INIT-ACK and uses it only if the peer accepts it too.
            zero_checksum_alternate_error_detection_method:
                ZERO_CHECKSUM_ALTERNATE_ERROR_DETECTION_METHOD_LOWER_LAYER_DTLS,
            // As Chromium: the association never gives up by itself; ICE
            // consent and DTLS decide when the path is dead.
            max_retransmissions: None,
            max_init_retransmits: None,
            per_stream_send_queue_limit: PER_STREAM_SEND_QUEUE_LIMIT,
            max_send_buffer_size: usize::MAX,
            ..Options::default()
        };
        Association { socket: Socket::new("wasmrtc", &options), epoch: now, random: Random::from_seed(seed) }
    }

    fn socket_time(&self, now: Instant) -> SocketTime {
        SocketTime::zero() + now.saturating_duration_since(self.epoch)
    }

    /// Moves the socket's clock to `now`, firing due timers.
    pub fn advance(&mut self, now: Instant) {
        let t = self.socket_time(now);
        self.socket.advance_time(t);
    }

    fn reseed(&mut self) {
        fastrand::seed(self.random.next_u64());
    }

    pub fn connect(&mut self, now: Instant) {
        self.advance(now);
        self.reseed();
        self.socket.connect();
    }

    pub fn handle_input(&mut self, now: Instant, packet: &[u8]) {
        self.advance(now);
        self.reseed();
        self.socket.handle_input(packet);
    }

    /// Rounded up to our microseconds: dcsctp's deadlines have nanoseconds
    /// (RTOs are computed), and a deadline rounded down would be handled
    /// before it is due, fire nothing, and be returned again forever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let t = self.socket.poll_timeout();
        if t == SocketTime::infinite_future() {
            return None;
        }
        let micros = (t - SocketTime::zero()).as_nanos().div_ceil(1000);
        Some(self.epoch + Duration::from_micros(u64::try_from(micros).unwrap_or(u64::MAX)))
    }

    pub fn poll_event(&mut self) -> Option<SocketEvent> {
        self.socket.poll_event()
    }

    pub fn next_message(&mut self) -> Option<Message> {
        self.socket.get_next_message()
    }

    pub fn send(&mut self, stream_id: u16, ppid: u32, payload: Vec<u8>, options: &SendOptions) -> Result<(), SendError> {
        self.socket.send(Message::new(StreamId(stream_id), dcsctp::api::PpId(ppid), payload), options)
    }

    pub fn reset_streams(&mut self, stream_ids: &[u16]) -> Result<(), ResetStreamsError> {
        let streams: Vec<StreamId> = stream_ids.iter().map(|&id| StreamId(id)).collect();
        self.socket.reset_streams(&streams)
    }

    pub fn buffered_amount(&self, stream_id: u16) -> usize {
        self.socket.buffered_amount(StreamId(stream_id))
    }

    pub fn set_buffered_amount_low_threshold(&mut self, stream_id: u16, bytes: usize) {
        self.socket.set_buffered_amount_low_threshold(StreamId(stream_id), bytes);
    }

    pub fn set_stream_priority(&mut self, stream_id: u16, priority: u16) {
        self.socket.set_stream_priority(StreamId(stream_id), priority);
    }

    /// The congestion window in bytes and the smoothed RTT (RFC 6458
    /// spinfo_cwnd, spinfo_srtt), once the association is up.
    pub fn congestion(&self) -> Option<(usize, std::time::Duration)> {
        self.socket.get_metrics().map(|m| (m.cwnd_bytes, m.srtt))
    }

    /// min(incoming, outgoing) streams, once the association is up.
    pub fn max_streams(&self) -> Option<u16> {
        let metrics = self.socket.get_metrics()?;
        Some(metrics.negotiated_maximum_incoming_streams.min(metrics.negotiated_maximum_outgoing_streams))
    }

    /// Whether RFC 9653 zero checksum was negotiated (both sides accepted it).
    pub fn uses_zero_checksum(&self) -> bool {
        self.socket.get_metrics().is_some_and(|m| m.uses_zero_checksum)
    }

    /// Ends the association at once: ABORT (RFC 9260 §9.1).
    pub fn close(&mut self) {
        self.socket.close();
    }
}
