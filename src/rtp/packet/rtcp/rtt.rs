//! Round-trip time from a report block (RFC 3550 §6.4.1): the arrival time
//! A of the report minus LSR minus DLSR, all in the "compact" NTP format
//! (middle 32 bits: 16 bits of seconds, 16 of fraction).

use std::time::Duration;

/// The middle 32 bits of a 64-bit NTP timestamp, as LSR carries it.
pub fn ntp_compact(ntp_timestamp: u64) -> u32 {
    (ntp_timestamp >> 16) as u32
}

/// RTT = A - LSR - DLSR. `None` when the report names no SR (LSR 0) or the
/// result would be negative (clock skew, or a report older than its SR).
pub fn round_trip_time(arrival_ntp_compact: u32, last_sr: u32, delay_since_last_sr: u32) -> Option<Duration> {
    if last_sr == 0 {
        return None;
    }
    let rtt = arrival_ntp_compact.wrapping_sub(last_sr).wrapping_sub(delay_since_last_sr);
    if rtt > 0x8000_0000 {
        return None;
    }
    Some(Duration::from_nanos((u64::from(rtt) * 1_000_000_000) >> 16))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3550 §6.4.1's worked example: A = 0xb710:8000 (46864.500 s),
    /// LSR = 0xb705:2000 (46853.125 s), DLSR = 0x0005:4000 (5.250 s):
    /// RTT 6.125 s.
    #[test]
    fn rfc3550_example() {
        let rtt = round_trip_time(0xb710_8000, 0xb705_2000, 0x0005_4000).unwrap();
        assert_eq!(rtt, Duration::from_millis(6125));
        assert_eq!(ntp_compact(0x0000_b710_8000_0000), 0xb710_8000);
        assert_eq!(round_trip_time(0xb710_8000, 0, 0x0005_4000), None);
        assert_eq!(round_trip_time(0xb705_2000, 0xb705_2000, 0x0005_4000), None);
    }
}
