// A classic dedicated worker: the classic shim (dist/wasmrtc.shim.js)
// defines RTCPeerConnection on the worker's global, which has none.
importScripts('/dist/wasmrtc.shim.js', '/tests/e2e/pages/workers/echo-peer.js');
self.startEchoPeer(self, self);
