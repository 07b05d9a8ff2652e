// The relays wasmrtc tunnels through (DESIGN.md, "Relay protocol"): the
// iceServers entries a tunnel can be opened to (ws:/wss:), else those
// shim.install({relays}) set.
import { TUNNEL_SCHEMES as RELAY_SCHEMES } from './transport/index.js';
let installed = [];

/** Sets the default relays (validated by the caller). */
export function setDefaultRelays(relays) {
  installed = relays.map((r) => ({ ...r }));
}

export function defaultRelays() {
  return installed.map((r) => ({ ...r }));
}

/** The relays one peer connection uses: `{url, username, credential}`
 * for every relay URL of its iceServers, else the installed defaults.
 * stun:/turn: URLs cannot be reached from a page and are left out. */
export function relaysOf(iceServers) {
  const out = [];
  for (const server of [...iceServers, ...(iceServers.some(hasRelay) ? [] : installed)]) {
    for (const url of [server.urls].flat()) {
      if (RELAY_SCHEMES.includes(new URL(url).protocol)) {
        out.push({ url, username: server.username ?? '', credential: server.credential ?? '' });
      }
    }
  }
  return out;
}

function hasRelay(server) {
  return [server.urls].flat().some((url) => RELAY_SCHEMES.includes(new URL(url).protocol));
}
