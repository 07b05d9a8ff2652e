// wasmrtc in Web Workers (issue 17), where no browser has RTCPeerConnection:
// a classic dedicated worker (the classic-script build via importScripts),
// a module worker (the package imported), a classic shared worker and a
// module shared worker each offer a data channel to a peer on the page, a
// native RTCPeerConnection or a wasmrtc one, through wasmrtc-relay; the
// worker sends messages of 0 B to 256 KiB, the page echoes each, the worker
// checks them byte for byte, reads getStats and closes. Signalling is
// postMessage between page and worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { relayAndPage, ROOT } from './harness.mjs';

if (!existsSync(join(ROOT, 'dist', 'wasmrtc.shim.js'))) {
  const r = spawnSync('node', ['scripts/build-shim.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/build-shim.mjs failed');
}

const ctx = relayAndPage();
const SIZES = [0, 1, 1200, 16 * 1024, 64 * 1024, 256 * 1024];
const WORKERS = [
  ['dedicated classic', 'dedicated', '/tests/e2e/pages/worker-classic.js', 'classic'],
  ['dedicated module', 'dedicated', '/tests/e2e/pages/worker-module.js', 'module'],
  ['shared classic', 'shared', '/tests/e2e/pages/worker-classic.js', 'classic'],
  ['shared module', 'shared', '/tests/e2e/pages/worker-module.js', 'module'],
];

for (const [name, kind, url, type] of WORKERS) {
  for (const peer of ['native', 'wasmrtc']) {
    test(`a ${name} worker echoes 0 B–256 KiB with a ${peer} page peer`, async () => {
      const r = await ctx.page.evaluate(async ({ kind, url, type, peer, ports, sizes }) => {
        const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));
        const worker = kind === 'shared'
          ? new SharedWorker(url, { type, name: `${url}-${peer}-${Math.random()}` })
          : new Worker(url, { type });
        const port = kind === 'shared' ? worker.port : worker;
        const PC = peer === 'native' ? window.native.RTCPeerConnection : window.wasmrtc.RTCPeerConnection;
        const pc = new PC(window.relayConfig(peer, ports));
        pc.ondatachannel = ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          channel.onmessage = (e) => channel.send(e.data);
        };
        pc.onicecandidate = (e) => { if (e.candidate) port.postMessage({ candidate: e.candidate.toJSON() }); };
        let ready;
        const isReady = new Promise((resolve) => { ready = resolve; });
        const result = new Promise((resolve, reject) => {
          port.onmessage = async ({ data }) => {
            try {
              if (data.ready) ready();
              else if (data.error) reject(new Error(data.error));
              else if (data.result) resolve(data.result);
              else if (data.offer) {
                await pc.setRemoteDescription(data.offer);
                await pc.setLocalDescription(await pc.createAnswer());
                port.postMessage({ answer: pc.localDescription.toJSON() });
              } else if (data.candidate) await pc.addIceCandidate(data.candidate);
            } catch (e) { reject(e); }
          };
          worker.onerror = (e) => reject(new Error(`worker error: ${e.message ?? e}`));
        });
        await Promise.race([isReady, timeout(20000, 'worker ready')]);
        port.postMessage({ start: { config: window.relayConfig('wasmrtc', ports), sizes } });
        try {
          return await Promise.race([result, timeout(60000, 'worker result')]);
        } finally {
          pc.close();
          if (kind === 'shared') port.close(); else worker.terminate();
        }
      }, { kind, url, type, peer, ports: ctx.relay.ports, sizes: SIZES });
      assert.equal(r.global, true, 'ran in a WorkerGlobalScope');
      assert.deepEqual(r.echoed, SIZES.map((size) => ({ size, same: true })));
      for (const t of ['candidate-pair', 'certificate', 'data-channel', 'local-candidate', 'peer-connection', 'remote-candidate', 'transport']) {
        assert.ok(r.types.includes(t), `getStats in the worker has ${t}: ${r.types}`);
      }
      assert.equal(r.pairBytes, true, 'the selected pair counted bytes both ways');
      assert.equal(r.channelState, 'closed');
      assert.equal(r.signalingState, 'closed');
    });
  }
}
