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

// In the page: the native end of pages/encoded-call.js, the worker the
// wasmrtc end.
async function mediaThroughWorker({ ports, seconds }) {
  const { answerEncodedCall } = await import('/tests/e2e/pages/encoded-call.js');
  const worker = new Worker('/tests/e2e/pages/worker-media.js', { type: 'module' });
  // A failure to load reaches the call as the worker's own error message.
  worker.onerror = (e) => worker.onmessage?.({ data: { type: 'error', error: `worker error: ${e.message}` } });
  try {
    return await answerEncodedCall(worker, {
      nativeConfig: relayConfig('native', ports), wasmrtcConfig: relayConfig('wasmrtc', ports), seconds,
    });
  } finally {
    worker.terminate();
  }
}

test('a module worker\'s wasmrtc peer: VP8 + Opus from its WebCodecs to native Chromium and back, the same frame bytes', async () => {
  const r = await ctx.page.evaluate(mediaThroughWorker, { ports: ctx.relay.ports, seconds: 2 });
  for (const kind of ['video', 'audio']) {
    const s = r.streams[kind];
    console.log(`# worker ${kind}: ${s.wasmrtcSent} sent, ${s.nativeReceived} through the native transform (${s.nativeMatching} matching); native sent ${s.nativeSent}, the worker got ${s.wasmrtcReceived} (${s.wasmrtcMatching} matching, ${s.wasmrtcDropped} dropped, ${s.wasmrtcMimeTypes}); inbound ${JSON.stringify(r.inbound[kind])}`);
    assert.ok(s.nativeReceived >= s.wasmrtcSent * 0.8, `${kind}: native got ${s.nativeReceived} of ${s.wasmrtcSent}`);
    assert.equal(s.nativeMatching, s.nativeReceived, `${kind}: frame bytes differ`);
    assert.ok(s.nativeSent > 0);
    assert.ok(s.wasmrtcReceived >= s.nativeSent * 0.8, `${kind}: the worker got ${s.wasmrtcReceived} of ${s.nativeSent}`);
    assert.equal(s.wasmrtcMatching, s.wasmrtcReceived, `${kind}: frame bytes differ`);
    assert.equal(s.wasmrtcDropped, 0);
    assert.equal(s.wasmrtcFirstKey, true);
  }
  assert.deepEqual(r.streams.video.wasmrtcMimeTypes, ['video/VP8']);
  assert.deepEqual(r.streams.audio.wasmrtcMimeTypes, ['audio/opus']);
  assert.ok(r.inbound.video.framesDecoded >= r.streams.video.wasmrtcSent * 0.8, JSON.stringify(r.inbound));
  assert.deepEqual(ctx.page.errors.map(String), []);
});
