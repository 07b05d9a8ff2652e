//! The pacer (draft-ietf-rmcat-gcc-02 §4, "a pacer ... sends packets at a
//! rate ... a multiple of the target"): a leaky bucket at 2.5 × the target
//! bitrate, so that an encoder's frame leaves as a short train rather than
//! one burst that overflows a bottleneck's queue, while frames still go
//! out well within their interval. Packets wait in arrival order; when
//! the queue would take longer than 2 s to drain at the pacing rate, the
//! rate rises to drain it in 2 s (libwebrtc's expected-queue limit), so
//! media never waits behind a stale queue for long.
//!
//! A probe cluster ([`Pacer::create_probe_cluster`]) is sent at its own
//! rate: queued media first, padding when there is none, each packet
//! tagged with the cluster, until it has its packets and bytes.
//!
//! Sans-IO: [`Pacer::handle_packet`] queues, [`Pacer::poll_timeout`] says
//! when the next packet may leave, [`Pacer::handle_timeout`] releases the
//! packets due, [`Pacer::poll_transmit`] drains them.

use std::collections::VecDeque;
use std::time::Duration;

use super::bitrate::Bitrate;
use super::probe_controller::ProbeCluster;
use crate::time::Instant;

/// Pacing rate over target rate (libwebrtc's default pacing factor).
pub const PACING_FACTOR: f64 = 2.5;
/// The longest the queue may be expected to take to drain.
pub const MAX_EXPECTED_QUEUE_TIME: Duration = Duration::from_secs(2);
/// The size of a padding packet a probe asks for, unless the sender says.
pub const PROBE_PADDING_SIZE: usize = 1000;

/// What the pacer releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paced<T> {
    /// A queued packet, sent as part of a probe cluster or not.
    Media { packet: T, probe_cluster: Option<u32> },
    /// Padding of `size` bytes the sender makes for a probe cluster.
    Padding { size: usize, probe_cluster: u32 },
}

/// A cluster being sent, and what it has sent so far.
#[derive(Debug, Clone, Copy)]
struct ActiveProbe {
    cluster: ProbeCluster,
    packets: usize,
    bytes: u64,
}

pub struct Pacer<T> {
    pacing_rate: Bitrate,
    /// Packets, their sizes and when they were queued.
    queue: VecDeque<(T, usize, Instant)>,
    queued_bytes: u64,
    /// Bytes sent beyond what the rate has paid for, at `last_update`.
    debt: f64,
    last_update: Option<Instant>,
    probes: VecDeque<ActiveProbe>,
    /// The size of the padding packets a probe asks for.
    padding_size: usize,
    ready: VecDeque<Paced<T>>,
}

impl<T> Pacer<T> {
    pub fn new(target: Bitrate) -> Pacer<T> {
        Pacer {
            pacing_rate: target.scale(PACING_FACTOR),
            queue: VecDeque::new(),
            queued_bytes: 0,
            debt: 0.0,
            last_update: None,
            probes: VecDeque::new(),
            padding_size: PROBE_PADDING_SIZE,
            ready: VecDeque::new(),
        }
    }

    /// Probe padding of `size` bytes on the wire, for a sender whose
    /// padding packets are of that size (RTP's padding-only packets carry
    /// at most 255 octets).
    pub fn with_padding_size(mut self, size: usize) -> Pacer<T> {
        self.padding_size = size.max(1);
        self
    }

    /// Follows the congestion controller's target.
    pub fn set_target_bitrate(&mut self, target: Bitrate, now: Instant) {
        self.pay_debt(now);
        self.pacing_rate = target.scale(PACING_FACTOR);
    }

    pub fn pacing_rate(&self) -> Bitrate {
        self.pacing_rate
    }

