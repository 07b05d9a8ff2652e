// RTCDataChannel (webrtc-pc §6.2). This layer holds the channel's
// attributes and its connecting state; the SCTP transport that opens it
// lives in the data channel layer of the core.
import { defineEventHandlers } from './events.js';
import { CLOSE_SILENTLY, CONSTRUCT } from './internal.js';

const PRIORITIES = ['very-low', 'low', 'medium', 'high'];
const BINARY_TYPES = ['blob', 'arraybuffer'];
const MAX_LABEL_BYTES = 65535;
const MAX_ID = 65534;

/** Validates createDataChannel()'s arguments (webrtc-pc §6.1 steps 2-12)
 * and returns the channel's initial attributes. */
export function dataChannelInit(label, init) {
  const context = "Failed to execute 'createDataChannel' on 'RTCPeerConnection'";
  const dict = init ?? {};
  if (typeof dict !== 'object') throw new TypeError(`${context}: parameter 2 is not an object.`);
  const attrs = {
    label: String(label),
    ordered: dict.ordered === undefined ? true : Boolean(dict.ordered),
    maxPacketLifeTime: optionalUnsignedShort(dict.maxPacketLifeTime, context, 'maxPacketLifeTime'),
    maxRetransmits: optionalUnsignedShort(dict.maxRetransmits, context, 'maxRetransmits'),
    protocol: dict.protocol === undefined ? '' : String(dict.protocol),
    negotiated: Boolean(dict.negotiated),
    id: optionalUnsignedShort(dict.id, context, 'id'),
    priority: dict.priority === undefined ? 'low' : String(dict.priority),
  };
  if (!PRIORITIES.includes(attrs.priority)) {
    throw new TypeError(`${context}: The provided value '${attrs.priority}' is not a valid enum value of type RTCPriorityType.`);
  }
  const encoder = new TextEncoder();
  if (encoder.encode(attrs.label).length > MAX_LABEL_BYTES) throw new TypeError(`${context}: label is longer than 65535 bytes.`);
  if (encoder.encode(attrs.protocol).length > MAX_LABEL_BYTES) throw new TypeError(`${context}: protocol is longer than 65535 bytes.`);
  if (attrs.maxPacketLifeTime !== null && attrs.maxRetransmits !== null) {
    throw new TypeError(`${context}: maxPacketLifeTime and maxRetransmits cannot both be set.`);
  }
  if (attrs.negotiated && attrs.id === null) {
    throw new TypeError(`${context}: negotiated is true but no id is given.`);
  }
  if (!attrs.negotiated) attrs.id = null;
  if (attrs.id !== null && attrs.id > MAX_ID) {
    throw new TypeError(`${context}: id ${attrs.id} is greater than 65534.`);
  }
  return attrs;
}

// WebIDL [EnforceRange] unsigned short, absent → null.
function optionalUnsignedShort(value, context, member) {
  if (value === undefined || value === null) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || Math.trunc(n) < 0 || Math.trunc(n) > 65535) {
    throw new TypeError(`${context}: Value is outside the 'unsigned short' value range (${member}).`);
  }
  return Math.trunc(n);
}

export class RTCDataChannel extends EventTarget {
  #attrs;
  #readyState = 'connecting';
  #bufferedAmountLowThreshold = 0;
  #binaryType = 'blob';

  constructor(token, attrs) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCDataChannel': Illegal constructor");
    super();
    this.#attrs = attrs;
  }

  get label() { return this.#attrs.label; }
  get ordered() { return this.#attrs.ordered; }
  get maxPacketLifeTime() { return this.#attrs.maxPacketLifeTime; }
  get maxRetransmits() { return this.#attrs.maxRetransmits; }
  get protocol() { return this.#attrs.protocol; }
  get negotiated() { return this.#attrs.negotiated; }
  get id() { return this.#attrs.id; }
  get priority() { return this.#attrs.priority; }
  get readyState() { return this.#readyState; }
  get bufferedAmount() { return 0; }
  get bufferedAmountLowThreshold() { return this.#bufferedAmountLowThreshold; }
  set bufferedAmountLowThreshold(value) { this.#bufferedAmountLowThreshold = Number(value) >>> 0; }
  get binaryType() { return this.#binaryType; }
  set binaryType(value) {
    // The spec ignores invalid values instead of throwing.
    if (BINARY_TYPES.includes(value)) this.#binaryType = value;
  }

  send() {
    if (this.#readyState !== 'open') {
      throw new DOMException("Failed to execute 'send' on 'RTCDataChannel': RTCDataChannel.readyState is not 'open'", 'InvalidStateError');
    }
  }

  close() {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#readyState = 'closing';
    // With no SCTP association yet there is no stream to reset: the closing
    // procedure completes at once (webrtc-pc §6.2.4).
    setTimeout(() => this.#markClosed(true), 0);
  }

  /** The peer connection closes its channels without events (§4.4.1.7). */
  [CLOSE_SILENTLY]() { this.#markClosed(false); }

  #markClosed(fireEvent) {
    if (this.#readyState === 'closed') return;
    this.#readyState = 'closed';
    if (fireEvent) this.dispatchEvent(new Event('close'));
  }

  get [Symbol.toStringTag]() { return 'RTCDataChannel'; }
}

defineEventHandlers(RTCDataChannel.prototype, ['open', 'bufferedamountlow', 'error', 'closing', 'close', 'message']);
