//! The rate a probe cluster measured (libwebrtc's ProbeBitrateEstimator):
//! the rate it was sent at (bytes but the last over the send interval) and
//! the rate it arrived at (bytes but the first over the arrival interval).
//! A bottleneck spaces the arrivals out, so a receive rate well below the
//! send rate is the capacity (taken at 95%, to leave the queue room); else
//! the lower of the two. Clusters too short, too long (over 1 s) or
//! arriving implausibly fast (over twice the send rate) say nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use super::bitrate::Bitrate;
use super::feedback_adapter::TransportPacketsFeedback;
use super::probe_controller::MIN_PROBE_PACKETS;
use crate::time::Instant;

const MAX_PROBE_INTERVAL: Duration = Duration::from_secs(1);
const MAX_VALID_RATIO: f64 = 2.0;
const MIN_RATIO_FOR_UNSATURATED_LINK: f64 = 0.9;
const TARGET_UTILIZATION: f64 = 0.95;
/// Clusters are forgotten this long after their last packet's feedback.
const CLUSTER_HISTORY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct Cluster {
    first_send: Instant,
    last_send: Instant,
    last_send_size: u64,
    first_arrival: Instant,
    first_arrival_size: u64,
    last_arrival: Instant,
    bytes: u64,
    packets: usize,
    updated: Instant,
}

#[derive(Debug, Default)]
pub struct ProbeEstimator {
    clusters: BTreeMap<u32, Cluster>,
}

impl ProbeEstimator {
    pub fn new() -> ProbeEstimator {
        ProbeEstimator::default()
    }

    /// The rate of the last cluster this feedback completed enough of.
    pub fn handle_feedback(&mut self, feedback: &TransportPacketsFeedback) -> Option<Bitrate> {
        let now = feedback.feedback_time;
        self.clusters.retain(|_, c| now.saturating_duration_since(c.updated) < CLUSTER_HISTORY);
        let mut result = None;
        for (packet, arrival) in feedback.received_by_arrival() {
            let Some(id) = packet.probe_cluster else { continue };
            let size = packet.size as u64;
            let send = packet.send_time;
            let c = self.clusters.entry(id).or_insert(Cluster {
                first_send: send,
                last_send: send,
                last_send_size: size,
                first_arrival: arrival,
                first_arrival_size: size,
                last_arrival: arrival,
                bytes: 0,
                packets: 0,
                updated: now,
            });
            if send < c.first_send {
                c.first_send = send;
            }
            if send >= c.last_send {
                c.last_send = send;
                c.last_send_size = size;
            }
            if arrival < c.first_arrival {
                c.first_arrival = arrival;
                c.first_arrival_size = size;
            }
            c.last_arrival = c.last_arrival.max(arrival);
            c.bytes += size;
            c.packets += 1;
            c.updated = now;
            // 80% of a cluster's packets make a measurement.
            if c.packets * 5 >= MIN_PROBE_PACKETS * 4 {
                result = Self::estimate(c).or(result);
            }
        }
        result
    }

    fn estimate(c: &Cluster) -> Option<Bitrate> {
        let send_interval = c.last_send.saturating_duration_since(c.first_send);
        let receive_interval = c.last_arrival.saturating_duration_since(c.first_arrival);
        let valid = |d: Duration| !d.is_zero() && d <= MAX_PROBE_INTERVAL;
        if !valid(send_interval) || !valid(receive_interval) {
            return None;
        }
        let send_rate = Bitrate::from_bytes(c.bytes - c.last_send_size, send_interval);
        let receive_rate = Bitrate::from_bytes(c.bytes - c.first_arrival_size, receive_interval);
        if receive_rate.as_bps() as f64 > MAX_VALID_RATIO * send_rate.as_bps() as f64 {
            return None;
        }
        if (receive_rate.as_bps() as f64) < MIN_RATIO_FOR_UNSATURATED_LINK * send_rate.as_bps() as f64 {
            Some(receive_rate.scale(TARGET_UTILIZATION))
        } else {
            Some(send_rate.min(receive_rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bwe::feedback_adapter::PacketResult;
    use crate::bwe::send_history::SentPacket;

    /// Five 1000-byte probes of cluster 1 sent `send_gap` µs apart and
    /// arriving `arrival_gap` µs apart.
    fn probes(send_gap: u64, arrival_gap: u64, count: u64) -> TransportPacketsFeedback {
        let packet_results = (0..count)
            .map(|i| PacketResult {
                sent: SentPacket {
                    sequence_number: i,
                    size: 1000,
                    send_time: Instant::from_micros(i * send_gap),
                    probe_cluster: Some(1),
                },
                receive_time: Some(Instant::from_micros(50_000 + i * arrival_gap)),
            })
            .collect();
        TransportPacketsFeedback { feedback_time: Instant::from_micros(200_000), packet_results }
    }

    #[test]
    fn a_bottleneck_spreads_the_arrivals_and_gives_the_capacity() {
        // Sent at 1.6 Mbit/s (5 ms per 1000 bytes), arriving at 1 Mbit/s.
        let rate = ProbeEstimator::new().handle_feedback(&probes(5000, 8000, 5)).unwrap();
        assert_eq!(rate, Bitrate::kbps(950));
        // Through an idle path: the send rate.
        let rate = ProbeEstimator::new().handle_feedback(&probes(10_000, 10_000, 5)).unwrap();
        assert_eq!(rate, Bitrate::kbps(800));
    }

    #[test]
    fn too_few_or_implausible_probes_say_nothing() {
        assert_eq!(ProbeEstimator::new().handle_feedback(&probes(5000, 8000, 3)), None);
        assert_eq!(ProbeEstimator::new().handle_feedback(&probes(10_000, 1000, 5)), None, "arrived 10× faster");
        assert_eq!(ProbeEstimator::new().handle_feedback(&probes(0, 1000, 5)), None, "sent at once");
    }
}
