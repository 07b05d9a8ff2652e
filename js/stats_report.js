// RTCStatsReport (webrtc-pc §8.3): a read-only maplike from stats object
// ids to the webrtc-stats dictionaries.
import { CONSTRUCT } from './internal.js';

export class RTCStatsReport {
  #map;

  constructor(token, entries) {
    if (token !== CONSTRUCT) throw new TypeError("Failed to construct 'RTCStatsReport': Illegal constructor");
    this.#map = new Map(entries.map((s) => [s.id, Object.freeze(s)]));
  }

  get size() { return this.#map.size; }
  get(id) { return this.#map.get(id); }
  has(id) { return this.#map.has(id); }
  keys() { return this.#map.keys(); }
  values() { return this.#map.values(); }
  entries() { return this.#map.entries(); }
  forEach(callback, thisArg) {
    this.#map.forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  [Symbol.iterator]() { return this.#map.entries(); }
  get [Symbol.toStringTag]() { return 'RTCStatsReport'; }
}
