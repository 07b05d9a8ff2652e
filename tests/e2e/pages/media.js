// The media end-to-end scenarios, run in a page that has `wasmrtc` and
// `relayConfig` (harness.html): encoded frames between a wasmrtc
// RTCPeerConnection and a native one (or another wasmrtc one) through
// wasmrtc-relay. Frames are compared by a hash of their bytes: what the
// sender handed over against what the receiver got, on the native side read
// by an encoded transform (RTCRtpScriptTransform in media-worker.js, else
// Chromium's createEncodedStreams).
import { frameHash } from './frame-hash.js';

export { frameHash };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 1900-01-01 to 1970-01-01, the NTP epoch to the Unix one. */
const NTP_UNIX_OFFSET_MS = 2208988800000;

const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

async function until(what, pred, ms = 15000) {
  const start = performance.now();
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// --- sources: frames encoded by this page's WebCodecs ---------------------

const VIDEO_CONFIG = {
  'video/VP8': { codec: 'vp8' },
  'video/VP9': { codec: 'vp09.00.10.08' },
  'video/H264': { codec: 'avc1.42001f', avc: { format: 'annexb' } },
  'video/AV1': { codec: 'av01.0.04M.08' },
};

const WIDTH = 320;
const HEIGHT = 240;

/** A VideoEncoder for `mimeType` at 320×240 and 30 fps, with the frame `i`
 * of a canvas pattern (colour blocks moving with a frame counter) to feed
 * it: `encode(i, keyFrame)`. Chunks go to `output`. */
function patternEncoder(mimeType, output) {
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const g = canvas.getContext('2d');
  const state = { error: null };
  const encoder = new VideoEncoder({ output, error: (e) => { state.error = e; } });
  encoder.configure({ ...VIDEO_CONFIG[mimeType], width: WIDTH, height: HEIGHT, bitrate: 500_000, framerate: 30, latencyMode: 'realtime' });
  state.encoder = encoder;
  state.encode = (i, keyFrame) => {
    g.fillStyle = `hsl(${(i * 7) % 360} 80% 50%)`;
    g.fillRect(0, 0, WIDTH, HEIGHT);
    for (let b = 0; b < 8; b++) {
      g.fillStyle = (i >> b) & 1 ? '#fff' : '#000';
      g.fillRect(b * 40, 200, 40, 40);
    }
    g.fillStyle = '#00f';
    g.fillRect((i * 5) % WIDTH, 40, 60, 60);
    const frame = new VideoFrame(canvas, { timestamp: Math.round((i * 1e6) / 30) });
    encoder.encode(frame, { keyFrame });
    frame.close();
  };
  return state;
}

function videoFrameOf(chunk) {
  const data = new Uint8Array(chunk.byteLength);
  chunk.copyTo(data);
  return { data, timestamp: chunk.timestamp, key: chunk.type === 'key', durationMs: 1000 / 30 };
}

/** `count` frames of the pattern, a key frame every 30 (these are encoded
 * ahead, so they cannot answer a PLI: keyFrameOnRequest does), at 30 fps
 * timestamps. */
export async function encodeVideo(mimeType, count) {
  const chunks = [];
  const source = patternEncoder(mimeType, (chunk) => chunks.push(chunk));
  for (let i = 0; i < count; i++) source.encode(i, i % 30 === 0);
  await source.encoder.flush();
  source.encoder.close();
  if (source.error) throw source.error;
  return chunks.map(videoFrameOf);
}

/** `count` 20 ms Opus frames of a 440 Hz tone. */
export async function encodeOpus(count) {
  const rate = 48000;
  const n = rate / 50;
  const chunks = [];
  let error = null;
  const encoder = new AudioEncoder({ output: (chunk) => chunks.push(chunk), error: (e) => { error = e; } });
  encoder.configure({ codec: 'opus', sampleRate: rate, numberOfChannels: 1, bitrate: 32000 });
  for (let i = 0; i < count; i++) {
    const samples = new Float32Array(n);
    for (let s = 0; s < n; s++) samples[s] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * n + s)) / rate);
    const data = new AudioData({ format: 'f32', sampleRate: rate, numberOfFrames: n, numberOfChannels: 1, timestamp: (i * 1e6) / 50, data: samples });
    encoder.encode(data);
    data.close();
  }
  await encoder.flush();
  encoder.close();
  if (error) throw error;
  return chunks.map((c) => {
    const data = new Uint8Array(c.byteLength);
    c.copyTo(data);
    return { data, timestamp: c.timestamp, key: true, durationMs: 20 };
  });
}

