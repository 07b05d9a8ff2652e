// DTLS over the relay tunnel, in headless Chromium: a native
// RTCPeerConnection's dtlsTransport and connectionState reach 'connected'
// with wasmrtc as DTLS server (wasmrtc offers actpass, native answers
// active) and as DTLS client; wasmrtc to wasmrtc likewise; a tampered
// fingerprint fails both sides with 'fingerprint-failure'. RSA
// certificates (RSASSA-PKCS1-v1_5): generateCertificate() gives native's
// shape and refusals, and a wasmrtc peer holding one connects to native
// Chromium in both DTLS roles (ECDHE_RSA as server).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { relayAndPage } from './harness.mjs';

const ctx = relayAndPage();

async function connect({ kinds, ports, tamper, rsa }) {
  const ours = relayConfig('wasmrtc', ports);
  let keygenMs;
  if (rsa) {
    const t = performance.now();
    ours.certificates = [await wasmrtc.RTCPeerConnection.generateCertificate(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' })];
    keygenMs = performance.now() - t;
  }
  const theirs = relayConfig('native', ports);
  const make = (kind) => (kind === 'native' ? new native.RTCPeerConnection(theirs) : new wasmrtc.RTCPeerConnection(ours));
  const [a, b] = kinds.map(make);
  const log = { a: [], b: [] };
  const errors = { a: [], b: [] };
  for (const [name, pc, other] of [['a', a, b], ['b', b, a]]) {
    pc.onicecandidate = (e) => e.candidate && other.addIceCandidate(e.candidate).catch(() => {});
    pc.onconnectionstatechange = () => log[name].push(`connection ${pc.connectionState}`);
  }
  a.addTransceiver('audio');
  // Flip one byte of the fingerprint the other side will check.
  const flip = (sdp) => sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/, (m, p, h) => p + (h === '00' ? '01' : '00'));
  await a.setLocalDescription();
  await b.setRemoteDescription(tamper === 'a' ? { type: 'offer', sdp: flip(a.localDescription.sdp) } : a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(tamper === 'b' ? { type: 'answer', sdp: flip(b.localDescription.sdp) } : b.localDescription);
  for (const [name, pc] of [['a', a], ['b', b]]) {
    const dtls = pc.getTransceivers()[0].sender.transport;
    dtls.addEventListener('statechange', () => log[name].push(`dtls ${dtls.state}`));
    dtls.addEventListener('error', (e) => errors[name].push(e.error?.errorDetail ?? e.error?.name ?? 'error'));
  }
  const done = (pc) => ['connected', 'failed'].includes(pc.connectionState);
  const start = performance.now();
  while (!(done(a) && done(b)) && performance.now() - start < 20000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  const describe = async (pc) => {
    const dtls = pc.getTransceivers()[0].sender.transport;
    const certs = dtls.getRemoteCertificates();
    const out = { connection: pc.connectionState, dtls: dtls.state, certificates: certs.length, certBytes: certs[0]?.byteLength ?? 0 };
    if (rsa && certs[0]) {
      out.remoteFingerprint = [...new Uint8Array(await crypto.subtle.digest('SHA-256', certs[0]))]
        .map((v) => v.toString(16).padStart(2, '0')).join(':');
    }
    if (rsa && pc instanceof native.RTCPeerConnection) {
      for (const stat of (await pc.getStats()).values()) if (stat.type === 'transport') out.dtlsCipher = stat.dtlsCipher;
    }
    return out;
  };
  const out = {
    elapsed: performance.now() - start, a: await describe(a), b: await describe(b), log, errors, keygenMs,
    configured: ours.certificates?.[0].getFingerprints()[0].value,
  };
  a.close();
  b.close();
  return out;
}

for (const [kinds, label] of [
  [['wasmrtc', 'native'], 'wasmrtc as DTLS server, native client'],
  [['native', 'wasmrtc'], 'wasmrtc as DTLS client, native server'],
  [['wasmrtc', 'wasmrtc'], 'wasmrtc to wasmrtc'],
]) {
  test(`DTLS connects: ${label}`, async () => {
    const r = await ctx.page.evaluate(connect, { kinds, ports: ctx.relay.ports });
    console.log(`# ${label}: connected in ${r.elapsed.toFixed(0)} ms`);
    for (const side of ['a', 'b']) {
      assert.equal(r[side].connection, 'connected', JSON.stringify(r));
      assert.equal(r[side].dtls, 'connected', JSON.stringify(r));
      assert.equal(r[side].certificates, 1);
      assert.ok(r[side].certBytes > 200);
    }
  });
}

// The side that checks the altered fingerprint fails with
// 'fingerprint-failure' (native Chromium fails too but fires no error
// event); its peer sees the handshake aborted ('dtls-failure').
for (const [kinds, tamper] of [
  [['wasmrtc', 'native'], 'a'], [['wasmrtc', 'native'], 'b'], [['native', 'wasmrtc'], 'a'],
  [['wasmrtc', 'wasmrtc'], 'a'], [['wasmrtc', 'wasmrtc'], 'b'],
]) {
  test(`a tampered fingerprint fails both sides: ${kinds.join(' to ')}, ${tamper === 'a' ? "offer's" : "answer's"} fingerprint altered`, async () => {
    const r = await ctx.page.evaluate(connect, { kinds, ports: ctx.relay.ports, tamper });
    if (process.env.SHOW_LOG) console.log(JSON.stringify(r));
    const [checker, other] = tamper === 'a' ? ['b', 'a'] : ['a', 'b'];
    const kindOf = { a: kinds[0], b: kinds[1] };
    for (const side of ['a', 'b']) {
      assert.equal(r[side].connection, 'failed', JSON.stringify(r));
      assert.equal(r[side].dtls, 'failed', JSON.stringify(r));
    }
    if (kindOf[checker] === 'wasmrtc') assert.deepEqual(r.errors[checker], ['fingerprint-failure'], JSON.stringify(r));
    if (kindOf[other] === 'wasmrtc') assert.deepEqual(r.errors[other], ['dtls-failure'], JSON.stringify(r));
  });
}

// The RSA certificate wasmrtc was configured with is the one the native
// side sees, whichever side is the DTLS server.
for (const [kinds, label] of [
  [['wasmrtc', 'native'], 'wasmrtc (RSA certificate) as DTLS server, native client'],
  [['native', 'wasmrtc'], 'wasmrtc (RSA certificate) as DTLS client, native server'],
]) {
  test(`DTLS connects: ${label}`, async () => {
    const r = await ctx.page.evaluate(connect, { kinds, ports: ctx.relay.ports, rsa: true });
    const nativeSide = kinds[0] === 'native' ? 'a' : 'b';
    console.log(`# ${label}: RSA-2048 keygen in wasm ${r.keygenMs.toFixed(0)} ms; connected in ${r.elapsed.toFixed(0)} ms; native's dtlsCipher ${r[nativeSide].dtlsCipher}`);
    for (const side of ['a', 'b']) {
      assert.equal(r[side].connection, 'connected', JSON.stringify(r));
      assert.equal(r[side].dtls, 'connected', JSON.stringify(r));
      assert.equal(r[side].certificates, 1);
    }
    assert.equal(r[nativeSide].remoteFingerprint, r.configured);
    // As server our RSA key picks an ECDHE_RSA suite; as client the suite
    // follows native's own (ECDSA) certificate.
    assert.match(r[nativeSide].dtlsCipher, kinds[0] === 'wasmrtc' ? /^TLS_ECDHE_RSA_WITH_/ : /^TLS_ECDHE_ECDSA_WITH_/);
  });
}

test('RSA generateCertificate() has native Chromium\'s shape, parameter checks and errors', async () => {
  const r = await ctx.page.evaluate(async () => {
    const rsa = (extra) => ({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256', ...extra });
    const shape = async (api) => {
      const t = performance.now();
      const cert = await api.RTCPeerConnection.generateCertificate(rsa({}));
      const keygenMs = performance.now() - t;
      const fps = cert.getFingerprints();
      const short = await api.RTCPeerConnection.generateCertificate(rsa({ expires: 3600000 }));
      const outcome = async (algorithm) => {
        try { await api.RTCPeerConnection.generateCertificate(algorithm); return 'ok'; } catch (e) { return e?.name ?? String(e); }
      };
      const u8 = (...bytes) => new Uint8Array(bytes);
      const cases = {
        lowercaseName: rsa({ name: 'rsassa-pkcs1-v1_5' }),
        hashObject: rsa({ hash: { name: 'SHA-256' } }),
        hashLowercase: rsa({ hash: 'sha-256' }),
        modulus1024: rsa({ modulusLength: 1024 }),
        modulus1025: rsa({ modulusLength: 1025 }),
        modulus1023: rsa({ modulusLength: 1023 }),
        modulus8193: rsa({ modulusLength: 8193 }),
        exponentLeadingZeros: rsa({ publicExponent: u8(0, 0, 1, 0, 1) }),
        exponent3: rsa({ publicExponent: u8(3) }),
        exponent17: rsa({ publicExponent: u8(17) }),
        exponent2049: rsa({ publicExponent: u8(8, 1) }),
        exponent2048: rsa({ publicExponent: u8(8, 0) }),
        exponentEmpty: rsa({ publicExponent: u8() }),
        exponent5Bytes: rsa({ publicExponent: u8(1, 0, 0, 0, 1) }),
        exponentIntMax: rsa({ publicExponent: u8(0x7f, 0xff, 0xff, 0xff) }),
        exponentUintMax: rsa({ publicExponent: u8(0xff, 0xff, 0xff, 0xff) }),
        exponentArray: rsa({ publicExponent: [1, 0, 1] }),
        sha1: rsa({ hash: 'SHA-1' }),
        sha384: rsa({ hash: 'SHA-384' }),
        noHash: rsa({ hash: undefined }),
        noExponent: rsa({ publicExponent: undefined }),
        noModulus: rsa({ modulusLength: undefined }),
        nameOnly: 'RSASSA-PKCS1-v1_5',
        pss: rsa({ name: 'RSA-PSS' }),
      };
      const outcomes = {};
      for (const [name, algorithm] of Object.entries(cases)) outcomes[name] = await outcome(algorithm);
      return {
        keygenMs,
        shape: {
          tag: Object.prototype.toString.call(cert),
          expiresType: typeof cert.expires,
          days: Math.round((cert.expires - Date.now()) / 86400000),
          fingerprints: fps.map((f) => [f.algorithm, /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/.test(f.value)]),
          sameEachCall: JSON.stringify(cert.getFingerprints()) === JSON.stringify(fps) && cert.getFingerprints() !== fps,
          expiring: Math.round((short.expires - Date.now()) / 60000),
          outcomes,
        },
      };
    };
    return { native: await shape(native), ours: await shape(wasmrtc) };
  });
  console.log(`# RSA-2048 generateCertificate: native ${r.native.keygenMs.toFixed(0)} ms, wasmrtc ${r.ours.keygenMs.toFixed(0)} ms`);
  assert.deepEqual(r.ours.shape, r.native.shape);
});

test('generateCertificate() gives what native Chromium gives, and DTLS uses the configured certificate', async () => {
  const r = await ctx.page.evaluate(async (ports) => {
    const shape = async (api) => {
      const cert = await api.RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
      const fps = cert.getFingerprints();
      const days = (cert.expires - Date.now()) / 86400000;
      let expiring;
      try {
        const short = await api.RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256', expires: 3600000 });
        expiring = Math.round((short.expires - Date.now()) / 60000);
      } catch (e) { expiring = e.name; }
      let bad;
      try { await api.RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-384x' }); bad = 'ok'; } catch (e) { bad = e.name; }
      return {
        tag: Object.prototype.toString.call(cert),
        expiresType: typeof cert.expires,
        days: Math.round(days),
        fingerprints: fps.map((f) => [f.algorithm, /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/.test(f.value)]),
        sameEachCall: JSON.stringify(cert.getFingerprints()) === JSON.stringify(fps) && cert.getFingerprints() !== fps,
        expiring,
        bad,
      };
    };
    // The certificate given in RTCConfiguration is the one the peer's DTLS
    // presents: the native side sees its fingerprint.
    const cert = await wasmrtc.RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const ours = new wasmrtc.RTCPeerConnection({ ...relayConfig('wasmrtc', ports), certificates: [cert] });
    const theirs = new native.RTCPeerConnection(relayConfig('native', ports));
    ours.onicecandidate = (e) => e.candidate && theirs.addIceCandidate(e.candidate);
    theirs.onicecandidate = (e) => e.candidate && ours.addIceCandidate(e.candidate);
    ours.addTransceiver('audio');
    await ours.setLocalDescription();
    await theirs.setRemoteDescription(ours.localDescription);
    await theirs.setLocalDescription();
    await ours.setRemoteDescription(theirs.localDescription);
    const start = performance.now();
    while (theirs.connectionState !== 'connected' && performance.now() - start < 20000) await new Promise((res) => setTimeout(res, 20));
    const der = theirs.getTransceivers()[0].sender.transport.getRemoteCertificates()[0];
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', der))].map((v) => v.toString(16).padStart(2, '0')).join(':');
    const sdpFingerprint = ours.localDescription.sdp.match(/a=fingerprint:sha-256 (\S+)/)[1].toLowerCase();
    ours.close();
    theirs.close();
    return {
      native: await shape(native), ours: await shape(wasmrtc),
      seen: digest, configured: cert.getFingerprints()[0].value, sdpFingerprint,
    };
  }, ctx.relay.ports);
  assert.deepEqual(r.ours, r.native);
  assert.equal(r.seen, r.configured);
  assert.equal(r.sdpFingerprint, r.configured);
});
