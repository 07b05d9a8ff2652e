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
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SIZES = [0, 1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];

// In the Chromium page (page.evaluate), once Firefox joined the room:
// starts the worker's session and, for peer 'room', answers it with a
// wasmrtc peer here that echoes; returns the worker's result.
async function session({ session, peer, ports, sizes }) {
  const send = (m) => window.sig.ws.send(JSON.stringify({ session, ...m }));
  const pc = peer === 'room' ? new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports)) : null;
  const theirCandidates = [];
  if (pc) {
    pc.onicecandidate = (e) => send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.ondatachannel = (e) => {
      const ch = e.channel;
      ch.binaryType = 'arraybuffer';
      ch.onmessage = (m) => ch.send(m.data);
    };
  }
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = window.sig.all.filter((m) => m.session === session).map((m) => m.message?.type ?? m.type);
        reject(new Error(`timed out waiting for the worker; from Firefox: ${seen.join(' ')}`));
      }, 30000);
      window.sig.handlers.set(session, async (envelope) => {
        if (envelope.type !== 'worker') return;
        const m = envelope.message;
        try {
          if (m.type === 'offer') {
            await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
            await pc.setLocalDescription();
            send({ type: 'answer', sdp: pc.localDescription.sdp });
          } else if (m.type === 'candidate' && m.candidate) {
            theirCandidates.push(m.candidate.candidate);
            await pc.addIceCandidate(m.candidate);
          } else if (m.type === 'result') {
            clearTimeout(timer);
            resolve({ theirCandidates, ...m });
          } else if (m.type === 'error') {
            clearTimeout(timer);
            reject(new Error(`in the Firefox worker: ${m.error}`));
          }
        } catch (err) {
          clearTimeout(timer);
          reject(err);
        }
      });
      send({ type: 'start', peer, config: relayConfig('wasmrtc', ports), sizes });
    });
  } finally {
    send({ type: 'end' });
    pc?.close();
    window.sig.handlers.delete(session);
  }
}

if (INSIDE) {
  await withFirefox('firefox-worker.html', async ({ page, relay }) => {
    const sessions = [];
    for (const [i, peer] of ['firefox', 'room'].entries()) {
      sessions.push({ peer, ...(await page.evaluate(session, { session: i + 1, peer, ports: relay.ports, sizes: SIZES })) });
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
      assert.equal(w.nativeRTCPeerConnection, false, dump);
      assert.equal(w.globalRTCPeerConnection, 'none', 'Firefox has no RTCPeerConnection in workers');
      assert.deepEqual(w.echoed, SIZES, dump);
      assert.deepEqual(w.mismatches, [], dump);
      for (const type of ['certificate', 'data-channel', 'peer-connection', 'transport']) assert.ok(w.statsTypes.includes(type), dump);
      assert.equal(w.channelState, 'closed', dump);
      // The worker's candidates: relayed ones on 127.0.0.1 only.
      assert.ok(w.theirCandidates.length > 0, dump);
      for (const c of w.theirCandidates) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, dump);
    }
    assert.equal(r.sessions.length, 2, dump);
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
