//! Inbound RTCP: SRTCP unprotected (RFC 3711 §3.4; the SRTP context counts
//! it) and dropped: parsing it and sending reports and feedback are later
//! steps.

use crate::jsep::TransceiverState;
use crate::peer::output::Outputs;
use crate::time::Instant;

use super::Media;

impl Media {
    /// An SRTCP datagram: unprotected (the SRTP context counts it) and
    /// dropped until RTCP is parsed.
    pub(in crate::peer) fn handle_rtcp(
        &mut self,
        _now: Instant,
        datagram: &[u8],
        _transceivers: &[TransceiverState],
        _outputs: &mut Outputs,
    ) {
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
