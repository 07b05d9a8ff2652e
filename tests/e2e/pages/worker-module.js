// A module worker (dedicated, or shared when it gets `connect` events): the
// package imported as an app would import it. A shared worker's first
// `connect` event fires while the package's top-level await (loading the
// core) is pending, and is lost if the handler waits for it: so the handler
// is set first and the package is imported dynamically.
import '/tests/e2e/pages/worker-echo.js';

const wasmrtc = import('/js/index.js');
if ('onconnect' in self) {
  self.onconnect = (e) => wasmrtc.then(({ RTCPeerConnection }) => self.echoOver(e.ports[0], RTCPeerConnection));
} else {
  wasmrtc.then(({ RTCPeerConnection }) => self.echoOver(self, RTCPeerConnection));
}
