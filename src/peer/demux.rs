//! Which protocol a datagram from the ICE transport carries, by its first
//! byte (RFC 7983 §7, as updated by RFC 9443 §3), and RTP from RTCP on the
//! one port by the second (RFC 5761 §4).
//!
//! First byte: 0–3 STUN, 16–19 ZRTP, 20–63 DTLS, 64–79 TURN ChannelData,
//! 80–127 QUIC, 128–191 RTP and RTCP, 192–255 QUIC. WebRTC speaks STUN,
//! DTLS, RTP and RTCP on the path; anything else is [`Protocol::Unknown`].

/// What a datagram is, as far as the first two bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Protocol {
    Stun,
    Dtls,
    Rtp,
    Rtcp,
    Unknown,
}

/// Classifies a datagram; it reads no more than two bytes, so it never
/// fails on short or malformed input.
pub(super) fn classify(datagram: &[u8]) -> Protocol {
    match datagram {
        [0..=3, ..] => Protocol::Stun,
        [20..=63, ..] => Protocol::Dtls,
        // RFC 5761 §4: the second byte is the marker bit and RTP's payload
        // type, or RTCP's packet type; RTCP's types 192–223 read as payload
        // types 64–95, which RTP must not use when multiplexed.
        [128..=191, second, ..] if (64..=95).contains(&(second & 0x7f)) => Protocol::Rtcp,
        [128..=191, _, ..] => Protocol::Rtp,
        _ => Protocol::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::{classify, Protocol};

    /// A datagram of two bytes or more with this first byte, whose second
    /// byte is an RTP payload type (so RTP/RTCP reads as RTP).
    fn first(byte: u8) -> Protocol {
        classify(&[byte, 111, 0, 0])
    }

    #[test]
    fn stun_is_0_to_3() {
        assert_eq!(first(0), Protocol::Stun);
        assert_eq!(first(1), Protocol::Stun, "a STUN success response");
        assert_eq!(first(3), Protocol::Stun);
        assert_eq!(first(4), Protocol::Unknown);
    }

    #[test]
    fn zrtp_and_unassigned_are_unknown() {
        assert_eq!(first(15), Protocol::Unknown);
        assert_eq!(first(16), Protocol::Unknown);
        assert_eq!(first(19), Protocol::Unknown);
    }

    #[test]
    fn dtls_is_20_to_63() {
        assert_eq!(first(20), Protocol::Dtls, "change_cipher_spec");
        assert_eq!(first(22), Protocol::Dtls, "handshake");
        assert_eq!(first(23), Protocol::Dtls, "application_data");
        assert_eq!(first(63), Protocol::Dtls);
        assert_eq!(first(64), Protocol::Unknown);
    }

    #[test]
    fn turn_channels_and_quic_are_unknown() {
        assert_eq!(first(79), Protocol::Unknown);
        assert_eq!(first(80), Protocol::Unknown);
        assert_eq!(first(127), Protocol::Unknown);
        assert_eq!(first(192), Protocol::Unknown);
        assert_eq!(first(255), Protocol::Unknown);
    }

    #[test]
    fn rtp_is_128_to_191() {
        assert_eq!(first(127), Protocol::Unknown);
        assert_eq!(
            first(128),
            Protocol::Rtp,
            "version 2, no padding, extension or CSRCs"
        );
        assert_eq!(
            first(191),
            Protocol::Rtp,
            "version 2 with every other bit set"
        );
        assert_eq!(first(192), Protocol::Unknown);
    }

    #[test]
    fn rtcp_is_told_from_rtp_by_payload_types_64_to_95() {
        for marker in [0x00, 0x80] {
            assert_eq!(classify(&[0x80, marker | 63]), Protocol::Rtp);
            assert_eq!(classify(&[0x80, marker | 64]), Protocol::Rtcp);
            assert_eq!(classify(&[0x80, marker | 95]), Protocol::Rtcp);
            assert_eq!(classify(&[0x80, marker | 96]), Protocol::Rtp);
        }
        assert_eq!(
            classify(&[0x80, 200, 0, 6]),
            Protocol::Rtcp,
            "a sender report (PT 200)"
        );
        assert_eq!(
            classify(&[0x81, 205, 0, 4]),
            Protocol::Rtcp,
            "transport-wide feedback (PT 205)"
        );
        assert_eq!(
            classify(&[0x80, 0x80 | 96, 0, 1]),
            Protocol::Rtp,
            "payload type 96 with the marker bit"
        );
        assert_eq!(classify(&[0xbf, 0]), Protocol::Rtp, "payload type 0 (PCMU)");
    }

    #[test]
    fn short_datagrams() {
        assert_eq!(classify(&[]), Protocol::Unknown);
        assert_eq!(classify(&[0]), Protocol::Stun);
        assert_eq!(classify(&[22]), Protocol::Dtls);
        assert_eq!(
            classify(&[0x80]),
            Protocol::Unknown,
            "RTP or RTCP needs its second byte"
        );
    }
}
