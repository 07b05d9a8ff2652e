// simple-peer 9.11.1, its own browser bundle unchanged, given wasmrtc's
// classes through its `wrtc` option: connects and exchanges strings and
// binary with native Chromium either way and with another wasmrtc peer,
// trickling and not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { relayAndPage, ROOT } from './harness.mjs';

const ctx = relayAndPage();
const bundle = join(ROOT, 'node_modules', 'simple-peer', 'simplepeer.min.js');

async function call({ kinds, ports, trickle }) {
  const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));
  const make = (kind, initiator) => new window.SimplePeer({ initiator, trickle, wrtc: window[kind], config: relayConfig(kind, ports) });
  const [a, b] = [make(kinds[0], true), make(kinds[1], false)];
  const errors = [];
  const signals = [];
  let destroyed = false;
  for (const [name, p, other] of [['a', a, b], ['b', b, a]]) {
    p.on('signal', (data) => { signals.push(`${name}:${data.type ?? 'candidate'}`); other.signal(data); });
    p.on('error', (e) => { if (!destroyed) errors.push(`${name}:${e.code ?? String(e)}`); });
  }
  const connected = (p) => new Promise((r) => p.once('connect', r));
  await Promise.race([Promise.all([connected(a), connected(b)]), timeout(20000, `connect ${JSON.stringify({ errors, signals, a: [a._pc.iceGatheringState, a._pc.iceConnectionState], b: [b._pc.iceGatheringState, b._pc.iceConnectionState] })}`)]);
  const received = (p) => new Promise((r) => p.once('data', (d) => r(d)));
  const atB = received(b);
  a.send('hello from a');
  const text = new TextDecoder().decode(await Promise.race([atB, timeout(10000, 'string')]));
  const atA = received(a);
  b.send(new Uint8Array([1, 2, 3, 250]));
  const binary = [...await Promise.race([atA, timeout(10000, 'binary')])];
  const closed = new Promise((r) => b.once('close', r));
  // After this, an SCTP abort may fire RTCDataChannel error events (native
  // Chromium does), which simple-peer reports as ERR_DATA_CHANNEL.
  destroyed = true;
  a.destroy();
  await Promise.race([closed, timeout(10000, 'close')]);
  return { text, binary, errors };
}

for (const trickle of [true, false]) {
  for (const kinds of [['wasmrtc', 'native'], ['native', 'wasmrtc'], ['wasmrtc', 'wasmrtc']]) {
    test(`simple-peer (${trickle ? 'trickle' : 'no trickle'}): ${kinds[0]} initiates, ${kinds[1]} answers`, async () => {
      if (!await ctx.page.evaluate(() => 'SimplePeer' in window)) await ctx.page.addScriptTag({ path: bundle });
      const r = await ctx.page.evaluate(call, { kinds, ports: ctx.relay.ports, trickle });
      assert.deepEqual(r, { text: 'hello from a', binary: [1, 2, 3, 250], errors: [] });
    });
  }
}
