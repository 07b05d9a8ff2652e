// Encoded frames on a wasmrtc RTCRtpSender/RTCRtpReceiver, below the track
// layer: what a WebCodecs pipeline (or a test) hands the core and takes from
// it. Not a W3C API, so it lives in functions, not on the standard classes.
//
// Sending: a frame is an EncodedVideoChunk/EncodedAudioChunk or
// `{ data, timestamp }` (timestamp in µs, like WebCodecs); its RTP timestamp
// is the timestamp × the codec's clock rate (RFC 3550 §5.1) from a random
// per-sender origin. The payload type is the negotiated one for the codec
// asked for (or the first negotiated media codec).
//
// Receiving: `encodedFrames(receiver)` is an EventTarget firing `frame`
// (a whole frame), `framedropped` (a frame the core saw part of) and
// `frameslost` (frames stamped between `lostAfterRtpTimestamp` and
// `rtpTimestamp` that were lost whole, if any were).
//
// Key frames: `keyFrameRequests(sender)` is an EventTarget firing
// `keyframerequest` when the remote receiver asks for one (RTCP PLI, RFC 4585
// §6.3.1, or FIR, RFC 5104 §4.3.1): the encoder feeding the sender should
// make its next frame a key frame.
import { ENCODED } from '../internal.js';

/** An encoded frame a receiver got; `data` is the frame's bytes. */
export class EncodedFrameEvent extends Event {
  constructor(type, init) {
    super(type);
    this.data = init.data ?? null;
    this.payloadType = init.payloadType ?? null;
    this.mimeType = init.mimeType ?? null;
    this.rtpTimestamp = init.rtpTimestamp;
    this.lostAfterRtpTimestamp = init.lostAfterRtpTimestamp ?? null;
    // Milliseconds of the sender's NTP clock when it captured the frame
    // (from its RTCP sender reports; null before the first): one timeline
    // for all of a sender's streams, for lip sync.
    this.captureTime = init.captureTime ?? null;
    this.keyFrame = init.keyFrame ?? false;
  }
}

// RTP timestamp origins, by sender (RFC 3550 §5.1: a random start).
const origins = new WeakMap();

function origin(sender) {
  let value = origins.get(sender);
  if (value === undefined) {
    value = crypto.getRandomValues(new Uint32Array(1))[0];
    origins.set(sender, value);
  }
  return value;
}

const isRtx = (codec) => codec.mimeType.toLowerCase().endsWith('/rtx');

/** The negotiated codec a frame for `mimeType` goes out with: for H.264
 * one with packetization-mode=1 (the core fragments with FU-A). */
function pickCodec(codecs, mimeType) {
  const media = codecs.filter((c) => !isRtx(c) && !/\/(red|ulpfec|flexfec-03|cn|telephone-event)$/i.test(c.mimeType));
  if (mimeType === undefined) return media[0];
  const wanted = media.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  return wanted.find((c) => /packetization-mode=1/.test(c.sdpFmtpLine ?? '')) ?? wanted[0];
}

function bytesOf(frame) {
  if (typeof frame.copyTo === 'function') {
    const bytes = new Uint8Array(frame.byteLength);
    frame.copyTo(bytes);
    return bytes;
  }
  const { data } = frame;
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError('sendEncodedFrame: the frame has no copyTo() and no data');
}

/** The codecs `sender`'s or `receiver`'s transceiver negotiated, as
 * RTCRtpCodecParameters (payload types as in the session). */
export function negotiatedCodecs(senderOrReceiver) {
  const hooks = senderOrReceiver?.[ENCODED];
  if (!hooks) throw new TypeError('negotiatedCodecs: not a wasmrtc RTCRtpSender or RTCRtpReceiver');
  return hooks.codecs().map((c) => ({ ...c }));
}

/** Sends one encoded frame on a wasmrtc RTCRtpSender. `options.mimeType`
 * (e.g. 'video/VP8') picks the codec; returns the payload type and RTP
 * timestamp it went out with. Throws InvalidStateError before the
 * transceiver sends (negotiated and DTLS-SRTP keyed), InvalidAccessError
 * if the codec was not negotiated. */
export function sendEncodedFrame(sender, frame, options = {}) {
  const hooks = sender?.[ENCODED];
  if (!hooks?.send) throw new TypeError('sendEncodedFrame: not a wasmrtc RTCRtpSender');
  const codec = pickCodec(hooks.codecs(), options.mimeType);
  if (!codec) {
    const what = options.mimeType ?? 'any codec';
    throw new DOMException(`sendEncodedFrame: ${what} was not negotiated`, 'InvalidAccessError');
  }
  const ticks = Math.round((Number(frame.timestamp) * codec.clockRate) / 1e6);
  const rtpTimestamp = (origin(sender) + ticks) >>> 0;
  hooks.send(codec.payloadType, rtpTimestamp, bytesOf(frame));
  return { payloadType: codec.payloadType, mimeType: codec.mimeType, rtpTimestamp };
}

/** The EventTarget a wasmrtc RTCRtpReceiver's frames arrive at (the same
 * one on every call). */
export function encodedFrames(receiver) {
  const hooks = receiver?.[ENCODED];
  if (!hooks?.listen || hooks.send) throw new TypeError('encodedFrames: not a wasmrtc RTCRtpReceiver');
  if (hooks.frames) return hooks.frames;
  const target = new EventTarget();
  hooks.listen(target);
  return target;
}

/** The EventTarget a wasmrtc RTCRtpSender's key frame requests arrive at
 * (the same one on every call): `keyframerequest` events. */
export function keyFrameRequests(sender) {
  const hooks = sender?.[ENCODED];
  if (!hooks?.send) throw new TypeError('keyFrameRequests: not a wasmrtc RTCRtpSender');
  if (hooks.requests) return hooks.requests;
  const target = new EventTarget();
  hooks.listen(target);
  return target;
}

/** Called by the peer connection with a core `keyframerequest` event. */
export function deliverKeyFrameRequest(hooks) {
  hooks.requests?.dispatchEvent(new Event('keyframerequest'));
}

/** Called by the peer connection with a core `mediaframe` or
 * `mediaframedropped` event (valid only during the call). */
export function deliverFrame(hooks, name, event) {
  if (!hooks.frames) return;
  const rtpTimestamp = event.rtpTimestamp;
  if (name === 'mediaframedropped') {
    hooks.frames.dispatchEvent(new EncodedFrameEvent('framedropped', { rtpTimestamp }));
    return;
  }
  if (name === 'mediaframeslost') {
    const lostAfterRtpTimestamp = event.lostAfterRtpTimestamp;
    hooks.frames.dispatchEvent(new EncodedFrameEvent('frameslost', { rtpTimestamp, lostAfterRtpTimestamp }));
    return;
  }
  const payloadType = event.payloadType;
  const byType = (c) => c.payloadType === payloadType;
  const codec = hooks.codecs().find(byType) ?? hooks.offeredCodecs().find(byType);
  hooks.frames.dispatchEvent(new EncodedFrameEvent('frame', {
    data: event.data, payloadType, mimeType: codec?.mimeType, rtpTimestamp, captureTime: event.captureTime, keyFrame: event.keyFrame,
  }));
}