    /// The rate packets actually leave at: the pacing rate, or more when
    /// the oldest packet would otherwise wait beyond
    /// [`MAX_EXPECTED_QUEUE_TIME`] (at least a millisecond is left, so a
    /// late call does not ask for an infinite rate).
    fn effective_rate(&self) -> Bitrate {
        if let Some(probe) = self.probes.front() {
            return probe.cluster.bitrate;
        }
        let (Some((_, _, queued_at)), Some(now)) = (self.queue.front(), self.last_update) else {
            return self.pacing_rate;
        };
        let left = (*queued_at + MAX_EXPECTED_QUEUE_TIME).saturating_duration_since(now).max(Duration::from_millis(1));
        self.pacing_rate.max(Bitrate::from_bytes(self.queued_bytes, left))
    }

    /// How long the queue takes to drain at the effective rate.
    pub fn expected_queue_time(&self) -> Duration {
        self.effective_rate().time_to_send(self.queued_bytes).unwrap_or(Duration::ZERO)
    }

    pub fn queued_packets(&self) -> usize {
        self.queue.len()
    }

    /// Queues a packet of `size` bytes on the wire.
    pub fn handle_packet(&mut self, packet: T, size: usize, now: Instant) {
        self.pay_debt(now);
        self.queue.push_back((packet, size, now));
        self.queued_bytes += size as u64;
        self.release();
    }

    /// Sends `cluster` before anything else at its rate.
    pub fn create_probe_cluster(&mut self, cluster: ProbeCluster, now: Instant) {
        self.pay_debt(now);
        self.probes.push_back(ActiveProbe { cluster, packets: 0, bytes: 0 });
        self.release();
    }

