// The Firefox ESR half of the end-to-end tests that pit wasmrtc against
// native Firefox (firefox.test.mjs, media-firefox.test.mjs): the profile,
// the signaling room through the relay, Firefox's launch inside the
// namespace and the namespace itself.
//
// Topology (DESIGN.md, "Testing topology: loopback only"): Firefox runs only
// inside a fresh network namespace whose sole interface is lo, with
// MOZ_DISABLE_NONLOCAL_CONNECTIONS=1, and uses only the relay's loopback UDP
// TURN listener (iceTransportPolicy 'relay'). A test re-executes its file
// inside the namespace (`ip netns exec`, WASMRTC_FF_NETNS set), where it
// starts the relay, the static server, headless Chromium and Firefox, runs
// its scenario and prints one result line; the outer test checks it and
// removes the namespace, killing whatever is left in it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RESULT = 'WASMRTC-FF-RESULT ';

/** Whether this process is the half inside the namespace. */
export const INSIDE = Boolean(process.env.WASMRTC_FF_NETNS);

// Firefox profile: loopback host candidates visible, a fake microphone so
// it gathers (it gathers on all interfaces only while capturing), page
// console on stdout, and nothing that phones home.
const PREFS = {
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.navigator.permission.fake': true,
  'devtools.console.stdout.content': true,
  'browser.dom.window.dump.enabled': true,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.firstRunURL': '',
  'browser.ping-centre.telemetry': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'messaging-system.rsexperimentloader.enabled': false,
  'browser.newtabpage.activity-stream.feeds.topsites': false,
  'browser.newtabpage.activity-stream.feeds.system.topstories': false,
  'browser.topsites.contile.enabled': false,
  'browser.backup.enabled': false,
  'browser.backup.scheduled.enabled': false,
  'services.settings.poll_interval': 86400 * 365,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-manager.url': 'http://127.0.0.1:9/gmp-off',
  'media.gmp-gmpopenh264.autoupdate': false,
  'media.gmp-gmpopenh264.enabled': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'network.proxy.type': 0,
  'geo.provider.network.url': '',
  'browser.search.update': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'startup.homepage_welcome_url': 'about:blank',
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.sessionstore.resume_from_crash': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'dom.security.https_first': false,
  'dom.security.https_only_mode': false,
  'security.OCSP.enabled': 0,
  'signon.rememberSignons': false,
  // Web Audio and <video> play without a user gesture (the media page).
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
};

/** The profile's user.js: PREFS with `extra` over them. */
function userJs(extra) {
  return Object.entries({ ...PREFS, ...extra }).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join('');
}

// ---------------------------------------------------------------------------
// In the Chromium page (page.evaluate): signaling through the relay's room.

export function connectSignal(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    window.sig = { ws, all: [], handlers: new Map() };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      window.sig.all.push(m);
      window.sig.handlers.get(m.session)?.(m);
    };
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`signaling WebSocket ${url} failed`));
  });
}

export async function waitReady(ms) {
  const start = performance.now();
  while (performance.now() - start < ms) {
    const m = window.sig.all.find((x) => x.type === 'ready');
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('Firefox did not join the signaling room');
}

// ---------------------------------------------------------------------------
// Inside the namespace.

/** Starts the relay, headless Chromium with the harness page in the
 * signaling room, and Firefox on `pages/${ffPage}` in the same room; once
 * Firefox is ready runs `scenario({ page, relay, ready })` and prints its
 * result (with `ready`, `firefoxStartMs`, `pageErrors`, `firefoxOutput`, or
 * `error`) as the one result line. `prefs` go into Firefox's profile over
 * PREFS; `chromiumArgs` join Chromium's flags. */
export async function withFirefox(ffPage, scenario, { prefs = {}, chromiumArgs = [] } = {}) {
  const { launch, startRelay } = await import('./harness.mjs');
  const result = {};
  let relay;
  let browser;
  let firefox;
  let profile;
  const ffOutput = [];
  try {
    relay = await startRelay();
    browser = await launch(chromiumArgs);
    const page = await browser.page();
    const room = `firefox-${process.pid}-${Date.now()}`;
    const signal = `ws://127.0.0.1:${relay.ports.http}/signal/${room}`;
    await page.evaluate(connectSignal, signal);
    profile = await mkdtemp(join(tmpdir(), 'wasmrtc-firefox-'));
    await writeFile(join(profile, 'user.js'), userJs(prefs));
    const url = `${browser.base}/tests/e2e/pages/${ffPage}?signal=${encodeURIComponent(signal)}&turn=127.0.0.1:${relay.ports.udp}`;
    const t0 = performance.now();
    firefox = spawn('firefox-esr', ['--headless', '--no-remote', '--profile', profile, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1', MOZ_CRASHREPORTER_DISABLE: '1', HOME: profile },
    });
    for (const s of [firefox.stdout, firefox.stderr]) s.on('data', (d) => ffOutput.push(d.toString()));
    const exited = new Promise((resolve) => firefox.once('exit', (code, sig) => resolve(`Firefox exited (${code ?? sig})`)));
    result.ready = await Promise.race([page.evaluate(waitReady, 30000), exited.then((m) => { throw new Error(m); })]);
    result.firefoxStartMs = performance.now() - t0;
    Object.assign(result, await scenario({ page, relay, ready: result.ready }));
    result.pageErrors = page.errors.map(String);
  } catch (e) {
    result.error = String(e?.stack ?? e);
  } finally {
    if (firefox && firefox.exitCode === null && firefox.signalCode === null) {
      const gone = new Promise((resolve) => firefox.once('exit', resolve));
      firefox.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (firefox.exitCode === null && firefox.signalCode === null) firefox.kill('SIGKILL');
    }
    await browser?.close().catch(() => {});
    await relay?.close().catch(() => {});
    if (profile) await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
  result.firefoxOutput = ffOutput.join('').split('\n').filter((l) => l.trim()).slice(-80);
  process.stdout.write(RESULT + JSON.stringify(result) + '\n');
}

// ---------------------------------------------------------------------------
// Outside: make the namespace, run the inner half there, clean up.

function netnsPids(name) {
  const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  return (r.stdout ?? '').split(/\s+/).filter(Boolean).map(Number);
}

/** Runs `file` inside a fresh loopback-only namespace and returns the
 * result line it printed, parsed; skips `t` where `ip netns` is missing
 * (returns null). Everything left in the namespace is killed. */
export async function runInNamespace(t, file, timeoutMs = 100000) {
  const name = `wasmrtc-ff-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.error || add.status !== 0) {
    t.skip(`ip netns unavailable (${add.error?.message ?? add.stderr.trim()}): Firefox runs only in a loopback-only network namespace`);
    return null;
  }
  let child;
  try {
    const up = spawnSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
    assert.equal(up.status, 0, `ip link set lo up in ${name}: ${up.stderr}`);
    const env = { ...process.env, WASMRTC_FF_NETNS: name };
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    child = spawn('ip', ['netns', 'exec', name, process.execPath, '--experimental-websocket', file], {
      env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } resolve('timeout'); }, timeoutMs);
      child.once('exit', (c, s) => { clearTimeout(timer); resolve(c ?? s); });
    });
    const line = stdout.split('\n').find((l) => l.startsWith(RESULT));
    assert.ok(line, `no result from inside the namespace (exit ${code}):\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
    return JSON.parse(line.slice(RESULT.length));
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    // Anything still running in our namespace was started by this test.
    for (const pid of netnsPids(name)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    spawnSync('ip', ['netns', 'del', name]);
  }
}
