// restartIce() on a connected wasmrtc pair gathers anew and reconnects;
// cutting the relay (its WebSocket tunnels close) takes ICE to
// disconnected, then failed, on RFC 7675's timers; with the relay back on
// the same ports, an ICE restart reconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startRelay } from './harness.mjs';

let relay;
let browser;
let page;
before(async () => {
  relay = await startRelay();
  browser = await launch();
  page = await browser.page();
});
after(async () => {
  await browser?.close();
  await relay?.close();
});

// Page-side helpers, installed once: two wasmrtc peers on window.pair,
// trickling to each other, with a timestamped log of their ICE events.
async function setUp(ports) {
  const config = { iceServers: [{ urls: `ws://127.0.0.1:${ports.http}/turn`, username: 'alice', credential: 'secret' }] };
  const a = new wasmrtc.RTCPeerConnection(config);
  const b = new wasmrtc.RTCPeerConnection(config);
  const log = [];
  for (const [name, pc, other] of [['a', a, b], ['b', b, a]]) {
    pc.onicecandidate = (e) => {
      log.push({ t: performance.now(), what: `${name} icecandidate ${e.candidate ? e.candidate.usernameFragment : 'null'}` });
      if (e.candidate) other.addIceCandidate(e.candidate).catch(() => {});
    };
    pc.oniceconnectionstatechange = () => log.push({ t: performance.now(), what: `${name} ice ${pc.iceConnectionState}` });
    pc.onicegatheringstatechange = () => log.push({ t: performance.now(), what: `${name} gathering ${pc.iceGatheringState}` });
  }
  a.addTransceiver('audio');
  await a.setLocalDescription();
  a.getTransceivers()[0].sender.transport.iceTransport.onselectedcandidatepairchange = () => log.push({ t: performance.now(), what: 'a selectedcandidatepairchange' });
  await a.setLocalDescription({ type: 'rollback' });
  window.pair = { a, b, log };
  window.negotiate = async () => {
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
  };
  window.until = async (predicate, ms) => {
    const start = performance.now();
    while (!predicate() && performance.now() - start < ms) await new Promise((r) => setTimeout(r, 20));
    return predicate();
  };
  await window.negotiate();
  return window.until(() => a.iceConnectionState === 'connected' && b.iceConnectionState === 'connected', 20000);
}

test('restartIce() on a connected pair gathers anew and reconnects', async () => {
  assert.equal(await page.evaluate(setUp, relay.ports), true);
  const r = await page.evaluate(async () => {
    const { a, b, log } = window.pair;
    const ufragBefore = a.getTransceivers()[0].sender.transport.iceTransport.getLocalParameters().usernameFragment;
    const mark = log.length;
    a.restartIce();
    await window.negotiate();
    const ufragAfter = a.getTransceivers()[0].sender.transport.iceTransport.getLocalParameters().usernameFragment;
    // Reconnected: the new generation's pair is selected.
    const reconnected = await window.until(() => log.slice(mark).some((e) => e.what === 'a selectedcandidatepairchange')
      && a.iceConnectionState === 'connected' && b.iceConnectionState === 'connected', 20000);
    return { ufragBefore, ufragAfter, reconnected, events: log.slice(mark).map((e) => e.what) };
  });
  assert.notEqual(r.ufragAfter, r.ufragBefore);
  assert.equal(r.reconnected, true, JSON.stringify(r.events));
  assert.ok(r.events.includes('a gathering gathering'), JSON.stringify(r.events));
  assert.ok(r.events.includes(`a icecandidate ${r.ufragAfter}`));
  assert.ok(r.events.includes('b gathering gathering'));
});

test('cutting the relay disconnects, then fails; an ICE restart with the relay back reconnects', async () => {
  const cutAt = await page.evaluate(() => performance.now());
  const ports = relay.ports;
  await relay.close('SIGKILL');
  const states = await page.evaluate(async (cut) => {
    const { a, log } = window.pair;
    await window.until(() => a.iceConnectionState === 'failed', 45000);
    return log.filter((e) => e.t >= cut && e.what.startsWith('a ice ')).map((e) => ({ what: e.what, after: e.t - cut }));
  }, cutAt);
  console.log(`# after the cut: ${states.map((s) => `${s.what} at ${(s.after / 1000).toFixed(1)} s`).join(', ')}`);
  const disconnected = states.find((s) => s.what === 'a ice disconnected');
  const failed = states.find((s) => s.what === 'a ice failed');
  assert.ok(disconnected, JSON.stringify(states));
  assert.ok(failed, JSON.stringify(states));
  assert.ok(disconnected.after < 10000, `disconnected ${disconnected.after} ms after the cut`);
  // RFC 7675 §5.1: consent expires 30 s after the last response.
  assert.ok(failed.after > 20000 && failed.after < 40000, `failed ${failed.after} ms after the cut`);
  assert.ok(disconnected.after < failed.after);

  relay = await startRelay({ ports });
  const back = await page.evaluate(async () => {
    const { a, b, log } = window.pair;
    const mark = log.length;
    a.restartIce();
    await window.negotiate();
    // Reconnected: a pair of the new allocations is selected.
    const ok = await window.until(() => log.slice(mark).some((e) => e.what === 'a selectedcandidatepairchange')
      && a.iceConnectionState === 'connected' && b.iceConnectionState === 'connected', 20000);
    return { ok, a: a.iceConnectionState, b: b.iceConnectionState, events: log.slice(mark).map((e) => e.what) };
  });
  assert.equal(back.ok, true, JSON.stringify(back));
});
