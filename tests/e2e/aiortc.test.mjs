// wasmrtc against aiortc 1.16 (Python: aioice, its own SCTP, pyOpenSSL DTLS):
// wasmrtc in the page, aiortc in tests/e2e/aiortc_peer.py, both offer
// directions, each with wasmrtc trickling its candidates (aiortc's
// addIceCandidate) and with wasmrtc sending one complete localDescription
// after gathering ("non-trickle"). aiortc never trickles: it gathers, then
// sends one description with its candidates. In every case the data channel
// opens on both sides and aiortc echoes a string and binary messages, which
// the page checks byte for byte.
//
// Topology (DESIGN.md, "Testing topology: loopback only"): aiortc's only ICE
// server is the relay's TURN UDP listener on 127.0.0.1 with
// iceTransportPolicy 'relay'. Under that policy aioice 0.13 gathers no host
// candidates (it skips the interface addresses, and ignores remote mDNS
// names), and its TURN client socket is a UDP socket connected to the
// server's address: aiortc can send only to 127.0.0.1:relay (`ss -uanp`
// during a run shows just those sockets). No STUN server is configured, so
// aiortc's default (a public one) is never used. The peer script refuses to
// send a description with any other candidate, and the test checks aiortc's
// SDP too. wasmrtc reaches the same relay through its WebSocket tunnel.
//
// aiortc comes from `scripts/setup.sh` (.venv-aiortc); without it the test
// fails, it does not skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, relayAndPage } from './harness.mjs';

const PYTHON = join(ROOT, '.venv-aiortc', 'bin', 'python');
const PEER = join(ROOT, 'tests', 'e2e', 'aiortc_peer.py');
const TEXT = 'héllo ✓ 日本 🦀 from wasmrtc';
// One packet's worth, and 64 KiB, which SCTP fragments (aiortc offers
// a=max-message-size:262144).
const BINARY_LENGTHS = [1200, 64 * 1024];

const ctx = relayAndPage();

// Page → aiortc goes through one exposed function, routed to the running
// peer; aiortc → page through page.evaluate(window.fromAiortc).
// Exposed on first use, once relayAndPage's page exists.
let current = null;
let exposed = false;

/** Starts aiortc_peer.py; returns { send(m), next(type, ms), messages, close() }. */
function startAiortc({ offer, turnPort, page }) {
  assert.ok(existsSync(PYTHON), `aiortc is not installed: run scripts/setup.sh (looked for ${PYTHON})`);
  const args = [PEER, '--turn-port', String(turnPort), ...(offer ? ['--offer'] : [])];
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages = [];
  const waiters = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const settle = () => {
    for (const w of [...waiters]) {
      const m = messages.find(w.pred);
      if (m) { waiters.splice(waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(m); }
    }
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    let m;
    try { m = JSON.parse(line); } catch { m = { type: 'stdout', line }; }
    messages.push(m);
    if (m.type === 'offer' || m.type === 'answer') {
      page.evaluate((msg) => window.fromAiortc(msg), m).catch(() => {});
    }
    settle();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    messages,
    stderr: () => stderr,
    send(m) { if (child.exitCode === null) child.stdin.write(`${JSON.stringify(m)}\n`); },
    /** The first message matching `pred`, waiting up to `ms`. */
    next(what, pred, ms = 20000) {
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        w.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`aiortc: timed out waiting for ${what}; messages ${JSON.stringify(messages)}; stderr ${stderr.slice(-2000)}`));
        }, ms);
        waiters.push(w);
        settle();
      });
    },
    async close() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

