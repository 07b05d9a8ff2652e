// Signaling interop with native Chromium: each side's offers and answers are
// accepted by the other, and answered directions match what native gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

let browser;
let page;
before(async () => { browser = await launch(); page = await browser.page(); });
after(async () => { await browser?.close(); });

test('wasmrtc offer (data + audio + video) is accepted by native, and native answer by wasmrtc', async () => {
  const result = await page.evaluate(async () => {
    const ours = new wasmrtc.RTCPeerConnection();
    const theirs = new native.RTCPeerConnection(NATIVE_SAFE_CONFIG);
    ours.createDataChannel('chat');
    ours.addTransceiver('audio');
    ours.addTransceiver('video');
    const offer = await ours.createOffer();
    await ours.setLocalDescription(offer);
    await theirs.setRemoteDescription(offer);
    const answer = await theirs.createAnswer();
    await theirs.setLocalDescription(answer);
    await ours.setRemoteDescription(answer);
    const out = {
      ours: ours.signalingState, theirs: theirs.signalingState,
      mids: ours.getTransceivers().map((t) => t.mid),
      current: ours.getTransceivers().map((t) => t.currentDirection),
      nativeKinds: theirs.getTransceivers().map((t) => [t.mid, t.receiver.track.kind, t.currentDirection]),
      answerSdp: answer.sdp,
    };
    ours.close(); theirs.close();
    return out;
  });
  assert.equal(result.ours, 'stable');
  assert.equal(result.theirs, 'stable');
  assert.equal(new Set(result.mids).size, 2);
  assert.ok(result.mids.every((m) => typeof m === 'string'));
  // Native answers recvonly: it has no track to send.
  assert.deepEqual(result.current, ['sendonly', 'sendonly']);
  assert.deepEqual(result.nativeKinds, [[result.mids[0], 'audio', 'recvonly'], [result.mids[1], 'video', 'recvonly']]);
  assert.match(result.answerSdp, /m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel/);
});

test('native offer (data + audio + video) is answered by wasmrtc and the answer accepted by native', async () => {
  const result = await page.evaluate(async () => {
    const ours = new wasmrtc.RTCPeerConnection();
    const theirs = new native.RTCPeerConnection(NATIVE_SAFE_CONFIG);
    theirs.createDataChannel('chat');
    theirs.addTransceiver('audio');
    theirs.addTransceiver('video');
    const offer = await theirs.createOffer();
    await theirs.setLocalDescription(offer);
    await ours.setRemoteDescription(offer);
    const answer = await ours.createAnswer();
    await ours.setLocalDescription(answer);
    await theirs.setRemoteDescription(answer);
    const out = {
      ours: ours.signalingState, theirs: theirs.signalingState,
      ourTransceivers: ours.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
      theirTransceivers: theirs.getTransceivers().map((t) => [t.mid, t.currentDirection]),
      answerSdp: answer.sdp,
    };
    ours.close(); theirs.close();
    return out;
  });
  assert.equal(result.ours, 'stable');
  assert.equal(result.theirs, 'stable');
  const mids = result.theirTransceivers.map((t) => t[0]);
  assert.deepEqual(result.ourTransceivers, [[mids[0], 'recvonly', 'recvonly'], [mids[1], 'recvonly', 'recvonly']]);
  assert.deepEqual(result.theirTransceivers.map((t) => t[1]), ['sendonly', 'sendonly']);
  assert.match(result.answerSdp, /a=setup:active/);
});

test('offered directions are answered as native Chromium answers them', async () => {
  const result = await page.evaluate(async () => {
    const directions = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
    // Answerer behaviour: the same native offer answered by native and by wasmrtc.
    async function answerWith(Answerer, config) {
      const offerer = new native.RTCPeerConnection(NATIVE_SAFE_CONFIG);
      for (const d of directions) offerer.addTransceiver('audio', { direction: d });
      for (const d of directions) offerer.addTransceiver('video', { direction: d });
      const offer = await offerer.createOffer();
      await offerer.setLocalDescription(offer);
      const answerer = new Answerer.RTCPeerConnection(config);
      await answerer.setRemoteDescription(offer);
      // A transceiver with its direction changed before answering, as apps do.
      answerer.getTransceivers()[0].direction = 'sendrecv';
      const answer = await answerer.createAnswer();
      await answerer.setLocalDescription(answer);
      await offerer.setRemoteDescription(answer);
      const out = {
        answerer: answerer.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
        offerer: offerer.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
        answerDirections: answer.sdp.match(/a=(sendrecv|sendonly|recvonly|inactive)/g),
      };
      offerer.close(); answerer.close();
      return out;
    }
    // Offerer behaviour: wasmrtc's offer with each direction, answered by native.
    async function offerWith(Offerer, config) {
      const offerer = new Offerer.RTCPeerConnection(config);
      for (const d of directions) offerer.addTransceiver('audio', { direction: d });
      for (const d of directions) offerer.addTransceiver('video', { direction: d });
      const offer = await offerer.createOffer();
      await offerer.setLocalDescription(offer);
      const answerer = new native.RTCPeerConnection(NATIVE_SAFE_CONFIG);
      await answerer.setRemoteDescription(offer);
      const answer = await answerer.createAnswer();
      await answerer.setLocalDescription(answer);
      await offerer.setRemoteDescription(answer);
      const out = {
        offerer: offerer.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
        answerer: answerer.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection]),
        offerDirections: offer.sdp.match(/a=(sendrecv|sendonly|recvonly|inactive)/g),
      };
      offerer.close(); answerer.close();
      return out;
    }
    return {
      answerNative: await answerWith(native, NATIVE_SAFE_CONFIG),
      answerOurs: await answerWith(wasmrtc, {}),
      offerNative: await offerWith(native, NATIVE_SAFE_CONFIG),
      offerOurs: await offerWith(wasmrtc, {}),
    };
  });
  assert.deepEqual(result.answerOurs, result.answerNative);
  assert.deepEqual(result.offerOurs, result.offerNative);
});

test('getCapabilities lists a subset of native Chromium codecs, in the same shape', async () => {
  const result = await page.evaluate(() => {
    const key = (c) => `${c.mimeType}|${c.clockRate}|${c.channels ?? ''}|${c.sdpFmtpLine ?? ''}`;
    const out = {};
    for (const kind of ['audio', 'video']) {
      const ours = wasmrtc.RTCRtpSender.getCapabilities(kind);
      const theirs = native.RTCPeerConnection && RTCRtpSender.getCapabilities(kind);
      const nativeKeys = new Set(theirs.codecs.map(key));
      out[kind] = {
        ours: ours.codecs.map(key),
        missingFromNative: ours.codecs.map(key).filter((k) => !nativeKeys.has(k)),
        receiverSame: JSON.stringify(wasmrtc.RTCRtpReceiver.getCapabilities(kind)) === JSON.stringify(ours),
        extensionsInNative: ours.headerExtensions.every((e) => theirs.headerExtensions.some((n) => n.uri === e.uri)),
      };
    }
    out.bogus = [wasmrtc.RTCRtpSender.getCapabilities('data'), RTCRtpSender.getCapabilities('data')];
    return out;
  });
  for (const kind of ['audio', 'video']) {
    assert.deepEqual(result[kind].missingFromNative, [], kind);
    assert.ok(result[kind].receiverSame);
    assert.ok(result[kind].extensionsInNative);
  }
  assert.ok(result.audio.ours.includes('audio/opus|48000|2|minptime=10;useinbandfec=1'));
  assert.ok(result.video.ours.includes('video/VP8|90000||'));
  assert.deepEqual(result.bogus, [null, null]);
});
