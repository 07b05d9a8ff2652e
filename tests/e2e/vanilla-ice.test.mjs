// Apps that do not trickle ("vanilla ICE"): each side waits for gathering to
// complete and sends its localDescription once, which must then carry the
// gathered candidates, a=end-of-candidates and the default candidate in its
// m= and c= lines (webrtc-pc §4.4.1, RFC 8839 §4.2.1.2). And createOffer /
// createAnswer resolve with a plain RTCSessionDescriptionInit the app may
// rewrite, as SDP-munging libraries (simple-peer's sdpTransform) do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

async function vanilla({ kinds, ports }) {
  const make = (kind) => new window[kind].RTCPeerConnection(relayConfig(kind, ports));
  const [a, b] = kinds.map(make);
  const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));
  const gathered = (pc) => (pc.iceGatheringState === 'complete' ? Promise.resolve()
    : new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
  const summary = (sdp) => {
    const m = sdp.split('\r\n').find((l) => l.startsWith('m='));
    const c = sdp.split('\r\n').find((l) => l.startsWith('c='));
    return {
      candidates: sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:')).length,
      endOfCandidates: sdp.includes('a=end-of-candidates'),
      port: Number(m.split(' ')[1]),
      connection: c,
    };
  };
  const dc = a.createDataChannel('vanilla');
  const remote = new Promise((resolve) => { b.ondatachannel = (e) => resolve(e.channel); });
  await a.setLocalDescription();
  await Promise.race([gathered(a), timeout(10000, 'offerer gathering')]);
  const offer = summary(a.localDescription.sdp);
  await b.setRemoteDescription({ type: 'offer', sdp: a.localDescription.sdp });
  await b.setLocalDescription();
  await Promise.race([gathered(b), timeout(10000, 'answerer gathering')]);
  const answer = summary(b.localDescription.sdp);
  await a.setRemoteDescription({ type: 'answer', sdp: b.localDescription.sdp });
  const rc = await Promise.race([remote, timeout(20000, 'datachannel')]);
  const opened = (ch) => (ch.readyState === 'open' ? Promise.resolve() : new Promise((r) => ch.addEventListener('open', r, { once: true })));
  await Promise.race([Promise.all([opened(dc), opened(rc)]), timeout(20000, 'open')]);
  rc.onmessage = (e) => rc.send(`echo ${e.data}`);
  const echoed = await Promise.race([new Promise((r) => { dc.onmessage = (e) => r(e.data); dc.send('hi'); }), timeout(10000, 'echo')]);
  a.close();
  b.close();
  return { offer, answer, echoed };
}

async function plainInit({ kind, ports }) {
  const pc = new window[kind].RTCPeerConnection(relayConfig(kind, ports));
  pc.createDataChannel('x');
  const offer = await pc.createOffer();
  const shape = (d) => ({ proto: Object.getPrototypeOf(d) === Object.prototype, keys: Object.keys(d).sort(), type: d.type });
  const offerShape = shape(offer);
  offer.sdp = offer.sdp.replace('a=', 'a=x-munged:1\r\na=');
  await pc.setLocalDescription({ type: 'offer', sdp: (await pc.createOffer()).sdp });
  const local = pc.localDescription;
  const { sdp } = local;
  let writable;
  try { local.sdp = 'x'; writable = local.sdp === 'x'; } catch { writable = 'threw'; }
  const other = new window[kind].RTCPeerConnection(relayConfig(kind, ports));
  await other.setRemoteDescription({ type: 'offer', sdp });
  const answer = await other.createAnswer();
  const answerShape = shape(answer);
  answer.sdp += '';
  pc.close();
  other.close();
  return { offerShape, answerShape, munged: offer.sdp.includes('x-munged'), localWritable: writable, localClass: local.constructor.name };
}

test('createOffer and createAnswer resolve with plain, writable dictionaries, as native', async () => {
  const native = await ctx.page.evaluate(plainInit, { kind: 'native', ports: ctx.relay.ports });
  const ours = await ctx.page.evaluate(plainInit, { kind: 'wasmrtc', ports: ctx.relay.ports });
  // Chromium's localDescription.sdp takes an assignment (its legacy IDL);
  // webrtc-pc makes RTCSessionDescription's attributes readonly, and so do we.
  assert.equal(native.localWritable, true);
  assert.equal(ours.localWritable, false);
  delete native.localWritable;
  delete ours.localWritable;
  assert.deepEqual(ours, native);
  assert.equal(ours.munged, true);
  assert.equal(ours.offerShape.proto, true);
});

for (const kinds of [['wasmrtc', 'native'], ['native', 'wasmrtc'], ['wasmrtc', 'wasmrtc']]) {
  test(`non-trickle: ${kinds[0]} offers, ${kinds[1]} answers, each sending one complete description`, async () => {
    const r = await ctx.page.evaluate(vanilla, { kinds, ports: ctx.relay.ports });
    assert.equal(r.echoed, 'echo hi');
    for (const [side, kind] of [[r.offer, kinds[0]], [r.answer, kinds[1]]]) {
      assert.ok(side.candidates >= 1, `${kind} description has candidates: ${JSON.stringify(side)}`);
      assert.notEqual(side.port, 9, `${kind} m= line names the default candidate: ${JSON.stringify(side)}`);
      assert.match(side.connection, /^c=IN IP4 127\.0\.0\.1$/, `${kind}: ${JSON.stringify(side)}`);
      if (kind === 'wasmrtc') assert.equal(side.endOfCandidates, true);
    }
  });
}
