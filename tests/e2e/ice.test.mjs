// ICE through the relay tunnel, in headless Chromium: wasmrtc to wasmrtc
// over a relay/relay pair, and wasmrtc to a native RTCPeerConnection (relay
// policy, through wasmrtc-relay's UDP listener) with wasmrtc controlling and
// controlled. Only ICE is asserted here: DTLS is not composed yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

// Runs in the page: two peers, trickling to each other, until both ICE
// agents are connected (or 20 s pass). `kinds` says which side is native;
// the first one offers (and controls).
async function connect({ kinds, ports }) {
  const make = (kind) => new window[kind].RTCPeerConnection(relayConfig(kind, ports));
  const [a, b] = kinds.map(make);
  const log = { a: [], b: [] };
  for (const [name, pc, other] of [['a', a, b], ['b', b, a]]) {
    pc.onicecandidate = (e) => {
      log[name].push(`icecandidate ${e.candidate ? e.candidate.type : 'null'}`);
      if (e.candidate) other.addIceCandidate(e.candidate).catch((err) => log[name].push(`addIceCandidate ${err.name}`));
    };
    pc.oniceconnectionstatechange = () => log[name].push(`ice ${pc.iceConnectionState}`);
    pc.onicegatheringstatechange = () => log[name].push(`gathering ${pc.iceGatheringState}`);
    pc.onicecandidateerror = (e) => log[name].push(`icecandidateerror ${e.errorCode} ${e.url}`);
  }
  a.createDataChannel('x');
  a.addTransceiver('audio');
  const start = performance.now();
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const connected = (pc) => ['connected', 'completed'].includes(pc.iceConnectionState);
  while (!(connected(a) && connected(b)) && performance.now() - start < 20000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - start;
  const describe = (pc, kind) => {
    if (kind === 'native') return { state: pc.iceConnectionState };
    const it = pc.getTransceivers()[0].sender.transport.iceTransport;
    const pair = it?.getSelectedCandidatePair();
    return {
      state: pc.iceConnectionState,
      transportState: it?.state,
      role: it?.role,
      pair: pair && [pair.local.type, pair.local.address, pair.remote.type, pair.remote.address],
      locals: it?.getLocalCandidates().length,
    };
  };
  const out = { elapsed, a: describe(a, kinds[0]), b: describe(b, kinds[1]), log };
  a.close();
  b.close();
  return out;
}

test('wasmrtc to wasmrtc through wasmrtc-relay: both connected over a relay/relay pair', async () => {
  const r = await ctx.page.evaluate(connect, { kinds: ['wasmrtc', 'wasmrtc'], ports: ctx.relay.ports });
  console.log(`# wasmrtc↔wasmrtc ICE connected in ${r.elapsed.toFixed(0)} ms`);
  assert.equal(r.a.state, 'connected', JSON.stringify(r));
  assert.equal(r.b.state, 'connected', JSON.stringify(r));
  assert.deepEqual(r.a.pair, ['relay', '127.0.0.1', 'relay', '127.0.0.1']);
  assert.deepEqual(r.b.pair, ['relay', '127.0.0.1', 'relay', '127.0.0.1']);
  assert.equal(r.a.role, 'controlling');
  assert.equal(r.b.role, 'controlled');
});

test('wasmrtc (controlling) to native Chromium: the native side reaches connected', async () => {
  const r = await ctx.page.evaluate(connect, { kinds: ['wasmrtc', 'native'], ports: ctx.relay.ports });
  console.log(`# wasmrtc→native ICE connected in ${r.elapsed.toFixed(0)} ms`);
  assert.equal(r.b.state, 'connected', JSON.stringify(r));
  assert.equal(r.a.state, 'connected', JSON.stringify(r));
  assert.equal(r.a.role, 'controlling');
});

test('native Chromium (controlling) to wasmrtc: the native side reaches connected', async () => {
  const r = await ctx.page.evaluate(connect, { kinds: ['native', 'wasmrtc'], ports: ctx.relay.ports });
  console.log(`# native→wasmrtc ICE connected in ${r.elapsed.toFixed(0)} ms`);
  assert.ok(['connected', 'completed'].includes(r.a.state), JSON.stringify(r));
  assert.equal(r.b.state, 'connected', JSON.stringify(r));
  assert.equal(r.b.role, 'controlled');
});

test('the same script gives the same order of ICE events with native and wasmrtc classes', async () => {
  const run = async ({ apiName, ports }) => {
    const api = window[apiName];
    const config = { ...relayConfig(apiName, ports), bundlePolicy: 'max-bundle' };
    const a = new api.RTCPeerConnection(config);
    const b = new api.RTCPeerConnection(config);
    const logs = { a: [], b: [] };
    const push = (name, entry) => {
      const log = logs[name];
      // How many candidates a relay yields differs; their order does not.
      if (!(entry === 'icecandidate candidate' && log[log.length - 1] === entry)) log.push(entry);
    };
    for (const [name, pc, other] of [['a', a, b], ['b', b, a]]) {
      pc.onicecandidate = (e) => {
        push(name, `icecandidate ${e.candidate ? 'candidate' : 'null'}`);
        if (e.candidate) other.addIceCandidate(e.candidate).catch((err) => push(name, `addIceCandidate ${err.name}`));
      };
      pc.onicegatheringstatechange = () => push(name, `icegatheringstatechange ${pc.iceGatheringState}`);
      pc.oniceconnectionstatechange = () => push(name, `iceconnectionstatechange ${pc.iceConnectionState}`);
      pc.onsignalingstatechange = () => push(name, `signalingstatechange ${pc.signalingState}`);
    }
    const watch = (name, pc) => {
      const t = pc.getTransceivers()[0].sender.transport.iceTransport;
      t.ongatheringstatechange = () => push(name, `transport gatheringstatechange ${t.gatheringState}`);
      t.onstatechange = () => push(name, `transport statechange ${t.state}`);
    };
    a.addTransceiver('audio');
    await a.setLocalDescription();
    watch('a', a);
    push('a', 'sLD resolved');
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    watch('b', b);
    push('b', 'sLD resolved');
    await a.setRemoteDescription(b.localDescription);
    const start = performance.now();
    const connected = (pc) => pc.iceConnectionState === 'connected';
    while (!(connected(a) && connected(b)) && performance.now() - start < 20000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    a.close();
    b.close();
    return logs;
  };
  const nativeLogs = await ctx.page.evaluate(run, { apiName: 'native', ports: ctx.relay.ports });
  const ours = await ctx.page.evaluate(run, { apiName: 'wasmrtc', ports: ctx.relay.ports });
  if (process.env.SHOW_LOG) console.log(JSON.stringify({ nativeLogs, ours }, null, 1));
  // Gathering and connectivity run concurrently, so how their chains
  // interleave depends on timing (native Chromium finishes gathering late),
  // and Chromium fires an RTCIceTransport's events and the peer
  // connection's in either order from run to run. Within each chain the
  // order is the API's, and must match.
  const chains = {
    gathering: /^(sLD resolved|icegatheringstatechange|icecandidate)/,
    connectivity: /^iceconnectionstatechange/,
    transportGathering: /^transport gatheringstatechange/,
    transportState: /^transport statechange/,
  };
  for (const side of ['a', 'b']) {
    for (const [chain, re] of Object.entries(chains)) {
      const pick = (log) => log.filter((e) => re.test(e));
      assert.deepEqual(pick(ours[side]), pick(nativeLogs[side]), `${side}: ${chain} events`);
    }
  }
});
