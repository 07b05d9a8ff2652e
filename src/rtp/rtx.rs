//! The RTP retransmission payload format (RFC 4588 §4): a retransmitted
//! packet travels on its own SSRC with its own sequence numbers and the
//! RTX payload type whose `apt=` names the original's (§8.1); its payload
//! is the original sequence number (OSN, 2 bytes) then the original
//! payload. The header's timestamp, marker and extensions are the
//! original's (§4).

use crate::rtp::packet::RtpHeader;

/// Why an RTX payload cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtxError {
    /// Shorter than the OSN: Chromium sends such packets as padding to
    /// probe bandwidth; they repair nothing.
    #[error("RTX payload without an original sequence number")]
    Truncated,
}

/// The RTX packet for the original `header` and `payload`: on `ssrc` with
/// `payload_type` and `sequence_number`; the header and payload to send.
pub fn wrap(
    header: &RtpHeader,
    payload: &[u8],
    ssrc: u32,
    payload_type: u8,
    sequence_number: u16,
) -> (RtpHeader, Vec<u8>) {
    let mut rtx_payload = Vec::with_capacity(payload.len() + 2);
    rtx_payload.extend_from_slice(&header.sequence_number.to_be_bytes());
    rtx_payload.extend_from_slice(payload);
    let rtx_header = RtpHeader { ssrc, payload_type, sequence_number, ..header.clone() };
    (rtx_header, rtx_payload)
}

/// The original sequence number and payload an RTX payload carries.
pub fn unwrap(payload: &[u8]) -> Result<(u16, &[u8]), RtxError> {
    match payload {
        [high, low, original @ ..] => Ok((u16::from_be_bytes([*high, *low]), original)),
        _ => Err(RtxError::Truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtp::packet::{ExtensionElement, HeaderExtension, RtpPacket};

    #[test]
    fn a_packet_round_trips_through_rtx() {
        let original = RtpHeader {
            marker: true,
            payload_type: 96,
            sequence_number: 0xbeef,
            timestamp: 90_000,
            ssrc: 1111,
            csrc: Vec::new(),
            extension: Some(HeaderExtension::from_elements(vec![ExtensionElement { id: 1, data: b"1".to_vec() }])),
        };
        let (header, payload) = wrap(&original, &[9, 8, 7], 2222, 97, 5);
        assert_eq!(payload, [0xbe, 0xef, 9, 8, 7]);
        let mut bytes = Vec::new();
        header.write_packet(&payload, 0, &mut bytes).unwrap();
        let rtx = RtpPacket::parse(&bytes).unwrap();
        assert_eq!((rtx.ssrc, rtx.payload_type, rtx.sequence_number), (2222, 97, 5));
        assert_eq!((rtx.timestamp, rtx.marker, rtx.extension(1)), (90_000, true, Some(&b"1"[..])));
        assert_eq!(unwrap(rtx.payload), Ok((0xbeef, &[9, 8, 7][..])));
    }

    #[test]
    fn a_payload_without_an_osn_is_refused() {
        assert_eq!(unwrap(&[]), Err(RtxError::Truncated));
        assert_eq!(unwrap(&[1]), Err(RtxError::Truncated));
        assert_eq!(unwrap(&[0, 1]), Ok((1, &[][..])));
    }
}
