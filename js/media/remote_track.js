// The MediaStreamTrack an RTCRtpReceiver owns from its creation (webrtc-pc
// §5.3): a real track of the environment, which the media layer feeds once
// RTP arrives. Where the environment has no MediaStreamTrack (Node, some
// workers) receivers have none and `track` events carry null.

let audioContext = null;

/** A new remote track of `kind`, or null where tracks cannot exist. */
export function createRemoteTrack(kind) {
  const g = globalThis;
  if (typeof g.MediaStreamTrackGenerator === 'function') {
    return new g.MediaStreamTrackGenerator({ kind });
  }
  if (typeof g.document === 'undefined') return null;
  if (kind === 'audio' && typeof g.AudioContext === 'function') {
    audioContext ??= new g.AudioContext();
    return audioContext.createMediaStreamDestination().stream.getAudioTracks()[0] ?? null;
  }
  if (kind === 'video') {
    const canvas = g.document.createElement('canvas');
    return typeof canvas.captureStream === 'function' ? canvas.captureStream(0).getVideoTracks()[0] ?? null : null;
  }
  return null;
}

/** The remote MediaStreams of one peer connection, by msid stream id, with
 * the addtrack/removetrack events the spec's stream updates fire. */
export class RemoteStreams {
  #streams = new Map();

  get(id) {
    if (typeof globalThis.MediaStream !== 'function') return null;
    let stream = this.#streams.get(id);
    if (!stream) {
      stream = new globalThis.MediaStream();
      // A remote stream's id is the msid the peer chose (RFC 8830).
      Object.defineProperty(stream, 'id', { value: id, enumerable: true });
      this.#streams.set(id, stream);
    }
    return stream;
  }

  addTrack(id, track) {
    const stream = this.get(id);
    if (!stream || !track || stream.getTrackById(track.id)) return;
    stream.addTrack(track);
    stream.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track }));
  }

  removeTrack(id, track) {
    const stream = this.#streams.get(id);
    if (!stream || !track || !stream.getTrackById(track.id)) return;
    stream.removeTrack(track);
    stream.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track }));
  }
}
