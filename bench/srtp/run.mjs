// SRTP in wasm beside WebCrypto in the same page, and natively for reference.
// One headless Chromium page loads bench/srtp's wasm build (wasmrtc's own
// src/rtp/srtp and PeerConnection, through wasm-bindgen) and times, best of
// ROUNDS:
//   protect / unprotect — MB/s of RTP payload, PACKETS packets of 1200 B a
//       round, AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM
//   WebCrypto AES-GCM — encrypt / decrypt of the same 1200 B payloads with
//       the 12-byte RTP header as additional data, all of a round's packets
//       in flight at once, and of one 1 MiB buffer per call (its ceiling)
//   packetize + protect — µs per 100 KB VP8 frame (≈ a 1080p key frame) made
//       into SRTP packets as the peer's send path makes them before its
//       pacer: VP8 packetizing, RTP headers with MID and transport-cc, SRTP
// The native column is the same Rust (src/bin/native.rs), release build.
// Usage: node bench/srtp/run.mjs [ROUNDS=5]   (builds what it needs)
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../tests/e2e/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 5);
const PACKETS = 4000;
const FRAMES = 20;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  return r.stdout;
}

console.error('building the wasm (wasm-pack) and the native reference (cargo)...');
run('wasm-pack', ['build', '--quiet', '--release', '--target', 'web', '--out-dir', 'pkg', '--out-name', 'srtp_bench']);
const native = JSON.parse(run('cargo', ['run', '-q', '--release', '--bin', 'srtp-native', '--', ROUNDS, PACKETS, FRAMES]));

/** The page and its wasm, from bench/srtp only, on loopback. */
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (!/^(index\.html|pkg\/[\w.]+)$/.test(file)) return res.writeHead(404).end();
  try {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(join(HERE, file)));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const userDataDir = await mkdtemp(join(tmpdir(), 'wasmrtc-srtp-bench-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
});
const page = await context.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForFunction(() => window.benchReady || window.benchError, null, { timeout: 30000 });
const failed = await page.evaluate(() => window.benchError ?? null);
if (failed) throw new Error(`the page did not load the bench: ${failed}`);

const wasm = await page.evaluate(async ({ ROUNDS, PACKETS, FRAMES }) => {
  const { Srtp, FramePacketizer } = window.bench;
  /** The best of ROUNDS runs of `work` (returning units done): units/s. */
  const best = async (work) => {
    let top = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      const units = await work();
      top = Math.max(top, units / ((performance.now() - t) / 1000));
    }
    return top;
  };
  const out = { srtp: {}, frame_us: {}, webcrypto: {} };
  for (const name of ['aes-cm', 'aes-gcm']) {
    const srtp = new Srtp(name, PACKETS);
    let protect = 0;
    let unprotect = 0;
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now();
      const bytes = srtp.protect();
      protect = Math.max(protect, bytes / ((performance.now() - t) / 1000));
      t = performance.now();
      srtp.unprotect();
      unprotect = Math.max(unprotect, bytes / ((performance.now() - t) / 1000));
    }
    out.srtp[name] = { protect: protect / 1e6, unprotect: unprotect / 1e6 };
    srtp.free();
    const sender = new FramePacketizer(name);
    out.frame_us[name] = 1e6 / (await best(() => (sender.send(FRAMES), FRAMES)));
    sender.free();
  }
  // WebCrypto AES-128-GCM on the same payloads, the RTP header as AAD
  // (what an SRTP-GCM built on it would do, RFC 7714 §9).
  const key = await crypto.subtle.importKey('raw', new Uint8Array(16).fill(7), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const header = new Uint8Array(12).fill(0x80);
  const payload = new Uint8Array(1200).map((_, i) => i * 31);
  const ivs = Array.from({ length: PACKETS }, (_, i) => { const iv = new Uint8Array(12); new DataView(iv.buffer).setUint32(8, i); return iv; });
  let sealed = [];
  const encrypt = async () => {
    sealed = await Promise.all(ivs.map((iv) => crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: header }, key, payload)));
    return PACKETS * 1200;
  };
  const decrypt = async () => {
    await Promise.all(sealed.map((c, i) => crypto.subtle.decrypt({ name: 'AES-GCM', iv: ivs[i], additionalData: header }, key, c)));
    return PACKETS * 1200;
  };
  const big = new Uint8Array(1 << 20).map((_, i) => i * 31);
  const iv = new Uint8Array(12);
  let bigSealed;
  const bigEncrypt = async () => { for (let i = 0; i < 8; i++) bigSealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, big); return 8 << 20; };
  const bigDecrypt = async () => { for (let i = 0; i < 8; i++) await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, bigSealed); return 8 << 20; };
  out.webcrypto.packets = { encrypt: (await best(encrypt)) / 1e6, decrypt: (await best(decrypt)) / 1e6 };
  out.webcrypto.mib = { encrypt: (await best(bigEncrypt)) / 1e6, decrypt: (await best(bigDecrypt)) / 1e6 };
  return out;
}, { ROUNDS, PACKETS, FRAMES });
const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1]));
await context.close();
server.close();
await rm(userDataDir, { recursive: true, force: true });

const f = (x) => x.toFixed(1);
console.log(`SRTP, best of ${ROUNDS} (${PACKETS} × 1200 B payloads a round), headless Chromium ${version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| MB/s of payload | wasm | native | wasm / native | WebCrypto AES-GCM, same page (1200 B packets / 1 MiB calls) | wasm / WebCrypto packets |');
console.log('|---|---|---|---|---|---|');
for (const [name, label] of [['aes-cm', 'AES_CM_128_HMAC_SHA1_80'], ['aes-gcm', 'AEAD_AES_128_GCM']]) {
  for (const [op, wc] of [['protect', 'encrypt'], ['unprotect', 'decrypt']]) {
    const w = wasm.srtp[name][op];
    const n = native.srtp[name][op];
    const web = name === 'aes-gcm'
      ? `${f(wasm.webcrypto.packets[wc])} / ${f(wasm.webcrypto.mib[wc])} | ${(w / wasm.webcrypto.packets[wc]).toFixed(2)}×`
      : '— | —';
    console.log(`| ${label} ${op} | ${f(w)} | ${f(n)} | ${(w / n).toFixed(3)}× | ${web} |`);
  }
}
console.log('');
console.log(`| packetize + protect, 100 KB VP8 frame (best of ${ROUNDS} × ${FRAMES}) | wasm | native | wasm / native | share of a 30 fps frame interval (wasm) |`);
console.log('|---|---|---|---|---|');
for (const [name, label] of [['aes-cm', 'AES_CM_128_HMAC_SHA1_80'], ['aes-gcm', 'AEAD_AES_128_GCM']]) {
  const w = wasm.frame_us[name];
  const n = native.frame_us[name];
  console.log(`| ${label} | ${w.toFixed(0)} µs | ${n.toFixed(0)} µs | ${(w / n).toFixed(1)}× | ${((w / 33333) * 100).toFixed(1)} % |`);
}
console.log(`(${native.datagrams_per_frame['aes-gcm']} packets a frame)`);
