// A call of encoded frames between a wasmrtc peer and a native one, each
// end a function over a port (`postMessage(m)`, `onmessage`): a worker, or
// a session of the relay's signalling room. The wasmrtc end offers one
// sendrecv video and one sendrecv audio transceiver and sends VP8 and Opus
// its own WebCodecs encode (pages/media.js's sources); the native end
// answers with its camera and microphone, decodes, and taps both
// directions with encoded transforms so the frames compare by hash.
//
// Messages to the wasmrtc end: {type:'start', config, seconds},
// {type:'answer', sdp}, {type:'candidate', candidate}; from it:
// {type:'ready'}, {type:'offer', sdp}, {type:'candidate', candidate},
// {type:'result', sent, received} or {type:'error', error}.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The wasmrtc end, with the package's exports `wasmrtc` (which
 * pages/media.js also finds on the global). */
export function offerEncodedCall(wasmrtc, port) {
  let pc;
  const run = async ({ config, seconds }) => {
    const { encodeVideo, encodeOpus, frameHash, pace } = await import('/tests/e2e/pages/media.js');
    const frames = Promise.all([encodeVideo('video/VP8', seconds * 30), encodeOpus(seconds * 50)]);
    pc = new wasmrtc.RTCPeerConnection(config);
    pc.onicecandidate = (e) => port.postMessage({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
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
    port.postMessage({ type: 'offer', sdp: pc.localDescription.sdp });
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
  };
  port.onmessage = async (e) => {
    const m = e.data;
    try {
      if (m.type === 'start') port.postMessage({ type: 'result', ...(await run(m)) });
      else if (m.type === 'answer') await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      else if (m.type === 'candidate' && m.candidate) await pc.addIceCandidate(m.candidate);
    } catch (err) {
      port.postMessage({ type: 'error', error: `${err.name}: ${err.message}` });
    }
  };
  port.postMessage({ type: 'ready' });
}

/** The native end, on a page with getUserMedia: `nativeConfig` for its
 * RTCPeerConnection, `wasmrtcConfig` sent to the other end. Its handler is
 * on `port` before anything is awaited, so a message posted at once is not
 * lost. Resolves with what each side sent, received and matched. */
export function answerEncodedCall(port, { nativeConfig, wasmrtcConfig, seconds, timeoutMs = 30000 }) {
  const inbox = [];
  port.onmessage = (e) => inbox.push(e.data);
  return (async () => {
    const { tap, playOut } = await import('/tests/e2e/pages/media.js');
    const capture = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 }, audio: true });
    const pc = new (globalThis.native?.RTCPeerConnection ?? RTCPeerConnection)(nativeConfig);
    pc.onicecandidate = (e) => port.postMessage({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    const taps = { receive: {}, send: {} };
    const mime = { video: 'video/VP8', audio: 'audio/opus' };
    try {
      const result = await new Promise((resolve, reject) => {
        const seen = [];
        const timer = setTimeout(() => reject(new Error(`timed out waiting for the wasmrtc end (from it: ${seen.join(' ')}; native ${pc.connectionState})`)), timeoutMs);
        const handle = async (m) => {
          seen.push(m.type);
          try {
            if (m.type === 'ready') {
              port.postMessage({ type: 'start', config: wasmrtcConfig, seconds });
            } else if (m.type === 'offer') {
              await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
              for (const t of pc.getTransceivers()) {
                const kind = t.receiver.track.kind;
                taps.receive[kind] = tap(t.receiver, 'receive', mime[kind]);
                if (kind === 'audio') playOut(t.receiver);
                // addTrack takes the transceiver the offer made (webrtc-pc §4.4.1.6).
                const sender = pc.addTrack(capture.getTracks().find((x) => x.kind === kind), capture);
                taps.send[kind] = tap(sender, 'send', mime[kind]);
              }
              await pc.setLocalDescription();
              port.postMessage({ type: 'answer', sdp: pc.localDescription.sdp });
            } else if (m.type === 'candidate' && m.candidate) {
              await pc.addIceCandidate(m.candidate);
            } else if (m.type === 'result') {
              clearTimeout(timer);
              resolve(m);
            } else if (m.type === 'error') {
              clearTimeout(timer);
              reject(new Error(`at the wasmrtc end: ${m.error}`));
            }
          } catch (err) {
            clearTimeout(timer);
            reject(err);
          }
        };
        // One at a time and in order, as a signalling channel delivers.
        let queue = Promise.resolve();
        const enqueue = (m) => { queue = queue.then(() => handle(m)); };
        port.onmessage = (e) => enqueue(e.data);
        for (const m of inbox.splice(0)) enqueue(m);
      });
      const inbound = {};
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') inbound[s.kind] = { packetsReceived: s.packetsReceived, framesDecoded: s.framesDecoded };
      });
      const out = { inbound, streams: {} };
      for (const kind of ['video', 'audio']) {
        const toNative = taps.receive[kind].map((f) => f.hash);
        const sentSet = new Set(result.sent[kind]);
        const fromNative = new Set(taps.send[kind].map((f) => f.hash));
        const got = result.received[kind];
        out.streams[kind] = {
          wasmrtcSent: result.sent[kind].length,
          nativeReceived: toNative.length,
          nativeMatching: toNative.filter((h) => sentSet.has(h)).length,
          nativeSent: taps.send[kind].length,
          wasmrtcReceived: got.hashes.length,
          wasmrtcMatching: got.hashes.filter((h) => fromNative.has(h)).length,
          wasmrtcFirstKey: got.firstKey,
          wasmrtcDropped: got.dropped,
          wasmrtcMimeTypes: got.mimeTypes,
        };
      }
      return out;
    } finally {
      capture.getTracks().forEach((t) => t.stop());
      pc.close();
    }
  })();
}
