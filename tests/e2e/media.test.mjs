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

for (const codecs of [['video/VP8', 'audio/opus'], ['video/AV1']]) test(`wasmrtc → wasmrtc: ${codecs.join(' + ')} frames arrive whole, in order, with the bytes sent`, async () => {
  const streams = await run('wasmrtcToWasmrtc', { codecs });
  for (const s of streams) {
    console.log(`# ${s.mimeType}: ${s.sent.length} sent, ${s.received.length} received, key frames ${s.keyFramesSent}/${s.keyFramesReceived}`);
    assert.deepEqual(s.received, s.sent, `${s.mimeType}: every frame, in order, byte for byte`);
    assert.deepEqual(s.mimeTypes, [s.mimeType]);
    if (s.mimeType.startsWith('video/')) assert.equal(s.keyFramesReceived, s.keyFramesSent);
  }
});

// A native receiver decodes what wasmrtc sent, and its encoded transform
// sees the very frames the page encoded.
function checkNativeReceived(result, codecs) {
  for (const m of codecs) {
    const s = result.streams[m];
    const kind = m.split('/')[0];
    const inbound = result.stats[kind];
    console.log(`# ${m} → native: ${s.sent} sent, ${s.received} through the native transform, ${s.matching} matching; inbound ${JSON.stringify(inbound)}`);
    assert.ok(s.received >= s.sent * 0.8, `${m}: the native receiver got ${s.received} of ${s.sent} frames`);
    assert.equal(s.matching, s.received, `${m}: frame bytes differ (first ${s.firstMismatch})`);
    if (kind === 'video') {
      assert.ok(inbound.framesDecoded >= s.sent * 0.8, `${m}: ${inbound.framesDecoded} frames decoded of ${s.sent}`);
      assert.equal(inbound.framesDropped ?? 0, 0);
    } else {
      assert.ok(inbound.packetsReceived >= s.sent * 0.8, `${m}: ${inbound.packetsReceived} packets of ${s.sent}`);
      assert.ok(inbound.totalSamplesReceived > 0);
    }
  }
}

// wasmrtc receives the frames the native sender's transform saw, whole, in
// the codec the native sender says it used. When wasmrtc offered, that may be
// another codec of our offer than the one Chromium's answer kept (RFC 3264
// §5.1: we must take it); when native offered it is the one it asked for.
function checkWasmrtcReceived(result, codecs, wasmrtcOffers) {
  for (const m of codecs) {
    const s = result.streams[m];
    const used = result.outbound[m.split('/')[0]]?.mimeType;
    console.log(`# native → wasmrtc ${m}: ${s.sent} through the native transform (sent as ${used}), ${s.received} received (${s.matching} matching, ${s.dropped} dropped, ${s.keyFrames} key, ${s.timed} with a capture time, the last ${s.captureLag?.toFixed(0)} ms before it arrived), ${s.mimeTypes}`);
    assert.ok(s.sent > 0, `${m}: the native sender sent nothing`);
    assert.ok(s.received >= s.sent * 0.8, `${m}: wasmrtc got ${s.received} of ${s.sent} frames`);
    assert.equal(s.matching, s.received, `${m}: frame bytes differ (first ${s.firstMismatch})`);
    assert.equal(s.dropped, 0);
    assert.equal(used?.toLowerCase(), wasmrtcOffers ? used?.toLowerCase() : m.toLowerCase());
    assert.deepEqual(s.mimeTypes.map((t) => t.toLowerCase()), [used.toLowerCase()]);
    if (m.startsWith('video/')) {
      assert.ok(s.keyFrames >= 1);
      // Chromium reports video every second: later frames carry the
      // capture time its SRs map them to, its wall clock just before.
      assert.ok(s.timed > 0, `${m}: no frame had a capture time`);
      assert.ok(s.captureLag > 0 && s.captureLag < 1000, `${m}: captured ${s.captureLag} ms before arriving`);
    }
  }
}

