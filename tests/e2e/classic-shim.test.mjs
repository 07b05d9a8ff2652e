// The classic-script build (issue 17): dist/wasmrtc.shim.js loaded with
// <script src> defines the RTC* globals synchronously (the next inline
// script constructs, creates a channel and offers), and an unchanged
// simple-peer UMD bundle loaded after it calls a native Chromium peer
// through wasmrtc-relay with the same turn: configuration on both sides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, startRelay, ROOT } from './harness.mjs';

const ctx = {};
before(async () => {
  if (!existsSync(join(ROOT, 'dist', 'wasmrtc.shim.js'))) {
    const r = spawnSync('node', ['scripts/build-shim.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/build-shim.mjs failed');
  }
  ctx.relay = await startRelay();
  ctx.browser = await launch();
  ctx.page = await ctx.browser.page(`/tests/e2e/pages/classic.html?relay=ws://127.0.0.1:${ctx.relay.ports.http}/turn`);
  // simple-peer's own UMD bundle, as a classic script after the shim's.
  await ctx.page.addScriptTag({ path: join(ROOT, 'node_modules', 'simple-peer', 'simplepeer.min.js') });
});
after(async () => {
  await ctx.browser?.close();
  await ctx.relay?.close();
});

test('the globals exist and work on the line after the script tag', async () => {
  const r = await ctx.page.evaluate(async () => ({ ...window.sameTick, early: await window.earlyOffer }));
  assert.deepEqual(r, {
    replaced: true,
    globals: ['RTCPeerConnection', 'RTCSessionDescription', 'RTCIceCandidate', 'RTCDataChannel', 'RTCRtpTransceiver',
      'RTCCertificate', 'RTCStatsReport', 'RTCError', 'RTCTrackEvent'],
    early: true,
  });
});

for (const initiator of ['wasmrtc', 'native']) {
  test(`simple-peer's UMD bundle on the shim's globals calls native Chromium (${initiator} initiates)`, async () => {
    const r = await ctx.page.evaluate(async ({ udp, initiator }) => {
      const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));
      // What an app passes: a TURN server, relay candidates only.
      const config = { iceServers: [{ urls: `turn:127.0.0.1:${udp}?transport=udp`, username: 'alice', credential: 'secret' }], iceTransportPolicy: 'relay' };
      const ours = new window.SimplePeer({ initiator: initiator === 'wasmrtc', config });
      const theirs = new window.SimplePeer({ initiator: initiator === 'native', config, wrtc: window.native });
      const errors = [];
      for (const [p, other] of [[ours, theirs], [theirs, ours]]) {
        p.on('signal', (data) => other.signal(data));
        p.on('error', (e) => errors.push(e.code ?? String(e)));
      }
      const connected = (p) => new Promise((resolve) => p.once('connect', resolve));
      await Promise.race([Promise.all([connected(ours), connected(theirs)]), timeout(20000, `connect ${errors}`)]);
      const isOurs = ours._pc instanceof window.wasmrtc.RTCPeerConnection && !(ours._pc instanceof window.native.RTCPeerConnection);
      const got = new Promise((resolve) => theirs.once('data', (d) => resolve(new TextDecoder().decode(d))));
      ours.send('from the shim');
      const text = await Promise.race([got, timeout(10000, 'data')]);
      const back = new Promise((resolve) => ours.once('data', (d) => resolve([...d])));
      theirs.send(new Uint8Array(70000).fill(7));
      const bytes = await Promise.race([back, timeout(10000, 'data back')]);
      ours.destroy();
      theirs.destroy();
      return { isOurs, text, back: [bytes.length, bytes.every((b) => b === 7)], errors };
    }, { udp: ctx.relay.ports.udp, initiator });
    assert.deepEqual(r, { isOurs: true, text: 'from the shim', back: [70000, true], errors: [] });
  });
}
