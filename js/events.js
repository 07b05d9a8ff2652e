// Event classes of webrtc-pc and the `on<event>` event handler attributes
// (HTML §8.1.8.1): setting a handler keeps its place among the listeners,
// setting null removes it.

/** Defines `on<name>` accessors on `proto` for each event name. */
export function defineEventHandlers(proto, names) {
  for (const name of names) {
    const slot = Symbol(`on${name}`);
    Object.defineProperty(proto, `on${name}`, {
      configurable: true,
      enumerable: true,
      get() { return this[slot]?.handler ?? null; },
      set(value) {
        const handler = typeof value === 'function' || (value && typeof value === 'object') ? value : null;
        let entry = this[slot];
        if (handler === null) {
          if (entry) this.removeEventListener(name, entry.listener);
          this[slot] = undefined;
          return;
        }
        if (!entry) {
          entry = { handler, listener: (event) => {
            const h = entry.handler;
            const result = typeof h === 'function' ? h.call(this, event) : undefined;
            if (result === false) event.preventDefault();
          } };
          this[slot] = entry;
          this.addEventListener(name, entry.listener);
        }
        entry.handler = handler;
      },
    });
  }
}

function requireDict(ctor, init, member) {
  if (init === undefined || init === null || typeof init !== 'object' || !(member in init)) {
    throw new TypeError(`Failed to construct '${ctor}': required member ${member} is undefined.`);
  }
}

export class RTCPeerConnectionIceEvent extends Event {
  #candidate;
  #url;
  constructor(type, init = {}) {
    super(type, init);
    this.#candidate = init?.candidate ?? null;
    this.#url = init?.url ?? null;
  }
  get candidate() { return this.#candidate; }
  get url() { return this.#url; }
}

export class RTCPeerConnectionIceErrorEvent extends Event {
  #init;
  constructor(type, init) {
    requireDict('RTCPeerConnectionIceErrorEvent', init, 'errorCode');
    super(type, init);
    this.#init = {
      address: init.address ?? null, port: init.port ?? null, url: init.url ?? '',
      errorCode: Number(init.errorCode), errorText: init.errorText ?? '',
    };
  }
  get address() { return this.#init.address; }
  get port() { return this.#init.port; }
  get url() { return this.#init.url; }
  get errorCode() { return this.#init.errorCode; }
  get errorText() { return this.#init.errorText; }
}

export class RTCTrackEvent extends Event {
  #init;
  constructor(type, init) {
    for (const m of ['receiver', 'track', 'transceiver']) requireDict('RTCTrackEvent', init, m);
    super(type, init);
    this.#init = { receiver: init.receiver, track: init.track, streams: Object.freeze([...(init.streams ?? [])]), transceiver: init.transceiver };
  }
  get receiver() { return this.#init.receiver; }
  get track() { return this.#init.track; }
  get streams() { return this.#init.streams; }
  get transceiver() { return this.#init.transceiver; }
}

export class RTCDataChannelEvent extends Event {
  #channel;
  constructor(type, init) {
    requireDict('RTCDataChannelEvent', init, 'channel');
    super(type, init);
    this.#channel = init.channel;
  }
  get channel() { return this.#channel; }
}

export class RTCErrorEvent extends Event {
  #error;
  constructor(type, init) {
    requireDict('RTCErrorEvent', init, 'error');
    super(type, init);
    this.#error = init.error;
  }
  get error() { return this.#error; }
}
