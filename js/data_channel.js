// RTCDataChannel (webrtc-pc §6.2) and RTCSctpTransport (§6.1.1). The
// channels' SCTP, DCEP and buffering live in the core's data channel layer;
// these objects hold the attributes, convert what send() takes and what
// message events carry, and fire the events in the spec's order.
import { RTCError } from './errors.js';
import { RTCErrorEvent, defineEventHandlers } from './events.js';
import { CHANNEL_EVENT, CLOSE_SILENTLY, CONSTRUCT } from './internal.js';

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

/** Text, ArrayBuffer, a view, or (async) a Blob, as send() takes them
 * (WebIDL overloads: anything else is converted to a string). */
function payload(data) {
  if (data instanceof ArrayBuffer) return { binary: true, bytes: new Uint8Array(data) };
  if (ArrayBuffer.isView(data)) return { binary: true, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  if (typeof Blob !== 'undefined' && data instanceof Blob) return { binary: true, blob: data };
  return { binary: false, bytes: new TextEncoder().encode(String(data)) };
}

export class RTCDataChannel extends EventTarget {
  #handle;
  #control;
  #attrs;
  #readyState;
  #bufferedAmountLowThreshold = 0;
  #binaryType = 'blob';
  // Sends waiting behind a Blob being read, so that order is kept.
  #queued = [];
  #queuedBytes = 0;
  // Bytes the transport took and sent within this task: the spec raises
  // bufferedAmount synchronously on send() and lowers it only in a later
  // task (webrtc-pc §6.2 send() step 5, and "decrease bufferedAmount").
  #sentThisTask = 0;

  /** @param control the peer connection's hooks: send(handle, binary,
   * bytes), close(handle) → closed at once, bufferedAmount(handle),
   * setThreshold(handle, n), id(handle), maxMessageSize(). */
  constructor(token, handle, attrs, control, readyState = 'connecting') {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCDataChannel': Illegal constructor");
    super();
    this.#handle = handle;
    this.#attrs = attrs;
    this.#control = control;
    this.#readyState = readyState;
  }

  get label() { return this.#attrs.label; }
  get ordered() { return this.#attrs.ordered; }
  get maxPacketLifeTime() { return this.#attrs.maxPacketLifeTime; }
  get maxRetransmits() { return this.#attrs.maxRetransmits; }
  get protocol() { return this.#attrs.protocol; }
  get negotiated() { return this.#attrs.negotiated; }
  // Known once the DTLS role is (in-band channels); kept after close.
  get id() {
    this.#attrs.id ??= this.#control.id(this.#handle) ?? null;
    return this.#attrs.id;
  }
  get priority() { return this.#attrs.priority; }
  get readyState() { return this.#readyState; }
  get bufferedAmount() {
    return this.#control.bufferedAmount(this.#handle) + this.#queuedBytes + this.#sentThisTask;
  }
  get bufferedAmountLowThreshold() { return this.#bufferedAmountLowThreshold; }
  set bufferedAmountLowThreshold(value) {
    this.#bufferedAmountLowThreshold = Number(value) >>> 0;
    this.#control.setThreshold(this.#handle, this.#bufferedAmountLowThreshold);
  }
  get binaryType() { return this.#binaryType; }
  set binaryType(value) {
    // The spec ignores invalid values instead of throwing.
    if (BINARY_TYPES.includes(value)) this.#binaryType = value;
  }

  /** webrtc-pc §6.2 send(): InvalidStateError unless open, TypeError over
   * maxMessageSize, OperationError when the transport refuses it. */
  send(data) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'send' on 'RTCDataChannel': 1 argument required, but only 0 present.");
    if (this.#readyState !== 'open') {
      throw new DOMException("Failed to execute 'send' on 'RTCDataChannel': RTCDataChannel.readyState is not 'open'", 'InvalidStateError');
    }
    const message = payload(data);
    const size = message.blob ? message.blob.size : message.bytes.byteLength;
    if (size > this.#control.maxMessageSize()) {
      throw new TypeError(`Failed to execute 'send' on 'RTCDataChannel': Message of ${size} bytes exceeds maxMessageSize ${this.#control.maxMessageSize()}.`);
    }
    if (message.blob || this.#queued.length > 0) {
      this.#queue(message, size);
      return;
    }
    this.#transmit(message.binary, message.bytes);
  }

  #transmit(binary, bytes) {
    const before = this.#control.bufferedAmount(this.#handle);
    this.#control.send(this.#handle, binary, bytes);
    const left = this.#control.bufferedAmount(this.#handle) - before;
    // An empty message goes on the wire as one byte (RFC 8831 §6.6).
    const sent = Math.max(bytes.byteLength, 1) - Math.max(left, 0);
    if (sent <= 0) return;
    if (this.#sentThisTask === 0) setTimeout(() => { this.#sentThisTask = 0; }, 0);
    this.#sentThisTask += sent;
  }

  #queue(message, size) {
    this.#queued.push(message);
    this.#queuedBytes += size;
    if (this.#queued.length > 1) return;
    const next = async () => {
      while (this.#queued.length > 0 && this.#readyState === 'open') {
        const m = this.#queued[0];
        const bytes = m.blob ? new Uint8Array(await m.blob.arrayBuffer()) : m.bytes;
        this.#queued.shift();
        this.#queuedBytes -= bytes.byteLength;
        if (this.#readyState !== 'open') break;
        this.#transmit(m.binary, bytes);
      }
      this.#queued = [];
      this.#queuedBytes = 0;
    };
    next().catch((e) => this.dispatchEvent(new RTCErrorEvent('error', {
      error: new RTCError({ errorDetail: 'data-channel-failure' }, String(e?.message ?? e)),
    })));
  }

  close() {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#readyState = 'closing';
    if (this.#control.close(this.#handle)) {
      // Never reached the transport: nothing to reset (webrtc-pc §6.2.4).
      setTimeout(() => this.#closed(true), 0);
    }
  }

  /** What the transport reports for this channel (webrtc-pc §6.2). */
  /** @param name the event's name, @param event the core's event (valid
   * only during the call; `data` is copied out on every read) */
  [CHANNEL_EVENT](name, event) {
    switch (name) {
      case 'open':
        if (this.#readyState !== 'connecting') return;
        this.#attrs.id ??= this.#control.id(this.#handle) ?? null;
        this.#readyState = 'open';
        this.dispatchEvent(new Event('open'));
        break;
      case 'message': {
        if (this.#readyState !== 'open') return;
        // A Uint8Array of its own, over the whole of its buffer.
        const bytes = event.data;
        let data;
        if (!event.binary) data = new TextDecoder().decode(bytes);
        else if (this.#binaryType === 'arraybuffer') data = bytes.buffer;
        else data = new Blob([bytes]);
        this.dispatchEvent(new MessageEvent('message', { data }));
        break;
      }
      case 'bufferedamountlow':
        this.dispatchEvent(new Event('bufferedamountlow'));
        break;
      case 'closing':
        if (this.#readyState === 'closed') return;
        this.#readyState = 'closing';
        this.dispatchEvent(new Event('closing'));
        break;
      case 'channelerror':
        this.dispatchEvent(new RTCErrorEvent('error', {
          error: new RTCError({ errorDetail: event.errorDetail ?? 'data-channel-failure' }, event.message),
        }));
        break;
      case 'close':
        this.#closed(true);
        break;
      default:
        break;
    }
  }

  /** The peer connection closes its channels without events (§4.4.1.7). */
  [CLOSE_SILENTLY]() { this.#closed(false); }

  #closed(fireEvent) {
    if (this.#readyState === 'closed') return;
    this.#readyState = 'closed';
    if (fireEvent) this.dispatchEvent(new Event('close'));
  }

  get [Symbol.toStringTag]() { return 'RTCDataChannel'; }
}

defineEventHandlers(RTCDataChannel.prototype, ['open', 'bufferedamountlow', 'error', 'closing', 'close', 'message']);

/** RTCSctpTransport (webrtc-pc §6.1.1): one per peer connection once the
 * application section is negotiated. */
export class RTCSctpTransport extends EventTarget {
  #transport;
  #read;

  /** @param read {state(), maxMessageSize(), maxChannels()}: the core's
   * (state and maxChannels undefined until known). */
  constructor(token, dtlsTransport, read) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCSctpTransport': Illegal constructor");
    super();
    this.#transport = dtlsTransport;
    this.#read = read;
  }

  get transport() { return this.#transport; }
  get state() { return this.#read.state() ?? 'connecting'; }
  get maxMessageSize() { return this.#read.maxMessageSize(); }
  get maxChannels() { return this.#read.maxChannels() ?? null; }
  get [Symbol.toStringTag]() { return 'RTCSctpTransport'; }
}

defineEventHandlers(RTCSctpTransport.prototype, ['statechange']);