// G.711 (ITU-T G.711, as the reference encoders compute it from 16-bit PCM).
function muLaw(sample) {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, sample));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function aLaw(sample) {
  let s = Math.max(-32768, Math.min(32767, sample)) >> 3;
  let mask = 0xd5;
  if (s < 0) {
    mask = 0x55;
    s = -s - 1;
  }
  const seg = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff].findIndex((end) => s <= end);
  if (seg < 0) return 0x7f ^ mask;
  const value = (seg << 4) | ((s >> (seg < 2 ? 1 : seg)) & 0x0f);
  return value ^ mask;
}

/** `count` 20 ms G.711 frames (160 samples at 8 kHz) of a 440 Hz tone. */
export function encodeG711(mimeType, count) {
  const law = mimeType === 'audio/PCMU' ? muLaw : aLaw;
  const frames = [];
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(160);
    for (let s = 0; s < 160; s++) data[s] = law(Math.round(9000 * Math.sin((2 * Math.PI * 440 * (i * 160 + s)) / 8000)));
    frames.push({ data, timestamp: i * 20000, key: true, durationMs: 20 });
  }
  return frames;
}

async function encode(mimeType, count) {
  if (mimeType.startsWith('video/')) return encodeVideo(mimeType, count);
  if (mimeType === 'audio/opus') return encodeOpus(count);
  return encodeG711(mimeType, count);
}

// --- encoded transforms on the native peer ---------------------------------

const scriptTransform = typeof RTCRtpScriptTransform === 'function';

/** Watches the frames through a native sender or receiver of `mimeType`
 * (what a frame's metadata does not say); returns the list of their hashes
 * (and the bytes of the first `bytes`), filled in as they pass. */
export function tap(senderOrReceiver, side, mimeType, bytes = 0) {
  const seen = [];
  if (scriptTransform) {
    const worker = new Worker('/tests/e2e/pages/media-worker.js', { type: 'module' });
    worker.onmessage = (e) => seen.push(e.data);
    senderOrReceiver.transform = new RTCRtpScriptTransform(worker, { side, mimeType, bytes });
  } else {
    const { readable, writable } = senderOrReceiver.createEncodedStreams();
    readable.pipeThrough(new TransformStream({
      transform(frame, controller) {
        const copy = seen.length < bytes ? new Uint8Array(frame.data.slice(0)) : undefined;
        const type = frame.getMetadata?.().mimeType ?? mimeType;
        seen.push({ hash: frameHash(frame.data, type), type: frame.type ?? 'audio', mimeType: type, bytes: copy });
        controller.enqueue(frame);
      },
    })).pipeTo(writable);
  }
  return seen;
}

// Chromium decodes remote audio only while something plays it out.
const players = [];
export function playOut(receiver) {
  const element = new Audio();
  element.muted = true;
  element.srcObject = new MediaStream([receiver.track]);
  element.play().catch(() => {});
  players.push(element);
}

function nativeConfig(ports) {
  // Chromium's createEncodedStreams needs the flag at construction.
  return { ...relayConfig('native', ports), ...(scriptTransform ? {} : { encodedInsertableStreams: true }) };
}

