// An adapter-style installer: defines the RTC* globals where the environment
// has none (or everywhere, with `force`), leaving native ones alone
// otherwise. Feature-detect first, patch only what is missing, and take the
// global object as a parameter so tests can pass their own.
import * as api from './index.js';
import { defaultRelays, setDefaultRelays } from './relays.js';

/** The relays set by install(), for apps that pass only stun:/turn: URLs. */
export function configuredRelays() {
  return defaultRelays();
}

/**
 * @param {{force?: boolean, relays?: Array<{urls: string|string[], username?: string, credential?: string}>, target?: object}} [options]
 * @returns {string[]} the names of the globals this call defined
 */
export function install(options = {}) {
  const { force = false, relays, target = globalThis } = options ?? {};
  if (relays !== undefined) {
    if (!Array.isArray(relays)) throw new TypeError('install(): relays must be an array of RTCIceServer dictionaries');
    setDefaultRelays(relays);
  }
  const defined = [];
  for (const [name, value] of Object.entries(api)) {
    if (!force && typeof target[name] !== 'undefined') continue;
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    defined.push(name);
  }
  return defined;
}

export * from './index.js';
