// Runs one core (DESIGN.md, "The JS side"): feeds it tunnel messages in
// batches and the time, drains its outputs after every call, and arms one
// timer at the earliest deadline it asks for.
import { WebSocketTunnel } from './transport/websocket.js';

export class Driver {
  #core;
  #onEvent;
  #tunnels = new Map();
  #timer = null;
  #inbox = [];
  #stopped = false;

  /** @param onEvent called with each API event object the core emits */
  constructor(core, onEvent) {
    this.#core = core;
    this.#onEvent = onEvent;
  }

  now() {
    return performance.now();
  }

  /** Drains the core's outputs: tunnels to open, close or send on, API
   * events, and the next timeout. */
  pump() {
    if (this.#stopped) return;
    for (let out = this.#core.pollOutput(); out !== undefined; out = this.#core.pollOutput()) {
      switch (out.type) {
        case 'open': this.#open(out.tunnel, out.url); break;
        case 'close': this.#tunnels.get(out.tunnel)?.close(); this.#tunnels.delete(out.tunnel); break;
        case 'transmit': this.#tunnels.get(out.tunnel)?.send(out.data); break;
        case 'event': this.#onEvent(out.event); break;
        case 'timeout': this.#arm(out.at); break;
        default: break;
      }
      if (this.#stopped) return;
    }
  }

  /** Stops for good: the tunnels close and no timer fires again. */
  stop() {
    this.pump();
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const tunnel of this.#tunnels.values()) tunnel.close();
    this.#tunnels.clear();
  }

  #open(id, url) {
    const tunnel = new WebSocketTunnel(url, {
      onopen: () => this.#call(() => this.#core.handleTunnelOpen(id, this.now())),
      onmessage: (bytes) => this.#receive(id, bytes),
      onclose: () => {
        if (this.#tunnels.get(id) !== tunnel) return;
        this.#tunnels.delete(id);
        this.#call(() => this.#core.handleTunnelClosed(id, this.now()));
      },
    });
    this.#tunnels.set(id, tunnel);
  }

  // Messages that arrive together are fed in one batch, then drained once.
  #receive(id, bytes) {
    this.#inbox.push([id, bytes]);
    if (this.#inbox.length > 1) return;
    queueMicrotask(() => {
      if (this.#stopped) return;
      const now = this.now();
      for (const [tunnel, message] of this.#inbox.splice(0)) this.#core.handleTunnelMessage(tunnel, message, now);
      this.pump();
    });
  }

  #call(fn) {
    if (this.#stopped) return;
    fn();
    this.pump();
  }

  #arm(at) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#call(() => this.#core.handleTimeout(this.now())), Math.max(0, at - this.now()));
  }
}
