// Shared setup of the browser end-to-end tests: one static server for the
// repository (scripts/serve.mjs) and headless Debian Chromium driven by
// playwright-core, with the flags DESIGN.md lists for running as root.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';

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

/** Starts the server and the browser; returns { page(path), close() }. */
export async function launch() {
  const server = await startServer(0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = await mkdtemp(join(tmpdir(), 'wasmrtc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
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
