// Data channels through wasmrtc-relay, in headless Chromium: wasmrtc to a
// native RTCPeerConnection (wasmrtc offering and answering) and wasmrtc to
// wasmrtc. Channels from either side, in-band and negotiated; strings
// (empty, non-ASCII), ArrayBuffer and Blob; messages up to 256 KiB; close
// from either side gives closing and close on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

async function exchange({ kinds, ports }) {
  const make = (kind) => new window[kind].RTCPeerConnection(relayConfig(kind, ports));
  const [a, b] = kinds.map(make);
  const log = [];
  const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}; ${JSON.stringify(log)}`)), ms));
  for (const [pc, other] of [[a, b], [b, a]]) pc.onicecandidate = (e) => e.candidate && other.addIceCandidate(e.candidate).catch(() => {});
  const fromA = a.createDataChannel('from-a', { protocol: 'chat' });
  const negotiatedA = a.createDataChannel('both', { negotiated: true, id: 7 });
  const negotiatedB = b.createDataChannel('both', { negotiated: true, id: 7 });
  const remoteOfA = new Promise((resolve) => { b.ondatachannel = (e) => resolve(e.channel); });
  const start = performance.now();
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const opened = (ch) => (ch.readyState === 'open' ? Promise.resolve() : new Promise((r) => ch.addEventListener('open', r, { once: true })));
  const chB = await Promise.race([remoteOfA, timeout(20000, 'datachannel')]);
  await Promise.race([Promise.all([opened(fromA), opened(chB), opened(negotiatedA), opened(negotiatedB)]), timeout(20000, 'open')]);
  const openMs = performance.now() - start;
  const attrs = (ch) => [ch.label, ch.protocol, ch.ordered, ch.negotiated, ch.id, ch.readyState];
  // Echo on b: everything a sends on from-a comes back.
  chB.binaryType = 'arraybuffer';
  chB.onmessage = (e) => chB.send(e.data);
  fromA.binaryType = 'arraybuffer';
  const received = [];
  fromA.onmessage = (e) => received.push(e.data);
  const big = new Uint8Array(256 * 1024).map((_, i) => (i * 7) & 0xff);
  // The Blob goes last: native Chromium reads it asynchronously and lets
  // later sends overtake it.
  const sent = ['', 'hello', 'héllo ✓ 日本', new Uint8Array([1, 2, 3]).buffer, new Uint8Array(0), big, 'x', new Blob([new Uint8Array([9, 8, 7])])];
  for (const m of sent) fromA.send(m);
  await Promise.race([(async () => { while (received.length < sent.length) await new Promise((r) => setTimeout(r, 10)); })(), timeout(20000, 'echo')]);
  const describe = (d) => (typeof d === 'string' ? `str:${d}` : `bin:${d.byteLength}:${[...new Uint8Array(d).slice(0, 3)]}`);
  const bigBack = new Uint8Array(received[5]);
  const bigOk = bigBack.length === big.length && bigBack.every((v, i) => v === big[i]);
  // The negotiated channel carries a message each way.
  const negotiatedGot = [];
  negotiatedA.onmessage = (e) => negotiatedGot.push(`a:${e.data}`);
  negotiatedB.onmessage = (e) => negotiatedGot.push(`b:${e.data}`);
  negotiatedA.send('to b');
  negotiatedB.send('to a');
  await Promise.race([(async () => { while (negotiatedGot.length < 2) await new Promise((r) => setTimeout(r, 10)); })(), timeout(10000, 'negotiated')]);
  // Over maxMessageSize: TypeError; closed: InvalidStateError.
  let tooBig;
  try { fromA.send(new Uint8Array(a.sctp.maxMessageSize + 1)); tooBig = 'ok'; } catch (e) { tooBig = e.name; }
  // b closes the in-band channel: closing and close on both sides.
  const events = [];
  for (const [name, ch] of [['a', fromA], ['b', chB]]) {
    ch.onclosing = () => events.push(`${name} closing`);
    ch.onclose = () => events.push(`${name} close`);
  }
  chB.close();
  await Promise.race([(async () => { while (events.filter((e) => e.endsWith(' close')).length < 2) await new Promise((r) => setTimeout(r, 10)); })(), timeout(10000, 'close')]);
  let afterClose;
  try { fromA.send('late'); afterClose = 'ok'; } catch (e) { afterClose = e.name; }
  const out = {
    openMs, attrsA: attrs(fromA), attrsB: attrs(chB), negotiatedIds: [negotiatedA.id, negotiatedB.id],
    received: received.map(describe), bigOk, negotiatedGot: negotiatedGot.sort(), tooBig, events, afterClose,
    sctp: [a.sctp?.state, b.sctp?.state, a.sctp?.maxMessageSize, a.sctp?.transport === a.getTransceivers()[0]?.sender.transport || a.sctp?.transport?.state],
    states: [fromA.readyState, chB.readyState],
  };
  a.close();
  b.close();
  return out;
}

for (const kinds of [['wasmrtc', 'native'], ['native', 'wasmrtc'], ['wasmrtc', 'wasmrtc']]) {
  test(`data channels: ${kinds[0]} offers, ${kinds[1]} answers`, async () => {
    const r = await ctx.page.evaluate(exchange, { kinds, ports: ctx.relay.ports });
    console.log(`# ${kinds.join('→')}: channels open ${r.openMs.toFixed(0)} ms after the offer`);
    assert.deepEqual(r.received, ['str:', 'str:hello', 'str:héllo ✓ 日本', 'bin:3:1,2,3', 'bin:0:', 'bin:262144:0,7,14', 'str:x', 'bin:3:9,8,7'], JSON.stringify(r));
    assert.equal(r.bigOk, true);
    assert.deepEqual(r.attrsA, ['from-a', 'chat', true, false, r.attrsA[4], 'closed']);
    assert.deepEqual(r.attrsB.slice(0, 4), ['from-a', 'chat', true, false]);
    assert.equal(r.attrsA[4], r.attrsB[4]);
    assert.deepEqual(r.negotiatedIds, [7, 7]);
    assert.deepEqual(r.negotiatedGot, ['a:to a', 'b:to b']);
    assert.equal(r.tooBig, 'TypeError');
    assert.deepEqual(r.events.sort(), ['a close', 'a closing', 'b close']);
    assert.equal(r.afterClose, 'InvalidStateError');
    assert.deepEqual(r.states, ['closed', 'closed']);
    assert.deepEqual(r.sctp.slice(0, 3), ['connected', 'connected', 262144]);
  });
}
