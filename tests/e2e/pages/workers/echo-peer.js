// The wasmrtc end of tests/e2e/workers.test.mjs, run inside a worker: a
// plain script (no import or export) so that a classic worker can
// importScripts it and a module worker can import it. It defines
// self.startEchoPeer(api, port): `api` has RTCPeerConnection (the module's
// exports, or the worker's globals after the classic shim), `port` is the
// worker itself or a SharedWorker's MessagePort.
//
// Messages in: {type:'start', config, sizes}, {type:'answer', sdp},
// {type:'candidate', candidate}. Out: {type:'ready'} first (a module worker
// evaluates its imports, the wasm's compile included, before it listens:
// what the page posts earlier is lost), {type:'offer', sdp},
// {type:'candidate', candidate} (null at the end), {type:'state', state}
// (connectionState changes), {type:'result', ...} or {type:'error', error}.
self.startEchoPeer = (api, port) => {
  let pc;
  const post = (m) => port.postMessage(m);
  const bytes = (n) => new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);

  async function run({ config, sizes }) {
    const t0 = performance.now();
    pc = new api.RTCPeerConnection(config);
    pc.onicecandidate = (e) => post({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => post({ type: 'state', state: pc.connectionState });
    const ch = pc.createDataChannel('echo');
    ch.binaryType = 'arraybuffer';
    const received = [];
    ch.onmessage = (e) => received.push(e.data);
    const opened = new Promise((resolve) => { ch.onopen = resolve; });
    const closed = new Promise((resolve) => { ch.onclose = resolve; });
    await pc.setLocalDescription();
    post({ type: 'offer', sdp: pc.localDescription.sdp });
    await opened;
    const openMs = performance.now() - t0;
    const sent = sizes.map(bytes);
    for (const m of sent) ch.send(m);
    const start = performance.now();
    while (received.length < sent.length) {
      if (performance.now() - start > 20000) throw new Error(`${received.length} of ${sent.length} echoes`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const mismatches = [];
    sent.forEach((m, i) => {
      const back = new Uint8Array(received[i]);
      if (back.length !== m.length || m.some((v, j) => v !== back[j])) mismatches.push(`#${i}: sent ${m.length} bytes, got ${back.length}`);
    });
    const stats = await pc.getStats();
    const types = new Set();
    let transport = null;
    stats.forEach((s) => {
      types.add(s.type);
      if (s.type === 'transport') transport = { bytesSent: s.bytesSent, bytesReceived: s.bytesReceived };
    });
    ch.close();
    await closed;
    const result = {
      openMs, echoed: received.map((d) => d.byteLength), mismatches, statsTypes: [...types].sort(), transport,
      channelState: ch.readyState, connectionState: pc.connectionState,
      nativeRTCPeerConnection: api.RTCPeerConnection.toString().includes('[native code]'),
      // What the worker's own global has: nothing in a module worker, the
      // shim's class in the classic one.
      globalRTCPeerConnection: typeof self.RTCPeerConnection === 'undefined' ? 'none'
        : String(self.RTCPeerConnection).includes('[native code]') ? 'native' : 'wasmrtc',
    };
    pc.close();
    return result;
  }

  port.onmessage = async (e) => {
    const m = e.data;
    try {
      if (m.type === 'start') post({ type: 'result', ...(await run(m)) });
      else if (m.type === 'answer') await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      else if (m.type === 'candidate' && m.candidate) await pc.addIceCandidate(m.candidate);
    } catch (err) {
      post({ type: 'error', error: `${err.name}: ${err.message}` });
    }
  };
  post({ type: 'ready' });
};
