// A module dedicated worker: the package's ES module entry.
import * as wasmrtc from '/js/index.js';
import '/tests/e2e/pages/workers/echo-peer.js';

self.startEchoPeer(wasmrtc, self);