    /// When the next packet may leave; `None` with nothing queued or to probe.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.queue.is_empty() && self.probes.is_empty() {
            return None;
        }
        let last = self.last_update.unwrap_or(Instant::ZERO);
        let rate = self.effective_rate().as_bps();
        if rate == 0 {
            return None;
        }
        // Rounded up, so that at that time the debt is paid in full.
        let wait_micros = (self.debt * 8_000_000.0 / rate as f64).ceil();
        Some(last + Duration::from_micros(wait_micros as u64))
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.pay_debt(now);
        self.release();
    }

    /// A packet released to go on the wire now.
    pub fn poll_transmit(&mut self) -> Option<Paced<T>> {
        self.ready.pop_front()
    }

    fn pay_debt(&mut self, now: Instant) {
        if let Some(last) = self.last_update {
            let elapsed = now.saturating_duration_since(last).as_secs_f64();
            let paid = self.effective_rate().as_bps() as f64 * elapsed / 8.0;
            self.debt = (self.debt - paid).max(0.0);
        }
        self.last_update = Some(self.last_update.map_or(now, |last| last.max(now)));
    }

    /// Sends while the bucket is empty: a packet puts its size in debt.
    fn release(&mut self) {
        // Within a thousandth of a byte is paid: the rest is rounding.
        while self.debt <= 1e-3 {
            let probe_cluster = self.probes.front().map(|p| p.cluster.id);
            let (paced, size) = match (self.queue.pop_front(), probe_cluster) {
                (Some((packet, size, _)), _) => {
                    self.queued_bytes -= size as u64;
                    (Paced::Media { packet, probe_cluster }, size)
                }
                (None, Some(probe_cluster)) => {
                    (Paced::Padding { size: self.padding_size, probe_cluster }, self.padding_size)
                }
                (None, None) => break,
            };
            self.debt += size as f64;
            self.ready.push_back(paced);
            if let Some(probe) = self.probes.front_mut() {
                probe.packets += 1;
                probe.bytes += size as u64;
                if probe.packets >= probe.cluster.min_probes && probe.bytes >= probe.cluster.min_bytes {
                    self.probes.pop_front();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drive(p: &mut Pacer<u32>, until: Instant) -> Vec<(Paced<u32>, Instant)> {
        let mut out = Vec::new();
        while let Some(at) = p.poll_timeout().filter(|at| *at <= until) {
            p.handle_timeout(at);
            while let Some(paced) = p.poll_transmit() {
                out.push((paced, at));
            }
        }
        out
    }

    fn media(packet: u32) -> Paced<u32> {
        Paced::Media { packet, probe_cluster: None }
    }

    #[test]
    fn sends_at_two_and_a_half_times_the_target() {
        // 400 kbit/s target: 1 Mbit/s pacing, 1250 bytes every 10 ms.
        let mut p = Pacer::new(Bitrate::kbps(400));
        let t0 = Instant::from_micros(1_000_000);
        for n in 0..10 {
            p.handle_packet(n, 1250, t0);
        }
        assert_eq!(p.poll_transmit(), Some(media(0)), "the first goes at once");
        assert_eq!(p.poll_timeout(), Some(t0 + Duration::from_millis(10)));
        let sent = drive(&mut p, t0 + Duration::from_secs(1));
        let times: Vec<_> = sent.iter().map(|(_, at)| (*at - t0).as_millis()).collect();
        assert_eq!(times, [10, 20, 30, 40, 50, 60, 70, 80, 90]);
        assert_eq!(p.poll_timeout(), None);
        // Idle time earns no burst: the next packet goes at once, one after waits.
        let t1 = t0 + Duration::from_secs(2);
        p.handle_packet(10, 1250, t1);
        p.handle_packet(11, 1250, t1);
        assert_eq!(p.poll_transmit(), Some(media(10)));
        assert_eq!(p.poll_transmit(), None);
        assert_eq!(p.poll_timeout(), Some(t1 + Duration::from_millis(10)));
    }

    #[test]
    fn a_new_target_changes_the_spacing() {
        let mut p = Pacer::new(Bitrate::kbps(400));
        let t0 = Instant::ZERO;
        p.handle_packet(0, 1250, t0);
        p.handle_packet(1, 1250, t0);
        p.poll_transmit();
        p.set_target_bitrate(Bitrate::kbps(800), t0);
        assert_eq!(p.poll_timeout(), Some(t0 + Duration::from_millis(5)));
    }

    #[test]
    fn a_long_queue_drains_within_two_seconds() {
        // 40 kbit/s target: 100 kbit/s pacing would take 8 s for 100 KB.
        let mut p = Pacer::new(Bitrate::kbps(40));
        for n in 0..100 {
            p.handle_packet(n, 1000, Instant::ZERO);
        }
        assert!(p.expected_queue_time() <= MAX_EXPECTED_QUEUE_TIME);
        let sent = drive(&mut p, Instant::ZERO + Duration::from_secs(3));
        assert_eq!(sent.len(), 100);
        let last = sent.last().unwrap().1;
        // Each wait is rounded up to the microsecond.
        assert!(last <= Instant::ZERO + MAX_EXPECTED_QUEUE_TIME + Duration::from_millis(1), "{last:?}");
        assert_eq!(p.queued_packets(), 0);
    }

    #[test]
    fn a_probe_cluster_goes_first_at_its_rate_padded_when_media_runs_out() {
        let mut p = Pacer::new(Bitrate::kbps(100));
        let t0 = Instant::ZERO;
        p.handle_packet(0, 1000, t0);
        assert_eq!(p.poll_transmit(), Some(media(0)));
        p.handle_packet(1, 1000, t0);
        // 1.6 Mbit/s: 1000 bytes every 5 ms; five packets and 2000 bytes.
        let cluster = ProbeCluster { id: 7, bitrate: Bitrate::kbps(1600), min_probes: 5, min_bytes: 2000 };
        p.create_probe_cluster(cluster, t0);
        let sent = drive(&mut p, t0 + Duration::from_millis(100));
        let got: Vec<_> = sent.iter().map(|(paced, at)| (paced.clone(), (*at - t0).as_millis())).collect();
        let padding = Paced::Padding { size: PROBE_PADDING_SIZE, probe_cluster: 7 };
        assert_eq!(
            got,
            [
                (Paced::Media { packet: 1, probe_cluster: Some(7) }, 5),
                (padding.clone(), 10),
                (padding.clone(), 15),
                (padding.clone(), 20),
                (padding, 25),
            ]
        );
        assert_eq!(p.poll_timeout(), None, "the cluster is done and nothing is queued");
    }
}
