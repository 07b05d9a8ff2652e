// The demo app: two tabs on one room find each other through the relay's
// /signal/<room>, negotiate (perfect negotiation), and get a chat channel, a
// file channel, and a live panel of states and charts.
//
// URL parameters (all optional):
//   room=NAME          the signaling room (a random one is made and put in the URL)
//   impl=wasmrtc|native  whose RTCPeerConnection to use (default wasmrtc)
//   turn=PORT          the relay's TURN UDP port, for impl=native (default 3478)
//   user=, credential= TURN credentials (default alice / secret)
//
// wasmrtc reaches the relay at ws(s)://<this page's host>/turn; native
// WebRTC uses turn:<this page's hostname>:<turn>?transport=udp with
// iceTransportPolicy 'relay', so it only ever offers relay candidates.
//
// Signaling (JSON text messages; the relay forwards each to the room's other
// members and says nothing on join or leave):
//   hello {from}            sent on joining
//   welcome {from,to}       a member already there answers a hello
//   ready {from,to}         the newcomer (polite) tells the first member (impolite) to start
//   bye {from}              sent on leaving (pagehide)
//   description / candidate {from,to}   perfect negotiation
// The member that joined first is impolite and creates the channels. If two
// hellos cross (both joined at once), the larger id is polite.

const $ = (id) => document.getElementById(id);

const CHUNK = 64 * 1024;
const BUFFER_HIGH = 4 * 1024 * 1024; // stop queueing above this...
const BUFFER_LOW = 1024 * 1024; // ...and resume at bufferedamountlow
const HASH_LIMIT = 512 * 1024 * 1024; // files larger than this are not hashed
const SAMPLE_MS = 500;
const WINDOW_MS = 60_000;

const params = new URLSearchParams(location.search);
let room = params.get('room');
if (!room) {
  room = Math.random().toString(36).slice(2, 8);
  params.set('room', room);
  history.replaceState(null, '', `?${params}`);
}
const impl = params.get('impl') === 'native' ? 'native' : 'wasmrtc';
const user = params.get('user') ?? 'alice';
const credential = params.get('credential') ?? 'secret';
const turnPort = Number(params.get('turn') ?? 3478);
const myId = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

$('room').textContent = room;
$('share').href = location.href;
$('impl').value = impl;
$('impl-label').textContent = impl === 'native' ? 'native WebRTC' : 'wasmrtc';
$('impl').onchange = () => {
  const p = new URLSearchParams(location.search);
  p.set('impl', $('impl').value);
  location.search = p.toString();
};

function setStatus(text, cls = '') {
  $('status').textContent = text;
  $('status').className = `status ${cls}`;
}

function rtcConfig() {
  if (impl === 'wasmrtc') {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return { iceServers: [{ urls: `${scheme}://${location.host}/turn`, username: user, credential }] };
  }
  return {
    iceServers: [{ urls: `turn:${location.hostname}:${turnPort}?transport=udp`, username: user, credential }],
    iceTransportPolicy: 'relay',
  };
}

// ---------------------------------------------------------------- helpers

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
async function sha256(data) {
  if (!crypto.subtle) return null; // not a secure context
  return hex(await crypto.subtle.digest('SHA-256', data));
}
function formatBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
const formatRate = (bytes, ms) => (ms > 0 ? `${((bytes * 8) / (ms / 1000) / 1e6).toFixed(1)} Mbit/s (${(bytes / (1 << 20) / (ms / 1000)).toFixed(2)} MiB/s)` : '—');
function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

// ---------------------------------------------------------------- state the test reads

const app = {
  impl, room, id: myId,
  ready: false, // channels open
  polite: null,
  sent: [], // { name, size, sha256, ms, ackMs, receiverSha256 }
  received: [], // { name, size, sha256, senderSha256, ms, url }
  chat: [], // { mine, text }
  samples: 0,
  statsSource: null,
  sendChat, sendFile,
  session: () => session, // { pc, chat, file, polite }
};
window.app = app;

// ---------------------------------------------------------------- signaling

let ws;
let peerId = null;
let gotHello = false;
let session = null;
let chain = Promise.resolve();

