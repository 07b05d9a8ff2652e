// Encoded media through the wasm API (js/media/encoded.js) in headless
// Chromium, through wasmrtc-relay on 127.0.0.1 (native peers with
// iceTransportPolicy 'relay'). The scenarios are in pages/media.js; each
// compares frames by a hash of their bytes, sender against receiver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startRelay } from './harness.mjs';

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

const run = (scenario, args) => page.evaluate(
  async ({ scenario, args }) => (await import('/tests/e2e/pages/media.js'))[scenario](args),
  { scenario, args: { ports: relay.ports, ...args } },
);

test('wasmrtc → wasmrtc: VP8 and Opus frames arrive whole, in order, with the bytes sent', async () => {
  const streams = await run('wasmrtcToWasmrtc', { codecs: ['video/VP8', 'audio/opus'] });
  for (const s of streams) {
    console.log(`# ${s.mimeType}: ${s.sent.length} sent, ${s.received.length} received, key frames ${s.keyFramesSent}/${s.keyFramesReceived}`);
    assert.deepEqual(s.received, s.sent, `${s.mimeType}: every frame, in order, byte for byte`);
    assert.deepEqual(s.mimeTypes, [s.mimeType]);
    if (s.mimeType.startsWith('video/')) assert.equal(s.keyFramesReceived, s.keyFramesSent);
  }
});
