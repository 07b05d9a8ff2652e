// Where the page's time goes while two wasmrtc peers in it move MB through
// the relay in 64 KiB messages (the bench's throughput case): a V8 CPU
// profile of the page (Chrome DevTools Protocol, Profiler domain), its
// samples summed by function (self time) and by layer: the wasm core, our
// JS (js/), the browser's own work (GC, WebSocket, idle). Samples count the
// page's main thread only; the relay is another process.
// Usage: node --experimental-websocket bench/datachannel/profile.mjs [MB=16] [TOP=30]
import { readFileSync, readdirSync } from 'node:fs';
import { launch, startRelay } from '../../tests/e2e/harness.mjs';

const MB = Number(process.argv[2] ?? 16);
const TOP = Number(process.argv[3] ?? 30);

async function transfer({ ports, MB }) {
  const config = { iceServers: [{ urls: `ws://127.0.0.1:${ports.http}/turn`, username: 'alice', credential: 'secret' }] };
  const [a, b] = [new wasmrtc.RTCPeerConnection(config), new wasmrtc.RTCPeerConnection(config)];
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const dc = a.createDataChannel('bench');
  const remote = new Promise((resolve) => { b.ondatachannel = (e) => resolve(e.channel); });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const rc = await remote;
  rc.binaryType = 'arraybuffer';
  if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
  const total = MB * 1024 * 1024;
  let got = 0;
  const done = new Promise((resolve) => {
    rc.onmessage = (e) => { got += e.data.byteLength; if (got >= total) resolve(); };
  });
  const chunk = new Uint8Array(64 * 1024);
  dc.bufferedAmountLowThreshold = 1024 * 1024;
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (dc.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => { dc.onbufferedamountlow = r; });
    dc.send(chunk);
  }
  await done;
  const seconds = (performance.now() - t0) / 1000;
  a.close();
  b.close();
  return { mbps: (total * 8) / seconds / 1e6, seconds };
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone
  }
}

/** Every Chromium process (browser, renderers, network service) by pid,
 * with its role from `--type=` (none: the browser process). */
function chromiumProcesses() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('chrom')) continue;
      // Chromium rewrites its argv (setproctitle): spaces, not NULs.
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
      const type = args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
      const service = args.find((a) => a.startsWith('--utility-sub-type='))?.split('.').pop();
      out.set(pid, service ? `${type} (${service})` : type);
    } catch { /* gone */ }
  }
  return out;
}

/** The layer a profile node's function belongs to. */
function layer({ functionName, url }) {
  if (url.endsWith('.wasm') || url.includes('wasm://') || functionName.startsWith('$')) return 'wasm core';
  if (url.includes('/pkg/')) return 'wasm-bindgen glue (pkg/)';
  if (url.includes('/js/')) return 'wasmrtc JS (js/)';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'browser (program)';
  if (!url) return `native: ${functionName || '(anonymous)'}`;
  return 'page/bench';
}

const relay = await startRelay({ release: true });
const browser = await launch();
const page = await browser.page();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const processes = chromiumProcesses();
const before = new Map([[relay.pid, cpuSeconds(relay.pid)], ...[...processes.keys()].map((pid) => [pid, cpuSeconds(pid)])]);
const result = await page.evaluate(transfer, { ports: relay.ports, MB });
const cpu = new Map([['relay', cpuSeconds(relay.pid) - before.get(relay.pid)]]);
for (const [pid, role] of processes) cpu.set(`chromium ${role}`, (cpu.get(`chromium ${role}`) ?? 0) + cpuSeconds(pid) - before.get(pid));
const { profile } = await cdp.send('Profiler.stop');
await browser.close();
await relay.close();

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byFunction = new Map();
const byLayer = new Map();
let all = 0;
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id);
  const name = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').pop()}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const l = layer(callFrame);
  byLayer.set(l, (byLayer.get(l) ?? 0) + micros);
  all += micros;
}
const pct = (x) => `${((100 * x) / all).toFixed(1)}%`;
console.log(`wasmrtc ↔ wasmrtc, ${MB} MB in 64 KiB messages: ${result.mbps.toFixed(1)} Mbit/s (${result.seconds.toFixed(2)} s); ${(all / 1e6).toFixed(2)} s sampled`);
console.log(`CPU seconds during the transfer: ${[...cpu].filter(([, t]) => t > 0.005).map(([who, t]) => `${who} ${t.toFixed(2)}`).join(', ')}`);
console.log('\n| layer | self time |\n|---|---|');
for (const [l, t] of [...byLayer].sort((x, y) => y[1] - x[1])) console.log(`| ${l} | ${pct(t)} |`);
console.log(`\n| function (top ${TOP}) | self time |\n|---|---|`);
for (const [f, t] of [...byFunction].sort((x, y) => y[1] - x[1]).slice(0, TOP)) console.log(`| ${f} | ${pct(t)} |`);
