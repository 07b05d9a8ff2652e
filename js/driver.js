// Runs one core (DESIGN.md, "The JS side"): feeds it tunnel messages in
// batches and the time, drains its outputs after every call, and arms one
// timer at the earliest deadline it asks for. Tunnels come from a factory
// (by URL scheme unless a test passes its own).
import { openTunnel } from './transport/index.js';

export class Driver {
  #core;
  #onEvent;
  #tunnels = new Map();
  #timer = null;
  #inbox = [];
  #stopped = false;
  #openTunnel;

  /** @param onEvent called with each API event (a CoreEvent, valid only
   * during the call)
   * @param tunnelFactory (url, handlers) → `{ send(bytes), close() }` */
  constructor(core, onEvent, tunnelFactory = openTunnel) {
    this.#core = core;
    this.#onEvent = onEvent;
    this.#openTunnel = tunnelFactory;
  }

  now() {
    return performance.now();
  }

  /** Drains the core's outputs: tunnels to open, close or send on, API
   * events, and the next timeout. */
  pump() {
    if (this.#stopped) return;
    for (let out = this.#core.pollOutput(); out !== undefined; out = this.#core.pollOutput()) {
      try {
        this.#handle(out);
      } finally {
        out.free();
      }
      if (this.#stopped) return;
    }
  }

  #handle(out) {
    switch (out.type) {
      case 'open': this.#open(out.tunnel, out.url); break;
      case 'close': this.#tunnels.get(out.tunnel)?.close(); this.#tunnels.delete(out.tunnel); break;
      case 'transmit': this.#tunnels.get(out.tunnel)?.send(out.data); break;
      case 'event': {
        const event = out.takeEvent();
        try {
          this.#onEvent(event);
        } finally {
          event.free();
        }
        break;
      }
      case 'timeout': this.#arm(out.at); break;
      default: break;
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
    const tunnel = this.#openTunnel(url, {
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
