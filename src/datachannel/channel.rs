//! One data channel: the options it was created with (webrtc-pc §6.1
//! RTCDataChannelInit, §6.2 RTCDataChannel), its readyState, and how its
//! messages are sent (RFC 8831 §6.4: channel types onto SCTP's unordered
//! flag and PR-SCTP policies, RFC 3758).

use std::time::Duration;

use dcsctp::api::SendOptions;

use super::dcep::{DataChannelOpen, Reliability};

/// `RTCDataChannelState` (webrtc-pc §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataChannelState {
    Connecting,
    Open,
    Closing,
    Closed,
}

impl DataChannelState {
    /// The `RTCDataChannelState` string.
    pub fn as_str(self) -> &'static str {
        match self {
            DataChannelState::Connecting => "connecting",
            DataChannelState::Open => "open",
            DataChannelState::Closing => "closing",
            DataChannelState::Closed => "closed",
        }
    }
}

/// `RTCPriorityType` (webrtc-priority §4.1), carried in DCEP's Priority
/// field and given to the SCTP stream scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Priority {
    VeryLow,
    #[default]
    Low,
    Medium,
    High,
}

impl Priority {
    /// The DCEP/SCTP value (RFC 8832 §5.1, webrtc-priority §4.2).
    pub fn to_wire(self) -> u16 {
        match self {
            Priority::VeryLow => 128,
            Priority::Low => 256,
            Priority::Medium => 512,
            Priority::High => 1024,
        }
    }

    /// The `RTCPriorityType` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::VeryLow => "very-low",
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    /// From the `RTCPriorityType` string (validated by the API already).
    pub fn from_name(name: &str) -> Option<Priority> {
        match name {
            "very-low" => Some(Priority::VeryLow),
            "low" => Some(Priority::Low),
            "medium" => Some(Priority::Medium),
            "high" => Some(Priority::High),
            _ => None,
        }
    }

    /// Any wire value, read as the range it falls in (webrtc-priority §4.2).
    pub fn from_wire(value: u16) -> Priority {
        match value {
            0..=128 => Priority::VeryLow,
            129..=256 => Priority::Low,
            257..=512 => Priority::Medium,
            _ => Priority::High,
        }
    }
}

/// `RTCDataChannelInit` with the label (webrtc-pc §6.1, createDataChannel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInit {
    pub label: String,
    pub protocol: String,
    pub ordered: bool,
    pub max_retransmits: Option<u16>,
    /// Milliseconds.
    pub max_packet_life_time: Option<u16>,
    /// Opened by the application on both sides with the same `id`: no DCEP.
    pub negotiated: bool,
    /// The SCTP stream id; only honoured (and then required) when `negotiated`.
    pub id: Option<u16>,
    pub priority: Priority,
}

impl Default for ChannelInit {
    fn default() -> Self {
        ChannelInit {
            label: String::new(),
            protocol: String::new(),
            ordered: true,
            max_retransmits: None,
            max_packet_life_time: None,
            negotiated: false,
            id: None,
            priority: Priority::Low,
        }
    }
}

/// A channel the peer opened in-band (webrtc-pc §6.2, "announce the data
/// channel as open"): the attributes the `datachannel` event's channel has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncedChannel {
    /// The SCTP stream id, the channel's `id`.
    pub stream_id: u16,
    pub label: String,
    pub protocol: String,
    pub ordered: bool,
    pub max_retransmits: Option<u16>,
    /// Milliseconds.
    pub max_packet_life_time: Option<u16>,
    pub priority: Priority,
}

/// One channel in the table.
#[derive(Debug)]
pub(super) struct Channel {
    pub stream_id: u16,
    pub label: String,
    pub protocol: String,
    pub ordered: bool,
    pub max_retransmits: Option<u16>,
    pub max_packet_life_time: Option<u16>,
    pub negotiated: bool,
    pub priority: Priority,
    pub state: DataChannelState,
    /// An in-band channel we opened whose DATA_CHANNEL_ACK (or first
    /// message) has not arrived: it sends ordered until then (RFC 8832 §6).
    pub awaiting_ack: bool,
    /// The application sent a message. Until then the stream's queue held
    /// only DCEP, whose draining is no `bufferedamountlow` of the app's.
    pub sent_user_data: bool,
    pub close: CloseProgress,
}

/// The stream reset that closes a channel (RFC 8831 §6.7): each side resets
/// its outgoing stream; the channel is closed once both directions are.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct CloseProgress {
    /// Our outgoing reset was asked for (it waits for the stream's queue to drain).
    pub reset_wanted: bool,
    /// Handed to the SCTP socket.
    pub reset_sent: bool,
    pub outgoing_reset: bool,
    pub incoming_reset: bool,
}

