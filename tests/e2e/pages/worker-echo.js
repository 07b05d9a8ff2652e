// The worker side of tests/e2e/workers.test.mjs, shared by every kind of
// worker: `self.echoOver(port, RTCPeerConnection)` answers the page's
// {start: {config, sizes}} by offering a data channel to the page's peer
// (signalling over `port`), sending one message of each size, checking each
// echo byte for byte, reading getStats, closing the channel and the
// connection, and posting {result} (or {error}). A plain script, so a
// classic worker can importScripts it and a module worker import it.
self.echoOver = (port, RTCPeerConnection) => {
  const fill = (size, seed) => {
    const bytes = new Uint8Array(size);
    let x = seed | 1;
    for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; bytes[i] = x & 0xff; }
    return bytes;
  };
  const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const within = (promise, ms, what) => Promise.race([promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

  let pc;
  let gathered = 0;
  let added = 0;
  const run = async ({ config, sizes }) => {
    pc = new RTCPeerConnection(config);
    pc.onicecandidate = (e) => {
      if (e.candidate) gathered++;
      port.postMessage({ candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    const channel = pc.createDataChannel('echo');
    channel.binaryType = 'arraybuffer';
    const opened = new Promise((resolve) => { channel.onopen = resolve; });
    const echoes = [];
    let waiting = null;
    channel.onmessage = (e) => {
      echoes.push(new Uint8Array(e.data));
      if (waiting) waiting();
    };
    await pc.setLocalDescription(await pc.createOffer());
    port.postMessage({ offer: pc.localDescription.toJSON() });
    await within(opened, 20000, 'channel open').catch((e) => {
      throw new Error(`${e.message}: ice ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}, `
        + `${pc.connectionState}, ${pc.signalingState}, ${gathered} gathered, ${added} added`);
    });
    const echoed = [];
    for (const [i, size] of sizes.entries()) {
      const sent = fill(size, i + 1);
      const back = new Promise((resolve) => { waiting = resolve; });
      channel.send(sent);
      if (echoes.length === 0) await within(back, 20000, `echo of ${size} B`);
      const got = echoes.shift();
      echoed.push({ size, same: equal(got, sent) });
    }
    const stats = await pc.getStats();
    const types = new Set();
    let pair;
    stats.forEach((s) => {
      types.add(s.type);
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    const closed = new Promise((resolve) => { channel.onclose = resolve; });
    channel.close();
    await within(closed, 10000, 'channel close');
    pc.close();
    return {
      global: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope,
      echoed,
      types: [...types].sort(),
      pairBytes: pair ? pair.bytesSent > 0 && pair.bytesReceived > 0 : false,
      channelState: channel.readyState,
      signalingState: pc.signalingState,
    };
  };

  port.onmessage = async ({ data }) => {
    try {
      if (data.start) port.postMessage({ result: await run(data.start) });
      else if (data.answer) await pc.setRemoteDescription(data.answer);
      else if ('candidate' in data && data.candidate) {
        await pc.addIceCandidate(data.candidate);
        added++;
      }
    } catch (e) {
      port.postMessage({ error: `${e}\n${e && e.stack}` });
    }
  };
  port.postMessage({ ready: true });
};
