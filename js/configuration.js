// RTCConfiguration (webrtc-pc §4.2.1): WebIDL conversion of the dictionary
// and the spec's "set a configuration" validation (§4.4.1.6).
import { RTCCertificate } from './certificate.js';

const ICE_TRANSPORT_POLICIES = ['relay', 'all'];
const BUNDLE_POLICIES = ['balanced', 'max-compat', 'max-bundle'];
// 'negotiate' is gone from webrtc-pc but Chromium still accepts and reports
// it; wasmrtc always multiplexes RTCP (RFC 8858), as 'require' does.
const RTCP_MUX_POLICIES = ['require', 'negotiate'];
// stun:/turn: as webrtc-pc defines them, plus wasmrtc's relay tunnels:
// ws:/wss: (TURN over WebSocket) and https: (TURN over WebTransport).
const ICE_SCHEMES = ['stun:', 'stuns:', 'turn:', 'turns:'];
const RELAY_SCHEMES = ['ws:', 'wss:', 'https:'];

function enumValue(value, allowed, fallback, type, context) {
  if (value === undefined) return fallback;
  const s = String(value);
  if (!allowed.includes(s)) {
    throw new TypeError(`Failed to ${context}: The provided value '${s}' is not a valid enum value of type ${type}.`);
  }
  return s;
}

function sequence(value, what, context) {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || typeof value[Symbol.iterator] !== 'function') {
    throw new TypeError(`Failed to ${context}: The provided value cannot be converted to a sequence (${what}).`);
  }
  return [...value];
}

/** Validates one RTCIceServer and returns its normalized form. */
function iceServer(server, context) {
  if (server === null || typeof server !== 'object') {
    throw new TypeError(`Failed to ${context}: iceServers entry is not an object.`);
  }
  if (server.urls === undefined) {
    throw new TypeError(`Failed to ${context}: Failed to read the 'urls' property from 'RTCIceServer': Required member is undefined.`);
  }
  const urls = typeof server.urls === 'string' ? [server.urls] : sequence(server.urls, 'urls', context).map(String);
  if (urls.length === 0) {
    throw new DOMException(`Failed to ${context}: ICE server has no URLs.`, 'SyntaxError');
  }
  const username = server.username === undefined ? undefined : String(server.username);
  const credential = server.credential === undefined ? undefined : String(server.credential);
  for (const url of urls) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw new DOMException(`Failed to ${context}: '${url}' is not a valid ICE server URL.`, 'SyntaxError');
    }
    const scheme = parsed.protocol;
    const isIce = ICE_SCHEMES.includes(scheme);
    const isRelay = RELAY_SCHEMES.includes(scheme);
    if ((!isIce && !isRelay) || parsed.hash !== '' || (scheme.startsWith('stun') && parsed.search !== '')) {
      throw new DOMException(`Failed to ${context}: '${url}' is not a valid ICE server URL.`, 'SyntaxError');
    }
    if ((scheme.startsWith('turn') || isRelay) && (username === undefined || credential === undefined)) {
      throw new DOMException(`Failed to ${context}: Both username and credential are required when the URL scheme is "turn", "turns" or a relay tunnel.`, 'InvalidAccessError');
    }
  }
  const out = { urls: typeof server.urls === 'string' ? server.urls : urls };
  if (username !== undefined) out.username = username;
  if (credential !== undefined) out.credential = credential;
  return out;
}

/** Converts and validates an RTCConfiguration. */
export function normalizeConfiguration(configuration, context) {
  const config = configuration ?? {};
  if (typeof config !== 'object') throw new TypeError(`Failed to ${context}: parameter 1 is not an object.`);
  const iceServers = sequence(config.iceServers, 'iceServers', context).map((s) => iceServer(s, context));
  const certificates = sequence(config.certificates, 'certificates', context);
  const now = Date.now();
  for (const cert of certificates) {
    if (!(cert instanceof RTCCertificate)) {
      throw new TypeError(`Failed to ${context}: Failed to read the 'certificates' property from 'RTCConfiguration': Failed to convert value to 'RTCCertificate'.`);
    }
    if (cert.expires <= now) {
      throw new DOMException(`Failed to ${context}: Expired certificate(s).`, 'InvalidAccessError');
    }
  }
  let iceCandidatePoolSize = 0;
  if (config.iceCandidatePoolSize !== undefined) {
    const n = Number(config.iceCandidatePoolSize);
    if (!Number.isFinite(n) || Math.trunc(n) < 0 || Math.trunc(n) > 255) {
      throw new TypeError(`Failed to ${context}: Value is outside the 'octet' value range.`);
    }
    iceCandidatePoolSize = Math.trunc(n);
  }
  return {
    iceServers,
    iceTransportPolicy: enumValue(config.iceTransportPolicy, ICE_TRANSPORT_POLICIES, 'all', 'RTCIceTransportPolicy', context),
    bundlePolicy: enumValue(config.bundlePolicy, BUNDLE_POLICIES, 'balanced', 'RTCBundlePolicy', context),
    rtcpMuxPolicy: enumValue(config.rtcpMuxPolicy, RTCP_MUX_POLICIES, 'require', 'RTCRtcpMuxPolicy', context),
    iceCandidatePoolSize,
    certificates,
  };
}

/** The copy getConfiguration() returns: fresh objects every call. */
export function configurationCopy(config) {
  return {
    iceServers: config.iceServers.map((s) => ({ ...s, urls: Array.isArray(s.urls) ? [...s.urls] : s.urls })),
    iceTransportPolicy: config.iceTransportPolicy,
    bundlePolicy: config.bundlePolicy,
    rtcpMuxPolicy: config.rtcpMuxPolicy,
    iceCandidatePoolSize: config.iceCandidatePoolSize,
    certificates: [...config.certificates],
  };
}
