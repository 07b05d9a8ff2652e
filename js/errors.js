// Errors as webrtc-pc names them (§11.1): DOMExceptions by name, the
// ECMAScript TypeError and RangeError, and RTCError with its errorDetail.
import { wasm } from './core.js';

const RTC_ERROR_DETAILS = new Set([
  'data-channel-failure', 'dtls-failure', 'fingerprint-failure', 'sctp-failure',
  'sdp-syntax-error', 'hardware-encoder-not-available', 'hardware-encoder-error',
]);

/** RTCError (webrtc-pc §11.1.1): an OperationError with details. */
export class RTCError extends DOMException {
  #errorDetail;
  #sdpLineNumber;
  #sctpCauseCode;
  #receivedAlert;
  #sentAlert;
  #httpRequestStatusCode;

  constructor(init, message = '') {
    super(message, 'OperationError');
    if (init === undefined || init === null || typeof init !== 'object') {
      throw new TypeError("Failed to construct 'RTCError': parameter 1 is not an object.");
    }
    if (!RTC_ERROR_DETAILS.has(init.errorDetail)) {
      throw new TypeError(`Failed to construct 'RTCError': The provided value '${init.errorDetail}' is not a valid enum value of type RTCErrorDetailType.`);
    }
    this.#errorDetail = init.errorDetail;
    this.#sdpLineNumber = init.sdpLineNumber ?? null;
    this.#sctpCauseCode = init.sctpCauseCode ?? null;
    this.#receivedAlert = init.receivedAlert ?? null;
    this.#sentAlert = init.sentAlert ?? null;
    this.#httpRequestStatusCode = init.httpRequestStatusCode ?? null;
  }

  get errorDetail() { return this.#errorDetail; }
  get sdpLineNumber() { return this.#sdpLineNumber; }
  get sctpCauseCode() { return this.#sctpCauseCode; }
  get receivedAlert() { return this.#receivedAlert; }
  get sentAlert() { return this.#sentAlert; }
  get httpRequestStatusCode() { return this.#httpRequestStatusCode; }
  get [Symbol.toStringTag]() { return 'RTCError'; }
}

/** An error of the given spec name: a DOMException, TypeError or RangeError. */
export function makeError(name, message) {
  if (name === 'TypeError') return new TypeError(message);
  if (name === 'RangeError') return new RangeError(message);
  return new DOMException(message, name);
}

/** Turns what a call into the core threw (a CoreError, or an exception
 * of JS's own) into what the spec throws. */
export function fromCore(e) {
  if (!(e instanceof wasm.CoreError)) {
    return e instanceof Error || e instanceof DOMException ? e : new DOMException(String(e), 'OperationError');
  }
  const { name, message, errorDetail, sdpLineNumber } = e;
  e.free();
  if (errorDetail === undefined) return makeError(name, message);
  const init = { errorDetail };
  if (sdpLineNumber !== undefined) init.sdpLineNumber = sdpLineNumber;
  return new RTCError(init, message);
}
