// RTCIceCandidate (webrtc-pc §4.8.1): the candidate-attribute grammar of
// RFC 8839 §5.1 is parsed by the core, the same parser SDP uses.
import { wasm } from './core.js';

const COMPONENTS = { 1: 'rtp', 2: 'rtcp' };
const PROTOCOLS = ['udp', 'tcp'];
const TYPES = ['host', 'srflx', 'prflx', 'relay'];
const TCP_TYPES = ['active', 'passive', 'so'];

function parseCandidate(candidate) {
  if (candidate === '') return null;
  let c;
  try {
    c = wasm.parseCandidate(candidate);
  } catch {
    return null;
  }
  const fields = {
    foundation: c.foundation, component: c.component, protocol: c.protocol, priority: c.priority,
    address: c.address, port: c.port, type: c.type, tcpType: c.tcpType ?? null,
    relatedAddress: c.relatedAddress ?? null, relatedPort: c.relatedPort ?? null,
  };
  c.free();
  return fields;
}

export class RTCIceCandidate {
  #candidate;
  #sdpMid;
  #sdpMLineIndex;
  #usernameFragment;
  #fields;

  constructor(candidateInitDict = {}) {
    const init = candidateInitDict ?? {};
    if (typeof init !== 'object') {
      throw new TypeError("Failed to construct 'RTCIceCandidate': parameter 1 is not an object.");
    }
    this.#candidate = init.candidate === undefined ? '' : String(init.candidate);
    this.#sdpMid = init.sdpMid === undefined || init.sdpMid === null ? null : String(init.sdpMid);
    this.#sdpMLineIndex = init.sdpMLineIndex === undefined || init.sdpMLineIndex === null
      ? null : toUnsignedShort(init.sdpMLineIndex);
    if (this.#sdpMid === null && this.#sdpMLineIndex === null) {
      throw new TypeError("Failed to construct 'RTCIceCandidate': sdpMid and sdpMLineIndex are both null.");
    }
    this.#fields = parseCandidate(this.#candidate);
    const ufrag = init.usernameFragment;
    this.#usernameFragment = ufrag === undefined || ufrag === null ? null : String(ufrag);
  }

  get candidate() { return this.#candidate; }
  get sdpMid() { return this.#sdpMid; }
  get sdpMLineIndex() { return this.#sdpMLineIndex; }
  get usernameFragment() { return this.#usernameFragment; }
  get foundation() { return this.#fields?.foundation ?? null; }
  get component() { return COMPONENTS[this.#fields?.component] ?? null; }
  get priority() { return this.#fields?.priority ?? null; }
  // Chromium writes IPv6 addresses in URI form, bracketed.
  get address() {
    const address = this.#fields?.address ?? null;
    return address !== null && address.includes(':') ? `[${address}]` : address;
  }
  get protocol() { return oneOf(this.#fields?.protocol?.toLowerCase(), PROTOCOLS); }
  get port() { return this.#fields?.port ?? null; }
  get type() { return oneOf(this.#fields?.type, TYPES); }
  get tcpType() { return oneOf(this.#fields?.tcpType, TCP_TYPES); }
  get relatedAddress() { return this.#fields?.relatedAddress ?? null; }
  get relatedPort() { return this.#fields?.relatedPort ?? null; }
  // Only local candidates gathered from a relay carry these; remote ones never do.
  get relayProtocol() { return null; }
  get url() { return null; }

  // Chromium's serialization: an absent sdpMLineIndex is left out, an
  // absent sdpMid or usernameFragment is ''.
  toJSON() {
    const json = { candidate: this.#candidate, sdpMid: this.#sdpMid ?? '' };
    if (this.#sdpMLineIndex !== null) json.sdpMLineIndex = this.#sdpMLineIndex;
    json.usernameFragment = this.#usernameFragment ?? '';
    return json;
  }

  get [Symbol.toStringTag]() { return 'RTCIceCandidate'; }
}

function oneOf(value, allowed) {
  return allowed.includes(value) ? value : null;
}

// WebIDL `unsigned short` conversion (non-[EnforceRange]): wraps modulo 2^16.
function toUnsignedShort(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  const int = Math.trunc(n) % 65536;
  return int < 0 ? int + 65536 : int;
}