function onlyCodec(transceiver, mimeType) {
  const { codecs } = RTCRtpReceiver.getCapabilities(transceiver.receiver.track.kind);
  let wanted = codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  // H.264: packetization-mode=1 only (the core fragments with FU-A), the
  // profile WebCodecs encodes (constrained baseline 42e01f) first.
  if (mimeType === 'video/H264') {
    wanted = wanted.filter((c) => /packetization-mode=1/.test(c.sdpFmtpLine ?? ''))
      .sort((a, b) => Number(/42e01f/.test(b.sdpFmtpLine)) - Number(/42e01f/.test(a.sdpFmtpLine)));
  }
  if (wanted.length === 0) throw new Error(`native peer has no ${mimeType}`);
  transceiver.setCodecPreferences(wanted);
}

function exchangeCandidates(a, b) {
  for (const [pc, other] of [[a, b], [b, a]]) {
    pc.onicecandidate = (e) => { if (e.candidate) other.addIceCandidate(e.candidate).catch(() => {}); };
  }
}

async function connected(w, n) {
  await until('both peers connected', () => w.connectionState === 'connected' && n.connectionState === 'connected', 20000);
}

/** Sends a sender's first frame: sendEncodedFrame throws until the
 * transport is keyed, so it is retried briefly. */
async function sendFirst(sender, frame, mimeType) {
  await until(`${mimeType} sender ready`, () => {
    try {
      wasmrtc.sendEncodedFrame(sender, frame, { mimeType });
      return true;
    } catch (e) {
      if (e.name !== 'InvalidStateError') throw e;
      return false;
    }
  });
}

/** Sends the frames of each stream at their own pace on its wasmrtc sender;
 * returns the hashes sent. */
export async function pace(streams) {
  return Promise.all(streams.map(async ({ sender, mimeType, frames }) => {
    await sendFirst(sender, frames[0], mimeType);
    const sent = [frameHash(frames[0].data, mimeType)];
    const start = performance.now();
    for (let i = 1; i < frames.length; i++) {
      const due = start + i * frames[i].durationMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      wasmrtc.sendEncodedFrame(sender, frames[i], { mimeType });
      sent.push(frameHash(frames[i].data, mimeType));
    }
    return sent;
  }));
}

/** The native receiver's inbound stats once its decoder has caught up:
 * 700 ms after the last frame, then until `frames` video frames are decoded
 * or the count stops rising for a second (at most 4 s more). The sender's
 * pacer can bunch frames up, and the receiver's jitter buffer then holds
 * decodable frames back for a while. */
async function settledInbound(n, frames) {
  await sleep(700);
  let stats = await nativeInbound(n);
  let last = -1;
  let still = 0;
  for (const start = performance.now(); performance.now() - start < 4000 && still < 4;) {
    const decoded = stats.video?.framesDecoded ?? 0;
    if (decoded >= frames) break;
    still = decoded === last ? still + 1 : 0;
    last = decoded;
    await sleep(250);
    stats = await nativeInbound(n);
  }
  return stats;
}

async function nativeInbound(n) {
  const out = {};
  (await n.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp') {
      out[s.kind] = {
        packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesDecoded: s.framesDecoded,
        keyFramesDecoded: s.keyFramesDecoded, framesDropped: s.framesDropped, totalSamplesReceived: s.totalSamplesReceived,
        concealedSamples: s.concealedSamples, decoderImplementation: s.decoderImplementation, codecId: s.codecId,
      };
    }
  });
  return out;
}

/** wasmrtc sends `codecs` (one video and/or one audio mime type), frames
 * this page encoded, to a native receiver; `wasmrtcOffers` picks who offers.
 * Returns the hashes sent and the native receiver's hashes and stats. */
