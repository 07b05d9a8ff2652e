// The entry of the classic-script build (scripts/build-shim.mjs): installs
// the RTC* globals where the page has none, or everywhere with
// <script src="wasmrtc.shim.js" data-force>, with the relays of
// data-relays (JSON: the RTCIceServer array install({relays}) takes), and
// leaves the module's exports on `globalThis.wasmrtc`.
import * as shim from './shim.js';

const script = typeof document !== 'undefined' ? document.currentScript : null;
const relays = script?.getAttribute('data-relays');
shim.install({
  force: script?.hasAttribute('data-force') ?? false,
  relays: relays ? JSON.parse(relays) : undefined,
});
globalThis.wasmrtc = shim;
