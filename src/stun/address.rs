//! MAPPED-ADDRESS and the XOR'd address attributes (RFC 8489 §14.1, §14.2;
//! XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS share the encoding, RFC 8656
//! §18.3, §18.5).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{StunError, MAGIC_COOKIE};

const FAMILY_V4: u8 = 0x01;
const FAMILY_V6: u8 = 0x02;

/// Encodes `addr`, XOR'd with the cookie and `transaction_id` when given.
pub fn encode(addr: &SocketAddr, xor_with: Option<&[u8; 12]>, out: &mut Vec<u8>) {
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let mut port = addr.port();
    if xor_with.is_some() {
        port ^= (MAGIC_COOKIE >> 16) as u16;
    }
    match addr.ip() {
        IpAddr::V4(ip) => {
            out.extend_from_slice(&[0, FAMILY_V4]);
            out.extend_from_slice(&port.to_be_bytes());
            let mut o = ip.octets();
            if xor_with.is_some() {
                for (b, k) in o.iter_mut().zip(cookie.iter()) {
                    *b ^= k;
                }
            }
            out.extend_from_slice(&o);
        }
        IpAddr::V6(ip) => {
            out.extend_from_slice(&[0, FAMILY_V6]);
            out.extend_from_slice(&port.to_be_bytes());
            let mut o = ip.octets();
            if let Some(tid) = xor_with {
                let key = cookie.iter().chain(tid.iter());
                for (b, k) in o.iter_mut().zip(key) {
                    *b ^= k;
                }
            }
            out.extend_from_slice(&o);
        }
    }
}

/// Decodes an address value; `typ` names the attribute in errors.
pub fn decode(typ: u16, v: &[u8], xor_with: Option<&[u8; 12]>) -> Result<SocketAddr, StunError> {
    let bad = |reason| StunError::BadAttribute { typ, reason };
    if v.len() < 4 {
        return Err(bad("address shorter than 4 bytes"));
    }
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let mut port = u16::from_be_bytes([v[2], v[3]]);
    if xor_with.is_some() {
        port ^= (MAGIC_COOKIE >> 16) as u16;
    }
    match v[1] {
        FAMILY_V4 => {
            let mut o: [u8; 4] = v.get(4..8).and_then(|s| s.try_into().ok()).ok_or(bad("IPv4 address not 8 bytes"))?;
            if v.len() != 8 {
                return Err(bad("IPv4 address not 8 bytes"));
            }
            if xor_with.is_some() {
                for (b, k) in o.iter_mut().zip(cookie.iter()) {
                    *b ^= k;
                }
            }
            Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(o)), port))
        }
        FAMILY_V6 => {
            let mut o: [u8; 16] = v.get(4..20).and_then(|s| s.try_into().ok()).ok_or(bad("IPv6 address not 20 bytes"))?;
            if v.len() != 20 {
                return Err(bad("IPv6 address not 20 bytes"));
            }
            if let Some(tid) = xor_with {
                let key = cookie.iter().chain(tid.iter());
                for (b, k) in o.iter_mut().zip(key) {
                    *b ^= k;
                }
            }
            Ok(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(o)), port))
        }
        _ => Err(bad("unknown address family")),
    }
}
