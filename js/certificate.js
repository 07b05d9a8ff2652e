// RTCCertificate and RTCPeerConnection.generateCertificate (webrtc-pc §4.9).
// The key pair and the self-signed X.509 certificate are made in the core.
import { wasm } from './core.js';
import { CONSTRUCT } from './internal.js';
import { fromCore } from './errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// Chromium's default lifetime for generated certificates is 30 days.
const DEFAULT_LIFETIME_MS = 30 * DAY_MS;
const MAX_LIFETIME_MS = 365 * DAY_MS;

export class RTCCertificate {
  #der;
  #key;
  #expires;
  #fingerprints;

  constructor(token, der, key, expires, fingerprints) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCCertificate': Illegal constructor");
    this.#der = der;
    this.#key = key;
    this.#expires = expires;
    this.#fingerprints = fingerprints;
  }

  get expires() { return this.#expires; }
  getFingerprints() { return this.#fingerprints.map((f) => ({ ...f })); }
  get [Symbol.toStringTag]() { return 'RTCCertificate'; }

  /** The certificate and PKCS#8 key for the core's DTLS. */
  static material(cert) { return { der: cert.#der, key: cert.#key }; }
}

const FAILED = "Failed to execute 'generateCertificate' on 'RTCPeerConnection': ";
const RSA_NAME = 'RSASSA-PKCS1-V1_5';

function notSupported(what) {
  return new DOMException(`${FAILED}The 1st argument provided is an AlgorithmIdentifier${what}`, 'NotSupportedError');
}

/** The algorithm argument of generateCertificate (WebCrypto's
 * AlgorithmIdentifier plus webrtc-pc's `expires`). RSA follows WebCrypto's
 * RsaHashedKeyGenParams dictionary (TypeErrors for missing or mistyped
 * members, as Chromium words them) and then what native Chromium accepts:
 * SHA-256 only, modulusLength 1024..8192, a publicExponent above the
 * modulus length that fits 31 bits (65537; not 3). */
function normalizeKeygenAlgorithm(keygenAlgorithm) {
  const algorithm = typeof keygenAlgorithm === 'string' ? { name: keygenAlgorithm } : keygenAlgorithm;
  if (algorithm === null || typeof algorithm !== 'object' || algorithm.name === undefined) {
    throw new TypeError(`${FAILED}parameter 1 is not a valid AlgorithmIdentifier.`);
  }
  const name = String(algorithm.name).toUpperCase();
  if (name === 'ECDSA' && algorithm.namedCurve === 'P-256') return { kind: 'ecdsa-p256', expires: algorithm.expires };
  if (name === RSA_NAME) return normalizeRsa(algorithm);
  throw notSupported(', but the algorithm is not supported.');
}

function normalizeRsa(algorithm) {
  const member = (what) => new TypeError(`${FAILED}RsaHashedKeyGenParams: ${what}`);
  // WebIDL: [EnforceRange] unsigned long.
  if (algorithm.modulusLength === undefined) throw member('modulusLength: Missing required property');
  const modulusLength = Number(algorithm.modulusLength);
  if (!Number.isFinite(modulusLength) || modulusLength < 0 || modulusLength > 0xffffffff) {
    throw member('modulusLength: Value is outside the \'unsigned long\' value range.');
  }
  if (!(algorithm.publicExponent instanceof Uint8Array)) throw member('publicExponent: Missing or not a Uint8Array');
  const hash = typeof algorithm.hash === 'string' ? algorithm.hash
    : (algorithm.hash !== null && typeof algorithm.hash === 'object' && algorithm.hash.name !== undefined ? String(algorithm.hash.name) : undefined);
  if (hash === undefined) throw member('hash: Missing or not an AlgorithmIdentifier');
  const unsupported = notSupported(' with a supported algorithm name, but the parameters are not supported.');
  if (hash.toUpperCase() !== 'SHA-256') throw unsupported;
  // Big-endian, leading zeros allowed; Chromium reads it as a 32-bit
  // unsigned integer and passes it on as a C int.
  let exponent = 0;
  for (const byte of algorithm.publicExponent) {
    exponent = exponent * 256 + byte;
    if (exponent > 0x7fffffff) throw unsupported;
  }
  const bits = Math.trunc(modulusLength);
  if (bits < 1024 || bits > 8192 || exponent <= bits) throw unsupported;
  // An even exponent has no key; Chromium's keygen then rejects with
  // undefined, we with the NotSupportedError the spec names.
  if (exponent % 2 === 0) throw unsupported;
  return { kind: 'rsa', modulusLength: bits, publicExponent: exponent, expires: algorithm.expires };
}

export function generateCertificate(keygenAlgorithm) {
  try {
    const algorithm = normalizeKeygenAlgorithm(keygenAlgorithm);
    const now = Date.now();
    let lifetime = DEFAULT_LIFETIME_MS;
    if (algorithm.expires !== undefined) {
      const expires = Number(algorithm.expires);
      if (!Number.isFinite(expires) || expires < 0) {
        throw new TypeError("Failed to execute 'generateCertificate' on 'RTCPeerConnection': expires is out of range.");
      }
      lifetime = Math.min(expires, MAX_LIFETIME_MS);
    }
    if (algorithm.kind === 'rsa') {
      return Promise.resolve(wrap(wasm.generateRsaCertificate(now, now + lifetime, algorithm.modulusLength, algorithm.publicExponent)));
    }
    return Promise.resolve(makeCertificate(now, now + lifetime));
  } catch (e) {
    return Promise.reject(fromCore(e));
  }
}

/** A fresh ECDSA P-256 certificate valid from now until expiresMs. */
export function makeCertificate(nowMs, expiresMs) {
  return wrap(wasm.generateCertificate(nowMs, expiresMs));
}

function wrap(made) {
  const certificate = new RTCCertificate(CONSTRUCT, made.der, made.key, made.expires,
    [{ algorithm: 'sha-256', value: made.fingerprint }]);
  made.free();
  return certificate;
}
