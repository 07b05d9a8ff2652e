// getStats() for the data path: one data-channel scenario with native
// Chromium's classes and with wasmrtc's; every stats type and field native
// reports is present in wasmrtc's with the same JS type, and the counters
// match what the test sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

async function scenario({ apiName, ports }) {
  const api = window[apiName];
  const config = relayConfig(apiName, ports);
  const a = new api.RTCPeerConnection(config);
  const b = new api.RTCPeerConnection(config);
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const dc = a.createDataChannel('stats', { protocol: 'p' });
  let received = 0;
  b.ondatachannel = (e) => { e.channel.onmessage = () => { received += 1; }; };
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await new Promise((r) => { dc.onopen = r; });
  const payloads = ['hello', 'héllo', new Uint8Array(1000), new Uint8Array(70000).buffer, ''];
  for (const p of payloads) dc.send(p);
  const start = performance.now();
  while (received < payloads.length && performance.now() - start < 10000) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300));
  const shape = {};
  const stats = await a.getStats();
  const bStats = await b.getStats();
  stats.forEach((s) => {
    shape[s.type] ??= {};
    for (const [k, v] of Object.entries(s)) shape[s.type][k] = typeof v;
  });
  const one = (report, type) => [...report.values()].find((s) => s.type === type);
  const transport = one(stats, 'transport');
  const pair = transport && stats.get(transport.selectedCandidatePairId);
  const again = await a.getStats();
  const out = {
    shape,
    channel: one(stats, 'data-channel'),
    remoteChannel: one(bStats, 'data-channel'),
    pc: one(stats, 'peer-connection'),
    transport,
    pair,
    localCandidate: pair && stats.get(pair.localCandidateId),
    remoteCandidate: pair && stats.get(pair.remoteCandidateId),
    localCert: transport && stats.get(transport.localCertificateId),
    sameIds: [...stats.keys()].every((id) => again.has(id)),
    pairBytesLater: again.get(transport.selectedCandidatePairId)?.bytesSent,
    tag: Object.prototype.toString.call(stats),
  };
  a.close();
  b.close();
  return out;
}

test('getStats: the data path reports every type and field native Chromium does, with matching counters', async () => {
  const nativeR = await ctx.page.evaluate(scenario, { apiName: 'native', ports: ctx.relay.ports });
  const ours = await ctx.page.evaluate(scenario, { apiName: 'wasmrtc', ports: ctx.relay.ports });
  if (process.env.SHOW_LOG) console.log(JSON.stringify({ nativeR, ours }, null, 1));
  // Every type and field native has, with the same JS type.
  for (const [type, fields] of Object.entries(nativeR.shape)) {
    assert.ok(ours.shape[type], `type ${type} missing`);
    for (const [field, kind] of Object.entries(fields)) {
      assert.equal(ours.shape[type][field], kind, `${type}.${field}`);
    }
  }
  // Application-level counters are exact: 5 messages of 5 + 6 + 1000 + 70000 + 0 bytes.
  for (const r of [nativeR, ours]) {
    assert.equal(r.channel.messagesSent, 5);
    assert.equal(r.channel.bytesSent, 71011);
    assert.equal(r.remoteChannel.messagesReceived, 5);
    assert.equal(r.remoteChannel.bytesReceived, 71011);
    assert.equal(r.channel.label, 'stats');
    assert.equal(r.channel.protocol, 'p');
    assert.equal(r.channel.state, 'open');
    assert.equal(r.pc.dataChannelsOpened, 1);
    assert.equal(r.tag, '[object RTCStatsReport]');
    assert.equal(r.sameIds, true);
  }
  // Bytes on the wire: at least the payload, within the protocols' overhead
  // (STUN checks, DTLS handshake and records, SCTP headers, TURN framing).
  assert.ok(ours.pair.bytesSent >= 71011 && ours.pair.bytesSent < 71011 * 1.5 + 20000, `pair bytesSent ${ours.pair.bytesSent}`);
  assert.equal(ours.transport.bytesSent, ours.pair.bytesSent);
  assert.ok(ours.pairBytesLater >= ours.pair.bytesSent, 'counters are monotonic');
  assert.ok(ours.pair.currentRoundTripTime >= 0 && ours.pair.totalRoundTripTime > 0);
  // From SCTP's congestion window over its smoothed RTT.
  assert.ok(ours.pair.availableOutgoingBitrate > 0, `availableOutgoingBitrate ${ours.pair.availableOutgoingBitrate}`);
  assert.equal(ours.transport.dtlsState, 'connected');
  assert.equal(ours.transport.tlsVersion, 'FEFD');
  assert.match(ours.transport.dtlsCipher, /^TLS_ECDHE_/);
  assert.equal(ours.transport.dtlsRole, 'server');
  assert.equal(ours.transport.iceRole, 'controlling');
  assert.deepEqual([ours.localCandidate.candidateType, ours.localCandidate.address, ours.localCandidate.relayProtocol], ['relay', '127.0.0.1', 'tcp']);
  assert.deepEqual([ours.remoteCandidate.candidateType, ours.remoteCandidate.isRemote], ['relay', true]);
  assert.equal(ours.localCert.fingerprintAlgorithm, 'sha-256');
});
