// The demo app (www/app.html) in two headless Chromium pages on one room,
// with wasmrtc: they find each other through the relay's /signal/<room>,
// chat both ways, move a 20 MB file whose SHA-256 the receiver must match,
// and draw non-empty charts; the stats panel is saved as a screenshot (to
// docs/stats-panel.png, the README's, with WASMRTC_UPDATE_SCREENSHOT=1;
// otherwise to a temporary file, so a test run leaves the tree clean).
// The relay serves the pages itself (--www), so they are a secure context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ROOT, startRelay } from './harness.mjs';

const SIZE = 20 * 1024 * 1024;

let relay, context, userDataDir;

before(async () => {
  relay = await startRelay();
  userDataDir = mkdtempSync(join(tmpdir(), 'wasmrtc-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1500, height: 1000 },
  });
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await relay?.close();
});

async function open(url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') page.errors.push(new Error(m.text())); });
  await page.goto(url);
  return page;
}

/** Opens the app twice on a fresh room; resolves once both have their
 * channels open. */
async function pair(query) {
  const room = `t${Date.now().toString(36)}`;
  const url = `http://127.0.0.1:${relay.ports.http}/app.html?room=${room}&${query}`;
  const a = await open(url);
  // The first tab is waiting before the second joins: "joined second" is polite.
  await a.waitForFunction(() => document.getElementById('status').textContent.startsWith('waiting'), null, { timeout: 20_000 });
  const b = await open(url);
  const t0 = Date.now();
  await Promise.all([a, b].map((p) => p.waitForFunction(() => window.app?.ready === true, null, { timeout: 30_000 })));
  const connectMs = Date.now() - t0;
  assert.equal(await a.evaluate(() => window.app.polite), false);
  assert.equal(await b.evaluate(() => window.app.polite), true);
  assert.equal(await a.textContent('#st-connection'), 'connected');
  assert.equal(await b.textContent('#st-signaling'), 'stable');
  return { a, b, connectMs };
}

/** Chat both ways, through the form as a person would. */
async function chat(a, b) {
  await a.fill('#chat-input', 'hello from A ✓');
  await a.click('#chat-send');
  await b.waitForSelector('#messages li:not(.mine):not(.system):has-text("hello from A ✓")', { timeout: 10_000 });
  await b.fill('#chat-input', 'and back from B');
  await b.press('#chat-input', 'Enter');
  await a.waitForSelector('#messages li:not(.mine):not(.system):has-text("and back from B")', { timeout: 10_000 });
}

/** A file of deterministic bytes, set on A's file input as a user's pick
 * would be (selecting it sends it); checks B's SHA-256 and download link. */
async function sendFile(a, b, size, name) {
  await a.evaluate(({ size, name }) => {
    const data = new Uint8Array(size);
    let x = 0x9e3779b9;
    for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; data[i] = x & 0xff; }
    const dt = new DataTransfer();
    dt.items.add(new File([data], name, { type: 'application/octet-stream' }));
    const input = document.getElementById('file-input');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, { size, name });
  await a.waitForFunction(() => window.app.sent[0]?.receiverSha256 != null, null, { timeout: 60_000, polling: 100 });
  const sent = await a.evaluate(() => window.app.sent[0]);
  const received = await b.evaluate(() => {
    const { url, ...r } = window.app.received[0];
    return { ...r, link: document.querySelector(`#transfers a[href="${url}"]`)?.getAttribute('download') };
  });
  assert.equal(received.size, size);
  assert.match(sent.sha256, /^[0-9a-f]{64}$/);
  assert.equal(received.sha256, sent.sha256);
  assert.equal(received.senderSha256, sent.sha256);
  assert.equal(sent.receiverSha256, sent.sha256);
  assert.equal(received.link, name);
  assert.match(await b.textContent('#transfers'), new RegExp(sent.sha256));
  return { sent, received };
}

/** Every chart has points and ink beyond the background; the bitrate chart
 * saw the transfer. */