impl Channel {
    pub fn from_init(init: &ChannelInit, stream_id: u16) -> Channel {
        Channel {
            stream_id,
            label: init.label.clone(),
            protocol: init.protocol.clone(),
            ordered: init.ordered,
            max_retransmits: init.max_retransmits,
            max_packet_life_time: init.max_packet_life_time,
            negotiated: init.negotiated,
            priority: init.priority,
            state: DataChannelState::Connecting,
            awaiting_ack: false,
            sent_user_data: false,
            close: CloseProgress::default(),
        }
    }

    /// A channel the peer opened; it is open at once (RFC 8832 §6). The
    /// reliability parameters are clamped to the `unsigned short` the API
    /// exposes (webrtc-pc §6.2: "clamped to the maximum supported").
    pub fn from_open(open: DataChannelOpen, stream_id: u16) -> Channel {
        let clamp = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
        let (max_retransmits, max_packet_life_time) = match open.reliability {
            Reliability::Reliable => (None, None),
            Reliability::MaxRetransmits(n) => (Some(clamp(n)), None),
            Reliability::MaxPacketLifeTime(ms) => (None, Some(clamp(ms))),
        };
        Channel {
            stream_id,
            label: open.label,
            protocol: open.protocol,
            ordered: open.ordered,
            max_retransmits,
            max_packet_life_time,
            negotiated: false,
            priority: Priority::from_wire(open.priority),
            state: DataChannelState::Open,
            awaiting_ack: false,
            sent_user_data: false,
            close: CloseProgress::default(),
        }
    }

    /// What the API learns of a channel the peer opened.
    pub fn announced(&self) -> AnnouncedChannel {
        AnnouncedChannel {
            stream_id: self.stream_id,
            label: self.label.clone(),
            protocol: self.protocol.clone(),
            ordered: self.ordered,
            max_retransmits: self.max_retransmits,
            max_packet_life_time: self.max_packet_life_time,
            priority: self.priority,
        }
    }

    /// The DATA_CHANNEL_OPEN announcing this channel.
    pub fn open_message(&self) -> DataChannelOpen {
        let reliability = match (self.max_retransmits, self.max_packet_life_time) {
            (Some(n), _) => Reliability::MaxRetransmits(u32::from(n)),
            (None, Some(ms)) => Reliability::MaxPacketLifeTime(u32::from(ms)),
            (None, None) => Reliability::Reliable,
        };
        DataChannelOpen {
            ordered: self.ordered,
            reliability,
            priority: self.priority.to_wire(),
            label: self.label.clone(),
            protocol: self.protocol.clone(),
        }
    }

    /// How a user message on this channel is sent (RFC 8831 §6.4).
    pub fn send_options(&self) -> SendOptions {
        SendOptions {
            unordered: !self.ordered && !self.awaiting_ack,
            max_retransmissions: self.max_retransmits,
            lifetime: self.max_packet_life_time.map(|ms| Duration::from_millis(u64::from(ms))),
            lifecycle_id: None,
        }
    }

    /// Both directions of the stream are reset: the channel is closed.
    pub fn fully_reset(&self) -> bool {
        self.close.outgoing_reset && self.close.incoming_reset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_types_map_onto_send_options() {
        let init = ChannelInit { ordered: false, max_retransmits: Some(0), ..Default::default() };
        let mut channel = Channel::from_init(&init, 0);
        let options = channel.send_options();
        assert!(options.unordered);
        assert_eq!(options.max_retransmissions, Some(0));
        assert_eq!(options.lifetime, None);
        channel.awaiting_ack = true;
        assert!(!channel.send_options().unordered, "ordered until DATA_CHANNEL_ACK");

        let init = ChannelInit { max_packet_life_time: Some(150), ..Default::default() };
        let options = Channel::from_init(&init, 0).send_options();
        assert!(!options.unordered);
        assert_eq!(options.lifetime, Some(Duration::from_millis(150)));
        assert_eq!(options.max_retransmissions, None);
    }

    #[test]
    fn peer_parameters_are_clamped_and_priorities_bucketed() {
        let open = DataChannelOpen {
            ordered: true,
            reliability: Reliability::MaxPacketLifeTime(100_000),
            priority: 300,
            label: "l".into(),
            protocol: "p".into(),
        };
        let channel = Channel::from_open(open, 1);
        assert_eq!(channel.max_packet_life_time, Some(u16::MAX));
        assert_eq!(channel.priority, Priority::Medium);
        assert_eq!(channel.state, DataChannelState::Open);
        for p in [Priority::VeryLow, Priority::Low, Priority::Medium, Priority::High] {
            assert_eq!(Priority::from_wire(p.to_wire()), p);
        }
    }
}
