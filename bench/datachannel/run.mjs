// Data channels, wasmrtc and native Chromium side by side in one run, all
// through one wasmrtc-relay (release build) on loopback: native peers with
// its TURN UDP listener and iceTransportPolicy 'relay', wasmrtc peers with
// its WebSocket tunnel. For each pairing, best of RUNS:
//   open  — from constructing the peers to the channel open on both sides
//   rtt   — median round trip of 1-byte ping-pongs
//   rate  — MB bytes in 64 KiB messages, flow-controlled by bufferedAmount
//   load  — median and 99th-percentile round trip of 1-byte pings on a second
//           channel while the first one moves those MB
// Usage: node --experimental-websocket bench/datachannel/run.mjs [MB=32] [RUNS=3]
import { launch, startRelay } from '../../tests/e2e/harness.mjs';

const MB = Number(process.argv[2] ?? 32);
const RUNS = Number(process.argv[3] ?? 3);
const PAIRINGS = [['native', 'native'], ['wasmrtc', 'wasmrtc'], ['wasmrtc', 'native'], ['native', 'wasmrtc']];

async function once({ kinds, ports, MB }) {
  const ours = { iceServers: [{ urls: `ws://127.0.0.1:${ports.http}/turn`, username: 'alice', credential: 'secret' }] };
  const theirs = {
    iceServers: [{ urls: `turn:127.0.0.1:${ports.udp}?transport=udp`, username: 'alice', credential: 'secret' }],
    iceTransportPolicy: 'relay',
  };
  const start = performance.now();
  const make = (kind) => (kind === 'native' ? new native.RTCPeerConnection(theirs) : new wasmrtc.RTCPeerConnection(ours));
  const [a, b] = kinds.map(make);
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const dc = a.createDataChannel('bench');
  dc.binaryType = 'arraybuffer';
  const ping = a.createDataChannel('ping');
  const remote = new Promise((resolve) => {
    b.ondatachannel = (e) => {
      if (e.channel.label === 'ping') e.channel.onmessage = (m) => e.channel.send(m.data);
      else resolve(e.channel);
    };
  });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const rc = await remote;
  rc.binaryType = 'arraybuffer';
  await new Promise((r) => (dc.readyState === 'open' ? r() : dc.addEventListener('open', r, { once: true })));
  if (rc.readyState !== 'open') await new Promise((r) => rc.addEventListener('open', r, { once: true }));
  const open = performance.now() - start;
  // Round trips.
  rc.onmessage = (e) => rc.send(e.data);
  const rtts = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await new Promise((r) => { dc.onmessage = r; dc.send('x'); });
    rtts.push(performance.now() - t);
  }
  rtts.sort((x, y) => x - y);
  // Throughput.
  const total = MB * 1024 * 1024;
  let got = 0;
  const done = new Promise((resolve) => {
    rc.onmessage = (e) => { got += e.data.byteLength; if (got >= total) resolve(); };
  });
  const chunk = new Uint8Array(64 * 1024);
  dc.bufferedAmountLowThreshold = 1024 * 1024;
  if (ping.readyState !== 'open') await new Promise((r) => ping.addEventListener('open', r, { once: true }));
  let finished = false;
  const loaded = [];
  const pinger = (async () => {
    while (!finished) {
      const t = performance.now();
      await new Promise((r) => { ping.onmessage = r; ping.send('p'); });
      loaded.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (dc.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => { dc.onbufferedamountlow = r; });
    dc.send(chunk);
  }
  await done;
  const seconds = (performance.now() - t0) / 1000;
  finished = true;
  await pinger;
  loaded.sort((x, y) => x - y);
  a.close();
  b.close();
  return {
    open,
    rtt: rtts[rtts.length >> 1],
    mbps: (total * 8) / seconds / 1e6,
    loadP50: loaded[loaded.length >> 1],
    loadP99: loaded[Math.min(loaded.length - 1, Math.floor(loaded.length * 0.99))],
  };
}

const relay = await startRelay({ release: true });
const browser = await launch();
const page = await browser.page();
const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const kinds of PAIRINGS) {
    const key = kinds.join(' → ');
    const r = await page.evaluate(once, { kinds, ports: relay.ports, MB });
    const best = results[key] ??= { open: Infinity, rtt: Infinity, mbps: 0, loadP50: Infinity, loadP99: Infinity };
    for (const k of ['open', 'rtt', 'loadP50', 'loadP99']) best[k] = Math.min(best[k], r[k]);
    best.mbps = Math.max(best.mbps, r.mbps);
    console.error(`run ${run + 1} ${key}: open ${r.open.toFixed(0)} ms, rtt ${r.rtt.toFixed(2)} ms, ${r.mbps.toFixed(1)} Mbit/s, under load p50 ${r.loadP50.toFixed(1)} p99 ${r.loadP99.toFixed(1)} ms`);
  }
}
await browser.close();
await relay.close();
const base = results['native → native'];
console.log(`| pairing (${MB} MB, best of ${RUNS}) | open | round trip | throughput | vs native↔native | round trip under load p50 / p99 |`);
console.log('|---|---|---|---|---|---|');
for (const [key, r] of Object.entries(results)) {
  console.log(`| ${key} | ${r.open.toFixed(0)} ms | ${r.rtt.toFixed(2)} ms | ${r.mbps.toFixed(1)} Mbit/s | ${(r.mbps / base.mbps).toFixed(2)}× | ${r.loadP50.toFixed(1)} / ${r.loadP99.toFixed(1)} ms |`);
}
