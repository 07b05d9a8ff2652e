// The relay's WebSocket transport (ws://…/turn, one STUN or ChannelData
// message per WebSocket message), driven from Node by a TURN client written
// independently of src/stun: allocate (through the 401 challenge), create a
// permission, bind a channel, and round-trip data with a UDP echo peer on
// 127.0.0.1, by Send/Data indications and by ChannelData.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { startRelay } from './harness.mjs';
import {
  ATTR, CLASS, METHOD, channelData, decode, encode, longTermKey, parseXorAddress, xorAddress,
} from './stun-client.mjs';

let relay;
let echo;
const seenSources = [];

before(async () => {
  relay = await startRelay();
  echo = createSocket('udp4');
  echo.on('message', (msg, rinfo) => {
    seenSources.push(`${rinfo.address}:${rinfo.port}`);
    echo.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise((resolve) => echo.bind(0, '127.0.0.1', resolve));
});

after(async () => {
  echo?.close();
  await relay?.close();
});

/** A WebSocket tunnel with a queue of received messages. */
async function openTunnel(url) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const inbox = [];
  const waiters = [];
  ws.onmessage = (e) => {
    const msg = Buffer.from(e.data);
    const w = waiters.shift();
    if (w) w(msg); else inbox.push(msg);
  };
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('websocket failed')); });
  return {
    send: (bytes) => ws.send(bytes),
    next: () => new Promise((resolve, reject) => {
      if (inbox.length) return resolve(inbox.shift());
      const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
      waiters.push((m) => { clearTimeout(timer); resolve(m); });
    }),
    close: () => ws.close(),
  };
}

test('TURN over the relay WebSocket: allocate, permission, Send/Data indications, ChannelBind and ChannelData', async () => {
  const tunnel = await openTunnel(`ws://127.0.0.1:${relay.ports.http}/turn`);
  const peer = echo.address();
  const udp = Buffer.from([0x11, 0, 0, 0]);

  // 1. Unauthenticated Allocate: 401 with REALM and NONCE.
  tunnel.send(encode(METHOD.ALLOCATE, CLASS.REQUEST, [[ATTR.REQUESTED_TRANSPORT, udp]]).bytes);
  const challenge = decode(await tunnel.next());
  assert.equal(challenge.cls, CLASS.ERROR);
  assert.equal(challenge.errorCode, 401);
  const realm = challenge.attrs.get(ATTR.REALM).toString();
  const nonce = challenge.attrs.get(ATTR.NONCE);
  assert.equal(realm, 'wasmrtc');
  const key = longTermKey('alice', realm, 'secret');
  const auth = [[ATTR.USERNAME, Buffer.from('alice')], [ATTR.REALM, Buffer.from(realm)], [ATTR.NONCE, nonce]];

  // 2. Authenticated Allocate: a relayed address on 127.0.0.1.
  const alloc = encode(METHOD.ALLOCATE, CLASS.REQUEST, [[ATTR.REQUESTED_TRANSPORT, udp], ...auth], key);
  tunnel.send(alloc.bytes);
  const allocated = decode(await tunnel.next());
  assert.equal(allocated.cls, CLASS.SUCCESS, `allocate failed: ${allocated.errorCode}`);
  assert.deepEqual(allocated.transaction, alloc.transaction);
  const relayed = parseXorAddress(allocated.attrs.get(ATTR.XOR_RELAYED_ADDRESS));
  assert.equal(relayed.ip, '127.0.0.1');
  assert.ok(allocated.attrs.get(ATTR.LIFETIME).readUInt32BE(0) > 0);

  // 3. Without a permission, a Send indication is dropped by the relay.
  const peerAddr = [ATTR.XOR_PEER_ADDRESS, xorAddress(peer.address, peer.port)];
  tunnel.send(encode(METHOD.SEND, CLASS.INDICATION, [peerAddr, [ATTR.DATA, Buffer.from('too early')]]).bytes);

  // 4. CreatePermission for the echo peer.
  tunnel.send(encode(METHOD.CREATE_PERMISSION, CLASS.REQUEST, [peerAddr, ...auth], key).bytes);
  const permitted = decode(await tunnel.next());
  assert.equal(permitted.cls, CLASS.SUCCESS, `permission failed: ${permitted.errorCode}`);

  // 5. Send indication out, Data indication back.
  tunnel.send(encode(METHOD.SEND, CLASS.INDICATION, [peerAddr, [ATTR.DATA, Buffer.from('hello by indication')]]).bytes);
  const data = decode(await tunnel.next());
  assert.equal(data.method, METHOD.DATA);
  assert.equal(data.cls, CLASS.INDICATION);
  assert.equal(data.attrs.get(ATTR.DATA).toString(), 'hello by indication');
  assert.deepEqual(parseXorAddress(data.attrs.get(ATTR.XOR_PEER_ADDRESS)), { ip: peer.address, port: peer.port });

  // 6. ChannelBind, then ChannelData both ways.
  const channel = Buffer.from([0x40, 0x01, 0, 0]);
  tunnel.send(encode(METHOD.CHANNEL_BIND, CLASS.REQUEST, [[ATTR.CHANNEL_NUMBER, channel], peerAddr, ...auth], key).bytes);
  const bound = decode(await tunnel.next());
  assert.equal(bound.cls, CLASS.SUCCESS, `channel bind failed: ${bound.errorCode}`);
  const payload = Buffer.alloc(1200, 7);
  tunnel.send(channelData(0x4001, payload));
  const back = await tunnel.next();
  assert.equal(back.readUInt16BE(0), 0x4001);
  assert.equal(back.readUInt16BE(2), payload.length);
  assert.deepEqual(back.subarray(4, 4 + payload.length), payload);

  // The echo peer saw only the relayed address, and never the early datagram.
  assert.deepEqual([...new Set(seenSources)], [`${relayed.ip}:${relayed.port}`]);
  assert.equal(seenSources.length, 2);
  tunnel.close();
});
