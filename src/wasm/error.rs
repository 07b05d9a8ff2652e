//! The one error type the core throws across the boundary: the name
//! webrtc-pc gives (a DOMException name, `TypeError`, `RangeError`, or
//! `OperationError` with an RTCErrorDetailType, §11.1). js/errors.js turns
//! it into the DOMException, RTCError or ECMAScript error.

use wasm_bindgen::prelude::*;

use crate::error::RtcError;

#[wasm_bindgen]
pub struct CoreError {
    error: RtcError,
}

#[wasm_bindgen]
impl CoreError {
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.error.name.as_str().to_string()
    }

    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.error.message.clone()
    }

    /// The RTCErrorDetailType of an RTCError; undefined for other errors.
    #[wasm_bindgen(getter, js_name = errorDetail)]
    pub fn error_detail(&self) -> Option<String> {
        self.error.detail.map(|d| d.as_str().to_string())
    }

    #[wasm_bindgen(getter, js_name = sdpLineNumber)]
    pub fn sdp_line_number(&self) -> Option<u32> {
        self.error.sdp_line_number
    }
}

impl From<RtcError> for CoreError {
    fn from(error: RtcError) -> CoreError {
        CoreError { error }
    }
}

impl CoreError {
    pub(super) fn type_error(message: String) -> CoreError {
        RtcError::type_error(message).into()
    }
}
