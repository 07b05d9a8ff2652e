// The driver and its tunnels, in Node with no browser: tunnels come from
// the factory the driver is given, by URL scheme unless a test passes a
// double, and what a tunnel reports reaches the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { wasm } from '../../js/core.js';
import { Driver } from '../../js/driver.js';
import { TUNNEL_SCHEMES, openTunnel } from '../../js/transport/index.js';

function recorder() {
  const calls = [];
  return { calls, handlers: { onopen: () => calls.push('open'), onmessage: () => calls.push('message'), onclose: () => calls.push('close') } };
}

test('a URL no transport takes gives a tunnel that reports closed, once', async () => {
  assert.deepEqual(TUNNEL_SCHEMES, ['ws:', 'wss:']);
  for (const url of ['https://relay.example/turn', 'not a url']) {
    const { calls, handlers } = recorder();
    const tunnel = openTunnel(url, handlers);
    tunnel.send(new Uint8Array([1]));
    await sleep(0);
    assert.deepEqual(calls, ['close'], url);
  }
});

test('a tunnel its owner closes reports nothing after', async () => {
  const { calls, handlers } = recorder();
  openTunnel('https://relay.example/turn', handlers).close();
  await sleep(0);
  assert.deepEqual(calls, []);
});

test('the driver opens tunnels through its factory and feeds the core what they report', async () => {
  const now = Date.now();
  const certificate = wasm.generateCertificate(now, now + 86_400_000);
  const relay = new wasm.RelayServer('ws://relay.test/', 'user', 'pass');
  const core = new wasm.Core('max-bundle', certificate.der, certificate.key, [relay]);
  certificate.free();
  const opened = [];
  const events = [];
  const driver = new Driver(core, (e) => events.push(`${e.name} ${e.state ?? e.errorCode ?? e.candidate ?? ''}`.trim()), (url, handlers) => {
    opened.push(url);
    // The double never connects, as a relay that refuses the WebSocket.
    queueMicrotask(() => handlers.onclose());
    return { send() { throw new Error('nothing is sent on a closed tunnel'); }, close() {} };
  });
  core.createDataChannel('chat', '', true, undefined, undefined, false, undefined, 'low');
  const offer = core.createOffer(false);
  core.setLocalDescription('offer', offer, driver.now()).free();
  driver.pump();
  await sleep(50);
  assert.deepEqual(opened, ['ws://relay.test/']);
  assert.deepEqual(events, ['icegatheringstatechange gathering', 'icecandidateerror 701', 'icegatheringstatechange complete', 'icecandidate']);
  driver.stop();
  core.free();
});
