//! Inbound RTCP: SRTCP unprotected (RFC 3711 §3.4; the SRTP context counts
//! it) and dropped: parsing it and sending reports and feedback are later
//! steps.

use super::Media;

impl Media {
    /// An SRTCP datagram: unprotected (the SRTP context counts it) and
    /// dropped until RTCP is parsed.
    pub(in crate::peer) fn handle_rtcp(&mut self, datagram: &[u8]) {
        let mut packet = datagram.to_vec();
        if self
            .srtp
            .as_mut()
            .is_none_or(|srtp| srtp.unprotect_rtcp(&mut packet).is_err())
        {
            self.dropped += 1;
        }
    }
}
