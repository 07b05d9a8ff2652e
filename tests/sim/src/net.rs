//! A simulated datagram network in virtual time: endpoints named by any
//! ordered address type, and per-direction links that lose, delay, jitter
//! (which reorders), explicitly reorder, duplicate and rate-limit datagrams
//! (a bandwidth cap with a drop-tail queue), and that partitions cut for a
//! window of time. The network never reads a clock: datagrams go in with
//! the sender's `now` and come out of [`Network::poll`] once their delivery
//! time is reached; [`Network::next_delivery`] is the earliest one, for a
//! driver that steps to the earliest deadline (quinn-proto's test `Pair`,
//! str0m's `progress`). Its dice come from a generator of its own seeded at
//! construction, so a seed replays the same run.

use std::collections::BTreeMap;
use std::time::Duration;

use wasmrtc::time::Instant;

/// What one direction of a link does to the datagrams it carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impairments {
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// Probability that a datagram is delivered twice (each copy with its
    /// own delay).
    pub duplicate: f64,
    /// The fixed one-way delay.
    pub delay: Duration,
    /// Extra delay, uniform in `0..=jitter`: datagrams overtake each other.
    pub jitter: Duration,
    /// Probability that a datagram is held back by `reorder_delay` more,
    /// so the ones after it arrive first.
    pub reorder: f64,
    pub reorder_delay: Duration,
    /// A bandwidth cap in bytes per second: datagrams are serialized one
    /// after another, and those that find `queue_bytes` already waiting
    /// are dropped (drop-tail).
    pub bandwidth: Option<u64>,
    pub queue_bytes: usize,
}

impl Impairments {
    /// Delivers everything, in order, at once.
    pub const PERFECT: Impairments = Impairments {
        loss: 0.0,
        duplicate: 0.0,
        delay: Duration::ZERO,
        jitter: Duration::ZERO,
        reorder: 0.0,
        reorder_delay: Duration::ZERO,
        bandwidth: None,
        queue_bytes: usize::MAX,
    };

    /// Reliable and ordered after a fixed delay: a TCP or WebSocket stream.
    pub const fn reliable(delay: Duration) -> Impairments {
        Impairments { delay, ..Impairments::PERFECT }
    }

    /// `loss` and `duplicate` probabilities, and a delay uniform in `delay` (ms).
    pub const fn lossy(loss: f64, duplicate: f64, delay_ms: (u64, u64)) -> Impairments {
        Impairments {
            loss,
            duplicate,
            delay: Duration::from_millis(delay_ms.0),
            jitter: Duration::from_millis(delay_ms.1.saturating_sub(delay_ms.0)),
            ..Impairments::PERFECT
        }
    }

    /// A bottleneck: 20 ms one way, `bits_per_s` with a 50 KB drop-tail
    /// queue, and `loss` besides (the congestion-control tests' link).
    pub const fn bottleneck(bits_per_s: u64, loss: f64) -> Impairments {
        Impairments {
            loss,
            delay: Duration::from_millis(20),
            bandwidth: Some(bits_per_s / 8),
            queue_bytes: 50_000,
            ..Impairments::PERFECT
        }
    }
}

/// One datagram leaving the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram<A> {
    pub from: A,
    pub to: A,
    pub data: Vec<u8>,
}

/// What the network did, for a test's figures and assertions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub sent: u64,
    pub bytes_sent: u64,
    pub lost: u64,
    pub duplicated: u64,
    /// Dropped by a full queue behind a bandwidth cap.
    pub queue_dropped: u64,
    /// Dropped by a partition, at sending or in flight.
    pub partitioned: u64,
    pub delivered: u64,
}

/// A window of time in which the two endpoints cannot reach each other.
#[derive(Debug, Clone, Copy)]
struct Partition<A> {
    between: (A, A),
    start: Instant,
    end: Option<Instant>,
}

impl<A: PartialEq> Partition<A> {
    fn cuts(&self, a: &A, b: &A, at: Instant) -> bool {
        let (x, y) = &self.between;
        ((x == a && y == b) || (x == b && y == a)) && self.start <= at && self.end.is_none_or(|end| at < end)
    }
}

/// The network's dice: SplitMix64, small and the same on every target.
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// Uniform in `0..=max`.
    pub fn up_to(&mut self, max: Duration) -> Duration {
        let max = max.as_micros() as u64;
        if max == 0 {
            return Duration::ZERO;
        }
        Duration::from_micros(self.next_u64() % (max + 1))
    }
}

pub struct Network<A> {
    default: Impairments,
    links: BTreeMap<(A, A), Impairments>,
    /// When each capped link has finished serializing what it holds.
    busy_until: BTreeMap<(A, A), Instant>,
    partitions: Vec<Partition<A>>,
    /// (delivery time, sending order) → datagram: ties leave in the order sent.
    in_flight: BTreeMap<(Instant, u64), Datagram<A>>,
    seq: u64,
    dice: Dice,
    stats: Stats,
}