export async function wasmrtcToNative({ ports, codecs, wasmrtcOffers, seconds = 3, samples = 0 }) {
  const w = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  const n = new RTCPeerConnection(nativeConfig(ports));
  exchangeCandidates(w, n);
  const kindOf = (mime) => mime.split('/')[0];
  const taps = {};
  try {
    const encoded = await Promise.all(codecs.map((m) => encode(m, Math.round((seconds * 1000) / (kindOf(m) === 'video' ? 1000 / 30 : 20)))));
    if (wasmrtcOffers) {
      for (const m of codecs) w.addTransceiver(kindOf(m), { direction: 'sendonly' });
      await w.setLocalDescription();
      await n.setRemoteDescription(w.localDescription);
      n.getTransceivers().forEach((t, i) => {
        onlyCodec(t, codecs[i]);
        taps[codecs[i]] = tap(t.receiver, 'receive', codecs[i], samples);
        playOut(t.receiver);
      });
      await n.setLocalDescription();
      await w.setRemoteDescription(n.localDescription);
    } else {
      for (const m of codecs) {
        const t = n.addTransceiver(kindOf(m), { direction: 'recvonly' });
        onlyCodec(t, m);
        taps[m] = tap(t.receiver, 'receive', m, samples);
        playOut(t.receiver);
      }
      await n.setLocalDescription();
      await w.setRemoteDescription(n.localDescription);
      for (const t of w.getTransceivers()) t.direction = 'sendonly';
      await w.setLocalDescription();
      await n.setRemoteDescription(w.localDescription);
    }
    await connected(w, n);
    const senders = w.getTransceivers().map((t) => t.sender);
    const negotiated = senders.map((s) => wasmrtc.negotiatedCodecs(s).map((c) => c.mimeType));
    const sent = await pace(codecs.map((mimeType, i) => ({ sender: senders[i], mimeType, frames: encoded[i] })));
    const video = codecs.findIndex((m) => kindOf(m) === 'video');
    const stats = await settledInbound(n, video < 0 ? 0 : sent[video].length);
    const result = { negotiated, stats, streams: {} };
    codecs.forEach((m, i) => {
      const got = taps[m].map((f) => f.hash);
      const sentSet = new Set(sent[i]);
      result.streams[m] = {
        sent: sent[i].length,
        received: got.length,
        matching: got.filter((h) => sentSet.has(h)).length,
        keyFramesSent: encoded[i].filter((f) => f.key).length,
        firstMismatch: got.find((h) => !sentSet.has(h)) ?? null,
        // The first `samples` frames both sides saw, as hex, to compare.
        samples: taps[m].slice(0, samples).map((f, j) => ({ sent: hex(encoded[i][j].data), received: hex(f.bytes) })),
      };
    });
    return result;
  } finally {
    players.splice(0).forEach((p) => { p.srcObject = null; });
    w.close();
    n.close();
  }
}

/** A native sender (the fake camera/microphone, --use-fake-device-for-media-stream)
 * sends `codecs` to wasmrtc; an encoded transform on the native sender
 * records each frame and wasmrtc's receiver must get the same bytes. */