for (const wasmrtcOffers of [true, false]) {
  const who = wasmrtcOffers ? 'wasmrtc offers' : 'native offers';
  test(`wasmrtc → native Chromium, VP8 + Opus (${who}): decoded, the same frame bytes`, async () => {
    const codecs = ['video/VP8', 'audio/opus'];
    const result = await run('wasmrtcToNative', { codecs, wasmrtcOffers });
    assert.deepEqual(result.negotiated.map((c) => c[0]), codecs);
    checkNativeReceived(result, codecs);
  });

  test(`native Chromium → wasmrtc, VP8 + Opus (${who}): frames whole, the same bytes`, async () => {
    const codecs = ['video/VP8', 'audio/opus'];
    checkWasmrtcReceived(await run('nativeToWasmrtc', { codecs, wasmrtcOffers }), codecs, wasmrtcOffers);
  });
}

// A native receiver's PLI reaches the page as a keyframerequest on the
// sender, and the key frame the page encodes for it is what the receiver
// decodes from: the stream starts on delta frames (its first key frame is
// never sent) and has no periodic key frames, so without the request nothing
// would decode.
test('native Chromium\'s PLI → keyframerequest → a forced key frame it decodes (VP8)', async () => {
  const r = await run('keyFrameOnRequest', { mimeType: 'video/VP8', seconds: 3 });
  console.log(`# key frame requests: ${r.requests} seen by the page, native pliCount ${r.pliCount}; ${r.sent} frames sent, ${r.keyFramesSent} key (first at ${r.firstKeyFrame}), ${r.received} through the native transform (${r.matching} matching); inbound ${JSON.stringify(r.inbound)}`);
  assert.ok(r.pliCount >= 1, 'the native receiver sent a PLI');
  assert.ok(r.requests >= 1 && r.requests <= r.pliCount, `${r.requests} requests for ${r.pliCount} PLIs`);
  assert.ok(r.firstKeyFrame > 0, 'the stream started on delta frames');
  assert.ok(r.keyFramesSent >= 1 && r.keyFramesSent <= r.requests, `${r.keyFramesSent} key frames for ${r.requests} requests`);
  assert.ok(r.inbound.keyFramesDecoded >= 1, 'the requested key frame decoded');
  assert.ok(r.inbound.framesDecoded >= (r.sent - r.firstKeyFrame) * 0.9, `${r.inbound.framesDecoded} decoded of ${r.sent - r.firstKeyFrame} from the key frame on`);
  assert.equal(r.matching, r.received);
});

// The other codecs, each video one paired with a G.711 one (AV1 alone), both
// offerers both ways. When wasmrtc offers every codec and Chromium answers
// with one (setCodecPreferences), Chromium may send in a payload type of our
// offer its answer left out: the core receives every format it offered
// (RFC 3264 §5.1). AV1 frames compare without their temporal delimiter,
// which RTP does not carry (pages/frame-hash.js).
for (const codecs of [['video/VP9', 'audio/PCMU'], ['video/H264', 'audio/PCMA'], ['video/AV1']]) {
  test(`wasmrtc ↔ native Chromium, ${codecs.join(' + ')}`, async () => {
    for (const wasmrtcOffers of [true, false]) {
      const result = await run('wasmrtcToNative', { codecs, wasmrtcOffers, seconds: 2 });
      assert.deepEqual(result.negotiated.map((c) => c[0]), codecs);
      checkNativeReceived(result, codecs);
      checkWasmrtcReceived(await run('nativeToWasmrtc', { codecs, wasmrtcOffers, seconds: 2 }), codecs, wasmrtcOffers);
    }
  });
}

// The AV1 normalisation is the whole difference: each temporal unit the page
// encoded opens with a temporal delimiter (12 00), and the native receiver's
// transform sees the rest of it, byte for byte.
test('AV1: what native Chromium receives is the page\'s temporal unit without its temporal delimiter', async () => {
  const result = await run('wasmrtcToNative', { codecs: ['video/AV1'], wasmrtcOffers: true, seconds: 1, samples: 5 });
  const { samples } = result.streams['video/AV1'];
  assert.equal(samples.length, 5);
  for (const [i, { sent, received }] of samples.entries()) {
    assert.equal(sent.slice(0, 4), '1200', `frame ${i}: the page's temporal unit starts with a temporal delimiter`);
    assert.equal(received, sent.slice(4), `frame ${i}: the rest arrives unchanged`);
  }
});
