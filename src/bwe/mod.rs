//! Send-side congestion control in the manner of Google Congestion Control
//! (draft-ietf-rmcat-gcc-02) over transport-wide feedback
//! (draft-holmer-rmcat-transport-wide-cc-extensions-01), and the pacer that
//! spreads packets at the rate it allows.
//!
//! The receiver records arrivals ([`twcc_receiver`]) and feeds them back;
//! the sender matches them with what it sent ([`feedback_adapter`] over
//! [`send_history`]), measures what got through ([`acknowledged_bitrate`]),
//! and estimates twice: from delay ([`delay_based`]: [`inter_arrival`]
//! groups, [`trendline`] slope, [`overuse_detector`], [`aimd`] with
//! [`link_capacity`]) and from loss ([`loss_based`]). The [`controller`]
//! takes the lower; the [`pacer`] sends at a multiple of it. At start the
//! path is probed ([`probe_controller`], [`probe_estimator`]), so the
//! estimate reaches the capacity in a round trip or two.

pub mod acknowledged_bitrate;
pub mod aimd;
pub mod bitrate;
pub mod controller;
pub mod delay_based;
pub mod feedback_adapter;
pub mod inter_arrival;
pub mod link_capacity;
pub mod loss_based;
pub mod overuse_detector;
pub mod pacer;
pub mod probe_controller;
pub mod probe_estimator;
pub mod send_history;
pub mod sequence;
pub mod trendline;
pub mod twcc_receiver;

pub use bitrate::Bitrate;
pub use controller::{Config, Controller};
pub use feedback_adapter::{FeedbackAdapter, PacketResult, TransportPacketsFeedback};
pub use pacer::{Paced, Pacer};
pub use probe_controller::ProbeCluster;
pub use send_history::{SendHistory, SentPacket};
pub use twcc_receiver::TwccReceiver;
