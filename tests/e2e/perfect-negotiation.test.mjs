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
  // An in-page signaling channel: messages arrive asynchronously, as over a
  // network, and are JSON round-tripped as a server would.
  class SignalingChannel {
    constructor() { this.peer = null; this.onmessage = null; }
    send(message) {
      const data = JSON.parse(JSON.stringify(message));
      setTimeout(() => this.peer.onmessage?.({ data }), 5);
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
  // Both sides want to negotiate at the same moment: glare.
  politePc.addTransceiver('audio');
  politePc.createDataChannel('from-polite');
  impolitePc.addTransceiver('video');
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
    polite: politePc.getTransceivers().map((t) => [t.mid, t.receiver.track?.kind ?? null, t.currentDirection]),
    impolite: impolitePc.getTransceivers().map((t) => [t.mid, t.currentDirection]),
    politeData: /m=application/.test(politePc.currentLocalDescription?.sdp ?? ''),
    impoliteData: /m=application/.test(impolitePc.currentRemoteDescription?.sdp ?? ''),
  };
  politePc.close();
  impolitePc.close();
  return out;
}

for (const kinds of [['wasmrtc', 'wasmrtc'], ['wasmrtc', 'native'], ['native', 'wasmrtc']]) {
  test(`perfect negotiation settles glare: polite ${kinds[0]}, impolite ${kinds[1]}`, async () => {
    const result = await page.evaluate(glare, kinds);
    assert.equal(result.settled, true, JSON.stringify(result));
    assert.ok(result.offersSeen.polite >= 1 && result.offersSeen.impolite >= 1, `both sides offered: ${JSON.stringify(result.offersSeen)}`);
    assert.equal(result.politeData, true);
    assert.equal(result.impoliteData, true);
    assert.deepEqual(result.polite.map((t) => t[2]).sort(), ['recvonly', 'sendonly']);
    assert.deepEqual(result.impolite.map((t) => t[1]).sort(), ['recvonly', 'sendonly']);
  });
}
