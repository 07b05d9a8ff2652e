// Loads the wasm core once, before anything else in the package runs, so the
// spec's synchronous constructors (new RTCPeerConnection(), new
// RTCIceCandidate()) can call into it. Importing the package awaits this.
import init, * as wasm from '../pkg/wasmrtc.js';

const wasmUrl = new URL('../pkg/wasmrtc_bg.wasm', import.meta.url);

async function load() {
  if (wasmUrl.protocol === 'file:') {
    // Node and other runtimes without fetch() for file: URLs.
    const { readFile } = await import('node:fs/promises');
    return init({ module_or_path: await readFile(wasmUrl) });
  }
  return init({ module_or_path: wasmUrl });
}

await load();

export { wasm };
