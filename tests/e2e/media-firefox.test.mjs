// Encoded media between wasmrtc and native headless Firefox ESR (its own
// RTP stack, libwebrtc's VP8 and Opus inside Gecko): the wasmrtc page in
// headless Chromium sends VP8 and Opus frames its WebCodecs encoded, Firefox
// (tests/e2e/pages/firefox-media.html) sends a canvas captureStream and an
// oscillator on the same sendrecv transceivers. Firefox's getStats must show
// our frames decoded and our packets received, rising; Firefox's frames must
// arrive at wasmrtc whole (a VP8 key frame first, none dropped, the count
// rising). Both offer directions.
//
// Topology and the namespace: firefox-harness.mjs (Firefox only in a
// loopback-only namespace, only through the relay's loopback TURN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SECONDS = 2;

// ---------------------------------------------------------------------------
// In the Chromium page (page.evaluate), once Firefox joined the room.

async function session({ session, ffOffers, ports, seconds }) {
  const { encodeVideo, encodeOpus, pace } = await import('/tests/e2e/pages/media.js');
  const send = (m) => window.sig.ws.send(JSON.stringify({ session, ...m }));
  const ff = () => window.sig.all.filter((m) => m.session === session && m.type === 'ff');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (what, pred, ms = 15000) => {
    const start = performance.now();
    for (;;) {
      const v = pred();
      if (v) return v;
      if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  };
  const out = { session, ffOffers, theirCandidates: [], log: [] };
  let pc;
  try {
    const frames = Promise.all([encodeVideo('video/VP8', seconds * 30), encodeOpus(seconds * 50)]);
    pc = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
    pc.onicecandidate = (e) => send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    const remoteDescriptions = [];
    const pending = [];
    const addCandidate = (c) => pc.addIceCandidate(c).catch((e) => out.log.push(`addIceCandidate failed: ${e.name}: ${e.message}`));
    window.sig.handlers.set(session, (m) => {
      if (m.type === 'candidate' && m.candidate) {
        out.theirCandidates.push(m.candidate.candidate);
        if (pc.remoteDescription) addCandidate(m.candidate);
        else pending.push(m.candidate);
      } else if (m.type === 'description') {
        remoteDescriptions.push(m.description);
      }
    });
    const setRemote = async (d) => {
      await pc.setRemoteDescription(d);
      for (const c of pending.splice(0)) addCandidate(c);
    };
    const received = {};
    const listen = (t) => {
      const r = { frames: 0, firstKey: null, keyFrames: 0, dropped: 0, mimeTypes: new Set() };
      received[t.receiver.track.kind] = r;
      const target = wasmrtc.encodedFrames(t.receiver);
      target.addEventListener('frame', (e) => {
        if (r.frames === 0) r.firstKey = e.keyFrame;
        r.frames++;
        if (e.keyFrame) r.keyFrames++;
        r.mimeTypes.add(e.mimeType);
      });
      target.addEventListener('framedropped', () => { r.dropped++; });
    };
    send({ type: 'start', offer: ffOffers });
    if (!ffOffers) {
      for (const kind of ['video', 'audio']) listen(pc.addTransceiver(kind, { direction: 'sendrecv' }));
      await pc.setLocalDescription();
      send({ type: 'description', description: { type: 'offer', sdp: pc.localDescription.sdp } });
      await setRemote(await waitFor('Firefox answer', () => remoteDescriptions[0]));
    } else {
      await setRemote(await waitFor('Firefox offer', () => remoteDescriptions[0]));
      for (const t of pc.getTransceivers()) {
        t.direction = 'sendrecv';
        listen(t);
      }
      await pc.setLocalDescription();
      send({ type: 'description', description: { type: 'answer', sdp: pc.localDescription.sdp } });
    }
    await waitFor('connected', () => pc.connectionState === 'connected', 20000);
    const t0 = performance.now();
    const senders = Object.fromEntries(pc.getTransceivers().map((t) => [t.receiver.track.kind, t.sender]));
    out.negotiated = Object.fromEntries(Object.entries(senders).map(([k, s]) => [k, wasmrtc.negotiatedCodecs(s)[0]?.mimeType]));
    const [video, audio] = await frames;
    const snapshot = async () => {
      const asked = ff().filter((m) => m.what === 'stats').length;
      send({ type: 'stats' });
      const stats = await waitFor('Firefox stats', () => ff().filter((m) => m.what === 'stats')[asked]);
      const counts = Object.fromEntries(Object.entries(received).map(([k, r]) => [k, r.frames]));
      return { ms: Math.round(performance.now() - t0), inbound: stats.inbound, outbound: stats.outbound, wasmrtcFrames: counts };
    };
    const sending = pace([
      { sender: senders.video, mimeType: 'video/VP8', frames: video },
      { sender: senders.audio, mimeType: 'audio/opus', frames: audio },
    ]);
    await sleep((seconds * 1000) / 2);
    out.middle = await snapshot();
    const sent = await sending;
    await sleep(500);
    out.end = await snapshot();
    out.sent = { video: sent[0].length, audio: sent[1].length };
    out.received = Object.fromEntries(Object.entries(received).map(([k, r]) => [k, { ...r, mimeTypes: [...r.mimeTypes] }]));
  } catch (e) {
    out.error = `${e.name}: ${e.message}`;
    out.state = pc?.connectionState;
  } finally {
    out.ff = ff().filter((m) => m.what !== 'stats').map(({ what, t, ...rest }) => `${what} ${JSON.stringify(rest)}`);
    send({ type: 'end' });
    pc?.close();
    window.sig.handlers.delete(session);
  }
  return out;
}

if (INSIDE) {
  await withFirefox('firefox-media.html', async ({ page, relay }) => {
    const sessions = [];
    for (const s of [{ session: 1, ffOffers: false }, { session: 2, ffOffers: true }]) {
      sessions.push(await page.evaluate(session, { ...s, ports: relay.ports, seconds: SECONDS }));
    }
    return { sessions };
  });
} else {
  test('wasmrtc ↔ native Firefox ESR: VP8 + Opus frames both ways (both offer directions)', { timeout: 90000 }, async (t) => {
    const r = await runInNamespace(t, FILE, 80000);
    if (!r) return;
    const dump = JSON.stringify(r, null, 1);
    assert.equal(r.error, undefined, dump);
    assert.equal(r.ready.gumError, undefined, dump);
    console.log(`# ${r.ready.userAgent}; Firefox joined ${r.firefoxStartMs.toFixed(0)} ms after launch; its audio: ${r.ready.audioSource}`);
    for (const s of r.sessions) {
      const who = s.ffOffers ? 'Firefox offers' : 'wasmrtc offers';
      assert.equal(s.error, undefined, `${who}: ${s.error}\n${dump}`);
      const { middle, end } = s;
      console.log(`# ${who}: negotiated ${JSON.stringify(s.negotiated)}; wasmrtc sent ${s.sent.video} VP8 + ${s.sent.audio} Opus frames; `
        + `Firefox decoded ${middle.inbound.video?.framesDecoded} → ${end.inbound.video?.framesDecoded} frames `
        + `(${end.inbound.video?.mimeType}, key ${end.inbound.video?.keyFramesDecoded}, PLI ${end.inbound.video?.pliCount}), `
        + `audio packets ${middle.inbound.audio?.packetsReceived} → ${end.inbound.audio?.packetsReceived}; `
        + `from Firefox (${end.outbound.video?.framesEncoded} video frames encoded): wasmrtc got `
        + `${middle.wasmrtcFrames.video} → ${end.wasmrtcFrames.video} video frames, ${middle.wasmrtcFrames.audio} → ${end.wasmrtcFrames.audio} audio `
        + `${JSON.stringify(s.received)}`);
      assert.deepEqual(s.negotiated, { video: 'video/VP8', audio: 'audio/opus' }, dump);
      // Firefox decodes what wasmrtc sent, and more as time goes on.
      assert.ok(middle.inbound.video.framesDecoded > 0, dump);
      assert.ok(end.inbound.video.framesDecoded > middle.inbound.video.framesDecoded, dump);
      assert.ok(end.inbound.video.framesDecoded >= s.sent.video * 0.8, `${who}: Firefox decoded ${end.inbound.video.framesDecoded} of ${s.sent.video}`);
      assert.equal(end.inbound.video.mimeType, 'video/VP8', dump);
      assert.ok(middle.inbound.audio.packetsReceived > 0, dump);
      assert.ok(end.inbound.audio.packetsReceived > middle.inbound.audio.packetsReceived, dump);
      assert.ok(end.inbound.audio.packetsReceived >= s.sent.audio * 0.8, `${who}: Firefox got ${end.inbound.audio.packetsReceived} of ${s.sent.audio} Opus packets`);
      // Firefox's frames arrive whole at wasmrtc, a key frame first.
      const { video, audio } = s.received;
      assert.equal(video.firstKey, true, `${who}: the first VP8 frame from Firefox is a key frame\n${dump}`);
      assert.deepEqual(video.mimeTypes, ['video/VP8'], dump);
      assert.deepEqual(audio.mimeTypes, ['audio/opus'], dump);
      assert.equal(video.dropped, 0, dump);
      assert.ok(video.frames >= end.outbound.video.framesEncoded * 0.8, `${who}: wasmrtc got ${video.frames} of the ${end.outbound.video.framesEncoded} frames Firefox encoded`);
      assert.ok(middle.wasmrtcFrames.video > 0 && end.wasmrtcFrames.video > middle.wasmrtcFrames.video, dump);
      assert.ok(middle.wasmrtcFrames.audio > 0 && end.wasmrtcFrames.audio > middle.wasmrtcFrames.audio, dump);
      // Firefox never used anything but the loopback relay.
      assert.ok(s.theirCandidates.some((c) => c !== ''), dump);
      for (const c of s.theirCandidates.filter((x) => x !== '')) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, dump);
      assert.deepEqual(s.log, [], dump);
    }
    assert.equal(r.sessions.length, 2, dump);
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
