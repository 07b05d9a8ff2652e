// The adapter-style shim and the package's entry points, used the way users
// will: `import 'wasmrtc'` and `import 'wasmrtc/shim'` by package name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

test('the package resolves by name in Node and negotiates there', async () => {
  const api = await import('wasmrtc');
  const shim = await import('wasmrtc/shim');
  assert.equal(shim.RTCPeerConnection, api.RTCPeerConnection);
  const pc = new api.RTCPeerConnection();
  pc.addTransceiver('audio');
  const offer = await pc.createOffer();
  assert.equal(offer.type, 'offer');
  assert.match(offer.sdp, /^v=0\r\n/);
  assert.match(offer.sdp, /a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n/);
  pc.close();
});

test('install() fills missing globals only, or all with force', async () => {
  const { install, RTCPeerConnection } = await import('wasmrtc/shim');
  const nativeLike = function RTCPeerConnection() {};
  const target = { RTCPeerConnection: nativeLike };
  const defined = install({ target });
  assert.equal(target.RTCPeerConnection, nativeLike, 'a native class is left alone');
  assert.ok(defined.includes('RTCSessionDescription'));
  assert.ok(!defined.includes('RTCPeerConnection'));
  const forced = install({ target, force: true });
  assert.equal(target.RTCPeerConnection, RTCPeerConnection);
  assert.ok(forced.includes('RTCPeerConnection'));
  assert.throws(() => install({ relays: 'ws://x' }), TypeError);
});

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('in a browser page, install() leaves native classes unless forced', async () => {
  const page = await browser.page();
  const result = await page.evaluate(async () => {
    const { install } = await import('/js/shim.js');
    const nativePc = window.RTCPeerConnection;
    install();
    const keptNative = window.RTCPeerConnection === nativePc;
    install({ force: true, relays: [{ urls: 'ws://127.0.0.1:8080/turn', username: 'u', credential: 'c' }] });
    const replaced = window.RTCPeerConnection === wasmrtc.RTCPeerConnection;
    // A page whose WebRTC is switched off (as in locked-down builds).
    const off = {};
    install({ target: off });
    const pc = new off.RTCPeerConnection();
    const offer = await pc.createOffer();
    pc.close();
    return { keptNative, replaced, filled: typeof off.RTCIceCandidate === 'function', type: offer.type };
  });
  assert.deepEqual(result, { keptNative: true, replaced: true, filled: true, type: 'offer' });
});