impl<A: Ord + Clone> Network<A> {
    /// A network whose links are all `default` until [`Network::set`].
    pub fn new(seed: u64, default: Impairments) -> Network<A> {
        Network {
            default,
            links: BTreeMap::new(),
            busy_until: BTreeMap::new(),
            partitions: Vec::new(),
            in_flight: BTreeMap::new(),
            seq: 0,
            dice: Dice::new(seed),
            stats: Stats::default(),
        }
    }

    /// The impairments of links without their own; changing them affects
    /// datagrams sent from then on.
    pub fn set_default(&mut self, impairments: Impairments) {
        self.default = impairments;
    }

    /// The impairments of the direction `from` → `to`.
    pub fn set(&mut self, from: A, to: A, impairments: Impairments) {
        self.links.insert((from, to), impairments);
    }

    /// Both directions between `a` and `b`.
    pub fn set_both(&mut self, a: A, b: A, impairments: Impairments) {
        self.set(a.clone(), b.clone(), impairments);
        self.set(b, a, impairments);
    }

    pub fn impairments(&self, from: &A, to: &A) -> Impairments {
        self.links.get(&(from.clone(), to.clone())).copied().unwrap_or(self.default)
    }

    /// Cuts `a` from `b` (both ways) from `start` until `end` (or until
    /// [`Network::heal`]): datagrams sent or due in the window are dropped.
    pub fn partition(&mut self, a: A, b: A, start: Instant, end: Option<Instant>) {
        self.partitions.push(Partition { between: (a, b), start, end });
    }

    /// Ends every open partition between `a` and `b` at `at`.
    pub fn heal(&mut self, a: &A, b: &A, at: Instant) {
        for p in &mut self.partitions {
            let (x, y) = &p.between;
            if ((x == a && y == b) || (x == b && y == a)) && p.end.is_none_or(|end| end > at) {
                p.end = Some(at.max(p.start));
            }
        }
    }

    pub fn is_partitioned(&self, a: &A, b: &A, at: Instant) -> bool {
        self.partitions.iter().any(|p| p.cuts(a, b, at))
    }

    /// Sends one datagram at `now`.
    pub fn send(&mut self, now: Instant, from: A, to: A, data: Vec<u8>) {
        self.stats.sent += 1;
        self.stats.bytes_sent += data.len() as u64;
        if self.is_partitioned(&from, &to, now) {
            self.stats.partitioned += 1;
            return;
        }
        let link = self.impairments(&from, &to);
        if self.dice.chance(link.loss) {
            self.stats.lost += 1;
            return;
        }
        let copies = if self.dice.chance(link.duplicate) {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let Some(departure) = self.serialize(now, &from, &to, &link, data.len()) else {
                self.stats.queue_dropped += 1;
                continue;
            };
            let mut arrival = departure + link.delay + self.dice.up_to(link.jitter);
            if self.dice.chance(link.reorder) {
                arrival = arrival + link.reorder_delay;
            }
            self.seq += 1;
            self.in_flight.insert((arrival, self.seq), Datagram { from: from.clone(), to: to.clone(), data: data.clone() });
        }
    }

    /// When a datagram of `len` bytes has left a capped link, or None if
    /// the link's queue is full.
    fn serialize(&mut self, now: Instant, from: &A, to: &A, link: &Impairments, len: usize) -> Option<Instant> {
        let Some(bytes_per_s) = link.bandwidth.filter(|b| *b > 0) else {
            return Some(now);
        };
        let key = (from.clone(), to.clone());
        let busy = self.busy_until.get(&key).copied().unwrap_or(now).max(now);
        let waiting = (busy - now).as_micros() as u64 * bytes_per_s / 1_000_000;
        if waiting.saturating_add(len as u64) > link.queue_bytes as u64 {
            return None;
        }
        let done = busy + Duration::from_micros(len as u64 * 1_000_000 / bytes_per_s);
        self.busy_until.insert(key, done);
        Some(done)
    }

    /// The earliest delivery time, if anything is in flight.
    pub fn next_delivery(&self) -> Option<Instant> {
        self.in_flight.keys().next().map(|(t, _)| *t)
    }

    /// The next datagram due by `now`; datagrams whose link was cut while
    /// they flew are dropped here.
    pub fn poll(&mut self, now: Instant) -> Option<Datagram<A>> {
        while let Some(entry) = self.in_flight.first_entry() {
            let at = entry.key().0;
            if at > now {
                return None;
            }
            let datagram = entry.remove();
            if self.is_partitioned(&datagram.from, &datagram.to, at) {
                self.stats.partitioned += 1;
                continue;
            }
            self.stats.delivered += 1;
            return Some(datagram);
        }
        None
    }

