// A tunnel to a relay over WebSocket (DESIGN.md, "Relay protocol"): each
// binary message is one STUN or ChannelData message. A tunnel is
// `{ send(bytes), close() }` reporting open, message and close once each
// to its handlers.

export class WebSocketTunnel {
  #ws;
  #closed = false;

  /** @param handlers {onopen(), onmessage(Uint8Array), onclose()} */
  constructor(url, handlers) {
    const Ws = globalThis.WebSocket;
    if (typeof Ws !== 'function') {
      queueMicrotask(() => this.#close(handlers));
      return;
    }
    try {
      this.#ws = new Ws(url);
    } catch {
      queueMicrotask(() => this.#close(handlers));
      return;
    }
    this.#ws.binaryType = 'arraybuffer';
    this.#ws.onopen = () => handlers.onopen();
    this.#ws.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) handlers.onmessage(new Uint8Array(e.data));
    };
    this.#ws.onclose = () => this.#close(handlers);
    this.#ws.onerror = () => this.#close(handlers);
  }

  #close(handlers) {
    if (this.#closed) return;
    this.#closed = true;
    handlers.onclose();
  }

  send(bytes) {
    if (this.#ws?.readyState === 1) this.#ws.send(bytes);
  }

  close() {
    this.#closed = true;
    this.#ws?.close();
  }
}
