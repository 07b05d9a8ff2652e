// Shared setup of the browser end-to-end tests: one static server for the
// repository (scripts/serve.mjs) and headless Debian Chromium driven by
// playwright-core, with the flags DESIGN.md lists for running as root.
import { chromium } from 'playwright-core';
import { after, before } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

// Native peers must only ever gather loopback relay candidates (DESIGN.md,
// "Testing topology"): no TURN server listens on this port in signaling-only
// tests, so they gather nothing and send nothing beyond 127.0.0.1.
export const NATIVE_SAFE_CONFIG = {
  iceServers: [{ urls: 'turn:127.0.0.1:3478?transport=udp', username: 'none', credential: 'none' }],
  iceTransportPolicy: 'relay',
};

/** Starts the server and the browser (CHROMIUM_ARGS and `extraArgs`);
 * returns { page(path), close() }. */
export async function launch(extraArgs = []) {
  const server = await startServer(0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = await mkdtemp(join(tmpdir(), 'wasmrtc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    base,
    /** Opens a page and waits until it has imported wasmrtc. */
    async page(path = '/tests/e2e/pages/harness.html') {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(new Error(m.text())); });
      page.errors = errors;
      await page.goto(base + path);
      await page.waitForFunction(() => window.wasmrtcReady === true || window.wasmrtcError, null, { timeout: 30000 });
      const failed = await page.evaluate(() => window.wasmrtcError ?? null);
      if (failed) throw new Error(`page failed to load wasmrtc: ${failed}`);
      return page;
    },
    async close() {
      await context.close();
      server.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The relay binary `cargo test --workspace` builds (built here if
 * missing), or the release build for benchmarks. */
function relayBinary(release) {
  const bin = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), release ? 'release' : 'debug', 'wasmrtc-relay');
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '-q', ...(release ? ['--release'] : []), '-p', 'wasmrtc-relay'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('cargo build -p wasmrtc-relay failed');
  }
  return bin;
}

/** Starts wasmrtc-relay on 127.0.0.1, serving the repository (--www),
 * with the user alice:secret, on the given ports (`{udp, http}`, the TCP
 * listener shares the UDP port) or ephemeral ones; returns
 * { ports: {udp, tcp, http}, close(signal) }. */
export async function startRelay({ ports = { udp: 0, http: 0 }, extraArgs = [], release = false } = {}) {
  const args = (`--listening-ip 127.0.0.1 --listening-port ${ports.udp} --http-port ${ports.http} --relay-ip 127.0.0.1 `
    + '--min-port 49152 --max-port 65000 --realm wasmrtc --user alice:secret --allow-loopback-peers').split(' ');
  const relay = spawn(relayBinary(release), [...args, '--www', ROOT, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: relay.stdout }).once('line', resolve);
    relay.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  // "wasmrtc-relay ready udp=127.0.0.1:P tcp=127.0.0.1:P http=127.0.0.1:H"
  const m = /udp=127\.0\.0\.1:(\d+) tcp=127\.0\.0\.1:(\d+) http=127\.0\.0\.1:(\d+)/.exec(line);
  if (!m) throw new Error(`unexpected relay banner: ${line}`);
  return {
    ports: { udp: Number(m[1]), tcp: Number(m[2]), http: Number(m[3]) },
    pid: relay.pid,
    async close(signal = 'SIGTERM') {
      if (relay.exitCode !== null) return;
      relay.kill(signal);
      await new Promise((resolve) => relay.once('exit', resolve));
    },
  };
}

/** For a test file: before its tests, a relay and a page of the harness;
 * after them, both gone. Returns `{ relay, page }`, filled in by then. */
export function relayAndPage() {
  const ctx = {};
  before(async () => {
    ctx.relay = await startRelay();
    ctx.browser = await launch();
    ctx.page = await ctx.browser.page();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.relay?.close();
  });
  return ctx;
}
