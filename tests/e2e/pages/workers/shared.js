// A module shared worker: one echo peer per connecting page. The connect
// handler is set before the package loads (a dynamic import): the package's
// wasm loads with top-level await, and a connect event dispatched while the
// module graph is still evaluating finds no handler.
import '/tests/e2e/pages/workers/echo-peer.js';

const wasmrtc = import('/js/index.js');

self.onconnect = async (e) => {
  const [port] = e.ports;
  self.startEchoPeer(await wasmrtc, port);
};
