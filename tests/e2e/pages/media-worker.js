// The RTCRtpScriptTransform of tests/e2e/pages/media.js: passes every
// encoded frame through unchanged and posts its hash (frame-hash.js, by the
// frame's own mime type, else the one the options name) and type to the
// page, and its bytes too when the options ask for them (`bytes: n`: the
// first n frames).
import { frameHash } from './frame-hash.js';

self.onrtctransform = (event) => {
  const { readable, writable, options } = event.transformer;
  let count = 0;
  readable.pipeThrough(new TransformStream({
    transform(frame, controller) {
      const mimeType = frame.getMetadata?.().mimeType ?? options?.mimeType;
      const bytes = count++ < (options?.bytes ?? 0) ? new Uint8Array(frame.data.slice(0)) : undefined;
      self.postMessage({ hash: frameHash(frame.data, mimeType), type: frame.type ?? 'audio', mimeType, bytes });
      controller.enqueue(frame);
    },
  })).pipeTo(writable);
};