export async function nativeToWasmrtc({ ports, codecs, wasmrtcOffers, seconds = 3 }) {
  const w = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  const n = new RTCPeerConnection(nativeConfig(ports));
  exchangeCandidates(w, n);
  const kindOf = (mime) => mime.split('/')[0];
  const media = await navigator.mediaDevices.getUserMedia({
    video: codecs.some((m) => kindOf(m) === 'video') ? { width: 320, height: 240, frameRate: 30 } : false,
    audio: codecs.some((m) => kindOf(m) === 'audio'),
  });
  const trackOf = (m) => media.getTracks().find((t) => t.kind === kindOf(m));
  const taps = {};
  const received = {};
  const listen = (m, receiver) => {
    received[m] = { frames: [], dropped: 0, keyFrames: 0, mimeTypes: new Set(), timed: 0, captureLag: null };
    const target = wasmrtc.encodedFrames(receiver);
    target.addEventListener('frame', (e) => {
      received[m].frames.push(frameHash(e.data, e.mimeType));
      received[m].mimeTypes.add(e.mimeType);
      if (e.keyFrame) received[m].keyFrames++;
      // The capture time is the sender's NTP clock (ms since 1900); the
      // native sender's is this machine's wall clock.
      if (e.captureTime !== null) {
        received[m].timed++;
        received[m].captureLag = Date.now() + NTP_UNIX_OFFSET_MS - e.captureTime;
      }
    });
    target.addEventListener('framedropped', () => { received[m].dropped++; });
  };
  try {
    if (wasmrtcOffers) {
      for (const m of codecs) listen(m, w.addTransceiver(kindOf(m), { direction: 'recvonly' }).receiver);
      await w.setLocalDescription();
      await n.setRemoteDescription(w.localDescription);
      for (const m of codecs) {
        // addTrack takes the transceiver the offer made (webrtc-pc §4.4.1.6).
        const sender = n.addTrack(trackOf(m), media);
        onlyCodec(n.getTransceivers().find((t) => t.sender === sender), m);
        taps[m] = tap(sender, 'send', m);
      }
      await n.setLocalDescription();
      await w.setRemoteDescription(n.localDescription);
    } else {
      for (const m of codecs) {
        const t = n.addTransceiver(trackOf(m), { direction: 'sendonly' });
        onlyCodec(t, m);
        taps[m] = tap(t.sender, 'send', m);
      }
      await n.setLocalDescription();
      await w.setRemoteDescription(n.localDescription);
      w.getTransceivers().forEach((t, i) => listen(codecs[i], t.receiver));
      await w.setLocalDescription();
      await n.setRemoteDescription(w.localDescription);
    }
    await connected(w, n);
    await sleep(seconds * 1000);
    const result = { streams: {}, outbound: {}, wasmrtcPackets: 0 };
    const report = await n.getStats();
    report.forEach((s) => {
      if (s.type === 'outbound-rtp') {
        result.outbound[s.kind] = {
          packetsSent: s.packetsSent, framesEncoded: s.framesEncoded, encoderImplementation: s.encoderImplementation,
          pliCount: s.pliCount, firCount: s.firCount, keyFramesEncoded: s.keyFramesEncoded, mimeType: report.get(s.codecId)?.mimeType,
        };
      }
    });
    (await w.getStats()).forEach((s) => { if (s.type === 'transport') result.wasmrtcPackets = s.packetsReceived; });
    for (const m of codecs) {
      // Frames still in flight at the end do not count against either side.
      const sent = taps[m].map((f) => f.hash);
      const got = received[m].frames;
      const sentSet = new Set(sent);
      result.streams[m] = {
        sent: sent.length,
        received: got.length,
        matching: got.filter((h) => sentSet.has(h)).length,
        dropped: received[m].dropped,
        keyFrames: received[m].keyFrames,
        mimeTypes: [...received[m].mimeTypes],
        firstMismatch: got.find((h) => !sentSet.has(h)) ?? null,
        timed: received[m].timed,
        captureLag: received[m].captureLag,
      };
    }
    return result;
  } finally {
    media.getTracks().forEach((t) => t.stop());
    w.close();
    n.close();
  }
}

/** wasmrtc sends `mimeType` video encoded live, one frame each 1/30 s, to a
 * native receiver, and answers every `keyframerequest` (the receiver's PLI
 * or FIR) by encoding the next frame as a key frame. The first key frame is
 * encoded but not sent, so the receiver starts on delta frames it cannot
 * decode: only a key frame it asks for lets it decode. Returns the requests
 * seen, the frames sent (which were key) and the native receiver's stats. */
