//! The error every SDP parse returns: which line, and what is wrong with it.
//! setRemoteDescription turns it into the `RTCError` webrtc-pc §4.4.1.6
//! asks for: `OperationError` with `errorDetail` `sdp-syntax-error` and
//! `sdpLineNumber`.

use std::fmt;

use crate::error::{ErrorName, RtcError, RtcErrorDetail};

/// A description (or candidate string) that does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpError {
    /// 1-based line number of the offending line. For a description that
    /// ends before a required line it is the last line; a candidate string
    /// is one line, so its errors are on line 1.
    pub line: usize,
    pub message: String,
}

impl SdpError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        SdpError { line, message: message.into() }
    }
}

impl fmt::Display for SdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SDP line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for SdpError {}

impl From<SdpError> for RtcError {
    fn from(error: SdpError) -> Self {
        RtcError {
            name: ErrorName::OperationError,
            detail: Some(RtcErrorDetail::SdpSyntaxError),
            // sdpLineNumber is a WebIDL `long`; a description with more lines
            // than that has no meaningful number left to report.
            sdp_line_number: Some(u32::try_from(error.line).unwrap_or(u32::MAX)),
            message: error.to_string(),
        }
    }
}
