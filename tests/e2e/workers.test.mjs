// wasmrtc in Web Workers (issue 17), in headless Chromium: a classic
// dedicated worker (the classic shim through importScripts), a module
// dedicated worker and a module shared worker each run a wasmrtc
// RTCPeerConnection (pages/workers/echo-peer.js) that offers a data channel
// to a peer in the page, native or wasmrtc, through wasmrtc-relay (the
// native peer with iceTransportPolicy 'relay'); the page peer echoes
// 0 B–256 KiB messages, the worker checks them byte for byte, reads its
// getStats and closes. Signaling is postMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const SIZES = [0, 1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];

const ctx = relayAndPage();

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
      const r = await ctx.page.evaluate(echoThroughWorker, { kind, peer, ports: ctx.relay.ports, sizes: SIZES });
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
    assert.deepEqual(ctx.page.errors.map(String), []);
  });
}

// In the page: a module worker's wasmrtc peer (pages/workers/media.js)
// sends VP8 and Opus it encoded with the worker's WebCodecs to a native peer
// here, which sends its fake camera and microphone back; encoded transforms
// on the native side record the frames' hashes both ways.
async function mediaThroughWorker({ ports, seconds }) {
  const { tap, playOut } = await import('/tests/e2e/pages/media.js');
  const capture = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 }, audio: true });
  // Created with nothing awaited before its handlers are set: a message
  // the worker posts while nobody listens is lost.
  const worker = new Worker('/tests/e2e/pages/workers/media.js', { type: 'module' });
  const pc = new RTCPeerConnection(relayConfig('native', ports));
  pc.onicecandidate = (e) => worker.postMessage({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
  const taps = { receive: {}, send: {} };
  const mime = { video: 'video/VP8', audio: 'audio/opus' };
  try {
    const result = await new Promise((resolve, reject) => {
      const seen = [];
      const timer = setTimeout(() => reject(new Error(`timed out waiting for the worker (from it: ${seen.join(' ')}; native ${pc.connectionState})`)), 30000);
      worker.onerror = (e) => { clearTimeout(timer); reject(new Error(`worker error: ${e.message}`)); };
      worker.onmessage = async (e) => {
        const m = e.data;
        seen.push(m.type);
        try {
          if (m.type === 'ready') {
            worker.postMessage({ type: 'start', config: relayConfig('wasmrtc', ports), seconds });
          } else if (m.type === 'offer') {
            await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
            for (const t of pc.getTransceivers()) {
              const kind = t.receiver.track.kind;
              taps.receive[kind] = tap(t.receiver, 'receive', mime[kind]);
              if (kind === 'audio') playOut(t.receiver);
              // addTrack takes the transceiver the offer made (webrtc-pc §4.4.1.6).
              const sender = pc.addTrack(capture.getTracks().find((x) => x.kind === kind), capture);
              taps.send[kind] = tap(sender, 'send', mime[kind]);
            }
            await pc.setLocalDescription();
            worker.postMessage({ type: 'answer', sdp: pc.localDescription.sdp });
          } else if (m.type === 'candidate' && m.candidate) {
            await pc.addIceCandidate(m.candidate);
          } else if (m.type === 'result') {
            clearTimeout(timer);
            resolve(m);
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
    const inbound = {};
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') inbound[s.kind] = { packetsReceived: s.packetsReceived, framesDecoded: s.framesDecoded };
    });
    const out = { inbound, streams: {} };
    for (const kind of ['video', 'audio']) {
      const toNative = taps.receive[kind].map((f) => f.hash);
      const sentSet = new Set(result.sent[kind]);
      const fromNative = new Set(taps.send[kind].map((f) => f.hash));
      const got = result.received[kind];
      out.streams[kind] = {
        workerSent: result.sent[kind].length,
        nativeReceived: toNative.length,
        nativeMatching: toNative.filter((h) => sentSet.has(h)).length,
        nativeSent: taps.send[kind].length,
        workerReceived: got.hashes.length,
        workerMatching: got.hashes.filter((h) => fromNative.has(h)).length,
        workerFirstKey: got.firstKey,
        workerDropped: got.dropped,
        workerMimeTypes: got.mimeTypes,
      };
    }
    return out;
  } finally {
    capture.getTracks().forEach((t) => t.stop());
    pc.close();
    worker.terminate();
  }
}

test('a module worker\'s wasmrtc peer: VP8 + Opus from its WebCodecs to native Chromium and back, the same frame bytes', async () => {
  const r = await ctx.page.evaluate(mediaThroughWorker, { ports: ctx.relay.ports, seconds: 2 });
  for (const kind of ['video', 'audio']) {
    const s = r.streams[kind];
    console.log(`# worker ${kind}: ${s.workerSent} sent, ${s.nativeReceived} through the native transform (${s.nativeMatching} matching); native sent ${s.nativeSent}, the worker got ${s.workerReceived} (${s.workerMatching} matching, ${s.workerDropped} dropped, ${s.workerMimeTypes}); inbound ${JSON.stringify(r.inbound[kind])}`);
    assert.ok(s.nativeReceived >= s.workerSent * 0.8, `${kind}: native got ${s.nativeReceived} of ${s.workerSent}`);
    assert.equal(s.nativeMatching, s.nativeReceived, `${kind}: frame bytes differ`);
    assert.ok(s.nativeSent > 0);
    assert.ok(s.workerReceived >= s.nativeSent * 0.8, `${kind}: the worker got ${s.workerReceived} of ${s.nativeSent}`);
    assert.equal(s.workerMatching, s.workerReceived, `${kind}: frame bytes differ`);
    assert.equal(s.workerDropped, 0);
    assert.equal(s.workerFirstKey, true);
  }
  assert.deepEqual(r.streams.video.workerMimeTypes, ['video/VP8']);
  assert.deepEqual(r.streams.audio.workerMimeTypes, ['audio/opus']);
  assert.ok(r.inbound.video.framesDecoded >= r.streams.video.workerSent * 0.8, JSON.stringify(r.inbound));
  assert.deepEqual(ctx.page.errors.map(String), []);
});
