//! When to probe the path (libwebrtc's ProbeController; draft-ietf-rmcat-
//! gcc-02 §5.5 leaves the start to the implementation): at start, short
//! clusters at 3× and 6× the start bitrate, so that a call learns the
//! capacity in a round trip instead of growing 8% a second towards it;
//! a probe that got through (at least 70% of the highest rate probed)
//! asks for one at twice its result, up to the maximum.

use std::collections::VecDeque;
use std::time::Duration;

use super::bitrate::Bitrate;

const INITIAL_PROBE_FACTORS: [f64; 2] = [3.0, 6.0];
/// A probe result this close to the rate probed says the path had room.
const FURTHER_PROBE_THRESHOLD: f64 = 0.7;
const FURTHER_PROBE_FACTOR: f64 = 2.0;
/// A cluster is at least this many packets...
pub const MIN_PROBE_PACKETS: usize = 5;
/// ...and this long at its rate.
const MIN_PROBE_DURATION: Duration = Duration::from_millis(15);

/// Packets to send at `bitrate`, tagged with `id`, to measure the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeCluster {
    pub id: u32,
    pub bitrate: Bitrate,
    pub min_probes: usize,
    pub min_bytes: u64,
}

#[derive(Debug)]
pub struct ProbeController {
    max: Bitrate,
    next_id: u32,
    highest_probed: Bitrate,
    pending: VecDeque<ProbeCluster>,
}

impl ProbeController {
    pub fn new(start: Bitrate, max: Bitrate) -> ProbeController {
        let mut controller =
            ProbeController { max, next_id: 1, highest_probed: Bitrate::ZERO, pending: VecDeque::new() };
        for factor in INITIAL_PROBE_FACTORS {
            controller.probe(start.scale(factor));
        }
        controller
    }

    /// The next cluster the pacer should send.
    pub fn poll_cluster(&mut self) -> Option<ProbeCluster> {
        self.pending.pop_front()
    }

    pub fn on_probe_result(&mut self, bitrate: Bitrate) {
        if bitrate >= self.highest_probed.scale(FURTHER_PROBE_THRESHOLD) {
            self.probe(bitrate.scale(FURTHER_PROBE_FACTOR));
        }
    }

    fn probe(&mut self, bitrate: Bitrate) {
        let bitrate = bitrate.min(self.max);
        if bitrate <= self.highest_probed {
            return;
        }
        self.highest_probed = bitrate;
        let min_bytes = bitrate.bytes_in(MIN_PROBE_DURATION);
        self.pending.push_back(ProbeCluster { id: self.next_id, bitrate, min_probes: MIN_PROBE_PACKETS, min_bytes });
        self.next_id += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_at_start_and_further_while_the_path_keeps_up() {
        let mut p = ProbeController::new(Bitrate::kbps(300), Bitrate::kbps(5000));
        let first = p.poll_cluster().unwrap();
        assert_eq!((first.id, first.bitrate, first.min_bytes), (1, Bitrate::kbps(900), 1687));
        assert_eq!(p.poll_cluster().map(|c| c.bitrate), Some(Bitrate::kbps(1800)));
        assert_eq!(p.poll_cluster(), None);
        // 1 Mbit/s got through of 1.8: the path is full.
        p.on_probe_result(Bitrate::kbps(1000));
        assert_eq!(p.poll_cluster(), None);
        // 1.8 got through: try 3.6, and then no more than the maximum.
        p.on_probe_result(Bitrate::kbps(1800));
        assert_eq!(p.poll_cluster().map(|c| c.bitrate), Some(Bitrate::kbps(3600)));
        p.on_probe_result(Bitrate::kbps(3600));
        assert_eq!(p.poll_cluster().map(|c| (c.id, c.bitrate)), Some((4, Bitrate::kbps(5000))));
        p.on_probe_result(Bitrate::kbps(5000));
        assert_eq!(p.poll_cluster(), None);
    }
}
