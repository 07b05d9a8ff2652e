// RTCIceTransport (webrtc-pc §5.6) and RTCDtlsTransport (§5.5): one of each
// per peer connection, everything being bundled. Their state lives in the
// core; these objects keep a stable identity, read it back, and fire the
// transport-level events the peer connection hands them.
import { defineEventHandlers } from './events.js';
import { RTCIceCandidate } from './ice_candidate.js';
import { CONSTRUCT } from './internal.js';

export class RTCIceTransport extends EventTarget {
  #read;

  /** @param read returns the core's ICE transport state ({state,
   * gatheringState, role, localCandidates, ...}, strings as in SDP, with
   * `mid` for the candidates' sdpMid) or null before gathering. */
  constructor(token, read) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCIceTransport': Illegal constructor");
    super();
    this.#read = read;
  }

  get role() { return this.#read()?.role ?? 'unknown'; }
  get component() { return 'rtp'; }
  get state() { return this.#read()?.state ?? 'new'; }
  get gatheringState() { return this.#read()?.gatheringState ?? 'new'; }

  getLocalCandidates() { return this.#candidates('localCandidates'); }
  getRemoteCandidates() { return this.#candidates('remoteCandidates'); }

  getSelectedCandidatePair() {
    const s = this.#read();
    if (!s?.selectedPair) return null;
    return { local: candidate(s.selectedPair.local, s.mid), remote: candidate(s.selectedPair.remote, s.mid) };
  }

  getLocalParameters() {
    const p = this.#read()?.localParameters;
    return p ? { ...p } : null;
  }

  getRemoteParameters() {
    const p = this.#read()?.remoteParameters;
    return p ? { ...p } : null;
  }

  #candidates(which) {
    const s = this.#read();
    return s ? s[which].map((c) => candidate(c, s.mid)) : [];
  }

  get [Symbol.toStringTag]() { return 'RTCIceTransport'; }
}

function candidate(text, mid) {
  return new RTCIceCandidate({ candidate: text, sdpMid: mid ?? '0', sdpMLineIndex: 0 });
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
