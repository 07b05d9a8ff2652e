// wasmrtc against native headless Firefox ESR (usrsctp and NSS, not
// Chromium's dcSCTP and BoringSSL): a wasmrtc page in headless Chromium and
// a Firefox page (tests/e2e/pages/firefox.html) open an in-band data
// channel, Firefox echoes messages of several sizes (0 to 256 KiB, binary
// and non-ASCII text) which wasmrtc checks byte for byte, and one side
// closes; both see the close. Both directions: wasmrtc offering and wasmrtc
// closing, then Firefox offering and Firefox closing.
//
// Topology and the namespace: firefox-harness.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { INSIDE, runInNamespace, withFirefox } from './firefox-harness.mjs';

const FILE = fileURLToPath(import.meta.url);
const SIZES = [1, 1000, 16 * 1024, 64 * 1024, 256 * 1024];
const TEXT = 'héllo ✓ 日本 🦀';

// ---------------------------------------------------------------------------
// In the Chromium page (page.evaluate), once Firefox joined the room.

async function session({ session, ffOffers, closer, ports, sizes, text }) {
  const log = [];
  const t0 = performance.now();
  const note = (s) => log.push(`${(performance.now() - t0).toFixed(0)} ms ${s}`);
  const send = (m) => window.sig.ws.send(JSON.stringify({ session, ...m }));
  const ff = () => window.sig.all.filter((m) => m.session === session && m.type === 'ff');
  const waitFor = async (what, pred, ms = 15000) => {
    const start = performance.now();
    for (;;) {
      const v = pred();
      if (v) return v;
      if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const out = { session, ffOffers, closer, log };
  let pc;
  try {
    pc = new wasmrtc.RTCPeerConnection({ iceServers: [{ urls: `ws://127.0.0.1:${ports.http}/turn`, username: 'alice', credential: 'secret' }] });
    out.ourCandidates = [];
    out.theirCandidates = [];
    pc.onicecandidate = (e) => {
      if (e.candidate) out.ourCandidates.push(e.candidate.candidate);
      send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    for (const ev of ['connectionstatechange', 'iceconnectionstatechange', 'signalingstatechange']) {
      pc.addEventListener(ev, () => note(`wasmrtc ${ev}: ${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`));
    }
    const remoteDescriptions = [];
    const pending = [];
    const addCandidate = (c) => pc.addIceCandidate(c).catch((e) => note(`addIceCandidate(${c.candidate}) failed: ${e.name}: ${e.message}`));
    const setRemote = async (d) => {
      await pc.setRemoteDescription(d);
      for (const c of pending.splice(0)) addCandidate(c);
    };
    window.sig.handlers.set(session, (m) => {
      if (m.type === 'candidate' && m.candidate) {
        out.theirCandidates.push(m.candidate.candidate);
        // As a signaling channel that keeps order would: candidates that
        // overtake the description wait for it.
        if (pc.remoteDescription) addCandidate(m.candidate);
        else pending.push(m.candidate);
      } else if (m.type === 'description') {
        remoteDescriptions.push(m.description);
      } else if (m.type === 'ff') {
        note(`firefox ${m.what} ${JSON.stringify(Object.fromEntries(Object.entries(m).filter(([k]) => !['type', 'session', 'what', 't'].includes(k))))}`);
      }
    });
    let ch;
    const channel = ffOffers ? new Promise((resolve) => { pc.ondatachannel = (e) => resolve(e.channel); }) : null;
    send({ type: 'start', offer: ffOffers });
    if (!ffOffers) {
      ch = pc.createDataChannel('echo');
      await pc.setLocalDescription();
      out.ourSdp = pc.localDescription.sdp;
      send({ type: 'description', description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      const answer = await waitFor('Firefox answer', () => remoteDescriptions[0]);
      out.theirSdp = answer.sdp;
      await setRemote(answer);
    } else {
      const offer = await waitFor('Firefox offer', () => remoteDescriptions[0]);
      out.theirSdp = offer.sdp;
      await setRemote(offer);
      await pc.setLocalDescription();
      out.ourSdp = pc.localDescription.sdp;
      send({ type: 'description', description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      ch = await Promise.race([channel, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out waiting for the datachannel event')), 15000))]);
    }
    note('descriptions exchanged');
    ch.binaryType = 'arraybuffer';
    const events = [];
    ch.onclosing = () => events.push('wasmrtc closing');
    ch.onclose = () => events.push('wasmrtc close');
    ch.onerror = (e) => note(`wasmrtc channel error ${e.error?.name}: ${e.error?.message}`);
    const received = [];
    ch.onmessage = (e) => received.push(e.data);
    if (ch.readyState !== 'open') await waitFor('wasmrtc channel open', () => ch.readyState === 'open');
    note('wasmrtc channel open');
    await waitFor('Firefox channel open', () => ff().find((m) => m.what === 'open'));
    out.openMs = performance.now() - t0;
    out.channel = [ch.label, ch.id, ch.ordered, ch.protocol, ch.negotiated];
    out.maxMessageSize = pc.sctp?.maxMessageSize;
    // Binary messages of every size (deterministic bytes), the empty string,
    // a non-ASCII string and an empty ArrayBuffer.
    const bytes = (n) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    const sent = ['', ...sizes.map(bytes), text, new Uint8Array(0)];
    const e0 = performance.now();
    for (const m of sent) ch.send(m);
    try {
      await waitFor('echoes', () => received.length >= sent.length, 20000);
    } finally {
      out.echoMs = performance.now() - e0;
      out.echoed = received.map((d) => (typeof d === 'string' ? `str:${d.length}` : `bin:${d.byteLength}`));
    }
    out.mismatches = [];
    sent.forEach((m, i) => {
      const d = received[i];
      if (typeof m === 'string') {
        if (d !== m) out.mismatches.push(`#${i}: sent string ${JSON.stringify(m)}, got ${typeof d === 'string' ? JSON.stringify(d) : `binary ${d.byteLength}`}`);
      } else if (typeof d === 'string' || d.byteLength !== m.byteLength) {
        out.mismatches.push(`#${i}: sent ${m.byteLength} bytes, got ${typeof d === 'string' ? 'a string' : d.byteLength}`);
      } else {
        const back = new Uint8Array(d);
        const at = m.findIndex((v, j) => v !== back[j]);
        if (at >= 0) out.mismatches.push(`#${i}: ${m.byteLength} bytes differ first at ${at}`);
      }
    });
    out.received = received.length;
    out.sent = sent.length;
    // Close from one side; both see the close.
    const c0 = performance.now();
    if (closer === 'wasmrtc') ch.close();
    else send({ type: 'close' });
    await waitFor('close on both sides', () => events.includes('wasmrtc close') && ff().some((m) => m.what === 'close'), 10000);
    out.closeMs = performance.now() - c0;
    out.events = events;
    out.ffClose = ff().find((m) => m.what === 'close');
    out.states = [ch.readyState, pc.sctp?.state, pc.connectionState];
  } catch (e) {
    out.error = `${e.name}: ${e.message}`;
    out.states = [pc?.connectionState, pc?.iceConnectionState, pc?.sctp?.state];
  } finally {
    out.ff = ff().map(({ what, t, ...rest }) => `${what} ${JSON.stringify(rest)}`);
    send({ type: 'end' });
    pc?.close();
    window.sig.handlers.delete(session);
  }
  return out;
}

if (INSIDE) {
  await withFirefox('firefox.html', async ({ page, relay }) => {
    const sessions = [];
    for (const s of [{ session: 1, ffOffers: false, closer: 'wasmrtc' }, { session: 2, ffOffers: true, closer: 'firefox' }]) {
      sessions.push(await page.evaluate(session, { ...s, ports: relay.ports, sizes: SIZES, text: TEXT }));
    }
    return { sessions };
  });
} else {
  test('wasmrtc ↔ native Firefox ESR: open, echo 0 B–256 KiB, close (both offer directions)', { timeout: 120000 }, async (t) => {
    const r = await runInNamespace(t, FILE);
    if (!r) return;
    const dump = JSON.stringify(r, null, 1);
    assert.equal(r.error, undefined, dump);
    assert.equal(r.ready.gumError, undefined, dump);
    console.log(`# ${r.ready.userAgent}; Firefox joined ${r.firefoxStartMs.toFixed(0)} ms after launch`);
    for (const s of r.sessions) {
      const who = s.ffOffers ? 'Firefox offers' : 'wasmrtc offers';
      if (s.openMs !== undefined) {
        console.log(`# ${who}: channel open on both sides ${s.openMs.toFixed(0)} ms after the start; `
          + `${s.sent} echoes (${[0, ...SIZES].join(', ')} B, text) in ${s.echoMs?.toFixed(0)} ms; `
          + `${s.closer} closes, both closed in ${s.closeMs?.toFixed(0)} ms`);
      }
      assert.equal(s.error, undefined, `${who}: ${s.error}\n${dump}`);
      assert.deepEqual(s.mismatches, [], dump);
      assert.equal(s.received, s.sent, dump);
      assert.deepEqual(s.echoed, ['str:0', ...SIZES.map((n) => `bin:${n}`), `str:${TEXT.length}`, 'bin:0'], dump);
      assert.deepEqual(s.channel.slice(0, 1), ['echo'], dump);
      assert.equal(s.maxMessageSize >= 256 * 1024, true, dump);
      // closing fires only on the side that did not call close().
      assert.deepEqual(s.events, s.closer === 'wasmrtc' ? ['wasmrtc close'] : ['wasmrtc closing', 'wasmrtc close'], dump);
      assert.equal(s.ffClose.readyState, 'closed', dump);
      assert.equal(s.states[0], 'closed', dump);
      // Firefox never used anything but the loopback relay.
      // ("" is Firefox's end-of-candidates candidate.)
      assert.ok(s.theirCandidates.some((c) => c !== ''), dump);
      for (const c of s.theirCandidates.filter((x) => x !== '')) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, dump);
      // wasmrtc accepted every candidate Firefox sent, "" included.
      assert.deepEqual(s.log.filter((l) => l.includes('addIceCandidate')), [], dump);
    }
    assert.equal(r.sessions.length, 2, dump);
    assert.deepEqual(r.pageErrors, [], dump);
  });
}
