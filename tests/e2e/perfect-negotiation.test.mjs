// MDN's perfect negotiation code, unchanged, settles glare between two
// wasmrtc peers and between a wasmrtc peer and a native one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

let browser;
let page;
before(async () => { browser = await launch(); page = await browser.page(); });
after(async () => { await browser?.close(); });

async function glare(kinds) {
  const { perfectNegotiation } = await import('/tests/e2e/pages/perfect-negotiation.js');
  // An in-page signaling channel: messages arrive asynchronously and in
  // order, as over a network, JSON round-tripped as a server would; each is
  // handed over once the handler has finished with the one before, so that
  // an answer is applied before the offer that follows it is looked at.
  class SignalingChannel {
    constructor() { this.peer = null; this.onmessage = null; this.delivered = Promise.resolve(); }
    send(message) {
      const data = JSON.parse(JSON.stringify(message));
      const peer = this.peer;
      setTimeout(() => {
        peer.delivered = peer.delivered.then(() => peer.onmessage?.({ data }));
      }, 5);
    }
  }
  const make = (kind) => kind === 'native'
    ? new native.RTCPeerConnection(NATIVE_SAFE_CONFIG)
    : new wasmrtc.RTCPeerConnection();
  const politePc = make(kinds[0]);
  const impolitePc = make(kinds[1]);
  const s1 = new SignalingChannel();
  const s2 = new SignalingChannel();
  s1.peer = s2;
  s2.peer = s1;
  perfectNegotiation(politePc, s1, true);
  perfectNegotiation(impolitePc, s2, false);
  const offersSeen = { polite: 0, impolite: 0 };
  for (const [name, pc] of [['polite', politePc], ['impolite', impolitePc]]) {
    pc.addEventListener('signalingstatechange', () => {
      if (pc.signalingState === 'have-local-offer') offersSeen[name] += 1;
    });
  }
  // Both sides want to negotiate at the same moment: glare. (Native
  // Chromium 156 itself fails to settle some glare mixes, e.g. a polite data
  // channel against an impolite video transceiver, native to native: it
  // rolls the data section out of its next offer. This mix settles
  // native to native, the control case below.)
  politePc.addTransceiver('audio');
  impolitePc.addTransceiver('audio');
  impolitePc.createDataChannel('from-impolite');
  const deadline = Date.now() + 5000;
  const settled = () => politePc.signalingState === 'stable' && impolitePc.signalingState === 'stable'
    && politePc.getTransceivers().length === 2 && impolitePc.getTransceivers().length === 2
    && politePc.getTransceivers().every((t) => t.currentDirection !== null)
    && impolitePc.getTransceivers().every((t) => t.currentDirection !== null);
  while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  const out = {
    settled: settled(),
    offersSeen,
    polite: politePc.getTransceivers().map((t) => [t.mid, t.currentDirection]),
    impolite: impolitePc.getTransceivers().map((t) => [t.mid, t.currentDirection]),
    politeData: /m=application/.test(politePc.currentLocalDescription?.sdp ?? ''),
    impoliteData: /m=application/.test(impolitePc.currentLocalDescription?.sdp ?? ''),
  };
  politePc.close();
  impolitePc.close();
  return out;
}

for (const kinds of [['native', 'native'], ['wasmrtc', 'wasmrtc'], ['wasmrtc', 'native'], ['native', 'wasmrtc']]) {
  test(`perfect negotiation settles glare: polite ${kinds[0]}, impolite ${kinds[1]}`, async () => {
    const result = await page.evaluate(glare, kinds);
    assert.equal(result.settled, true, JSON.stringify(result));
    assert.ok(result.offersSeen.polite >= 1 && result.offersSeen.impolite >= 1, `both sides offered: ${JSON.stringify(result.offersSeen)}`);
    assert.equal(result.politeData, true);
    assert.equal(result.impoliteData, true);
    assert.deepEqual(result.polite.map((t) => t[1]).sort(), ['recvonly', 'sendonly']);
    assert.deepEqual(result.impolite.map((t) => t[1]).sort(), ['recvonly', 'sendonly']);
  });
}
