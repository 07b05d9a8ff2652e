// wasmrtc in Web Workers (issue 17), in headless Chromium: a classic
// dedicated worker (the classic shim through importScripts), a module
// dedicated worker and a module shared worker each run a wasmrtc
// RTCPeerConnection (pages/workers/echo-peer.js) that offers a data channel
// to a peer in the page, native or wasmrtc, through wasmrtc-relay (the
// native peer with iceTransportPolicy 'relay'); the page peer echoes
// 0 B–256 KiB messages, the worker checks them byte for byte, reads its
// getStats and closes. Signaling is postMessage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startRelay } from './harness.mjs';

const SIZES = [0, 1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];

let relay, browser, page;

before(async () => {
  relay = await startRelay();
  browser = await launch();
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  await relay?.close();
});

// In the page: starts the worker, answers its offer with a `peer` peer that
// echoes every message, and returns the worker's result.
async function echoThroughWorker({ kind, peer, ports, sizes }) {
  const url = `/tests/e2e/pages/workers/${kind}.js`;
  let worker;
  let port;
  if (kind === 'shared') {
    // A fresh name: one shared worker per run.
    worker = new SharedWorker(url, { type: 'module', name: `echo-${peer}-${Math.random()}` });
    port = worker.port;
  } else {
    worker = new Worker(url, { type: kind === 'classic' ? 'classic' : 'module' });
    port = worker;
  }
  const workerErrors = [];
  worker.onerror = (e) => workerErrors.push(String(e.message ?? e));
  const pc = peer === 'native' ? new RTCPeerConnection(relayConfig('native', ports)) : new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  pc.onicecandidate = (e) => port.postMessage({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
  pc.ondatachannel = (e) => {
    const ch = e.channel;
    ch.binaryType = 'arraybuffer';
    ch.onmessage = (m) => ch.send(m.data);
  };
  const theirCandidates = [];
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; worker errors: ${workerErrors}`)), 30000);
      port.onmessage = async (e) => {
        const m = e.data;
        try {
          if (m.type === 'ready') {
            port.postMessage({ type: 'start', config: relayConfig('wasmrtc', ports), sizes });
          } else if (m.type === 'offer') {
            await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
            await pc.setLocalDescription();
            port.postMessage({ type: 'answer', sdp: pc.localDescription.sdp });
          } else if (m.type === 'candidate') {
            if (m.candidate) {
              theirCandidates.push(m.candidate.candidate);
              await pc.addIceCandidate(m.candidate);
            }
          } else if (m.type === 'result') {
            clearTimeout(timer);
            resolve({ ...m, theirCandidates, workerErrors });
          } else if (m.type === 'error') {
            clearTimeout(timer);
            reject(new Error(`in the worker: ${m.error}`));
          }
        } catch (err) {
          clearTimeout(timer);
          reject(err);
        }
      };
    });
  } finally {
    pc.close();
    if (kind === 'shared') port.close();
    else worker.terminate();
  }
}

for (const kind of ['classic', 'module', 'shared']) {
  test(`a ${kind} worker's wasmrtc peer: data channel to native and wasmrtc page peers, echo 0 B–256 KiB, getStats, close`, async () => {
    for (const peer of ['native', 'wasmrtc']) {
      const r = await page.evaluate(echoThroughWorker, { kind, peer, ports: relay.ports, sizes: SIZES });
      console.log(`# ${kind} worker ↔ ${peer} page peer: open in ${r.openMs.toFixed(0)} ms, echoed ${r.echoed.join(', ')} B; stats ${r.statsTypes.join(' ')}; transport ${JSON.stringify(r.transport)}`);
      assert.equal(r.nativeRTCPeerConnection, false, 'the worker runs wasmrtc, not a native RTCPeerConnection');
      assert.equal(r.globalRTCPeerConnection, kind === 'classic' ? 'wasmrtc' : 'none', 'Chromium has no RTCPeerConnection in workers');
      assert.deepEqual(r.echoed, SIZES);
      assert.deepEqual(r.mismatches, []);
      for (const type of ['certificate', 'data-channel', 'peer-connection', 'transport']) assert.ok(r.statsTypes.includes(type), `getStats in the worker has ${type}: ${r.statsTypes}`);
      assert.ok(r.transport.bytesReceived > SIZES.reduce((a, b) => a + b, 0), JSON.stringify(r.transport));
      assert.equal(r.channelState, 'closed');
      assert.deepEqual(r.workerErrors, []);
      // Every candidate the worker gathered is a relayed one on 127.0.0.1.
      assert.ok(r.theirCandidates.length > 0);
      for (const c of r.theirCandidates) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /);
    }
    assert.deepEqual(page.errors.map(String), []);
  });
}