    /// Forgets what is in flight to or from `endpoint` (a closed connection).
    pub fn drop_in_flight(&mut self, endpoint: &A) {
        self.in_flight.retain(|_, d| d.from != *endpoint && d.to != *endpoint);
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The network's dice, for a test's other random choices.
    pub fn dice(&mut self) -> &mut Dice {
        &mut self.dice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_micros(ms * 1000)
    }

    fn drain(net: &mut Network<u8>, until: Instant) -> Vec<(Instant, Vec<u8>)> {
        let mut out = vec![];
        while let Some(t) = net.next_delivery().filter(|t| *t <= until) {
            while let Some(d) = net.poll(t) {
                out.push((t, d.data));
            }
        }
        out
    }

    #[test]
    fn a_fixed_delay_keeps_order() {
        let mut net = Network::new(1, Impairments::reliable(Duration::from_millis(5)));
        for i in 0..10u8 {
            net.send(at(i as u64), 0, 1, vec![i]);
        }
        let got = drain(&mut net, at(100));
        assert_eq!(got.iter().map(|(_, d)| d[0]).collect::<Vec<_>>(), (0..10).collect::<Vec<_>>());
        assert_eq!(got[3].0, at(8));
        assert_eq!(net.poll(at(100)), None);
    }

    #[test]
    fn loss_duplication_and_jitter_are_seeded() {
        let run = |seed| {
            let mut net = Network::new(seed, Impairments::lossy(0.1, 0.05, (5, 40)));
            for i in 0..1000u16 {
                net.send(at(i as u64), 0u8, 1, i.to_be_bytes().to_vec());
            }
            (drain(&mut net, at(10_000)), net.stats())
        };
        let (a, stats) = run(7);
        assert_eq!(run(7).0, a, "the same seed replays the same run");
        assert_ne!(run(8).0, a);
        assert!((60..=140).contains(&stats.lost), "{stats:?}");
        assert!((20..=80).contains(&stats.duplicated), "{stats:?}");
        assert_eq!(stats.delivered, 1000 - stats.lost + stats.duplicated);
        let order: Vec<u16> = a.iter().map(|(_, d)| u16::from_be_bytes([d[0], d[1]])).collect();
        assert!(order.windows(2).any(|w| w[0] > w[1]), "jitter reorders");
    }

    #[test]
    fn explicit_reordering_holds_a_datagram_back() {
        let link = Impairments { reorder: 1.0, reorder_delay: Duration::from_millis(50), ..Impairments::PERFECT };
        let mut net = Network::new(1, Impairments::PERFECT);
        net.set(0u8, 1, link);
        net.send(at(0), 0, 1, vec![1]);
        net.send(at(1), 1, 0, vec![2]);
        net.send(at(2), 0, 1, vec![3]);
        assert_eq!(drain(&mut net, at(100)), vec![(at(1), vec![2]), (at(50), vec![1]), (at(52), vec![3])]);
    }

    #[test]
    fn a_bandwidth_cap_serializes_and_drops_the_tail() {
        // 100 kB/s: a 1000-byte datagram takes 10 ms; 3000 bytes may wait.
        let link = Impairments { bandwidth: Some(100_000), queue_bytes: 3000, ..Impairments::PERFECT };
        let mut net = Network::new(1, link);
        for _ in 0..6 {
            net.send(at(0), 0u8, 1, vec![0; 1000]);
        }
        let times: Vec<Instant> = drain(&mut net, at(1000)).into_iter().map(|(t, _)| t).collect();
        assert_eq!(times, vec![at(10), at(20), at(30)]);
        assert_eq!(net.stats().queue_dropped, 3);
        // Once drained, the queue takes datagrams again.
        net.send(at(100), 0, 1, vec![0; 1000]);
        assert_eq!(net.next_delivery(), Some(at(110)));
    }

    #[test]
    fn a_partition_drops_what_is_sent_and_in_flight_until_healed() {
        let mut net = Network::new(1, Impairments::reliable(Duration::from_millis(10)));
        net.send(at(0), 0u8, 1, vec![1]);
        net.partition(0, 1, at(5), None);
        net.send(at(6), 1, 0, vec![2]);
        net.send(at(6), 0, 2, vec![3]);
        assert_eq!(drain(&mut net, at(100)), vec![(at(16), vec![3])]);
        net.heal(&1, &0, at(100));
        net.send(at(100), 0, 1, vec![4]);
        assert_eq!(drain(&mut net, at(200)), vec![(at(110), vec![4])]);
        assert_eq!(net.stats().partitioned, 2);
    }

    #[test]
    fn a_partition_window_ends_by_itself() {
        let mut net = Network::new(1, Impairments::PERFECT);
        net.partition(0u8, 1, at(10), Some(at(20)));
        for ms in [5, 15, 25] {
            net.send(at(ms), 0, 1, vec![ms as u8]);
        }
        assert_eq!(drain(&mut net, at(100)), vec![(at(5), vec![5]), (at(25), vec![25])]);
    }
}