function signal(msg) {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...msg, from: myId, to: msg.to ?? peerId }));
}

function connectSignaling() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  ws = new WebSocket(`${scheme}://${location.host}/signal/${encodeURIComponent(room)}`);
  ws.onopen = () => {
    setStatus('waiting for a peer in this room…');
    signal({ type: 'hello', to: null });
  };
  ws.onclose = () => setStatus('signaling closed (is this page served by wasmrtc-relay?)', 'bad');
  // Messages are handled one at a time, in order: an answer is applied
  // before the candidates that follow it are looked at.
  ws.onmessage = (e) => {
    let msg;
    try { msg = JSON.parse(e.data); } catch { return; }
    chain = chain.then(() => onSignal(msg)).catch((err) => console.warn('signaling:', err));
  };
}

async function onSignal(msg) {
  if (msg.to && msg.to !== myId) return;
  switch (msg.type) {
    case 'hello':
      if (peerId && peerId !== msg.from) {
        if (session) return; // a third tab: this demo pairs two
        teardown();
      }
      if (session && peerId === msg.from) return;
      peerId = msg.from;
      gotHello = true;
      signal({ type: 'welcome' });
      return;
    case 'welcome': {
      if (session || (peerId && peerId !== msg.from)) return;
      peerId = msg.from;
      // We joined second (polite), unless our hellos crossed.
      const polite = gotHello ? myId > msg.from : true;
      if (polite) {
        signal({ type: 'ready' });
        startSession(true);
      }
      return;
    }
    case 'ready':
      if (msg.from === peerId && !session) startSession(false);
      return;
    case 'bye':
      if (msg.from === peerId) {
        teardown();
        note('peer left');
        setStatus('peer left; waiting for a peer in this room…');
      }
      return;
    case 'description':
    case 'candidate':
      if (session && msg.from === peerId) await session.onSignal(msg);
      return;
    default:
  }
}

addEventListener('pagehide', () => signal({ type: 'bye', to: null }));

// ---------------------------------------------------------------- the session

let PeerConnection;

function startSession(polite) {
  app.polite = polite;
  $('st-role').textContent = polite ? 'polite (joined second)' : 'impolite (joined first)';
  setStatus('negotiating…');
  const pc = new PeerConnection(rtcConfig());
  const s = { pc, polite, chat: null, file: null, makingOffer: false, ignoreOffer: false };
  session = s;

  // Perfect negotiation (webrtc-pc §10.7 / MDN).
  pc.onnegotiationneeded = async () => {
    try {
      s.makingOffer = true;
      await pc.setLocalDescription();
      const d = pc.localDescription;
      signal({ type: 'description', description: { type: d.type, sdp: d.sdp } });
    } catch (err) {
      console.warn('negotiationneeded:', err);
    } finally {
      s.makingOffer = false;
    }
  };
  pc.onicecandidate = ({ candidate }) => {
    if (!candidate) return;
    const { candidate: c, sdpMid, sdpMLineIndex, usernameFragment } = candidate;
    signal({ type: 'candidate', candidate: { candidate: c, sdpMid, sdpMLineIndex, usernameFragment } });
  };
  s.onSignal = async ({ description, candidate }) => {
    if (session !== s) return;
    if (description) {
      const collision = description.type === 'offer' && (s.makingOffer || pc.signalingState !== 'stable');
      s.ignoreOffer = !polite && collision;
      if (s.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        const d = pc.localDescription;
        signal({ type: 'description', description: { type: d.type, sdp: d.sdp } });
      }
    } else if (candidate) {
      try {
        await pc.addIceCandidate(candidate);
      } catch (err) {
        if (!s.ignoreOffer) throw err;
      }
    }
  };

  const showStates = (what) => {
    if (session !== s) return;
    $('st-connection').textContent = pc.connectionState;
    $('st-ice').textContent = pc.iceConnectionState;
    $('st-signaling').textContent = pc.signalingState;
    if (what) {
      const t = (performance.now() / 1000).toFixed(2);
      $('state-log').prepend(el('li', { textContent: `${t}s ${what} → ${pc[what]}` }));
    }
  };
  pc.onconnectionstatechange = () => {
    showStates('connectionState');
    if (pc.connectionState === 'failed') setStatus('connection failed', 'bad');
    if (pc.connectionState === 'disconnected') setStatus('connection interrupted…', 'bad');
  };
  pc.oniceconnectionstatechange = () => {
    showStates('iceConnectionState');
    if (pc.iceConnectionState === 'failed' && typeof pc.restartIce === 'function') pc.restartIce();
  };
  pc.onsignalingstatechange = () => showStates('signalingState');
  showStates();

  if (polite) {
    pc.ondatachannel = ({ channel }) => attachChannel(s, channel);
  } else {
    attachChannel(s, pc.createDataChannel('chat'));
    attachChannel(s, pc.createDataChannel('file'));
  }
  startSampling(s);
}

