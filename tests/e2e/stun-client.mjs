// A minimal TURN client written independently of src/stun (RFC 8489,
// RFC 8656), for testing the relay from Node with node:crypto: encode
// requests with long-term credentials, decode responses and indications.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const MAGIC = 0x2112a442;
export const METHOD = { ALLOCATE: 0x003, CREATE_PERMISSION: 0x008, CHANNEL_BIND: 0x009, SEND: 0x006, DATA: 0x007 };
export const CLASS = { REQUEST: 0x000, INDICATION: 0x010, SUCCESS: 0x100, ERROR: 0x110 };
export const ATTR = {
  USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d, XOR_PEER_ADDRESS: 0x0012, DATA: 0x0013, REALM: 0x0014, NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016, REQUESTED_TRANSPORT: 0x0019, XOR_MAPPED_ADDRESS: 0x0020, FINGERPRINT: 0x8028,
};

function pad4(n) { return (n + 3) & ~3; }

/** XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS value for an IPv4 address. */
export function xorAddress(ip, port) {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const octets = ip.split('.').map(Number);
  v.writeUInt32BE((((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) ^ MAGIC) >>> 0, 4);
  return v;
}

export function parseXorAddress(v) {
  const port = v.readUInt16BE(2) ^ (MAGIC >>> 16);
  const n = (v.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { ip: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), port };
}

/** Encodes a message; `key` (the long-term key) adds MESSAGE-INTEGRITY, and
 * FINGERPRINT always ends it. */
export function encode(method, cls, attrs, key = null, transaction = randomBytes(12)) {
  const type = (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | cls;
  const parts = [];
  for (const [t, value] of attrs) {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(t, 0);
    h.writeUInt16BE(value.length, 2);
    parts.push(h, value, Buffer.alloc(pad4(value.length) - value.length));
  }
  let body = Buffer.concat(parts);
  const header = (length) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    transaction.copy(h, 8);
    return h;
  };
  if (key) {
    const mac = createHmac('sha1', key).update(Buffer.concat([header(body.length + 24), body])).digest();
    const h = Buffer.alloc(4);
    h.writeUInt16BE(ATTR.MESSAGE_INTEGRITY, 0);
    h.writeUInt16BE(20, 2);
    body = Buffer.concat([body, h, mac]);
  }
  const crc = (crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0;
  const f = Buffer.alloc(8);
  f.writeUInt16BE(ATTR.FINGERPRINT, 0);
  f.writeUInt16BE(4, 2);
  f.writeUInt32BE(crc, 4);
  return { bytes: Buffer.concat([header(body.length + 8), body, f]), transaction };
}

export function decode(bytes) {
  const b = Buffer.from(bytes);
  if (b.length < 20 || b.readUInt32BE(4) !== MAGIC) throw new Error('not a STUN message');
  const type = b.readUInt16BE(0);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = type & 0x0110;
  const attrs = new Map();
  for (let off = 20; off + 4 <= 20 + b.readUInt16BE(2);) {
    const t = b.readUInt16BE(off);
    const len = b.readUInt16BE(off + 2);
    attrs.set(t, b.subarray(off + 4, off + 4 + len));
    off += 4 + pad4(len);
  }
  const err = attrs.get(ATTR.ERROR_CODE);
  return {
    method, cls, transaction: b.subarray(8, 20), attrs,
    errorCode: err ? err[2] * 100 + err[3] : null,
  };
}

export function longTermKey(username, realm, password) {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

export function channelData(channel, data) {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(channel, 0);
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}
