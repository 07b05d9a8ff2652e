// The data channel suite of issue 9 over wasmrtc-relay: channel kinds
// (unordered, maxRetransmits: 0, maxPacketLifeTime) and channels from
// either side; 100 channels at once; 100 MB with its SHA-256 verified;
// bufferedAmount and bufferedamountlow as native's on the same script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startRelay } from './harness.mjs';

let relay;
let browser;
let page;
before(async () => {
  relay = await startRelay();
  browser = await launch();
  page = await browser.page();
  // Page-side helper: a connected pair of the given kinds, and waiting.
  await page.evaluate((ports) => {
    window.connectPair = async (kinds, setup) => {
      const make = (kind) => new window[kind].RTCPeerConnection(relayConfig(kind, ports));
      const [a, b] = kinds.map(make);
      for (const [pc, other] of [[a, b], [b, a]]) pc.onicecandidate = (e) => e.candidate && other.addIceCandidate(e.candidate).catch(() => {});
      setup?.(a, b);
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription);
      return [a, b];
    };
    window.until = async (predicate, ms, what) => {
      const start = performance.now();
      while (!predicate()) {
        if (performance.now() - start > ms) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
  }, relay.ports);
});
after(async () => {
  await browser?.close();
  await relay?.close();
});

const PAIRS = [['wasmrtc', 'native'], ['native', 'wasmrtc'], ['wasmrtc', 'wasmrtc']];

for (const kinds of PAIRS) {
  test(`channel kinds and channels from either side: ${kinds.join(' → ')}`, async () => {
    const r = await page.evaluate(async (kinds) => {
      const remote = { a: [], b: [] };
      let mine = [];
      const [a, b] = await window.connectPair(kinds, (a, b) => {
        a.ondatachannel = (e) => remote.a.push(e.channel);
        b.ondatachannel = (e) => remote.b.push(e.channel);
        mine = [
          a.createDataChannel('unordered', { ordered: false }),
          a.createDataChannel('rexmit0', { maxRetransmits: 0 }),
          a.createDataChannel('lifetime', { maxPacketLifeTime: 500, protocol: 'p' }),
        ];
      });
      await window.until(() => remote.b.length === 3 && remote.b.every((c) => c.readyState === 'open'), 20000, 'remote channels');
      // b opens one once connected: it reaches a in-band.
      const late = b.createDataChannel('from-b', { priority: 'high' });
      await window.until(() => remote.a.length === 1 && late.readyState === 'open', 10000, 'from b');
      // Every kind delivers both ways on an undisturbed network.
      const got = [];
      for (const ch of [...mine, ...remote.b, late, remote.a[0]]) ch.onmessage = (e) => got.push(`${ch.label}@${mine.includes(ch) || ch === remote.a[0] ? 'a' : 'b'}:${e.data}`);
      for (const ch of mine) ch.send(`to b on ${ch.label}`);
      for (const ch of remote.b) ch.send(`to a on ${ch.label}`);
      late.send('hi a');
      remote.a[0].send('hi b');
      await window.until(() => got.length === 8, 5000, `messages ${JSON.stringify(got)}`);
      const out = {
        seenByB: remote.b.map((c) => [c.label, c.ordered, c.maxRetransmits, c.maxPacketLifeTime, c.protocol, c.id % 2]),
        seenByA: remote.a.map((c) => [c.label, c.ordered, c.maxRetransmits, c.maxPacketLifeTime, c.protocol, c.id % 2]),
        ids: [mine.map((c) => c.id), remote.b.map((c) => c.id)],
        got: got.sort(),
      };
      a.close();
      b.close();
      return out;
    }, kinds);
    // The DTLS client's in-band ids are even, the server's odd (RFC 8832 §6):
    // a offers actpass, so b (answering active) is the client.
    assert.deepEqual(r.seenByB, [
      ['unordered', false, null, null, '', 1], ['rexmit0', true, 0, null, '', 1], ['lifetime', true, null, 500, 'p', 1],
    ], JSON.stringify(r));
    assert.deepEqual(r.seenByA, [['from-b', true, null, null, '', 0]], JSON.stringify(r));
    assert.deepEqual(r.ids[0], r.ids[1]);
    assert.deepEqual(r.got, [
      'from-b@a:hi a', 'from-b@b:hi b', 'lifetime@a:to a on lifetime', 'lifetime@b:to b on lifetime',
      'rexmit0@a:to a on rexmit0', 'rexmit0@b:to b on rexmit0', 'unordered@a:to a on unordered', 'unordered@b:to b on unordered',
    ]);
  });
}

for (const kinds of PAIRS) {
  test(`100 channels open and close at once: ${kinds.join(' → ')}`, async () => {
    const r = await page.evaluate(async (kinds) => {
      const seen = [];
      let mine = [];
      const openOrder = [];
      const [a, b] = await window.connectPair(kinds, (a, b) => {
        b.ondatachannel = (e) => seen.push(e.channel);
        mine = Array.from({ length: 100 }, (_, i) => a.createDataChannel(`c${i}`));
        for (const ch of mine) ch.addEventListener('open', () => openOrder.push(ch.label));
      });
      await window.until(() => seen.length === 100 && mine.every((c) => c.readyState === 'open'), 30000, `open ${seen.length}`);
      const echoed = [];
      for (const ch of seen) ch.onmessage = (e) => ch.send(e.data);
      for (const ch of mine) ch.onmessage = (e) => echoed.push(e.data);
      for (const ch of mine) ch.send(ch.label);
      await window.until(() => echoed.length === 100, 10000, `echo ${echoed.length}`);
      const closed = [];
      for (const ch of seen) ch.onclose = () => closed.push(ch.label);
      for (const ch of mine) ch.close();
      await window.until(() => closed.length === 100 && mine.every((c) => c.readyState === 'closed'), 20000, `closed ${closed.length}`);
      const labels = seen.map((c) => c.label);
      a.close();
      b.close();
      return { openOrder, labels, echoed: echoed.sort(), ids: new Set(mine.map((c) => c.id)).size };
    }, kinds);
    const expected = Array.from({ length: 100 }, (_, i) => `c${i}`);
    // Channels made before SCTP was up open in creation order; the peer
    // learns of all of them (its order across SCTP streams is the network's).
    assert.deepEqual(r.openOrder, expected, 'opened in creation order');
    assert.deepEqual([...r.labels].sort(), [...expected].sort());
    assert.deepEqual(r.echoed, [...expected].sort());
    assert.equal(r.ids, 100);
  });
}

for (const kinds of [['wasmrtc', 'native'], ['native', 'wasmrtc'], ['wasmrtc', 'wasmrtc']]) {
  test(`100 MB with its SHA-256 verified: ${kinds.join(' → ')}`, async () => {
    const r = await page.evaluate(async (kinds) => {
      const TOTAL = 100 * 1024 * 1024;
      const CHUNK = 64 * 1024;
      let channel;
      let incoming;
      const [a, b] = await window.connectPair(kinds, (a, b) => {
        channel = a.createDataChannel('bulk');
        b.ondatachannel = (e) => { incoming = e.channel; };
      });
      await window.until(() => channel.readyState === 'open' && incoming, 20000, 'open');
      incoming.binaryType = 'arraybuffer';
      const hashIn = [];
      let received = 0;
      // A running digest would need a streaming SHA-256; WebCrypto has none,
      // so both sides hash per-MiB blocks and then hash the list.
      let block = new Uint8Array(1024 * 1024);
      let fill = 0;
      const pending = [];
      incoming.onmessage = (e) => {
        const data = new Uint8Array(e.data);
        received += data.length;
        let off = 0;
        while (off < data.length) {
          const n = Math.min(block.length - fill, data.length - off);
          block.set(data.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === block.length) {
            pending.push(crypto.subtle.digest('SHA-256', block));
            block = new Uint8Array(1024 * 1024);
            fill = 0;
          }
        }
      };
      const source = new Uint8Array(1024 * 1024);
      let x = 0x9e3779b9;
      const hashOut = [];
      const start = performance.now();
      channel.bufferedAmountLowThreshold = 1024 * 1024;
      for (let sent = 0, n = 0; sent < TOTAL; n++) {
        for (let i = 0; i < source.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; source[i] = x & 0xff; }
        hashOut.push(await crypto.subtle.digest('SHA-256', source));
        for (let off = 0; off < source.length; off += CHUNK) {
          if (channel.bufferedAmount > 8 * 1024 * 1024) {
            await new Promise((resolve) => { channel.onbufferedamountlow = resolve; });
          }
          channel.send(source.subarray(off, off + CHUNK));
        }
        sent += source.length;
      }
      await window.until(() => received >= TOTAL, 180000, `received ${received}`);
      const ms = performance.now() - start;
      hashIn.push(...(await Promise.all(pending)));
      const hex = async (list) => {
        const all = new Uint8Array(list.length * 32);
        list.forEach((h, i) => all.set(new Uint8Array(h), i * 32));
        return [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((v) => v.toString(16).padStart(2, '0')).join('');
      };
      const out = { received, ms, sent: await hex(hashOut), got: await hex(hashIn) };
      a.close();
      b.close();
      return out;
    }, kinds);
    const mbps = (r.received * 8) / (r.ms / 1000) / 1e6;
    console.log(`# ${kinds.join('→')}: 100 MB in ${(r.ms / 1000).toFixed(1)} s (${mbps.toFixed(1)} Mbit/s)`);
    assert.equal(r.received, 100 * 1024 * 1024);
    assert.equal(r.got, r.sent);
  });
}

test('bufferedAmount and bufferedamountlow behave as native on the same script', async () => {
  const run = async (kind) => {
    const log = [];
    let channel;
    const [a, b] = await window.connectPair([kind, kind], (a) => { channel = a.createDataChannel('buf'); });
    await window.until(() => channel.readyState === 'open', 20000, 'open');
    channel.bufferedAmountLowThreshold = 100 * 1024;
    channel.onbufferedamountlow = () => log.push(`low ${channel.bufferedAmount <= 100 * 1024}`);
    log.push(`start ${channel.bufferedAmount}`);
    // bufferedAmount grows synchronously by each message's size.
    channel.send(new Uint8Array(1000));
    log.push(`after 1000: ${channel.bufferedAmount >= 1000 ? 'grew' : channel.bufferedAmount}`);
    channel.send('');
    channel.send('héllo');
    for (let i = 0; i < 32; i++) channel.send(new Uint8Array(32 * 1024));
    log.push(`queued: ${channel.bufferedAmount > 100 * 1024}`);
    await window.until(() => channel.bufferedAmount === 0, 20000, 'drain');
    log.push(`drained ${channel.bufferedAmount}`);
    await new Promise((r) => setTimeout(r, 100));
    a.close();
    b.close();
    return log;
  };
  const nativeLog = await page.evaluate(run, 'native');
  const ours = await page.evaluate(run, 'wasmrtc');
  assert.deepEqual(ours, nativeLog);
});