function teardown() {
  if (session) {
    clearInterval(session.timer);
    try { session.pc.close(); } catch { /* closed */ }
  }
  session = null;
  peerId = null;
  gotHello = false;
  app.ready = false;
  app.polite = null;
  setControls(false);
}

function setControls(on) {
  $('chat-input').disabled = !on;
  $('chat-send').disabled = !on;
  $('file-input').disabled = !on;
}

function attachChannel(s, channel) {
  channel.binaryType = 'arraybuffer';
  if (channel.label === 'chat') s.chat = channel;
  else if (channel.label === 'file') s.file = channel;
  else return;
  channel.onopen = () => checkOpen(s);
  channel.onclose = () => {
    if (session === s) {
      setControls(false);
      app.ready = false;
    }
  };
  channel.onmessage = (e) => {
    s.bytesReceived = (s.bytesReceived ?? 0) + (typeof e.data === 'string' ? new TextEncoder().encode(e.data).length : e.data.byteLength);
    if (channel.label === 'chat') onChatMessage(s, e.data);
    else onFileMessage(s, e.data);
  };
  checkOpen(s);
}

function checkOpen(s) {
  if (session !== s || s.chat?.readyState !== 'open' || s.file?.readyState !== 'open' || app.ready) return;
  app.ready = true;
  setControls(true);
  setStatus(`connected (${impl})`, 'ok');
  note('connected');
}

function countSent(s, data) {
  s.bytesSent = (s.bytesSent ?? 0) + (typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength);
}

// ---------------------------------------------------------------- chat

function note(text) {
  $('messages').append(el('li', { className: 'system', textContent: text }));
}
function showChat(text, mine) {
  app.chat.push({ mine, text });
  const list = $('messages');
  list.append(el('li', { className: mine ? 'mine' : '', textContent: text }));
  list.scrollTop = list.scrollHeight;
}

function sendChat(text) {
  const s = session;
  if (!s?.chat || s.chat.readyState !== 'open') throw new Error('not connected');
  const data = JSON.stringify({ t: 'chat', text });
  s.chat.send(data);
  countSent(s, data);
  showChat(text, true);
}

$('chat-form').onsubmit = (e) => {
  e.preventDefault();
  const text = $('chat-input').value.trim();
  if (!text) return;
  sendChat(text);
  $('chat-input').value = '';
};

function onChatMessage(s, data) {
  let m;
  try { m = JSON.parse(data); } catch { return; }
  if (m.t === 'chat') showChat(String(m.text), false);
  else if (m.t === 'ping') {
    const reply = JSON.stringify({ t: 'pong', ts: m.ts });
    s.chat.send(reply);
    countSent(s, reply);
  } else if (m.t === 'pong') s.pingRtt = performance.now() - m.ts;
}

// ---------------------------------------------------------------- files

function transferView(title) {
  const bar = el('progress', { max: 1, value: 0 });
  const meta = el('div', { className: 'meta', textContent: 'starting…' });
  const extra = el('div');
  const box = el('div', { className: 'transfer' }, el('strong', { textContent: title }), bar, meta, extra);
  $('transfers').prepend(box);
  return { bar, meta, extra };
}

