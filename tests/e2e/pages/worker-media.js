// A module worker for tests/e2e/workers-media.test.mjs: a wasmrtc
// peer that offers one sendrecv video and one sendrecv audio transceiver,
// sends VP8 and Opus frames this worker's WebCodecs encoded (pages/media.js's
// sources, which find `wasmrtc` on the global) and records the frames it
// receives by hash.
//
// Messages in: {type:'start', config, seconds}, {type:'answer', sdp},
// {type:'candidate', candidate}. Out: {type:'ready'}, {type:'offer', sdp},
// {type:'candidate', candidate}, {type:'result', sent, received} or
// {type:'error', error}.
import * as wasmrtc from '/js/index.js';

self.wasmrtc = wasmrtc;
const { encodeVideo, encodeOpus, frameHash, pace } = await import('/tests/e2e/pages/media.js');

let pc;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run({ config, seconds }) {
  const frames = Promise.all([encodeVideo('video/VP8', seconds * 30), encodeOpus(seconds * 50)]);
  pc = new wasmrtc.RTCPeerConnection(config);
  pc.onicecandidate = (e) => postMessage({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
  const received = {};
  const transceivers = ['video', 'audio'].map((kind) => {
    const t = pc.addTransceiver(kind, { direction: 'sendrecv' });
    const r = { hashes: [], firstKey: null, dropped: 0, mimeTypes: new Set() };
    received[kind] = r;
    const target = wasmrtc.encodedFrames(t.receiver);
    target.addEventListener('frame', (e) => {
      if (r.hashes.length === 0) r.firstKey = e.keyFrame;
      r.hashes.push(frameHash(e.data, e.mimeType));
      r.mimeTypes.add(e.mimeType);
    });
    target.addEventListener('framedropped', () => { r.dropped++; });
    return t;
  });
  await pc.setLocalDescription();
  postMessage({ type: 'offer', sdp: pc.localDescription.sdp });
  const start = performance.now();
  while (pc.connectionState !== 'connected') {
    if (performance.now() - start > 20000) throw new Error(`not connected: ${pc.connectionState}`);
    await sleep(10);
  }
  const [video, audio] = await frames;
  const sent = await pace([
    { sender: transceivers[0].sender, mimeType: 'video/VP8', frames: video },
    { sender: transceivers[1].sender, mimeType: 'audio/opus', frames: audio },
  ]);
  await sleep(700);
  const out = Object.fromEntries(Object.entries(received).map(([k, r]) => [k, { ...r, mimeTypes: [...r.mimeTypes] }]));
  pc.close();
  return { sent: { video: sent[0], audio: sent[1] }, received: out };
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'start') postMessage({ type: 'result', ...(await run(m)) });
    else if (m.type === 'answer') await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
    else if (m.type === 'candidate' && m.candidate) await pc.addIceCandidate(m.candidate);
  } catch (err) {
    postMessage({ type: 'error', error: `${err.name}: ${err.message}` });
  }
};
postMessage({ type: 'ready' });
