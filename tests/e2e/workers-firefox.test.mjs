// wasmrtc in a Firefox ESR Web Worker (issue 17): a module worker in a
// Firefox page (pages/firefox-worker.html running pages/workers/module.js)
// offers a data channel, once to Firefox's own native RTCPeerConnection in
// that page and once to a wasmrtc peer in the headless Chromium page (the
// signaling through the relay's room); the peer echoes 0 B–256 KiB
// messages, the worker checks them byte for byte, reads its getStats and
// closes.
//
// Not against a native Chromium peer: inside the namespace lo is the only
// interface, and a native Chromium peer there gathered no candidate at all
// (tried: its onicecandidate never fired, its connectionState stayed 'new';
// presumably its port allocator skips loopback networks), while Firefox's
// gathers on loopback (media.peerconnection.ice.loopback).
//
// Topology and the namespace: firefox-harness.mjs (Firefox only in a
// loopback-only namespace; the worker's wasmrtc reaches only the relay's
// WebSocket TURN on 127.0.0.1, Firefox's native peer only its UDP TURN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkEcho, echoSession } from './firefox-echo.mjs';
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SIZES = [0, 1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];

if (INSIDE) {
  await withFirefox('firefox-worker.html', async ({ page, relay }) => {
    const sessions = [];
    for (const [i, peer] of ['firefox', 'room'].entries()) {
      sessions.push({ peer, ...(await page.evaluate(echoSession, { session: i + 1, peer, ports: relay.ports, sizes: SIZES })) });
    }
    return { sessions };
  });
} else {
  test('wasmrtc in a Firefox ESR module worker: data channels to Firefox\'s native peer and to wasmrtc in Chromium, echo 0 B–256 KiB, getStats, close', { timeout: 90000 }, async (t) => {
    const r = await runInNamespace(t, FILE, 80000);
    if (!r) return;
    const dump = JSON.stringify(r, null, 1);
    assert.equal(r.error, undefined, dump);
    for (const w of r.sessions) {
      const who = w.peer === 'firefox' ? 'Firefox\'s native peer' : 'wasmrtc in Chromium';
      console.log(`# ${r.ready.userAgent}: worker ↔ ${who} open in ${w.openMs.toFixed(0)} ms, echoed ${w.echoed.join(', ')} B; stats ${w.statsTypes.join(' ')}; transport ${JSON.stringify(w.transport)}; the worker's global RTCPeerConnection: ${w.globalRTCPeerConnection}`);
      checkEcho(w, SIZES, dump);
      assert.equal(w.globalRTCPeerConnection, 'none', 'Firefox has no RTCPeerConnection in workers');
    }
    assert.equal(r.sessions.length, 2, dump);
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