export async function keyFrameOnRequest({ ports, mimeType = 'video/VP8', seconds = 3 }) {
  const w = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  const n = new RTCPeerConnection(nativeConfig(ports));
  exchangeCandidates(w, n);
  const chunks = [];
  const source = patternEncoder(mimeType, (chunk) => chunks.push(chunk));
  const next = async (i, keyFrame) => {
    source.encode(i, keyFrame);
    await until(`frame ${i} encoded`, () => chunks.length > 0 || source.error, 2000);
    if (source.error) throw source.error;
    return videoFrameOf(chunks.shift());
  };
  try {
    w.addTransceiver('video', { direction: 'sendonly' });
    await w.setLocalDescription();
    await n.setRemoteDescription(w.localDescription);
    const [transceiver] = n.getTransceivers();
    onlyCodec(transceiver, mimeType);
    const seen = tap(transceiver.receiver, 'receive', mimeType);
    await n.setLocalDescription();
    await w.setRemoteDescription(n.localDescription);
    await connected(w, n);
    const { sender } = w.getTransceivers()[0];
    const requests = [];
    let wanted = false;
    wasmrtc.keyFrameRequests(sender).addEventListener('keyframerequest', () => {
      requests.push(Math.round(performance.now()));
      wanted = true;
    });
    await next(0, true);
    const sent = [];
    const count = Math.round(seconds * 30);
    const start = performance.now();
    for (let i = 1; i < count; i++) {
      const wait = start + (i * 1000) / 30 - performance.now();
      if (wait > 0) await sleep(wait);
      const frame = await next(i, wanted);
      wanted = false;
      if (sent.length === 0) await sendFirst(sender, frame, mimeType);
      else wasmrtc.sendEncodedFrame(sender, frame, { mimeType });
      sent.push({ hash: frameHash(frame.data, mimeType), key: frame.key });
    }
    await sleep(700);
    const stats = await nativeInbound(n);
    let pliCount = 0;
    (await n.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') pliCount = s.pliCount; });
    const sentHashes = new Set(sent.map((f) => f.hash));
    return {
      requests: requests.length,
      sent: sent.length,
      keyFramesSent: sent.filter((f) => f.key).length,
      firstKeyFrame: sent.findIndex((f) => f.key),
      received: seen.length,
      matching: seen.filter((f) => sentHashes.has(f.hash)).length,
      pliCount,
      inbound: stats.video,
    };
  } finally {
    source.encoder.close();
    w.close();
    n.close();
  }
}

/** Two wasmrtc peers: frames this page encoded go from one to the other
 * through the relay, whole and byte for byte. */
export async function wasmrtcToWasmrtc({ ports, codecs, seconds = 2 }) {
  const a = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  const b = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  exchangeCandidates(a, b);
  const kindOf = (mime) => mime.split('/')[0];
  try {
    const encoded = await Promise.all(codecs.map((m) => encode(m, Math.round((seconds * 1000) / (kindOf(m) === 'video' ? 1000 / 30 : 20)))));
    for (const m of codecs) a.addTransceiver(kindOf(m), { direction: 'sendonly' });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    const got = codecs.map(() => []);
    b.getTransceivers().forEach((t, i) => {
      wasmrtc.encodedFrames(t.receiver).addEventListener('frame', (e) => {
        got[i].push({ hash: frameHash(e.data, e.mimeType), mimeType: e.mimeType, keyFrame: e.keyFrame, rtpTimestamp: e.rtpTimestamp });
      });
    });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    await until('both peers connected', () => a.connectionState === 'connected' && b.connectionState === 'connected', 20000);
    const senders = a.getTransceivers().map((t) => t.sender);
    const sent = await pace(codecs.map((mimeType, i) => ({ sender: senders[i], mimeType, frames: encoded[i] })));
    await sleep(500);
    return codecs.map((m, i) => ({
      mimeType: m,
      sent: sent[i],
      received: got[i].map((f) => f.hash),
      mimeTypes: [...new Set(got[i].map((f) => f.mimeType))],
      keyFramesSent: encoded[i].filter((f) => f.key).length,
      keyFramesReceived: got[i].filter((f) => f.keyFrame).length,
    }));
  } finally {
    a.close();
    b.close();
  }
}
