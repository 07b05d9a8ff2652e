// Tunnels by the relay URL's scheme (DESIGN.md, "Relay protocol"): ws: and
// wss: go over WebSocket; https: is kept for WebTransport. A URL no
// transport takes gets a tunnel that reports closed, as a WebSocket that
// fails to connect does, so the core sees one kind of failure.
import { WebSocketTunnel } from './websocket.js';

const TRANSPORTS = new Map([['ws:', WebSocketTunnel], ['wss:', WebSocketTunnel]]);

/** The schemes a tunnel can be opened to. */
export const TUNNEL_SCHEMES = [...TRANSPORTS.keys()];

/** A tunnel to `url`: `{ send(bytes), close() }`, reporting to
 * handlers {onopen(), onmessage(Uint8Array), onclose()}. */
export function openTunnel(url, handlers) {
  const Tunnel = TRANSPORTS.get(scheme(url)) ?? ClosedTunnel;
  return new Tunnel(url, handlers);
}

function scheme(url) {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

class ClosedTunnel {
  #closed = false;

  constructor(url, handlers) {
    queueMicrotask(() => {
      if (this.#closed) return;
      this.#closed = true;
      handlers.onclose();
    });
  }

  send() {}

  close() { this.#closed = true; }
}