function waitLow(channel) {
  return new Promise((resolve, reject) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', fail);
      resolve();
    };
    const fail = () => {
      channel.removeEventListener('bufferedamountlow', done);
      reject(new Error('channel closed'));
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', fail, { once: true });
  });
}

/** Sends a File (or Blob with a name) over the file channel; resolves when
 * the receiver has acknowledged it with its SHA-256. */
async function sendFile(file) {
  const s = session;
  const ch = s?.file;
  if (!ch || ch.readyState !== 'open') throw new Error('not connected');
  if (s.sending) throw new Error('a transfer is already running');
  s.sending = true;
  const name = file.name ?? 'file';
  const view = transferView(`↑ ${name} (${formatBytes(file.size)})`);
  const record = { name, size: file.size, sha256: null, ms: null, ackMs: null, receiverSha256: null };
  app.sent.push(record);
  try {
    const hashed = file.size <= HASH_LIMIT ? file.arrayBuffer().then(sha256) : Promise.resolve(null);
    const acked = new Promise((resolve) => { s.onAck = resolve; });
    const header = JSON.stringify({ t: 'file', name, size: file.size, type: file.type });
    ch.send(header);
    countSent(s, header);
    ch.bufferedAmountLowThreshold = BUFFER_LOW;
    const start = performance.now();
    let next = file.slice(0, CHUNK).arrayBuffer();
    let lastPaint = 0;
    for (let off = 0; off < file.size; off += CHUNK) {
      const chunk = await next;
      if (off + CHUNK < file.size) next = file.slice(off + CHUNK, off + 2 * CHUNK).arrayBuffer();
      if (ch.bufferedAmount > BUFFER_HIGH) await waitLow(ch);
      ch.send(chunk);
      countSent(s, chunk);
      const now = performance.now();
      if (now - lastPaint > 100) {
        lastPaint = now;
        view.bar.value = (off + chunk.byteLength) / file.size;
        view.meta.textContent = `${formatBytes(off + chunk.byteLength)} queued · ${formatRate(off + chunk.byteLength, now - start)}`;
      }
    }
    record.sha256 = await hashed;
    const end = JSON.stringify({ t: 'end', sha256: record.sha256 });
    ch.send(end);
    countSent(s, end);
    record.ms = performance.now() - start;
    view.meta.textContent = `all queued; waiting for the receiver…`;
    const ack = await acked;
    record.ackMs = performance.now() - start;
    record.receiverSha256 = ack.sha256;
    view.bar.value = 1;
    view.meta.textContent = `${formatBytes(file.size)} delivered in ${(record.ackMs / 1000).toFixed(2)} s · ${formatRate(file.size, record.ackMs)}`;
    const ok = record.sha256 && ack.sha256 === record.sha256;
    view.extra.append(
      el('div', { className: 'hash', textContent: `SHA-256 ${record.sha256 ?? '(not computed)'}` }),
      el('div', { className: ok ? 'match' : 'mismatch', textContent: ok ? 'receiver’s SHA-256 matches' : `receiver’s SHA-256: ${ack.sha256}` }),
    );
    return record;
  } finally {
    s.sending = false;
  }
}

$('file-input').onchange = async (e) => {
  const f = e.target.files?.[0];
  if (!f) return;
  try {
    await sendFile(f);
  } catch (err) {
    note(`file transfer failed: ${err.message}`);
  } finally {
    e.target.value = '';
  }
};

function onFileMessage(s, data) {
  if (typeof data === 'string') {
    const m = JSON.parse(data);
    if (m.t === 'file') {
      s.incoming = { name: m.name, size: m.size, type: m.type, chunks: [], got: 0, start: performance.now(), view: transferView(`↓ ${m.name} (${formatBytes(m.size)})`), lastPaint: 0 };
    } else if (m.t === 'end' && s.incoming) {
      finishIncoming(s, s.incoming, m.sha256);
      s.incoming = null;
    } else if (m.t === 'ack') {
      s.onAck?.(m);
    }
    return;
  }
  const inc = s.incoming;
  if (!inc) return;
  inc.chunks.push(data);
  inc.got += data.byteLength;
  const now = performance.now();
  if (now - inc.lastPaint > 100) {
    inc.lastPaint = now;
    inc.view.bar.value = inc.got / inc.size;
    inc.view.meta.textContent = `${formatBytes(inc.got)} of ${formatBytes(inc.size)} · ${formatRate(inc.got, now - inc.start)}`;
  }
}

