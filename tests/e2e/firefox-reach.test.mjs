// wasmrtc where Firefox ESR has no WebRTC (issue 17): Firefox runs with
// media.peerconnection.enabled=false, the policy knob that removes
// RTCPeerConnection; its page (pages/firefox-reach.html) loads only the
// classic shim with <script src>, and wasmrtc peers on that page, in a
// classic dedicated worker and in a module worker each open a data channel
// to a native Chromium peer through wasmrtc-relay, send 0 B–256 KiB
// messages that Chromium echoes, check them byte for byte, read getStats
// and close (pages/worker-echo.js). Firefox runs in a loopback-only network
// namespace and signals through the relay's room (tests/e2e/firefox-harness.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SIZES = [0, 1, 1200, 64 * 1024, 256 * 1024];
const SESSIONS = ['page', 'worker', 'module-worker'];

// In the Chromium page, in the room withFirefox joined (window.sig): a
// native peer per session, answering the offer of the wasmrtc peer in
// Firefox and echoing what it sends.
async function chromiumSide({ ports, sessions, sizes }) {
  const on = (session, handler) => {
    window.sig.handlers.set(session, handler);
    for (const m of window.sig.all.filter((x) => x.session === session)) handler(m);
  };
  const send = (session, m) => window.sig.ws.send(JSON.stringify({ session, ...m }));
  const within = (promise, ms, what) => Promise.race([promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
  const out = { sessions: {} };
  for (const session of sessions) {
    const pc = new window.native.RTCPeerConnection(window.relayConfig('native', ports));
    pc.ondatachannel = ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      channel.onmessage = (e) => channel.send(e.data);
    };
    pc.onicecandidate = (e) => { if (e.candidate) send(session, { candidate: e.candidate.toJSON() }); };
    try {
      out.sessions[session] = await within(new Promise((resolve, reject) => {
        on(session, async (m) => {
          try {
            if (m.ready) send(session, { start: { config: window.relayConfig('wasmrtc', ports), sizes } });
            else if (m.error) reject(new Error(m.error));
            else if (m.result) resolve(m.result);
            else if (m.offer) {
              await pc.setRemoteDescription(m.offer);
              await pc.setLocalDescription(await pc.createAnswer());
              send(session, { answer: pc.localDescription.toJSON() });
            } else if (m.candidate) await pc.addIceCandidate(m.candidate);
          } catch (e) { reject(e); }
        });
        if (session !== 'page') send(session, { spawn: true });
      }), 60000, `session ${session}`);
    } catch (e) {
      out.sessions[session] = { error: String(e.message ?? e) };
    } finally {
      pc.close();
    }
  }
  // The video call: Chromium's end answers with its fake camera and
  // microphone; Firefox's page encodes VP8 and Opus with its WebCodecs.
  const { answerEncodedCall } = await import('/tests/e2e/pages/encoded-call.js');
  const port = { postMessage: (m) => send('media', m), onmessage: null };
  const call = answerEncodedCall(port, {
    nativeConfig: window.relayConfig('native', ports), wasmrtcConfig: window.relayConfig('wasmrtc', ports), seconds: 2,
  });
  on('media', ({ session, ...data }) => port.onmessage?.({ data }));
  send('media', { spawn: true });
  try {
    out.media = await within(call, 60000, 'the video call');
  } catch (e) {
    out.media = { error: String(e.message ?? e) };
  }
  return out;
}

if (INSIDE) {
  await withFirefox('firefox-reach.html', async ({ page, relay }) => (
    page.evaluate(chromiumSide, { ports: relay.ports, sessions: SESSIONS, sizes: SIZES })
  ), {
    prefs: { 'media.peerconnection.enabled': false },
    // Inside the namespace lo is the only network, which Chromium ignores
    // unless told: without this it gathers nothing, not even relay
    // candidates.
    chromiumArgs: ['--allow-loopback-in-peer-connection'],
  });
} else {
  test('Firefox ESR with WebRTC switched off: the classic shim, on the page and in workers, calls native Chromium; a video call of encoded frames', { timeout: 150000 }, async (t) => {
    if (!existsSync(join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'wasmrtc.shim.js'))) {
      const r = spawnSync('node', ['scripts/build-shim.mjs'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });
      assert.equal(r.status, 0, 'scripts/build-shim.mjs');
    }
    const r = await runInNamespace(t, FILE, 140000);
    if (!r) return;
    const dump = JSON.stringify(r, null, 1);
    assert.equal(r.error, undefined, dump);
    console.log(`# ${r.ready.userAgent}`);
    assert.equal(r.ready.hadRTCPeerConnection, false, 'media.peerconnection.enabled=false leaves no RTCPeerConnection');
    assert.equal(r.ready.shimmed, true, 'the classic shim defined it');
    for (const session of SESSIONS) {
      const s = r.sessions[session];
      assert.equal(s.error, undefined, `${session}: ${dump}`);
      assert.equal(s.global, session !== 'page', `${session} ran where it should`);
      assert.deepEqual(s.echoed, SIZES.map((size) => ({ size, same: true })), session);
      for (const type of ['candidate-pair', 'data-channel', 'peer-connection', 'transport']) {
        assert.ok(s.types.includes(type), `${session}: getStats has ${type}: ${s.types}`);
      }
      assert.equal(s.pairBytes, true, session);
      assert.equal(s.channelState, 'closed', session);
    }
    const { media } = r;
    assert.equal(media.error, undefined, `the video call: ${dump}`);
    for (const kind of ['video', 'audio']) {
      const s = media.streams[kind];
      console.log(`# Firefox's ${kind}: ${s.wasmrtcSent} sent, ${s.nativeReceived} through Chromium's transform (${s.nativeMatching} matching); Chromium sent ${s.nativeSent}, Firefox got ${s.wasmrtcReceived} (${s.wasmrtcMatching} matching, ${s.wasmrtcDropped} dropped); inbound ${JSON.stringify(media.inbound[kind])}`);
      assert.ok(s.nativeReceived >= s.wasmrtcSent * 0.8, `${kind}: Chromium got ${s.nativeReceived} of ${s.wasmrtcSent}`);
      assert.equal(s.nativeMatching, s.nativeReceived, `${kind}: frame bytes differ`);
      assert.ok(s.nativeSent > 0 && s.wasmrtcReceived >= s.nativeSent * 0.8, `${kind}: Firefox got ${s.wasmrtcReceived} of ${s.nativeSent}`);
      assert.equal(s.wasmrtcMatching, s.wasmrtcReceived, `${kind}: frame bytes differ`);
      assert.equal(s.wasmrtcFirstKey, true);
    }
    assert.ok(media.inbound.video.framesDecoded >= media.streams.video.wasmrtcSent * 0.8, JSON.stringify(media.inbound));
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