// In the page (page.evaluate): wasmrtc's half of one session.
async function wasmrtcSide({ weOffer, trickle, ports, text, binaryLengths }) {
  const log = [];
  const t0 = performance.now();
  const note = (s) => log.push(`${(performance.now() - t0).toFixed(0)} ms ${s}`);
  const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}; log ${JSON.stringify(log)}`)), ms));
  const inbox = [];
  let wake = null;
  window.fromAiortc = (m) => { inbox.push(m); wake?.(); };
  const receive = async (type) => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0];
      await new Promise((r) => { wake = r; });
    }
  };
  const pc = new wasmrtc.RTCPeerConnection(relayConfig('wasmrtc', ports));
  const out = { log, trickled: 0 };
  try {
    for (const ev of ['connectionstatechange', 'iceconnectionstatechange', 'icegatheringstatechange', 'signalingstatechange']) {
      pc.addEventListener(ev, () => note(`${ev}: ${pc.connectionState}/${pc.iceConnectionState}/${pc.iceGatheringState}/${pc.signalingState}`));
    }
    // Trickled candidates wait until the description they belong to is sent.
    let described = false;
    const held = [];
    const signal = (m) => window.toAiortc(m);
    pc.onicecandidate = (e) => {
      if (!trickle) return;
      const m = { type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null };
      if (e.candidate) out.trickled += 1;
      if (described) signal(m); else held.push(m);
    };
    const gathered = () => (pc.iceGatheringState === 'complete' ? Promise.resolve()
      : new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    const sendDescription = async () => {
      if (!trickle) await Promise.race([gathered(), timeout(10000, 'wasmrtc gathering')]);
      const { type, sdp } = pc.localDescription;
      out.ourSdp = sdp;
      signal({ type, sdp });
      described = true;
      for (const m of held.splice(0)) signal(m);
    };

    let channel;
    if (weOffer) {
      channel = pc.createDataChannel('wasmrtc-echo');
      await pc.setLocalDescription();
      await sendDescription();
      const answer = await Promise.race([receive('answer'), timeout(20000, 'aiortc answer')]);
      out.theirSdp = answer.sdp;
      await pc.setRemoteDescription(answer);
    } else {
      const incoming = new Promise((r) => { pc.ondatachannel = (e) => r(e.channel); });
      const offer = await Promise.race([receive('offer'), timeout(20000, 'aiortc offer')]);
      out.theirSdp = offer.sdp;
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription();
      await sendDescription();
      channel = await Promise.race([incoming, timeout(20000, 'datachannel event')]);
    }
    if (channel.readyState !== 'open') {
      await Promise.race([new Promise((r) => channel.addEventListener('open', r, { once: true })), timeout(20000, 'channel open')]);
    }
    out.label = channel.label;
    note('channel open');
    channel.binaryType = 'arraybuffer';
    const echo = (data) => Promise.race([
      new Promise((r) => { channel.onmessage = (e) => r(e.data); channel.send(data); }),
      timeout(10000, 'echo'),
    ]);
    const textBack = await echo(text);
    out.textBack = textBack;
    out.binaryBack = [];
    for (const length of binaryLengths) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
      const back = await echo(bytes);
      const view = back instanceof ArrayBuffer ? new Uint8Array(back) : null;
      out.binaryBack.push({
        arrayBuffer: view !== null,
        length: view?.length,
        equal: view !== null && view.length === bytes.length && view.every((b, i) => b === bytes[i]),
      });
    }
    out.connectionState = pc.connectionState;
    return out;
  } catch (e) {
    out.error = String(e && e.stack || e);
    return out;
  } finally {
    pc.close();
  }
}

const candidateLines = (sdp) => sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));

for (const aiortcOffers of [false, true]) {
  for (const trickle of [true, false]) {
    const who = aiortcOffers ? 'aiortc offers, wasmrtc answers' : 'wasmrtc offers, aiortc answers';
    test(`${who}, wasmrtc ${trickle ? 'trickles' : 'does not trickle'}: channel opens, text and binary echo`, async () => {
      if (!exposed) {
        await ctx.page.exposeFunction('toAiortc', (m) => current?.send(m));
        exposed = true;
      }
      const peer = startAiortc({ offer: aiortcOffers, turnPort: ctx.relay.ports.udp, page: ctx.page });
      current = peer;
      try {
        const r = await ctx.page.evaluate(wasmrtcSide, {
          weOffer: !aiortcOffers, trickle, ports: ctx.relay.ports, text: TEXT, binaryLengths: BINARY_LENGTHS,
        });
        const detail = () => `\nwasmrtc: ${JSON.stringify(r.log)}\naiortc: ${JSON.stringify(peer.messages.filter((m) => !m.sdp))}\n${peer.stderr().slice(-2000)}`;
        const failed = peer.messages.find((m) => m.type === 'error');
        assert.equal(failed, undefined, `aiortc failed: ${JSON.stringify(failed)}; stderr ${peer.stderr().slice(-2000)}`);
        assert.equal(r.error, undefined, `${r.error}${detail()}`);

        // Both sides saw the channel open.
        const opened = await peer.next('channel open', (m) => m.type === 'open');
        const label = aiortcOffers ? 'aiortc-echo' : 'wasmrtc-echo';
        assert.equal(opened.label, label);
        assert.equal(r.label, label);
        assert.equal(r.connectionState, 'connected');

        // Echoed byte for byte, each message as its kind.
        assert.equal(r.textBack, TEXT);
        assert.deepEqual(r.binaryBack, BINARY_LENGTHS.map((length) => ({ arrayBuffer: true, length, equal: true })), detail());
        const echoed = peer.messages.filter((m) => m.type === 'echoed').map((m) => `${m.kind} ${m.length}`);
        assert.deepEqual(echoed, [`text ${Buffer.byteLength(TEXT)}`, ...BINARY_LENGTHS.map((n) => `binary ${n}`)], detail());

        // aiortc's one description: loopback relay candidates only.
        const theirs = candidateLines(r.theirSdp);
        assert.ok(theirs.length >= 1, `aiortc's description has candidates:\n${r.theirSdp}`);
        for (const l of theirs) assert.match(l, / 127\.0\.0\.1 \d+ typ relay/, l);

        // wasmrtc's: complete, or trickled.
        const ours = candidateLines(r.ourSdp);
        if (trickle) {
          assert.ok(r.trickled >= 1, `wasmrtc trickled candidates${detail()}`);
          // aiortc took each one, then end-of-candidates, last.
          await peer.next('end-of-candidates added', (m) => m.type === 'added' && m.end);
          const added = peer.messages.filter((m) => m.type === 'added').map((m) => m.end);
          assert.deepEqual(added, [...Array(r.trickled).fill(false), true], detail());
        } else {
          assert.equal(r.trickled, 0);
          assert.equal(peer.messages.filter((m) => m.type === 'added').length, 0);
          assert.ok(ours.length >= 1, `wasmrtc's localDescription has candidates:\n${r.ourSdp}`);
          assert.ok(r.ourSdp.includes('a=end-of-candidates'), r.ourSdp);
        }
        assert.deepEqual(ctx.page.errors, []);
      } finally {
        current = null;
        await peer.close();
      }
    });
  }
}
