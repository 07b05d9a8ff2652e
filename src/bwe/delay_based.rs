//! The delay-based estimate (draft-ietf-rmcat-gcc-02 §5): each feedback's
//! received packets, in arrival order, are grouped ([`InterArrival`]), the
//! delay gradient filtered ([`Trendline`]) and judged ([`OveruseDetector`]);
//! the verdict drives the rate controller ([`AimdRateControl`]), which
//! cuts at most once per round trip while over-use lasts. A probe's
//! measured rate, unless the path is over-used, becomes the estimate.

use std::time::Duration;

use super::aimd::AimdRateControl;
use super::bitrate::Bitrate;
use super::feedback_adapter::TransportPacketsFeedback;
use super::inter_arrival::InterArrival;
use super::overuse_detector::{BandwidthUsage, OveruseDetector};
use super::trendline::Trendline;
use crate::time::Instant;

#[derive(Debug)]
pub struct DelayBasedBwe {
    inter_arrival: InterArrival,
    trendline: Trendline,
    detector: OveruseDetector,
    rate_control: AimdRateControl,
}

fn micros(t: Instant) -> i64 {
    t.as_micros() as i64
}

impl DelayBasedBwe {
    pub fn new(start: Bitrate, min: Bitrate, max: Bitrate) -> DelayBasedBwe {
        DelayBasedBwe {
            inter_arrival: InterArrival::new(),
            trendline: Trendline::new(),
            detector: OveruseDetector::new(),
            rate_control: AimdRateControl::new(start, min, max),
        }
    }

    pub fn estimate(&self) -> Bitrate {
        self.rate_control.estimate()
    }

    pub fn usage(&self) -> BandwidthUsage {
        self.detector.state()
    }

    pub fn set_rtt(&mut self, rtt: Duration) {
        self.rate_control.set_rtt(rtt);
    }

    /// One feedback's results, with the acknowledged rate after it and
    /// the rate a probe in it measured.
    pub fn handle_feedback(
        &mut self,
        feedback: &TransportPacketsFeedback,
        acknowledged: Option<Bitrate>,
        probe: Option<Bitrate>,
        now: Instant,
    ) -> Bitrate {
        let system = micros(feedback.feedback_time);
        let mut usage = self.detector.state();
        for (packet, arrival) in feedback.received_by_arrival() {
            let Some(deltas) =
                self.inter_arrival.compute_deltas(micros(packet.send_time), micros(arrival), system, packet.size)
            else {
                continue;
            };
            let Some(trend) = self.trendline.update(
                deltas.arrival_delta as f64 / 1000.0,
                deltas.send_delta as f64 / 1000.0,
                micros(arrival) as f64 / 1000.0,
            ) else {
                continue;
            };
            usage = self.detector.detect(
                trend.trend,
                trend.modified_trend,
                deltas.send_delta as f64 / 1000.0,
                micros(now) as f64 / 1000.0,
            );
        }
        if let Some(probe) = probe.filter(|_| usage != BandwidthUsage::Overusing) {
            self.rate_control.set_estimate(probe, now);
            return self.rate_control.estimate();
        }
        match (usage, acknowledged) {
            (BandwidthUsage::Overusing, Some(acked)) if !self.rate_control.time_to_reduce_further(now, acked) => {}
            // Over-use with nothing acknowledged: no rate to cut to yet.
            (BandwidthUsage::Overusing, None) => {}
            _ => {
                self.rate_control.update(usage, acknowledged, now);
            }
        }
        self.rate_control.estimate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bwe::feedback_adapter::PacketResult;
    use crate::bwe::send_history::SentPacket;

    /// 100 ms of 1000-byte packets sent every `send_gap` µs from `start`,
    /// each arriving `queue_growth` µs later than the one before relative
    /// to its sending (a growing queue), after 20 ms of propagation.
    fn feedback(
        seq: &mut u64,
        start: u64,
        send_gap: u64,
        queue_growth: u64,
        queue: &mut u64,
    ) -> TransportPacketsFeedback {
        let mut packet_results = Vec::new();
        let mut send = start;
        while send < start + 100_000 {
            *queue += queue_growth;
            packet_results.push(PacketResult {
                sent: SentPacket {
                    sequence_number: *seq,
                    size: 1000,
                    send_time: Instant::from_micros(send),
                    probe_cluster: None,
                },
                receive_time: Some(Instant::from_micros(send + 20_000 + *queue)),
            });
            *seq += 1;
            send += send_gap;
        }
        TransportPacketsFeedback { feedback_time: Instant::from_micros(start + 150_000), packet_results }
    }

    #[test]
    fn increases_on_a_clear_path_and_cuts_when_the_queue_grows() {
        let mut bwe = DelayBasedBwe::new(Bitrate::kbps(300), Bitrate::kbps(30), Bitrate::kbps(5000));
        bwe.set_rtt(Duration::from_millis(50));
        let (mut seq, mut queue) = (0, 0);
        let mut t = 0;
        for _ in 0..20 {
            let fb = feedback(&mut seq, t, 8000, 0, &mut queue);
            bwe.handle_feedback(&fb, Some(Bitrate::kbps(1000)), None, fb.feedback_time);
            t += 100_000;
        }
        assert_eq!(bwe.usage(), BandwidthUsage::Normal);
        let increased = bwe.estimate();
        // 8% a second for 2 s (the first step counts a whole second).
        assert!(increased > Bitrate::kbps(370), "{increased}");
        // Each packet 1 ms later: the queue grows by 1 ms every 8 ms.
        for _ in 0..10 {
            let fb = feedback(&mut seq, t, 8000, 1000, &mut queue);
            bwe.handle_feedback(&fb, Some(Bitrate::kbps(400)), None, fb.feedback_time);
            t += 100_000;
        }
        assert_eq!(bwe.usage(), BandwidthUsage::Overusing);
        assert_eq!(bwe.estimate(), Bitrate::kbps(340), "0.85 × the acknowledged 400 kbit/s");
    }
}