async function chartsDrawn(page) {
  await page.waitForFunction(() => ['bitrate', 'rtt', 'buffered'].every((n) => Number(document.getElementById(`chart-${n}`).dataset.points) >= 6), null, { timeout: 15_000 });
  const charts = await page.evaluate(() => Object.fromEntries(['bitrate', 'rtt', 'buffered'].map((n) => {
    const c = document.getElementById(`chart-${n}`);
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
    return [n, { points: Number(c.dataset.points), max: Number(c.dataset.max), ink }];
  })));
  for (const [name, c] of Object.entries(charts)) assert.ok(c.ink > 500, `${name} chart has ink: ${JSON.stringify(c)}`);
  assert.ok(charts.bitrate.max > 1, `bitrate chart saw the transfer: ${JSON.stringify(charts.bitrate)}`);
  return charts;
}

const mbit = (bytes, ms) => ((bytes * 8) / (ms / 1000) / 1e6).toFixed(1);

test('demo app, wasmrtc: two tabs chat, move 20 MB with a matching SHA-256, and chart the connection', { timeout: 90_000 }, async () => {
  const { a, b, connectMs } = await pair('impl=wasmrtc');
  await chat(a, b);
  const { sent, received } = await sendFile(a, b, SIZE, 'random-20MB.bin');
  await chartsDrawn(a);
  const source = await a.evaluate(() => window.app.statsSource);
  await a.waitForTimeout(2000);
  const idleRtt = await a.evaluate(() => window.app.session().pingRtt);
  const shot = process.env.WASMRTC_UPDATE_SCREENSHOT
    ? join(ROOT, 'docs', 'stats-panel.png')
    : join(tmpdir(), `wasmrtc-stats-panel-${process.pid}.png`);
  await (await a.$('#stats')).screenshot({ path: shot });
  if (!process.env.WASMRTC_UPDATE_SCREENSHOT) rmSync(shot, { force: true });
  console.log(`# demo app, wasmrtc↔wasmrtc: channels open ${connectMs} ms after the second tab loaded; 20 MB delivered and acknowledged in ${sent.ackMs.toFixed(0)} ms (${mbit(SIZE, sent.ackMs)} Mbit/s; receiver: ${mbit(SIZE, received.ms)} Mbit/s); stats from ${source}; idle chat-channel ping RTT ${idleRtt.toFixed(1)} ms`);
  for (const p of [a, b]) assert.deepEqual(p.errors.map(String), []);
  await a.close();
  await b.close();
});

test('demo app, native: the switch gives native peers through the relay\'s TURN UDP port, charted from getStats', { timeout: 60_000 }, async () => {
  const { a, b, connectMs } = await pair(`impl=native&turn=${relay.ports.udp}`);
  assert.equal(await a.evaluate(() => window.app.impl), 'native');
  await chat(a, b);
  const size = 4 * 1024 * 1024;
  const { sent } = await sendFile(a, b, size, 'random-4MB.bin');
  await chartsDrawn(a);
  // Native getStats() has the selected candidate pair: relay ↔ relay.
  assert.equal(await a.evaluate(() => window.app.statsSource), 'getStats (candidate-pair)');
  const pairTypes = await a.evaluate(async () => {
    const { pc } = window.app.session();
    const report = await pc.getStats();
    let pair;
    report.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId); });
    return [report.get(pair.localCandidateId).candidateType, report.get(pair.remoteCandidateId).candidateType];
  });
  assert.deepEqual(pairTypes, ['relay', 'relay']);
  await a.waitForTimeout(2000);
  const idleRtt = await a.evaluate(() => window.app.session().pingRtt);
  console.log(`# demo app, native↔native through the relay: channels open ${connectMs} ms; 4 MB in ${sent.ackMs.toFixed(0)} ms (${mbit(size, sent.ackMs)} Mbit/s); idle chat-channel ping RTT ${idleRtt.toFixed(1)} ms`);
  for (const p of [a, b]) assert.deepEqual(p.errors.map(String), []);
  await a.close();
  await b.close();
});
