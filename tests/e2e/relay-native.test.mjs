// Two native RTCPeerConnections in headless Chromium, each given only
// wasmrtc-relay as TURN server (UDP, then TCP) with iceTransportPolicy
// 'relay', connect and move 10 MB over a data channel; the receiver's
// SHA-256 must equal the sender's. The relay is the binary `cargo test
// --workspace` builds (built here if missing), on ephemeral 127.0.0.1 ports;
// the page is served by the relay itself (--www), so it is a secure context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startRelay } from './harness.mjs';

const TOTAL = 10 * 1024 * 1024;

let relay, ports, context, userDataDir;

before(async () => {
  relay = await startRelay();
  ports = relay.ports;
  userDataDir = mkdtempSync(join(tmpdir(), 'wasmrtc-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await relay?.close();
});

for (const transport of ['udp', 'tcp']) {
  test(`native Chromium peers through wasmrtc-relay over ${transport}: 10 MB, checksum verified`, async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${ports.http}/healthz`);
    const result = await page.evaluate(async ({ port, transport, TOTAL }) => {
      const config = {
        iceServers: [{ urls: `turn:127.0.0.1:${port}?transport=${transport}`, username: 'alice', credential: 'secret' }],
        iceTransportPolicy: 'relay',
      };
      const a = new RTCPeerConnection(config);
      const b = new RTCPeerConnection(config);
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      const start = performance.now();
      const dc = a.createDataChannel('bulk', { ordered: true });
      dc.binaryType = 'arraybuffer';
      const received = new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('timed out receiving')), 90000);
        b.ondatachannel = ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          const all = new Uint8Array(TOTAL);
          let n = 0;
          channel.onmessage = (e) => {
            all.set(new Uint8Array(e.data), n);
            n += e.data.byteLength;
            if (n >= TOTAL) resolve(all);
          };
        };
      });
      const offer = await a.createOffer();
      await a.setLocalDescription(offer);
      await b.setRemoteDescription(offer);
      const answer = await b.createAnswer();
      await b.setLocalDescription(answer);
      await a.setRemoteDescription(answer);
      await new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error(`channel did not open (ice ${a.iceConnectionState})`)), 30000);
        dc.onopen = resolve;
      });
      const opened = performance.now();
      // Deterministic payload; its hash computed before sending.
      const data = new Uint8Array(TOTAL);
      let x = 0x12345678;
      for (let i = 0; i < TOTAL; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; data[i] = x & 0xff; }
      const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((v) => v.toString(16).padStart(2, '0')).join('');
      const sentHash = await hex(data);
      const CHUNK = 64 * 1024;
      dc.bufferedAmountLowThreshold = 1024 * 1024;
      for (let off = 0; off < TOTAL; off += CHUNK) {
        if (dc.bufferedAmount > 4 * 1024 * 1024) {
          await new Promise((resolve) => { dc.onbufferedamountlow = resolve; });
        }
        dc.send(data.subarray(off, Math.min(off + CHUNK, TOTAL)));
      }
      const got = await received;
      const done = performance.now();
      const recvHash = await hex(got);
      // The selected pair must be relay ↔ relay.
      const stats = await a.getStats();
      let pair;
      stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
      const local = pair && stats.get(pair.localCandidateId);
      const remote = pair && stats.get(pair.remoteCandidateId);
      a.close(); b.close();
      return {
        sentHash, recvHash, bytes: got.byteLength,
        connectMs: opened - start, transferMs: done - opened,
        local: local && [local.candidateType, local.address, local.relayProtocol],
        remote: remote && [remote.candidateType, remote.address],
      };
    }, { port: ports[transport], transport, TOTAL });
    await page.close();
    const mbps = (TOTAL * 8) / (result.transferMs / 1000) / 1e6;
    console.log(`# relay ${transport}: connected in ${result.connectMs.toFixed(0)} ms, 10 MB in ${result.transferMs.toFixed(0)} ms (${mbps.toFixed(1)} Mbit/s)`);
    assert.equal(result.bytes, TOTAL);
    assert.equal(result.recvHash, result.sentHash);
    assert.deepEqual(result.local, ['relay', '127.0.0.1', transport]);
    assert.deepEqual(result.remote, ['relay', '127.0.0.1']);
  });
}
