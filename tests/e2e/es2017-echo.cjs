// Run by tests/e2e/es2017.test.mjs in an old Node (no modules, no ES2020):
// loads dist/wasmrtc.es2017.js the way a classic <script> would, then two
// wasmrtc peers open a data channel through wasmrtc-relay (the WebSocket
// URL is argv[2]); one sends 0 B–256 KiB messages, the other echoes, the
// first checks them byte for byte, reads getStats and closes. Prints one
// JSON line. What a browser has and this Node lacks is supplied first:
// WebSocket (the ws package) and crypto.getRandomValues (Node's webcrypto).
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

global.WebSocket = require('ws');
if (!global.crypto) global.crypto = require('crypto').webcrypto;
vm.runInThisContext(fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'wasmrtc.es2017.js'), 'utf8'));

const config = { iceServers: [{ urls: process.argv[2], username: 'alice', credential: 'secret' }] };
const sizes = [0, 1, 1200, 64 * 1024, 256 * 1024];

function within(promise, ms, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out: ' + what)), ms))]);
}

async function main() {
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  a.onicecandidate = (e) => { if (e.candidate) b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate); };
  b.ondatachannel = (e) => {
    e.channel.binaryType = 'arraybuffer';
    e.channel.onmessage = (m) => e.channel.send(m.data);
  };
  const channel = a.createDataChannel('echo');
  channel.binaryType = 'arraybuffer';
  const echoes = [];
  let arrived = null;
  channel.onmessage = (m) => { echoes.push(new Uint8Array(m.data)); if (arrived) arrived(); };
  const opened = new Promise((resolve) => { channel.onopen = resolve; });
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  await within(opened, 20000, 'channel open');
  const echoed = [];
  for (let i = 0; i < sizes.length; i++) {
    const sent = new Uint8Array(sizes[i]).map((_, j) => (j * 31 + i) & 0xff);
    const back = new Promise((resolve) => { arrived = resolve; });
    channel.send(sent);
    if (echoes.length === 0) await within(back, 20000, 'echo of ' + sizes[i]);
    const got = echoes.shift();
    echoed.push({ size: sizes[i], same: got.length === sent.length && got.every((v, j) => v === sent[j]) });
  }
  const types = new Set();
  (await a.getStats()).forEach((s) => types.add(s.type));
  const closed = new Promise((resolve) => { channel.onclose = resolve; });
  channel.close();
  await within(closed, 10000, 'close');
  a.close();
  b.close();
  return { node: process.version, echoed, types: Array.from(types).sort(), state: channel.readyState };
}

main().then(
  (r) => { console.log(JSON.stringify(r)); process.exit(0); },
  (e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); process.exit(1); },
);
