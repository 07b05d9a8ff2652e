//! Which peer addresses an allocation may relay to (RFC 8656 §21.3.1, and
//! DESIGN.md "Security"): loopback, private, link-local, multicast,
//! unspecified and other special-purpose addresses are refused unless the
//! operator allows them; `--denied-peer-ip` always wins.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An inclusive range of addresses of one family, written like coturn's
/// `--denied-peer-ip` (`A`, `A-B`) or as CIDR (`A/N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    pub first: IpAddr,
    pub last: IpAddr,
}

impl IpRange {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.first, self.last, ip) {
            (IpAddr::V4(a), IpAddr::V4(b), IpAddr::V4(x)) => a <= x && x <= b,
            (IpAddr::V6(a), IpAddr::V6(b), IpAddr::V6(x)) => a <= x && x <= b,
            _ => false,
        }
    }
}

impl FromStr for IpRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("not an address, range (A-B) or CIDR (A/N): {s:?}");
        if let Some((a, b)) = s.split_once('-') {
            let first: IpAddr = a.trim().parse().map_err(|_| bad())?;
            let last: IpAddr = b.trim().parse().map_err(|_| bad())?;
            if first.is_ipv4() != last.is_ipv4() || first > last {
                return Err(bad());
            }
            return Ok(IpRange { first, last });
        }
        if let Some((a, n)) = s.split_once('/') {
            let ip: IpAddr = a.trim().parse().map_err(|_| bad())?;
            let n: u32 = n.trim().parse().map_err(|_| bad())?;
            return match ip {
                IpAddr::V4(v) if n <= 32 => {
                    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
                    let base = u32::from(v) & mask;
                    Ok(IpRange { first: Ipv4Addr::from(base).into(), last: Ipv4Addr::from(base | !mask).into() })
                }
                IpAddr::V6(v) if n <= 128 => {
                    let mask = if n == 0 { 0 } else { u128::MAX << (128 - n) };
                    let base = u128::from(v) & mask;
                    Ok(IpRange { first: Ipv6Addr::from(base).into(), last: Ipv6Addr::from(base | !mask).into() })
                }
                _ => Err(bad()),
            };
        }
        let ip: IpAddr = s.parse().map_err(|_| bad())?;
        Ok(IpRange { first: ip, last: ip })
    }
}

/// The peer policy.
#[derive(Debug, Clone, Default)]
pub struct PeerFilter {
    pub allow_loopback: bool,
    pub allowed: Vec<IpRange>,
    pub denied: Vec<IpRange>,
}

/// Addresses no one should relay to by default: private, link-local,
/// multicast, unspecified, broadcast, shared, documentation and reserved
/// ranges (RFC 6890), loopback reported separately.
fn is_special(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            v.is_private()
                || v.is_link_local()
                || v.is_multicast()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xC0) == 64) // 100.64/10 shared
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0/24
                || (o[0] == 198 && (o[1] & 0xFE) == 18) // 198.18/15 benchmarking
                || o[0] >= 240
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            v.is_multicast()
                || v.is_unspecified()
                || (s[0] & 0xFE00) == 0xFC00 // unique local
                || (s[0] & 0xFFC0) == 0xFE80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0DB8) // documentation
                || (s[0] == 0x64 && s[1] == 0xFF9B) // NAT64 well-known: could reach anything
                || s[0] == 0x2002 // 6to4
        }
    }
}

impl PeerFilter {
    /// Whether data may be relayed to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v) => v.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        if self.denied.iter().any(|r| r.contains(ip)) {
            return false;
        }
        if self.allowed.iter().any(|r| r.contains(ip)) {
            return true;
        }
        if ip.is_loopback() {
            return self.allow_loopback;
        }
        !is_special(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains("10.255.1.1".parse().unwrap()));
        assert!(!r.contains("11.0.0.0".parse().unwrap()));
        let r: IpRange = "172.17.0.0-172.17.255.255".parse().unwrap();
        assert!(r.contains("172.17.3.4".parse().unwrap()));
        assert!("1.2.3.4".parse::<IpRange>().unwrap().contains("1.2.3.4".parse().unwrap()));
        assert!("1.2.3.4/33".parse::<IpRange>().is_err());
        assert!("2.0.0.0-1.0.0.0".parse::<IpRange>().is_err());
        assert!("::1-1.2.3.4".parse::<IpRange>().is_err());
        assert!("junk".parse::<IpRange>().is_err());
        let r: IpRange = "fe80::/10".parse().unwrap();
        assert!(r.contains("fe80::1".parse().unwrap()));
    }

    #[test]
    fn policy() {
        let mut f = PeerFilter::default();
        for ip in ["127.0.0.1", "10.1.2.3", "192.168.1.1", "169.254.1.1", "224.0.0.1", "0.0.0.0", "::1", "fe80::1", "::", "::ffff:127.0.0.1", "255.255.255.255"] {
            assert!(!f.allows(ip.parse().unwrap()), "{ip}");
        }
        assert!(f.allows("8.8.8.8".parse().unwrap()));
        assert!(f.allows("2606:4700::1".parse().unwrap()));
        f.allow_loopback = true;
        assert!(f.allows("127.0.0.1".parse().unwrap()));
        assert!(!f.allows("10.1.2.3".parse().unwrap()));
        f.allowed.push("10.0.0.0/8".parse().unwrap());
        assert!(f.allows("10.1.2.3".parse().unwrap()));
        f.denied.push("127.0.0.2".parse().unwrap());
        assert!(!f.allows("127.0.0.2".parse().unwrap()));
        assert!(f.allows("127.0.0.1".parse().unwrap()));
    }
}
