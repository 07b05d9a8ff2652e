// RTCIceTransport (webrtc-pc §5.6) and RTCDtlsTransport (§5.5): one of each
// per peer connection, everything being bundled. Their state lives in the
// core, but for the states the peer connection's events set (webrtc-pc
// updates them when the event's task runs); these objects keep a stable
// identity, read it back, and fire the transport-level events the peer
// connection hands them.
import { defineEventHandlers } from './events.js';
import { RTCIceCandidate } from './ice_candidate.js';
import { CONSTRUCT } from './internal.js';

export class RTCIceTransport extends EventTarget {
  #core;
  #states;

  /** @param core the peer connection's Core, read for role, candidates
   * and parameters
   * @param states the peer connection's `{connection, gathering}` ICE
   * states, which its events update: the one copy both objects read. */
  constructor(token, core, states) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCIceTransport': Illegal constructor");
    super();
    this.#core = core;
    this.#states = states;
  }

  get role() { return this.#core.iceRole() ?? 'unknown'; }
  get component() { return 'rtp'; }
  get state() { return this.#states.connection; }
  get gatheringState() { return this.#states.gathering; }

  getLocalCandidates() { return this.#candidates(this.#core.localCandidates()); }
  getRemoteCandidates() { return this.#candidates(this.#core.remoteCandidates()); }

  getSelectedCandidatePair() {
    const pair = this.#core.selectedCandidatePair();
    if (pair === undefined) return null;
    const [local, remote] = this.#candidates([pair.local, pair.remote]);
    pair.free();
    return { local, remote };
  }

  getLocalParameters() { return parameters(this.#core.localIceParameters()); }
  getRemoteParameters() { return parameters(this.#core.remoteIceParameters()); }

  #candidates(texts) {
    const sdpMid = this.#core.candidateMid() ?? '0';
    return texts.map((candidate) => new RTCIceCandidate({ candidate, sdpMid, sdpMLineIndex: 0 }));
  }

  get [Symbol.toStringTag]() { return 'RTCIceTransport'; }
}

// An RTCIceParameters dictionary, or null.
function parameters(p) {
  if (p === undefined) return null;
  const out = { usernameFragment: p.usernameFragment, password: p.password };
  p.free();
  return out;
}

defineEventHandlers(RTCIceTransport.prototype, ['statechange', 'gatheringstatechange', 'selectedcandidatepairchange']);

export class RTCDtlsTransport extends EventTarget {
  #iceTransport;
  #read;

  /** @param read {state(), remoteCertificates()}: the core's DTLS state
   * and the peer's certificates (ArrayBuffers of DER). */
  constructor(token, iceTransport, read) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCDtlsTransport': Illegal constructor");
    super();
    this.#iceTransport = iceTransport;
    this.#read = read;
  }

  get iceTransport() { return this.#iceTransport; }
  get state() { return this.#read.state(); }
  getRemoteCertificates() { return this.#read.remoteCertificates(); }
  get [Symbol.toStringTag]() { return 'RTCDtlsTransport'; }
}

defineEventHandlers(RTCDtlsTransport.prototype, ['statechange', 'error']);
