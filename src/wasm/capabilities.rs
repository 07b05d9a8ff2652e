//! `RTCRtpSender/Receiver.getCapabilities(kind)` (webrtc-pc §5.2): the
//! codecs the JSEP engine offers, as RTCRtpCodec fields (one `rtx` entry,
//! as Chromium lists it), and the header extensions' URIs.

use wasm_bindgen::prelude::*;

use crate::jsep::MediaKind;

use super::error::CoreError;

/// One RTCRtpCodec.
#[wasm_bindgen(getter_with_clone)]
#[derive(Clone)]
pub struct CodecCapability {
    #[wasm_bindgen(readonly, js_name = mimeType)]
    pub mime_type: String,
    #[wasm_bindgen(readonly, js_name = clockRate)]
    pub clock_rate: u32,
    #[wasm_bindgen(readonly)]
    pub channels: Option<u32>,
    #[wasm_bindgen(readonly, js_name = sdpFmtpLine)]
    pub sdp_fmtp_line: Option<String>,
}

/// An RTCRtpCapabilities: codecs and header extension URIs.
#[wasm_bindgen(getter_with_clone)]
pub struct Capabilities {
    #[wasm_bindgen(readonly)]
    pub codecs: Vec<CodecCapability>,
    #[wasm_bindgen(readonly, js_name = headerExtensions)]
    pub header_extensions: Vec<String>,
}

#[wasm_bindgen(js_name = codecCapabilities)]
pub fn codec_capabilities(kind: &str) -> Result<Capabilities, CoreError> {
    let kind = kind.parse::<MediaKind>()?;
    let (codecs, extensions) = crate::jsep::capabilities(kind);
    let mut seen_rtx = false;
    let codecs = codecs
        .iter()
        .filter(|c| !c.is_rtx() || !std::mem::replace(&mut seen_rtx, true))
        .map(|c| CodecCapability {
            mime_type: format!("{}/{}", kind.as_str(), c.name),
            clock_rate: c.clock_rate,
            // An audio rtpmap without channels means one (RFC 8866 §6.6).
            channels: c.channels.or((kind == MediaKind::Audio).then_some(1)),
            sdp_fmtp_line: c.fmtp.clone().filter(|_| !c.is_rtx()),
        })
        .collect();
    let header_extensions = extensions.iter().map(|uri| uri.to_string()).collect();
    Ok(Capabilities { codecs, header_extensions })
}
