/// <reference lib="dom" />
export * from './index.js';

export interface InstallOptions {
  /** Define the globals even where native ones exist. */
  force?: boolean;
  /** wasmrtc relays (ws:, wss:, https: TURN tunnels) used when an app's iceServers name none. */
  relays?: RTCIceServer[];
  /** The global object to install into (default: globalThis). */
  target?: object;
}

/** Defines the RTC* globals where missing (or always, with force); returns the names defined. */
export declare function install(options?: InstallOptions): string[];

/** The relays set by install(). */
export declare function configuredRelays(): RTCIceServer[];
