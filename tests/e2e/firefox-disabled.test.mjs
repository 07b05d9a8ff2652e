// Firefox ESR with WebRTC switched off (media.peerconnection.enabled=false,
// the knob enterprise policy sets; issue 17): the page has no
// RTCPeerConnection (asserted), the classic shim (dist/wasmrtc.shim.js, a
// <script src>) defines one, and with it the page's wasmrtc peer
// (pages/firefox-disabled.html running pages/workers/echo-peer.js) opens a
// data channel to a wasmrtc peer in the headless Chromium page through
// wasmrtc-relay, echoes 0 B–256 KiB messages, reads getStats and closes.
// The peer is wasmrtc, not native Chromium: a native Chromium peer gathers
// nothing inside the loopback-only namespace (workers-firefox.test.mjs).
//
// Topology and the namespace: firefox-harness.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkEcho, echoSession } from './firefox-echo.mjs';
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SIZES = [0, 1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];

if (INSIDE) {
  await withFirefox('firefox-disabled.html', async ({ page, relay }) => ({
    echo: await page.evaluate(echoSession, { session: 1, peer: 'room', ports: relay.ports, sizes: SIZES }),
  }), { prefs: { 'media.peerconnection.enabled': false } });
} else {
  test('Firefox ESR with media.peerconnection.enabled=false: no RTCPeerConnection, the classic shim gives one, a data channel to wasmrtc in Chromium echoes 0 B–256 KiB', { timeout: 90000 }, async (t) => {
    const r = await runInNamespace(t, FILE, 80000);
    if (!r) return;
    const dump = JSON.stringify(r, null, 1);
    assert.equal(r.error, undefined, dump);
    const w = r.echo;
    console.log(`# ${r.ready.userAgent}, WebRTC off: before the shim ${JSON.stringify(r.ready.before)}, after: ${r.ready.after}; open in ${w.openMs.toFixed(0)} ms, echoed ${w.echoed.join(', ')} B; stats ${w.statsTypes.join(' ')}`);
    // Firefox 153 hides RTCPeerConnection with the pref but still defines
    // RTCDataChannel (measured); the shim leaves a defined global alone
    // without data-force, so `instanceof RTCDataChannel` does not hold for
    // the shim's channels there.
    assert.equal(r.ready.before.RTCPeerConnection, 'undefined', dump);
    assert.equal(r.ready.after, 'function', dump);
    assert.equal(w.globalRTCPeerConnection, 'wasmrtc', dump);
    checkEcho(w, SIZES, dump);
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
