// A classic dedicated (or shared) worker: the classic-script build installs
// the RTC* globals a worker lacks, synchronously, as it does on a page.
importScripts('/dist/wasmrtc.shim.js', '/tests/e2e/pages/worker-echo.js');
if ('onconnect' in self) {
  self.onconnect = (e) => self.echoOver(e.ports[0], self.RTCPeerConnection);
} else {
  self.echoOver(self, self.RTCPeerConnection);
}
