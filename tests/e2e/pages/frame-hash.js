// How the media scenarios compare frames (pages/media.js, its encoded
// transform media-worker.js): `length:FNV-1a` of the bytes, after the one
// change RTP itself makes to a frame. For AV1 that is the temporal
// delimiter: the AV1 RTP payload format (AOM v1.0.0 §5) says it "SHOULD be
// removed when transmitting, and MUST be ignored by receivers", so a
// temporal unit WebCodecs made (TD first: `12 00`) arrives without one, in
// Chromium's depacketizer as in ours, and is otherwise the same bytes.

const AV1_TEMPORAL_DELIMITER = 2;

/** `bytes` without the temporal delimiter OBUs that open it (AV1 spec
 * §7.5: a temporal unit starts with one), each read by its header and
 * obu_size. Anything else, including a malformed OBU, stays as it is. */
export function withoutTemporalDelimiters(bytes) {
  let at = 0;
  for (;;) {
    const header = bytes[at];
    if (header === undefined || ((header >> 3) & 0x0f) !== AV1_TEMPORAL_DELIMITER || (header & 0x02) === 0) break;
    let size = 0;
    let i = at + ((header & 0x04) ? 2 : 1);
    for (let shift = 0; i < bytes.length; shift += 7) {
      const b = bytes[i++];
      size += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    if (i + size > bytes.length) break;
    at = i + size;
  }
  return bytes.subarray(at);
}

/** `length:FNV-1a` of a frame's bytes as RTP carries them: equal frames,
 * equal string. `mimeType` says whether AV1's temporal delimiters go. */
export function frameHash(data, mimeType) {
  let bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (mimeType?.toLowerCase() === 'video/av1') bytes = withoutTemporalDelimiters(bytes);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}
