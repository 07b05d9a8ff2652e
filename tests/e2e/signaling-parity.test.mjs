// One script, run once with native Chromium's classes and once with
// wasmrtc's: the same signalingState values, signalingstatechange and
// negotiationneeded events, and the same exception names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

let browser;
let page;
before(async () => { browser = await launch(); page = await browser.page(); });
after(async () => { await browser?.close(); });

// Runs in the page with `api` = window.native or window.wasmrtc.
async function script(apiName) {
  const api = window[apiName];
  const config = apiName === 'native' ? NATIVE_SAFE_CONFIG : {};
  const log = [];
  const settle = () => new Promise((r) => setTimeout(r, 20));
  const make = (name) => {
    const pc = new api.RTCPeerConnection(config);
    pc.onsignalingstatechange = () => log.push(`${name} signalingstatechange ${pc.signalingState}`);
    pc.onnegotiationneeded = () => log.push(`${name} negotiationneeded`);
    return pc;
  };
  const attempt = async (label, fn) => {
    try {
      await fn();
      log.push(`${label}: ok`);
    } catch (e) {
      log.push(`${label}: ${e.name}`);
    }
  };
  const a = make('a');
  const b = make('b');
  log.push(`initial ${a.signalingState} ${b.signalingState}`);

  // Wrong state and bad descriptions before anything is negotiated.
  await attempt('createAnswer in stable', () => a.createAnswer());
  await attempt('sLD(rollback) in stable', () => a.setLocalDescription({ type: 'rollback' }));
  await attempt('sRD(rollback) in stable', () => a.setRemoteDescription({ type: 'rollback' }));
  await attempt('sRD(bogus type)', () => a.setRemoteDescription({ type: 'bogus', sdp: '' }));
  await attempt('sRD(no argument)', () => a.setRemoteDescription());
  await attempt('sRD(garbage offer)', () => a.setRemoteDescription({ type: 'offer', sdp: 'garbage' }));
  await attempt('sRD(answer) in stable', async () => b.setRemoteDescription({ type: 'answer', sdp: (await a.createOffer()).sdp }));
  await attempt('sLD(pranswer) in stable', () => a.setLocalDescription({ type: 'pranswer', sdp: '' }));
  await attempt('addIceCandidate without remote', () => a.addIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' }));
  await attempt('addTransceiver(bogus)', () => a.addTransceiver('bogus'));
  await attempt('createDataChannel(both limits)', () => a.createDataChannel('x', { maxPacketLifeTime: 1, maxRetransmits: 1 }));
  await settle();
  log.push(`after errors ${a.signalingState} ${b.signalingState}`);

  // First negotiation: a data channel and audio.
  a.createDataChannel('chat');
  a.addTransceiver('audio');
  await settle();
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  log.push(`a pending ${a.pendingLocalDescription?.type} current ${a.currentLocalDescription?.type}`);
  await attempt('a.createAnswer in have-local-offer', () => a.createAnswer());
  await attempt('a.sRD(offer garbage) in have-local-offer', () => a.setRemoteDescription({ type: 'answer', sdp: 'v=0' }));
  await b.setRemoteDescription(offer);
  log.push(`b remote pending ${b.pendingRemoteDescription?.type}`);
  await attempt('b.createOffer in have-remote-offer', async () => { await b.createOffer(); });
  await attempt('b.sLD(offer) in have-remote-offer', async () => b.setLocalDescription({ type: 'offer', sdp: offer.sdp }));
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  await settle();
  log.push(`negotiated ${a.signalingState} ${b.signalingState} ${a.getTransceivers().length} ${b.getTransceivers().length}`);
  log.push(`a current ${a.currentLocalDescription?.type} ${a.currentRemoteDescription?.type} pending ${a.pendingLocalDescription} ${a.pendingRemoteDescription}`);

  // Renegotiation triggers.
  a.addTransceiver('video');
  await settle();
  const t = a.getTransceivers()[0];
  t.direction = 'recvonly';
  await settle();
  log.push(`direction ${t.direction} current ${t.currentDirection}`);

  // Implicit setLocalDescription and rollback.
  await a.setLocalDescription();
  log.push(`implicit ${a.localDescription.type}`);
  await a.setLocalDescription({ type: 'rollback' });
  await settle();
  log.push(`rolled back ${a.signalingState} ${a.pendingLocalDescription}`);

  // Glare: both make offers; b's offer reaches a in have-local-offer
  // (implicit rollback), a answers it.
  b.addTransceiver('audio');
  await settle();
  const offerA = await a.createOffer();
  await a.setLocalDescription(offerA);
  const offerB = await b.createOffer();
  await b.setLocalDescription(offerB);
  await a.setRemoteDescription(offerB);
  log.push(`glare a ${a.signalingState}`);
  const answerA = await a.createAnswer();
  await a.setLocalDescription(answerA);
  await b.setRemoteDescription(answerA);
  await settle();
  log.push(`glare settled ${a.signalingState} ${b.signalingState}`);
  // a still wants its video: negotiationneeded fires again; negotiate it.
  const offer2 = await a.createOffer();
  await a.setLocalDescription(offer2);
  await b.setRemoteDescription(offer2);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await settle();
  log.push(`third round ${a.signalingState} ${b.signalingState} mids ${a.getTransceivers().map((x) => x.mid).join(',')} / ${b.getTransceivers().map((x) => x.mid).join(',')}`);
  log.push(`directions ${a.getTransceivers().map((x) => `${x.direction}/${x.currentDirection}`).join(',')}`);

  // Stopping, ICE restart.
  a.getTransceivers()[1].stop();
  await settle();
  a.restartIce();
  await settle();
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await settle();
  log.push(`after stop ${a.getTransceivers().length} ${b.getTransceivers().length} ${a.signalingState}`);

  // Closed.
  a.close();
  log.push(`closed ${a.signalingState}`);
  await attempt('createOffer after close', () => a.createOffer());
  await attempt('sLD after close', () => a.setLocalDescription());
  await attempt('addTransceiver after close', () => a.addTransceiver('audio'));
  await attempt('createDataChannel after close', () => a.createDataChannel('late'));
  await attempt('setConfiguration after close', () => a.setConfiguration({}));
  b.close();
  await settle();
  return log;
}

test('the same script gives the same signaling states, events and errors with native and wasmrtc classes', async () => {
  const nativeLog = await page.evaluate(script, 'native');
  const oursLog = await page.evaluate(script, 'wasmrtc');
  assert.deepEqual(oursLog, nativeLog);
});

test('constructor and setConfiguration validate RTCConfiguration as native does', async () => {
  const run = async (apiName) => {
    const api = window[apiName];
    const cases = [
      { iceServers: [{ urls: [] }] },
      { iceServers: [{ urls: 'http://example.com' }] },
      { iceServers: [{ urls: 'turn:127.0.0.1:3478' }] },
      { iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u' }] },
      { iceServers: [{ urls: 'stun:127.0.0.1:3478' }] },
      { iceServers: [{ urls: 'stun:127.0.0.1:3478?transport=udp' }] },
      { iceServers: [{ urls: 'not a url' }] },
      { iceServers: [{}] },
      { iceServers: 'x' },
      { iceTransportPolicy: 'bogus' },
      { bundlePolicy: 'bogus' },
      { rtcpMuxPolicy: 'negotiate' },
      { iceCandidatePoolSize: 256 },
      { certificates: [{}] },
      { bundlePolicy: 'max-bundle', iceTransportPolicy: 'relay' },
    ];
    const out = [];
    for (const c of cases) {
      try {
        const pc = new api.RTCPeerConnection(c);
        const conf = pc.getConfiguration();
        out.push(`ok ${conf.bundlePolicy} ${conf.iceTransportPolicy} ${conf.rtcpMuxPolicy} ${conf.iceCandidatePoolSize}`);
        pc.close();
      } catch (e) {
        out.push(e.name);
      }
    }
    const pc = new api.RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    for (const c of [{ bundlePolicy: 'balanced' }, { bundlePolicy: 'max-bundle', iceTransportPolicy: 'relay' }]) {
      try { pc.setConfiguration(c); out.push(`set ok ${pc.getConfiguration().iceTransportPolicy}`); } catch (e) { out.push(`set ${e.name}`); }
    }
    pc.close();
    return out;
  };
  const nativeOut = await page.evaluate(run, 'native');
  const ours = await page.evaluate(run, 'wasmrtc');
  assert.deepEqual(ours, nativeOut);
});

test('addTrack, removeTrack, replaceTrack and setStreams behave as native', async () => {
  const run = async (apiName) => {
    const api = window[apiName];
    const config = apiName === 'native' ? NATIVE_SAFE_CONFIG : {};
    const log = [];
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const [audio] = stream.getAudioTracks();
    const [video] = stream.getVideoTracks();
    const a = new api.RTCPeerConnection(config);
    const b = new api.RTCPeerConnection(config);
    a.onnegotiationneeded = () => log.push('a negotiationneeded');
    const attempt = async (label, fn) => {
      try { await fn(); log.push(`${label}: ok`); } catch (e) { log.push(`${label}: ${e.name}`); }
    };
    const describe = (pc) => pc.getTransceivers().map((t) => `${t.mid}:${t.direction}:${t.currentDirection}:${t.sender.track?.kind ?? '-'}`).join(' ');
    const negotiate = async () => {
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription);
      await settle();
    };
    const sender = a.addTrack(audio, stream);
    log.push(`addTrack: sender track ${sender.track === audio} senders ${a.getSenders().length} ${describe(a)}`);
    await attempt('addTrack twice', () => a.addTrack(audio, stream));
    await attempt('addTrack(not a track)', () => a.addTrack({}, stream));
    await settle();
    await negotiate();
    log.push(`negotiated a ${describe(a)} | b ${describe(b)}`);
    // A recvonly transceiver on b is reused by addTrack of the same kind.
    const bSender = b.addTrack(audio);
    log.push(`b reuses: ${b.getTransceivers().length} ${b.getTransceivers()[0].sender === bSender} ${describe(b)}`);
    await attempt('replaceTrack(wrong kind)', () => sender.replaceTrack(video));
    await attempt('replaceTrack(null)', () => sender.replaceTrack(null));
    log.push(`after replace null: ${sender.track}`);
    await attempt('replaceTrack(audio)', () => sender.replaceTrack(audio));
    await settle();
    sender.setStreams();
    await settle();
    await attempt('b.removeTrack(a sender)', () => b.removeTrack(sender));
    a.removeTrack(sender);
    log.push(`removed: ${sender.track} ${describe(a)}`);
    await settle();
    await negotiate();
    log.push(`renegotiated a ${describe(a)} | b ${describe(b)}`);
    a.addTrack(audio, stream);
    log.push(`re-added: ${a.getTransceivers().length} ${describe(a)}`);
    a.addTrack(video, stream);
    await settle();
    await negotiate();
    log.push(`final a ${describe(a)} | b ${describe(b)}`);
    a.close();
    await attempt('addTrack after close', () => a.addTrack(video));
    await attempt('removeTrack after close', () => a.removeTrack(sender));
    b.close();
    for (const t of stream.getTracks()) t.stop();
    return log;
  };
  const nativeLog = await page.evaluate(run, 'native');
  if (process.env.SHOW_LOG) console.log(nativeLog.join('\n'));
  const ours = await page.evaluate(run, 'wasmrtc');
  assert.deepEqual(ours, nativeLog);
});

test('track events, remote streams and their addtrack/removetrack events match native', async () => {
  const run = async (apiName) => {
    const api = window[apiName];
    const config = apiName === 'native' ? NATIVE_SAFE_CONFIG : {};
    const log = [];
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const other = new MediaStream();
    const [audio] = stream.getAudioTracks();
    const [video] = stream.getVideoTracks();
    // The offerer is native in both runs: only the answerer differs.
    const offerer = new native.RTCPeerConnection(NATIVE_SAFE_CONFIG);
    const answerer = new api.RTCPeerConnection(config);
    const seenStreams = new Set();
    answerer.ontrack = (e) => {
      log.push(`track ${e.track?.kind ?? e.transceiver.receiver.track?.kind} mid ${e.transceiver.mid} streams [${e.streams.map((s) => s.id === stream.id ? 'S' : s.id === other.id ? 'O' : '?').join(',')}] same-receiver ${e.receiver === e.transceiver.receiver} same-track ${e.track === e.receiver.track} state ${answerer.signalingState}`);
      for (const s of e.streams) {
        if (seenStreams.has(s)) continue;
        seenStreams.add(s);
        s.onaddtrack = (ev) => log.push(`addtrack ${ev.track.kind} to ${s.id === stream.id ? 'S' : 'O'}`);
        s.onremovetrack = (ev) => log.push(`removetrack ${ev.track.kind} from ${s.id === stream.id ? 'S' : 'O'} left ${s.getTracks().length}`);
      }
    };
    answerer.onsignalingstatechange = () => log.push(`state ${answerer.signalingState}`);
    const audioSender = offerer.addTrack(audio, stream, other);
    offerer.addTrack(video, stream);
    offerer.addTransceiver('audio');
    const negotiate = async () => {
      await offerer.setLocalDescription();
      await answerer.setRemoteDescription(offerer.localDescription);
      log.push('sRD resolved');
      await answerer.setLocalDescription();
      await offerer.setRemoteDescription(answerer.localDescription);
    };
    await negotiate();
    log.push(`receivers ${answerer.getReceivers().map((r) => `${r.track?.kind}:${r.track?.readyState}`).join(' ')}`);
    offerer.removeTrack(audioSender);
    await negotiate();
    offerer.getTransceivers()[1].stop();
    await negotiate();
    log.push(`after stop ${answerer.getTransceivers().length} ${answerer.getReceivers().map((r) => r.track?.readyState).join(' ')}`);
    answerer.close();
    log.push(`closed ${answerer.getReceivers().map((r) => r.track?.readyState).join(' ')}`);
    offerer.close();
    for (const t of stream.getTracks()) t.stop();
    return log;
  };
  const nativeLog = await page.evaluate(run, 'native');
  if (process.env.SHOW_LOG) console.log(nativeLog.join('\n'));
  const ours = await page.evaluate(run, 'wasmrtc');
  assert.deepEqual(ours, nativeLog);
});
