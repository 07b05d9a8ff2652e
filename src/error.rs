//! The one error the core returns to its host. Each error knows the name the
//! W3C spec gives it (a DOMException name, or an RTCError with its
//! `errorDetail`, webrtc-pc §11.1), so the JS side throws exactly what a
//! native RTCPeerConnection would.

use std::fmt;

/// DOMException and ECMAScript error names used by webrtc-pc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorName {
    InvalidStateError,
    InvalidAccessError,
    InvalidModificationError,
    InvalidCharacterError,
    OperationError,
    SyntaxError,
    NotSupportedError,
    /// An ECMAScript TypeError, not a DOMException.
    TypeError,
    /// An ECMAScript RangeError, not a DOMException.
    RangeError,
}

impl ErrorName {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorName::InvalidStateError => "InvalidStateError",
            ErrorName::InvalidAccessError => "InvalidAccessError",
            ErrorName::InvalidModificationError => "InvalidModificationError",
            ErrorName::InvalidCharacterError => "InvalidCharacterError",
            ErrorName::OperationError => "OperationError",
            ErrorName::SyntaxError => "SyntaxError",
            ErrorName::NotSupportedError => "NotSupportedError",
            ErrorName::TypeError => "TypeError",
            ErrorName::RangeError => "RangeError",
        }
    }
}

/// `RTCErrorDetailType` (webrtc-pc §11.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RtcErrorDetail {
    DataChannelFailure,
    DtlsFailure,
    FingerprintFailure,
    SctpFailure,
    SdpSyntaxError,
    HardwareEncoderNotAvailable,
    HardwareEncoderError,
}

impl RtcErrorDetail {
    pub fn as_str(self) -> &'static str {
        match self {
            RtcErrorDetail::DataChannelFailure => "data-channel-failure",
            RtcErrorDetail::DtlsFailure => "dtls-failure",
            RtcErrorDetail::FingerprintFailure => "fingerprint-failure",
            RtcErrorDetail::SctpFailure => "sctp-failure",
            RtcErrorDetail::SdpSyntaxError => "sdp-syntax-error",
            RtcErrorDetail::HardwareEncoderNotAvailable => "hardware-encoder-not-available",
            RtcErrorDetail::HardwareEncoderError => "hardware-encoder-error",
        }
    }
}

/// An error with its spec name. When `detail` is set the host throws an
/// `RTCError` (whose DOMException name is `OperationError`) carrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtcError {
    pub name: ErrorName,
    pub detail: Option<RtcErrorDetail>,
    pub sdp_line_number: Option<u32>,
    pub message: String,
}

impl RtcError {
    pub fn new(name: ErrorName, message: impl Into<String>) -> Self {
        RtcError { name, detail: None, sdp_line_number: None, message: message.into() }
    }

    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorName::InvalidStateError, message)
    }

    pub fn invalid_access(message: impl Into<String>) -> Self {
        Self::new(ErrorName::InvalidAccessError, message)
    }

    pub fn invalid_modification(message: impl Into<String>) -> Self {
        Self::new(ErrorName::InvalidModificationError, message)
    }

    pub fn operation(message: impl Into<String>) -> Self {
        Self::new(ErrorName::OperationError, message)
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        Self::new(ErrorName::TypeError, message)
    }

    pub fn with_detail(mut self, detail: RtcErrorDetail) -> Self {
        self.detail = Some(detail);
        self
    }
}

impl fmt::Display for RtcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name.as_str(), self.message)
    }
}

impl std::error::Error for RtcError {}