async function finishIncoming(s, inc, senderSha256) {
  const ms = performance.now() - inc.start;
  const blob = new Blob(inc.chunks, { type: inc.type || 'application/octet-stream' });
  const hash = blob.size <= HASH_LIMIT ? await sha256(await blob.arrayBuffer()) : null;
  const url = URL.createObjectURL(blob);
  const record = { name: inc.name, size: blob.size, sha256: hash, senderSha256, ms, url };
  app.received.push(record);
  const ack = JSON.stringify({ t: 'ack', sha256: hash });
  if (s.file?.readyState === 'open') {
    s.file.send(ack);
    countSent(s, ack);
  }
  const v = inc.view;
  v.bar.value = 1;
  v.meta.textContent = `${formatBytes(blob.size)} in ${(ms / 1000).toFixed(2)} s · ${formatRate(blob.size, ms)}`;
  const ok = hash && hash === senderSha256;
  v.extra.append(
    el('a', { href: url, download: inc.name, textContent: `Download ${inc.name}` }),
    el('div', { className: 'hash', textContent: `SHA-256 ${hash ?? '(not computed: needs a secure context)'}` }),
    el('div', { className: ok ? 'match' : 'mismatch', textContent: ok ? 'matches the sender’s SHA-256' : `sender’s SHA-256: ${senderSha256}` }),
  );
}

// ---------------------------------------------------------------- stats and charts

const series = {
  sent: [], recv: [], rtt: [], bufFile: [], bufChat: [],
};

/** Reads bytes and RTT from getStats() when it has them: the selected
 * candidate pair's bytesSent/bytesReceived and currentRoundTripTime. */
async function fromGetStats(pc) {
  if (typeof pc.getStats !== 'function') return null;
  let report;
  try { report = await pc.getStats(); } catch { return null; }
  if (!report || typeof report.forEach !== 'function') return null;
  let pair = null;
  let fallback = null;
  report.forEach((st) => {
    if (st.type === 'transport' && st.selectedCandidatePairId) pair = report.get(st.selectedCandidatePairId) ?? pair;
    if (st.type === 'candidate-pair' && (st.selected || (st.nominated && st.state === 'succeeded'))) fallback = st;
  });
  pair ??= fallback;
  if (!pair || typeof pair.bytesSent !== 'number') return null;
  return {
    sent: pair.bytesSent,
    recv: pair.bytesReceived,
    rtt: typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null,
    t: typeof pair.timestamp === 'number' ? pair.timestamp : null,
  };
}

function startSampling(s) {
  let last = null;
  let busy = false;
  s.timer = setInterval(async () => {
    if (busy || session !== s) return;
    busy = true;
    try {
      const now = performance.now();
      if (s.chat?.readyState === 'open') {
        const ping = JSON.stringify({ t: 'ping', ts: now });
        s.chat.send(ping);
        countSent(s, ping);
      }
      const st = await fromGetStats(s.pc);
      const source = st ? 'getStats (candidate-pair)' : 'app counters + ping';
      // Own count: bytes handed to the channels minus what still waits in
      // their buffers, i.e. what the transport has taken.
      const queued = (s.chat?.bufferedAmount ?? 0) + (s.file?.bufferedAmount ?? 0);
      const sent = st ? st.sent : Math.max(0, (s.bytesSent ?? 0) - queued);
      const recv = st ? st.recv : (s.bytesReceived ?? 0);
      const rtt = st?.rtt ?? s.pingRtt ?? null;
      if (app.statsSource !== source) {
        app.statsSource = source;
        $('st-source').textContent = st ? source + (st.rtt == null ? '; RTT: app ping on the chat channel' : '')
          : 'app byte counters; RTT: app ping on the chat channel (getStats() has no candidate-pair yet)';
        last = null;
      }
      // Rates over the stats' own timestamps when they have them.
      const t = st?.t ?? now;
      if (last && t > last.t) {
        const dt = (t - last.t) / 1000;
        series.sent.push([now, ((sent - last.sent) * 8) / dt / 1e6]);
        series.recv.push([now, ((recv - last.recv) * 8) / dt / 1e6]);
      }
      last = { t, sent, recv };
      if (rtt != null) series.rtt.push([now, rtt]);
      series.bufFile.push([now, (s.file?.bufferedAmount ?? 0) / 1024]);
      series.bufChat.push([now, (s.chat?.bufferedAmount ?? 0) / 1024]);
      for (const arr of Object.values(series)) while (arr.length && arr[0][0] < now - WINDOW_MS) arr.shift();
      app.samples += 1;
      drawAll(now);
    } finally {
      busy = false;
    }
  }, SAMPLE_MS);
}

