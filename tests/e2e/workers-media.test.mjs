// Media in a Web Worker (issue 17): a module worker's wasmrtc peer
// (pages/worker-media.js) sends VP8 and Opus frames it encoded with the
// worker's own WebCodecs to a native RTCPeerConnection on the page through
// wasmrtc-relay, and receives the page's fake camera and microphone back;
// encoded transforms on the native side show every frame byte for byte (by
// hash) both ways, and the native receiver decodes the video.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

// In the page: a module worker's wasmrtc peer (pages/worker-media.js)
// sends VP8 and Opus it encoded with the worker's WebCodecs to a native peer
// here, which sends its fake camera and microphone back; encoded transforms
// on the native side record the frames' hashes both ways.
async function mediaThroughWorker({ ports, seconds }) {
  const { tap, playOut } = await import('/tests/e2e/pages/media.js');
  const capture = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 }, audio: true });
  // Created with nothing awaited before its handlers are set: a message
  // the worker posts while nobody listens is lost.
  const worker = new Worker('/tests/e2e/pages/worker-media.js', { type: 'module' });
  const pc = new window.native.RTCPeerConnection(relayConfig('native', ports));
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
