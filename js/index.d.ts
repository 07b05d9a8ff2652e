// wasmrtc implements the W3C WebRTC interfaces, so its types are the DOM
// library's own: code typed against the browser's globals type-checks
// unchanged against wasmrtc's classes.
/// <reference lib="dom" />

export declare const RTCPeerConnection: typeof globalThis.RTCPeerConnection;
export type RTCPeerConnection = globalThis.RTCPeerConnection;
export declare const RTCSessionDescription: typeof globalThis.RTCSessionDescription;
export type RTCSessionDescription = globalThis.RTCSessionDescription;
export declare const RTCIceCandidate: typeof globalThis.RTCIceCandidate;
export type RTCIceCandidate = globalThis.RTCIceCandidate;
export declare const RTCRtpTransceiver: typeof globalThis.RTCRtpTransceiver;
export type RTCRtpTransceiver = globalThis.RTCRtpTransceiver;
export declare const RTCRtpSender: typeof globalThis.RTCRtpSender;
export type RTCRtpSender = globalThis.RTCRtpSender;
export declare const RTCRtpReceiver: typeof globalThis.RTCRtpReceiver;
export type RTCRtpReceiver = globalThis.RTCRtpReceiver;
export declare const RTCDataChannel: typeof globalThis.RTCDataChannel;
export type RTCDataChannel = globalThis.RTCDataChannel;
export declare const RTCIceTransport: typeof globalThis.RTCIceTransport;
export type RTCIceTransport = globalThis.RTCIceTransport;
export declare const RTCDtlsTransport: typeof globalThis.RTCDtlsTransport;
export type RTCDtlsTransport = globalThis.RTCDtlsTransport;
export declare const RTCSctpTransport: typeof globalThis.RTCSctpTransport;
export type RTCSctpTransport = globalThis.RTCSctpTransport;
export declare const RTCCertificate: typeof globalThis.RTCCertificate;
export type RTCCertificate = globalThis.RTCCertificate;
export declare const RTCStatsReport: typeof globalThis.RTCStatsReport;
export type RTCStatsReport = globalThis.RTCStatsReport;
export declare const RTCError: typeof globalThis.RTCError;
export type RTCError = globalThis.RTCError;
export declare const RTCPeerConnectionIceEvent: typeof globalThis.RTCPeerConnectionIceEvent;
export type RTCPeerConnectionIceEvent = globalThis.RTCPeerConnectionIceEvent;
export declare const RTCPeerConnectionIceErrorEvent: typeof globalThis.RTCPeerConnectionIceErrorEvent;
export type RTCPeerConnectionIceErrorEvent = globalThis.RTCPeerConnectionIceErrorEvent;
export declare const RTCTrackEvent: typeof globalThis.RTCTrackEvent;
export type RTCTrackEvent = globalThis.RTCTrackEvent;
export declare const RTCDataChannelEvent: typeof globalThis.RTCDataChannelEvent;
export type RTCDataChannelEvent = globalThis.RTCDataChannelEvent;
export declare const RTCErrorEvent: typeof globalThis.RTCErrorEvent;
export type RTCErrorEvent = globalThis.RTCErrorEvent;

// Not W3C: encoded frames below the track layer (js/media/encoded.js).

/** A negotiated payload type (RTCRtpCodecParameters). */
export interface NegotiatedCodec {
  payloadType: number;
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

/** A frame for sendEncodedFrame: a WebCodecs chunk, or bytes with a
 * timestamp in microseconds. */
export type EncodedFrameInput =
  | EncodedVideoChunk
  | EncodedAudioChunk
  | { data: BufferSource; timestamp: number };

/** The codecs the sender's or receiver's transceiver negotiated. */
export declare function negotiatedCodecs(senderOrReceiver: RTCRtpSender | RTCRtpReceiver): NegotiatedCodec[];

/** Sends one encoded frame on a wasmrtc sender, with the negotiated payload
 * type of `options.mimeType` (default: the first negotiated codec) and the
 * RTP timestamp timestamp(µs) × clock rate from a random origin. Throws
 * InvalidStateError before the transceiver sends, InvalidAccessError for a
 * codec not negotiated. */
export declare function sendEncodedFrame(
  sender: RTCRtpSender,
  frame: EncodedFrameInput,
  options?: { mimeType?: string },
): { payloadType: number; mimeType: string; rtpTimestamp: number };

/** `frame`: a whole encoded frame a receiver got; `framedropped`: one it saw
 * part of (only rtpTimestamp is set); `frameslost`: frames stamped after
 * lostAfterRtpTimestamp and before rtpTimestamp were lost whole. */
export declare class EncodedFrameEvent extends Event {
  readonly data: Uint8Array | null;
  readonly payloadType: number | null;
  readonly mimeType: string | null;
  readonly rtpTimestamp: number;
  readonly lostAfterRtpTimestamp: number | null;
  /** Milliseconds of the sender's NTP clock when it captured the frame,
   * from its RTCP sender reports; null before the first. */
  readonly captureTime: number | null;
  readonly keyFrame: boolean;
}

/** The EventTarget a wasmrtc receiver's encoded frames arrive at. */
export declare function encodedFrames(receiver: RTCRtpReceiver): EventTarget;

/** The EventTarget a wasmrtc sender's `keyframerequest` events arrive at:
 * the remote receiver asked for a key frame (RTCP PLI or FIR). */
export declare function keyFrameRequests(sender: RTCRtpSender): EventTarget;
