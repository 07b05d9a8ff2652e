// wasmrtc: the W3C WebRTC API over a Rust core compiled to WebAssembly.
// Importing this module loads the core (top-level await), so every class is
// usable as soon as the import resolves.
export { RTCPeerConnection } from './peer_connection.js';
export { RTCSessionDescription } from './session_description.js';
export { RTCIceCandidate } from './ice_candidate.js';
export { RTCRtpTransceiver, RTCRtpSender, RTCRtpReceiver } from './rtp_transceiver.js';
export { RTCDataChannel, RTCSctpTransport } from './data_channel.js';
export { RTCDtlsTransport, RTCIceTransport } from './ice_transport.js';
export { RTCCertificate } from './certificate.js';
export { RTCStatsReport } from './stats_report.js';
export { RTCError } from './errors.js';
export {
  RTCPeerConnectionIceEvent, RTCPeerConnectionIceErrorEvent, RTCTrackEvent,
  RTCDataChannelEvent, RTCErrorEvent,
} from './events.js';
// Not W3C: encoded frames on a sender/receiver (js/media/encoded.js).
export { sendEncodedFrame, encodedFrames, keyFrameRequests, negotiatedCodecs, EncodedFrameEvent } from './media/encoded.js';
