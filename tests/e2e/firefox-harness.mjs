// Native headless Firefox ESR for the e2e tests, and the loopback-only
// network namespace it runs in (DESIGN.md, "Testing topology"): Firefox
// runs only inside a fresh namespace whose sole interface is lo, with
// MOZ_DISABLE_NONLOCAL_CONNECTIONS=1. A test file re-executes itself there
// (`inNamespace`, WASMRTC_FF_NETNS set), starts what it needs and Firefox
// (`launchFirefox`), and prints one result line the outer test reads; the
// outer test removes the namespace, killing whatever is left in it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Firefox profile: loopback host candidates visible, a fake microphone so
// it gathers (it gathers on all interfaces only while capturing), page
// console on stdout, and nothing that phones home.
export const PREFS = {
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
};


/** Starts headless Firefox ESR on `url` with a fresh profile: PREFS and
 * `extraPrefs`. Returns { exited (a promise of why it exited), output() (its
 * last lines), close() }. */
export async function launchFirefox(url, extraPrefs = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'wasmrtc-firefox-'));
  const userJs = Object.entries({ ...PREFS, ...extraPrefs })
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join('');
  await writeFile(join(profile, 'user.js'), userJs);
  const firefox = spawn('firefox-esr', ['--headless', '--no-remote', '--profile', profile, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1', MOZ_CRASHREPORTER_DISABLE: '1', HOME: profile },
  });
  const lines = [];
  for (const s of [firefox.stdout, firefox.stderr]) s.on('data', (d) => lines.push(d.toString()));
  const exited = new Promise((resolve) => firefox.once('exit', (code, sig) => resolve(`Firefox exited (${code ?? sig})`)));
  return {
    exited,
    output: () => lines.join('').split('\n').filter((l) => l.trim()).slice(-80),
    async close() {
      if (firefox.exitCode === null && firefox.signalCode === null) {
        firefox.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (firefox.exitCode === null && firefox.signalCode === null) firefox.kill('SIGKILL');
      }
      await rm(profile, { recursive: true, force: true }).catch(() => {});
    },
  };
}

function netnsPids(name) {
  const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  return (r.stdout ?? '').split(/\s+/).filter(Boolean).map(Number);
}

/** Runs `file` again inside a new loopback-only namespace and returns the
 * JSON of its stdout line that starts with `marker`; skips the test `t`
 * (returning undefined) where namespaces cannot be made. */
export async function inNamespace(t, file, marker, timeoutMs = 100000) {
  const name = `wasmrtc-ff-${process.pid}-${Date.now() % 100000}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.error || add.status !== 0) {
    t.skip(`ip netns unavailable (${add.error?.message ?? add.stderr.trim()}): Firefox runs only in a loopback-only network namespace`);
    return undefined;
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
    const line = stdout.split('\n').find((l) => l.startsWith(marker));
    assert.ok(line, `no result from inside the namespace (exit ${code}):\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
    return JSON.parse(line.slice(marker.length));
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