function drawAll(now) {
  drawChart($('chart-bitrate'), now, [
    { label: 'sent', color: '#2563eb', points: series.sent },
    { label: 'received', color: '#16a34a', points: series.recv },
  ], (v) => v.toFixed(1));
  drawChart($('chart-rtt'), now, [{ label: 'rtt', color: '#d97706', points: series.rtt }], (v) => v.toFixed(1));
  drawChart($('chart-buffered'), now, [
    { label: 'file', color: '#9333ea', points: series.bufFile },
    { label: 'chat', color: '#64748b', points: series.bufChat },
  ], (v) => v.toFixed(0));
}

/** A line chart of the last WINDOW_MS on a plain canvas. */
function drawChart(canvas, now, lines, fmt) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const left = 44, right = 8, top = 18, bottom = 18;
  const pw = w - left - right, ph = h - top - bottom;
  let max = 0;
  for (const l of lines) for (const [, v] of l.points) max = Math.max(max, v);
  max = niceMax(max);
  // Grid and axis labels.
  g.font = '10px ui-monospace, monospace';
  g.fillStyle = '#66707a';
  g.strokeStyle = '#e5e9ee';
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const y = top + ph - (ph * i) / 4;
    g.beginPath(); g.moveTo(left, y + 0.5); g.lineTo(left + pw, y + 0.5); g.stroke();
    const v = (max * i) / 4;
    g.fillText(Number.isInteger(v) || v >= 100 ? v.toFixed(0) : v.toFixed(1), left - 4, y);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (let s = 0; s <= 60; s += 15) {
    const x = left + pw - (pw * s * 1000) / WINDOW_MS;
    g.fillText(s === 0 ? 'now' : `-${s}s`, x, top + ph + 4);
  }
  // Lines and legend.
  let lx = left;
  let drawn = 0;
  for (const l of lines) {
    g.strokeStyle = l.color;
    g.lineWidth = 1.75;
    g.beginPath();
    l.points.forEach(([t, v], i) => {
      const x = left + pw - (pw * (now - t)) / WINDOW_MS;
      const y = top + ph - (ph * v) / max;
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
    drawn += l.points.length;
    const latest = l.points.at(-1)?.[1];
    const text = `${l.label} ${latest == null ? '—' : fmt(latest)}`;
    g.fillStyle = l.color;
    g.textAlign = 'left';
    g.fillText(text, lx, 3);
    lx += g.measureText(text).width + 14;
  }
  canvas.dataset.points = String(drawn);
  canvas.dataset.max = String(max);
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v * 1.1));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * 1.1) return m * p;
  return 10 * p;
}

// ---------------------------------------------------------------- start

try {
  if (impl === 'wasmrtc') {
    ({ RTCPeerConnection: PeerConnection } = await import('/js/index.js'));
  } else {
    PeerConnection = window.RTCPeerConnection;
    if (!PeerConnection) throw new Error('this browser has no native RTCPeerConnection: choose wasmrtc');
  }
  drawAll(performance.now());
  connectSignaling();
} catch (err) {
  setStatus(`failed to start: ${err.message}`, 'bad');
  app.error = String(err);
}
