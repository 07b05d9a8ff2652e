//! Groups packets and measures how the groups' spacing changed on the way
//! (draft-ietf-rmcat-gcc-02 §5.2): packets sent within 5 ms of a group's
//! first form one group, and so do packets that arrive in a burst (less
//! than 5 ms apart and sooner than their send spacing, the sign of a queue
//! draining, within 100 ms of the group's first arrival). Between two
//! complete groups the inter-departure and inter-arrival deltas are what
//! the trendline filter sees.
//!
//! Times are signed microseconds so that deltas may be negative; arrival
//! times come from the peer's feedback, so the arithmetic saturates.

const SEND_TIME_GROUP_LENGTH: i64 = 5_000;
const BURST_DELTA_THRESHOLD: i64 = 5_000;
const MAX_BURST_DURATION: i64 = 100_000;
/// Arrival spacing that drifts this far from the local clock's means the
/// receiver's clock jumped: start over.
const ARRIVAL_TIME_OFFSET_THRESHOLD: i64 = 3_000_000;
/// This many groups in a row arriving out of order also starts over.
const REORDERED_RESET_THRESHOLD: u32 = 3;

#[derive(Debug, Clone, Copy)]
struct PacketGroup {
    size: usize,
    first_send: i64,
    last_send: i64,
    first_arrival: i64,
    last_arrival: i64,
    last_system: i64,
}

impl PacketGroup {
    /// A group of one packet.
    fn first(send: i64, arrival: i64, system: i64, size: usize) -> PacketGroup {
        PacketGroup {
            size,
            first_send: send,
            last_send: send,
            first_arrival: arrival,
            last_arrival: arrival,
            last_system: system,
        }
    }
}

/// The change between two groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deltas {
    /// Send time delta, µs.
    pub send_delta: i64,
    /// Arrival time delta, µs.
    pub arrival_delta: i64,
    /// Size delta, bytes.
    pub size_delta: i64,
}

#[derive(Debug, Default)]
pub struct InterArrival {
    current: Option<PacketGroup>,
    previous: Option<PacketGroup>,
    reordered: u32,
}

impl InterArrival {
    pub fn new() -> InterArrival {
        InterArrival::default()
    }

    /// A packet sent at `send`, arriving at `arrival`, reported at `system`
    /// (all in µs), of `size` bytes; the deltas when it closes a group.
    pub fn compute_deltas(&mut self, send: i64, arrival: i64, system: i64, size: usize) -> Option<Deltas> {
        let mut deltas = None;
        let Some(current) = self.current.as_mut() else {
            self.current = Some(PacketGroup::first(send, arrival, system, size));
            return None;
        };
        if send < current.first_send {
            // Sent before the group it arrived in: reordered, no use.
            return None;
        }
        if Self::starts_new_group(current, send, arrival) {
            let closed = *current;
            if let Some(previous) = self.previous {
                let send_delta = closed.last_send.saturating_sub(previous.last_send);
                let arrival_delta = closed.last_arrival.saturating_sub(previous.last_arrival);
                let system_delta = closed.last_system.saturating_sub(previous.last_system);
                if arrival_delta.saturating_sub(system_delta) >= ARRIVAL_TIME_OFFSET_THRESHOLD {
                    self.reset();
                    return None;
                }
                if arrival_delta < 0 {
                    self.reordered += 1;
                    if self.reordered >= REORDERED_RESET_THRESHOLD {
                        self.reset();
                    }
                    return None;
                }
                self.reordered = 0;
                deltas =
                    Some(Deltas { send_delta, arrival_delta, size_delta: closed.size as i64 - previous.size as i64 });
            }
            self.previous = Some(closed);
            self.current = Some(PacketGroup::first(send, arrival, system, size));
            return deltas;
        }
        current.last_send = current.last_send.max(send);
        current.size += size;
        current.last_arrival = arrival;
        current.last_system = system;
        deltas
    }

    fn starts_new_group(group: &PacketGroup, send: i64, arrival: i64) -> bool {
        !Self::in_burst(group, send, arrival) && send.saturating_sub(group.first_send) > SEND_TIME_GROUP_LENGTH
    }

    fn in_burst(group: &PacketGroup, send: i64, arrival: i64) -> bool {
        let arrival_delta = arrival.saturating_sub(group.last_arrival);
        let send_delta = send.saturating_sub(group.last_send);
        if send_delta == 0 {
            return true;
        }
        let propagation_delta = arrival_delta.saturating_sub(send_delta);
        propagation_delta < 0
            && arrival_delta <= BURST_DELTA_THRESHOLD
            && arrival.saturating_sub(group.first_arrival) < MAX_BURST_DURATION
    }

    fn reset(&mut self) {
        *self = InterArrival::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_5_ms_of_send_time_and_reports_deltas_between_groups() {
        let mut ia = InterArrival::new();
        // Groups at send 0..4 ms, 10..14 ms, 20 ms; each packet 1 ms apart,
        // arriving 50 ms later, the second group 2 ms later still.
        let mut out = Vec::new();
        for (send, extra) in [(0, 0), (2, 0), (4, 0), (10, 2), (12, 2), (14, 2), (20, 2)] {
            let t = send * 1000;
            out.push(ia.compute_deltas(t, t + 50_000 + extra * 1000, t + 60_000, 500));
        }
        assert_eq!(out[..6], [None; 6]);
        assert_eq!(out[6], Some(Deltas { send_delta: 10_000, arrival_delta: 12_000, size_delta: 0 }));
    }

    #[test]
    fn a_burst_arriving_faster_than_sent_joins_the_group() {
        let mut ia = InterArrival::new();
        assert_eq!(ia.compute_deltas(0, 100_000, 0, 100), None);
        // Sent 20 ms later but arriving 1 ms later: the queue drained.
        assert_eq!(ia.compute_deltas(20_000, 101_000, 0, 100), None);
        assert_eq!(ia.compute_deltas(40_000, 140_000, 0, 100), None);
        let d = ia.compute_deltas(60_000, 160_000, 0, 100).unwrap();
        assert_eq!((d.send_delta, d.arrival_delta, d.size_delta), (20_000, 39_000, -100));
    }

    #[test]
    fn a_jump_of_the_receivers_clock_starts_over() {
        let mut ia = InterArrival::new();
        let ms = |send: i64, arrival: i64| (send * 1000, arrival * 1000, send * 1000);
        let out: Vec<_> = [ms(0, 0), ms(10, 10), ms(20, 5000), ms(30, 5010), ms(40, 5020), ms(50, 5030), ms(60, 5040)]
            .into_iter()
            .map(|(s, a, sys)| ia.compute_deltas(s, a, sys, 100).is_some())
            .collect();
        // The group arriving 5 s late resets; two groups later deltas resume.
        assert_eq!(out, [false, false, true, false, false, false, true]);
    }
}
