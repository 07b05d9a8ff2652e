// RTCRtpTransceiver, RTCRtpSender and RTCRtpReceiver (webrtc-pc §5). The
// negotiated state (mid, direction, currentDirection, stopped) lives in the
// core; these objects keep a stable identity and read it back.

import { CONSTRUCT, ENCODED, SET_TRACK, TRANSCEIVER_ID } from './internal.js';
import { createRemoteTrack } from './media/remote_track.js';
import { wasm } from './core.js';

const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive', 'stopped'];

export function checkDirection(direction, context) {
  if (!DIRECTIONS.includes(direction)) {
    throw new TypeError(`Failed to ${context}: The provided value '${direction}' is not a valid enum value of type RTCRtpTransceiverDirection.`);
  }
  return direction;
}

// RTCRtpCapabilities for 'audio' or 'video', null for any other kind.
function capabilities(kind) {
  if (kind !== 'audio' && kind !== 'video') return null;
  const caps = wasm.codecCapabilities(kind);
  const codecs = caps.codecs.map((c) => {
    const codec = { mimeType: c.mimeType, clockRate: c.clockRate };
    if (c.channels !== undefined) codec.channels = c.channels;
    if (c.sdpFmtpLine !== undefined) codec.sdpFmtpLine = c.sdpFmtpLine;
    c.free();
    return codec;
  });
  const headerExtensions = caps.headerExtensions.map((uri) => ({ uri }));
  caps.free();
  return { codecs, headerExtensions };
}

export class RTCRtpSender {
  #id;
  #kind;
  #track;
  #control;
  // Where key frame requests go once js/media/encoded.js asked for them.
  #requests = null;
  constructor(token, id, kind, control, track) {
    guard(token, 'RTCRtpSender');
    this.#id = id;
    this.#kind = kind;
    this.#control = control;
    this.#track = track ?? null;
  }
  get track() { return this.#track; }
  [SET_TRACK](track) { this.#track = track; }
  get transport() { return this.#control.transport(this.#id); }
  [TRANSCEIVER_ID]() { return this.#id; }
  /** The negotiated codecs, a frame sink and the key frame requests'
   * target, for js/media/encoded.js: `requests` is null until
   * `listen(target)` sets it. */
  get [ENCODED]() {
    return {
      codecs: () => this.#control.codecs(this.#id),
      send: (payloadType, rtpTimestamp, bytes) => this.#control.sendFrame(this.#id, payloadType, rtpTimestamp, bytes),
      requests: this.#requests,
      listen: (target) => { this.#requests = target; },
    };
  }

  /** webrtc-pc §5.2 replaceTrack: no renegotiation; runs on the
   * operations chain. */
  replaceTrack(withTrack) {
    if (withTrack !== null && (typeof withTrack !== 'object' || !['audio', 'video'].includes(withTrack?.kind))) {
      return Promise.reject(new TypeError("Failed to execute 'replaceTrack' on 'RTCRtpSender': The provided value is not of type 'MediaStreamTrack'."));
    }
    if (withTrack !== null && withTrack.kind !== this.#kind) {
      return Promise.reject(new TypeError("Failed to execute 'replaceTrack' on 'RTCRtpSender': The track's kind does not match the sender's."));
    }
    return this.#control.replaceTrack(this.#id, withTrack).then(() => { this.#track = withTrack; });
  }

  /** webrtc-pc §5.2 setStreams: the streams the remote side sees the track in. */
  setStreams(...streams) {
    this.#control.setStreams(this.#id, streams.map((s) => String(s?.id ?? s)));
  }

  get dtmf() { return null; }
  static getCapabilities(kind) { return capabilities(kind); }
  get [Symbol.toStringTag]() { return 'RTCRtpSender'; }
}

export class RTCRtpReceiver {
  #id;
  #track;
  #control;
  // Where encoded frames go once js/media/encoded.js asked for them.
  #frames = null;
  constructor(token, id, kind, control) {
    guard(token, 'RTCRtpReceiver');
    this.#id = id;
    this.#control = control;
    this.#track = createRemoteTrack(kind);
  }
  get track() { return this.#track; }
  get transport() { return this.#control.transport(this.#id); }
  /** The negotiated codecs (and our offer's, which frames may come in too)
   * and the frames' target, for js/media/encoded.js: `frames` is null until
   * `listen(target)` sets it. */
  get [ENCODED]() {
    return {
      codecs: () => this.#control.codecs(this.#id),
      offeredCodecs: () => this.#control.offeredCodecs(this.#id),
      frames: this.#frames,
      listen: (target) => { this.#frames = target; },
    };
  }
  static getCapabilities(kind) { return capabilities(kind); }
  getContributingSources() { return []; }
  getSynchronizationSources() { return []; }
  get [Symbol.toStringTag]() { return 'RTCRtpReceiver'; }
}

export class RTCRtpTransceiver {
  #id;
  #control;
  #sender;
  #receiver;

  /** @param control the owning peer connection's internal hooks:
   *  state(id), setDirection(id, dir), stop(id), replaceTrack(id, track),
   *  setStreams(id, streamIds), transport(id), codecs(id), offeredCodecs(id),
   *  sendFrame(id, payloadType, rtpTimestamp, bytes). */
  constructor(token, id, kind, control, track) {
    guard(token, 'RTCRtpTransceiver');
    this.#id = id;
    this.#control = control;
    this.#sender = new RTCRtpSender(token, id, kind, control, track);
    this.#receiver = new RTCRtpReceiver(token, id, kind, control);
  }

  get mid() { return this.#control.state(this.#id).mid ?? null; }
  get sender() { return this.#sender; }
  get receiver() { return this.#receiver; }
  get direction() { return this.#control.state(this.#id).direction; }
  set direction(value) {
    const direction = checkDirection(String(value), "set the 'direction' property on 'RTCRtpTransceiver'");
    this.#control.setDirection(this.#id, direction);
  }
  get currentDirection() { return this.#control.state(this.#id).currentDirection ?? null; }
  stop() { this.#control.stop(this.#id); }
  get [Symbol.toStringTag]() { return 'RTCRtpTransceiver'; }
}

// These interfaces have no public constructor (webrtc-pc: [Exposed=Window]
// without a constructor); only the peer connection holds the token.
function guard(token, name) {
  if (token !== CONSTRUCT) throw new TypeError(`Failed to construct '${name}': Illegal constructor`);
}
