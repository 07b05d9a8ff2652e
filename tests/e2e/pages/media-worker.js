// The RTCRtpScriptTransform of tests/e2e/pages/media.js: passes every
// encoded frame through unchanged and posts its hash (the same `length:FNV-1a`
// as frameHash there) and type to the page.
function frameHash(buffer) {
  const bytes = new Uint8Array(buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

self.onrtctransform = (event) => {
  const { readable, writable } = event.transformer;
  readable.pipeThrough(new TransformStream({
    transform(frame, controller) {
      self.postMessage({ hash: frameHash(frame.data), type: frame.type ?? 'audio' });
      controller.enqueue(frame);
    },
  })).pipeTo(writable);
};
