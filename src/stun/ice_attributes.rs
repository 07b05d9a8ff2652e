//! ICE's STUN attributes (RFC 8445 §7.1.1, §16.1): PRIORITY, USE-CANDIDATE,
//! ICE-CONTROLLED, ICE-CONTROLLING, and error 487 Role Conflict (§7.3.1.1).
//!
//! The codec decodes these types as [`Attribute::Unknown`] and re-encodes
//! them unchanged; this module builds and reads them, so ICE adds its
//! attributes without touching the codec's framing or its tests.

use super::attribute::{types, Attribute, ErrorCode};
use super::message::Message;

impl ErrorCode {
    /// RFC 8445 §7.3.1.1: both agents claim the same role and the sender
    /// of the request lost the tie-break.
    pub const ROLE_CONFLICT: u16 = 487;
}

/// The role an agent claims in a check, with its tie-breaker (RFC 8445
/// §7.1.3, §16.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IceRole {
    Controlling(u64),
    Controlled(u64),
}

/// PRIORITY: the priority a peer-reflexive candidate learned from this
/// check would have (RFC 8445 §7.1.1).
pub fn priority(priority: u32) -> Attribute {
    Attribute::Unknown { typ: types::PRIORITY, value: priority.to_be_bytes().to_vec() }
}

/// USE-CANDIDATE: the controlling agent nominates the pair (RFC 8445 §7.1.2).
pub fn use_candidate() -> Attribute {
    Attribute::Unknown { typ: types::USE_CANDIDATE, value: Vec::new() }
}

/// ICE-CONTROLLING or ICE-CONTROLLED with the tie-breaker (RFC 8445 §7.1.3).
pub fn ice_role(role: IceRole) -> Attribute {
    let (typ, tie_breaker) = match role {
        IceRole::Controlling(t) => (types::ICE_CONTROLLING, t),
        IceRole::Controlled(t) => (types::ICE_CONTROLLED, t),
    };
    Attribute::Unknown { typ, value: tie_breaker.to_be_bytes().to_vec() }
}

impl Message {
    fn unknown_value(&self, typ: u16) -> Option<&[u8]> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Unknown { typ: t, value } if *t == typ => Some(value.as_slice()),
            _ => None,
        })
    }

    /// PRIORITY; `None` when absent or not four bytes.
    pub fn priority(&self) -> Option<u32> {
        let v: [u8; 4] = self.unknown_value(types::PRIORITY)?.try_into().ok()?;
        Some(u32::from_be_bytes(v))
    }

    /// Whether USE-CANDIDATE is present.
    pub fn use_candidate(&self) -> bool {
        self.unknown_value(types::USE_CANDIDATE).is_some()
    }

    /// ICE-CONTROLLING or ICE-CONTROLLED, whichever comes first; `None` when
    /// neither is present or the value is not eight bytes.
    pub fn ice_role(&self) -> Option<IceRole> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Unknown { typ: types::ICE_CONTROLLING, value } => {
                Some(IceRole::Controlling(u64::from_be_bytes(value.as_slice().try_into().ok()?)))
            }
            Attribute::Unknown { typ: types::ICE_CONTROLLED, value } => {
                Some(IceRole::Controlled(u64::from_be_bytes(value.as_slice().try_into().ok()?)))
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stun::{Class, Method};

    #[test]
    fn round_trip_through_the_codec() {
        let m = Message::new(Method::BINDING, Class::Request, [7; 12])
            .with(priority(0x6e00_01ff))
            .with(use_candidate())
            .with(ice_role(IceRole::Controlling(0x0102_0304_0506_0708)));
        let bytes = m.encode_with(Some((crate::stun::IntegrityAlgorithm::Sha1, b"pwd")), true).unwrap();
        let d = Message::decode(&bytes).unwrap();
        assert_eq!(d.priority(), Some(0x6e00_01ff));
        assert!(d.use_candidate());
        assert_eq!(d.ice_role(), Some(IceRole::Controlling(0x0102_0304_0506_0708)));
        let d = Message::decode(
            &Message::new(Method::BINDING, Class::Request, [7; 12])
                .with(ice_role(IceRole::Controlled(9)))
                .with(Attribute::Unknown { typ: types::PRIORITY, value: vec![1, 2] })
                .encode()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(d.ice_role(), Some(IceRole::Controlled(9)));
        assert_eq!(d.priority(), None, "a malformed PRIORITY reads as absent");
        assert!(!d.use_candidate());
        assert_eq!(ErrorCode::new(ErrorCode::ROLE_CONFLICT).reason, "Role Conflict");
    }
}
