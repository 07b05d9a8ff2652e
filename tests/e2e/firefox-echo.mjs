import assert from 'node:assert/strict';

// The Chromium half of the Firefox tests whose wasmrtc peer runs in Firefox
// (pages/workers/echo-peer.js: in a worker, workers-firefox.test.mjs, or in
// a page with WebRTC switched off, firefox-disabled.test.mjs), for
// page.evaluate once Firefox joined the room: starts the session and, for
// peer 'room', answers its offer with a wasmrtc peer here that echoes;
// returns the echo peer's result. Its messages come as {type:'worker',
// message}.
export async function echoSession({ session, peer, ports, sizes }) {
  const send = (m) => window.sig.ws.send(JSON.stringify({ session, ...m }));
  const pc = peer === 'room' ? new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports)) : null;
  const theirCandidates = [];
  if (pc) {
    pc.onicecandidate = (e) => send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.ondatachannel = (e) => {
      const ch = e.channel;
      ch.binaryType = 'arraybuffer';
      ch.onmessage = (m) => ch.send(m.data);
    };
  }
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = window.sig.all.filter((m) => m.session === session).map((m) => m.message?.type ?? m.type);
        reject(new Error(`timed out waiting for the worker; from Firefox: ${seen.join(' ')}`));
      }, 30000);
      window.sig.handlers.set(session, async (envelope) => {
        if (envelope.type !== 'worker') return;
        const m = envelope.message;
        try {
          if (m.type === 'offer') {
            await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
            await pc.setLocalDescription();
            send({ type: 'answer', sdp: pc.localDescription.sdp });
          } else if (m.type === 'candidate' && m.candidate) {
            theirCandidates.push(m.candidate.candidate);
            await pc.addIceCandidate(m.candidate);
          } else if (m.type === 'result') {
            clearTimeout(timer);
            resolve({ theirCandidates, ...m });
          } else if (m.type === 'error') {
            clearTimeout(timer);
            reject(new Error(`in the Firefox worker: ${m.error}`));
          }
        } catch (err) {
          clearTimeout(timer);
          reject(err);
        }
      });
      send({ type: 'start', peer, config: relayConfig('wasmrtc', ports), sizes });
    });
  } finally {
    send({ type: 'end' });
    pc?.close();
    window.sig.handlers.delete(session);
  }
}

/** Checks an echo peer's result: wasmrtc (not a native class) echoed
 * `sizes` byte for byte, read its getStats, closed, and gathered only
 * relayed candidates on 127.0.0.1. */
export function checkEcho(w, sizes, dump) {
  assert.equal(w.nativeRTCPeerConnection, false, dump);
  assert.deepEqual(w.echoed, sizes, dump);
  assert.deepEqual(w.mismatches, [], dump);
  for (const type of ['certificate', 'data-channel', 'peer-connection', 'transport']) assert.ok(w.statsTypes.includes(type), dump);
  assert.equal(w.channelState, 'closed', dump);
  assert.ok(w.theirCandidates.length > 0, dump);
  for (const c of w.theirCandidates) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, dump);
}
