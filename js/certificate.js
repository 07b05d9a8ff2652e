// RTCCertificate and RTCPeerConnection.generateCertificate (webrtc-pc §4.9).
// The key pair and the self-signed X.509 certificate are made in the core.
import { wasm } from './core.js';
import { CONSTRUCT } from './internal.js';

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

/** The algorithm argument of generateCertificate (WebCrypto's
 * AlgorithmIdentifier plus webrtc-pc's `expires`). */
function normalizeKeygenAlgorithm(keygenAlgorithm) {
  const algorithm = typeof keygenAlgorithm === 'string' ? { name: keygenAlgorithm } : keygenAlgorithm;
  if (algorithm === null || typeof algorithm !== 'object' || algorithm.name === undefined) {
    throw new TypeError("Failed to execute 'generateCertificate' on 'RTCPeerConnection': parameter 1 is not a valid AlgorithmIdentifier.");
  }
  const name = String(algorithm.name).toUpperCase();
  if (name === 'ECDSA' && algorithm.namedCurve === 'P-256') return { kind: 'ecdsa-p256', expires: algorithm.expires };
  throw new DOMException(
    `Failed to execute 'generateCertificate' on 'RTCPeerConnection': The 1st argument provided is an AlgorithmIdentifier, but the algorithm is not supported (ECDSA with namedCurve P-256 is).`,
    'NotSupportedError');
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
    return Promise.resolve(makeCertificate(now, now + lifetime));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** A fresh ECDSA P-256 certificate valid from now until expiresMs. */
export function makeCertificate(nowMs, expiresMs) {
  const made = wasm.generateCertificate(nowMs, expiresMs);
  return new RTCCertificate(CONSTRUCT, made.der, made.key, made.expires,
    [{ algorithm: 'sha-256', value: made.fingerprint }]);
}
