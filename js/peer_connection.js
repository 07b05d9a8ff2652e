// RTCPeerConnection (webrtc-pc §4): the operations chain (§4.4.1.2), the
// negotiation-needed flag (§4.7.3), setting descriptions (§4.4.1.5) and the
// event order the spec queues. Negotiation itself happens in the core's JSEP
// engine; this class mirrors its state into spec-shaped objects.
import { wasm } from './core.js';
import { RTCCertificate, generateCertificate, makeCertificate } from './certificate.js';
import { configurationCopy, normalizeConfiguration } from './configuration.js';
import { RTCDataChannel, RTCSctpTransport, dataChannelInit } from './data_channel.js';
import { RTCError, fromCore } from './errors.js';
import {
  RTCDataChannelEvent, RTCErrorEvent, RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent, defineEventHandlers,
} from './events.js';
import { Driver } from './driver.js';
import { RTCIceCandidate } from './ice_candidate.js';
import { RTCDtlsTransport, RTCIceTransport } from './ice_transport.js';
import { RemoteStreams } from './media/remote_track.js';
import { RTCStatsReport } from './stats_report.js';
import { relaysOf } from './relays.js';
import { CHANNEL_EVENT, CLOSE_SILENTLY, CONSTRUCT, ENCODED, SET_TRACK, TRANSCEIVER_ID } from './internal.js';
import { deliverFrame, deliverKeyFrameRequest } from './media/encoded.js';
import { RTCRtpTransceiver, checkDirection } from './rtp_transceiver.js';
import { RTCSessionDescription, checkSdpType } from './session_description.js';

const DAY_MS = 24 * 60 * 60 * 1000;

// The spec's "queue a task" (HTML §8.1.7.1): a macrotask, so that promise
// reactions already queued run first. MessageChannel avoids setTimeout's
// clamping. In Node the port keeps the process alive only while a task is
// queued, as a pending timer would: an idle one must not, and a script
// awaiting createOffer() must not exit before it settles.
const taskChannel = new MessageChannel();
const tasks = [];
taskChannel.port1.onmessage = () => {
  const task = tasks.shift();
  if (tasks.length === 0) taskChannel.port1.unref?.();
  task?.();
};
taskChannel.port1.unref?.();
function queueTask(fn) {
  if (tasks.length === 0) taskChannel.port1.ref?.();
  tasks.push(fn);
  taskChannel.port2.postMessage(null);
}

/** Runs `fn` in a queued task and settles with its result: the spec applies
 * descriptions "in parallel" and reports back in a task (§4.4.1.5). */
function inTask(fn) {
  return new Promise((resolve, reject) => queueTask(() => {
    try {
      resolve(fn());
    } catch (e) {
      reject(e);
    }
  }));
}

function invalidState(method) {
  return new DOMException(`Failed to execute '${method}' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.`, 'InvalidStateError');
}

function coreCall(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromCore(e);
  }
}

/** A core NegotiatedCodec as a plain RTCRtpCodecParameters (freed). */
function plainCodec(c) {
  const codec = { payloadType: c.payloadType, mimeType: c.mimeType, clockRate: c.clockRate };
  if (c.channels !== undefined) codec.channels = c.channels;
  if (c.sdpFmtpLine !== undefined) codec.sdpFmtpLine = c.sdpFmtpLine;
  c.free();
  return codec;
}

export class RTCPeerConnection extends EventTarget {
  #core;
  #config;
  #closed = false;
  #signalingState = 'stable';
  #operations = [];
  #updateNegotiationNeededFlagOnEmptyChain = false;
  #negotiationNeeded = false;
  #transceivers = new Map();
  #transceiverStates = new Map();
  // By transceiver id: the negotiated codecs, as plain RTCRtpCodecParameters,
  // and those of our own offer (received too: RFC 3264 §5.1).
  #transceiverCodecs = new Map();
  #offeredCodecs = new Map();
  #descriptions = {};
  #canTrickle = null;
  #dataChannels = new Map();
  #dataChannelsCreated = 0;
  #channelControl;
  #sctp = null;
  #remoteStreams = new RemoteStreams();
  #driver;
  #iceTransport;
  #dtlsTransport;
  // The ICE states the events set, read by this object and its
  // RTCIceTransport alike.
  #ice = { connection: 'new', gathering: 'new' };
  #connectionState = 'new';
  #dtlsState = 'new';
  #control;

  constructor(configuration = {}) {
    super();
    this.#config = normalizeConfiguration(configuration, "construct 'RTCPeerConnection'");
    const now = Date.now();
    const certificate = this.#config.certificates[0] ?? makeCertificate(now, now + 30 * DAY_MS);
    const { der, key } = RTCCertificate.material(certificate);
    const relays = relaysOf(this.#config.iceServers).map((r) => new wasm.RelayServer(r.url, r.username, r.credential));
    this.#core = coreCall(() => new wasm.Core(this.#config.bundlePolicy, der, key, relays));
    this.#driver = new Driver(this.#core, (event) => this.#coreEvent(event));
    this.#iceTransport = new RTCIceTransport(CONSTRUCT, this.#core, this.#ice);
    this.#dtlsTransport = new RTCDtlsTransport(CONSTRUCT, this.#iceTransport, {
      state: () => this.#dtlsState,
      remoteCertificates: () => this.#core.remoteCertificates(),
    });
    this.#channelControl = {
      send: (handle, binary, bytes) => {
        coreCall(() => this.#core.send(handle, binary, bytes, this.#driver.now()));
        this.#driver.pump();
      },
      close: (handle) => {
        const immediate = this.#core.closeDataChannel(handle, this.#driver.now());
        this.#driver.pump();
        if (immediate) this.#dataChannels.delete(handle);
        return immediate;
      },
      bufferedAmount: (handle) => this.#core.bufferedAmount(handle),
      setThreshold: (handle, n) => this.#core.setBufferedAmountLowThreshold(handle, n),
      id: (handle) => this.#core.dataChannelId(handle),
      maxMessageSize: () => this.#core.sctpMaxMessageSize(),
    };
    this.#control = {
      state: (id) => this.#transceiverStates.get(id),
      transport: (id) => (this.#transceiverStates.get(id)?.mid != null && this.#core.hasIceTransport() ? this.#dtlsTransport : null),
      setDirection: (id, direction) => this.#setDirection(id, direction),
      stop: (id) => this.#stopTransceiver(id),
      replaceTrack: (id, track) => this.#chain('replaceTrack', () => inTask(() => {
        coreCall(() => this.#core.replaceTrack(id, track?.id ?? undefined));
        this.#refresh();
      })),
      setStreams: (id, streamIds) => {
        if (this.#closed) throw invalidState('setStreams');
        coreCall(() => this.#core.setSenderStreams(id, streamIds));
        this.#updateNegotiationNeededFlag();
      },
      codecs: (id) => this.#transceiverCodecs.get(id) ?? [],
      offeredCodecs: (id) => this.#offeredCodecs.get(id) ?? [],
      sendFrame: (id, payloadType, rtpTimestamp, bytes) => {
        if (this.#closed) throw invalidState('sendFrame');
        coreCall(() => this.#core.sendFrame(id, payloadType, rtpTimestamp, bytes, this.#driver.now()));
        this.#driver.pump();
      },
    };
  }

  static generateCertificate(keygenAlgorithm) {
    return generateCertificate(keygenAlgorithm);
  }

  // --- attributes ---------------------------------------------------------

  get signalingState() { return this.#signalingState; }
  get localDescription() { return this.#descriptions.pendingLocal ?? this.#descriptions.currentLocal ?? null; }
  get currentLocalDescription() { return this.#descriptions.currentLocal ?? null; }
  get pendingLocalDescription() { return this.#descriptions.pendingLocal ?? null; }
  get remoteDescription() { return this.#descriptions.pendingRemote ?? this.#descriptions.currentRemote ?? null; }
  get currentRemoteDescription() { return this.#descriptions.currentRemote ?? null; }
  get pendingRemoteDescription() { return this.#descriptions.pendingRemote ?? null; }
  get canTrickleIceCandidates() { return this.#canTrickle; }
  get iceGatheringState() { return this.#ice.gathering; }
  get iceConnectionState() { return this.#ice.connection; }
  get connectionState() { return this.#connectionState; }
  get sctp() { return this.#sctp; }

  // --- the transport's events (§5.6, §4.3.3) --------------------------------

  // `event` is the core's CoreEvent, valid only during this call.
  #coreEvent(event) {
    if (this.#closed) return;
    const { name } = event;
    switch (name) {
      case 'icecandidate': {
        // The local description holds every candidate gathered so far, and
        // end-of-candidates once gathering is done (webrtc-pc §4.4.1,
        // "surface the candidate"), before the event reports it.
        this.#refreshDescription('pendingLocal', this.#core.pendingLocalDescription());
        this.#refreshDescription('currentLocal', this.#core.currentLocalDescription());
        const candidate = event.candidate === undefined ? null : new RTCIceCandidate({
          candidate: event.candidate, sdpMid: event.sdpMid, sdpMLineIndex: event.sdpMLineIndex,
          usernameFragment: event.usernameFragment,
        });
        this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate, url: event.url ?? null }));
        break;
      }
      case 'icecandidateerror':
        this.dispatchEvent(new RTCPeerConnectionIceErrorEvent('icecandidateerror', {
          address: null, port: null, url: event.url, errorCode: event.errorCode, errorText: event.errorText,
        }));
        break;
      case 'icegatheringstatechange':
        this.#ice.gathering = event.state;
        this.#iceTransport.dispatchEvent(new Event('gatheringstatechange'));
        this.dispatchEvent(new Event('icegatheringstatechange'));
        break;
      case 'iceconnectionstatechange':
        // Chromium fires the peer connection's event before the transport's.
        this.#ice.connection = event.state;
        this.dispatchEvent(new Event('iceconnectionstatechange'));
        this.#iceTransport.dispatchEvent(new Event('statechange'));
        break;
      case 'connectionstatechange':
        this.#connectionState = event.state;
        this.dispatchEvent(new Event('connectionstatechange'));
        break;
      case 'selectedcandidatepairchange':
        this.#iceTransport.dispatchEvent(new Event('selectedcandidatepairchange'));
        break;
      case 'dtlsstatechange':
        this.#dtlsState = event.state;
        this.#dtlsTransport.dispatchEvent(new Event('statechange'));
        break;
      case 'sctpstatechange':
        this.#sctp?.dispatchEvent(new Event('statechange'));
        break;
      case 'datachannel': {
        const channel = new RTCDataChannel(CONSTRUCT, event.channel, {
          label: event.label, ordered: event.ordered, maxPacketLifeTime: event.maxPacketLifeTime ?? null,
          maxRetransmits: event.maxRetransmits ?? null, protocol: event.protocol, negotiated: false,
          id: event.id, priority: event.priority,
        }, this.#channelControl);
        this.#dataChannels.set(event.channel, channel);
        this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel }));
        break;
      }
      case 'open': case 'message': case 'bufferedamountlow': case 'closing': case 'channelerror': case 'close': {
        const channel = this.#dataChannels.get(event.channel);
        if (name === 'close') this.#dataChannels.delete(event.channel);
        channel?.[CHANNEL_EVENT](name, event);
        break;
      }
      case 'mediaframe': case 'mediaframedropped': case 'mediaframeslost': {
        const receiver = this.#transceivers.get(event.transceiver)?.receiver;
        if (receiver) deliverFrame(receiver[ENCODED], name, event);
        break;
      }
      case 'keyframerequest': {
        const sender = this.#transceivers.get(event.transceiver)?.sender;
        if (sender) deliverKeyFrameRequest(sender[ENCODED]);
        break;
      }
      case 'dtlserror':
        this.#dtlsTransport.dispatchEvent(new RTCErrorEvent('error', {
          error: new RTCError({ errorDetail: event.errorDetail ?? 'dtls-failure' }, event.message),
        }));
        break;
      default:
        break;
    }
  }

  getConfiguration() { return configurationCopy(this.#config); }

  setConfiguration(configuration = {}) {
    const context = "execute 'setConfiguration' on 'RTCPeerConnection'";
    if (this.#closed) throw invalidState('setConfiguration');
    const next = normalizeConfiguration(configuration, context);
    const sameCertificates = next.certificates.length === 0
      || (next.certificates.length === this.#config.certificates.length
        && next.certificates.every((c, i) => c === this.#config.certificates[i]));
    if (!sameCertificates) {
      throw new DOMException(`Failed to ${context}: Attempted to modify the PeerConnection's configuration in an unsupported way.`, 'InvalidModificationError');
    }
    if (next.bundlePolicy !== this.#config.bundlePolicy || next.rtcpMuxPolicy !== this.#config.rtcpMuxPolicy) {
      throw new DOMException(`Failed to ${context}: Attempted to modify the PeerConnection's configuration in an unsupported way.`, 'InvalidModificationError');
    }
    if (next.iceCandidatePoolSize !== this.#config.iceCandidatePoolSize && this.localDescription !== null) {
      throw new DOMException(`Failed to ${context}: Attempted to modify the PeerConnection's configuration in an unsupported way.`, 'InvalidModificationError');
    }
    next.certificates = this.#config.certificates;
    this.#config = next;
  }

  // --- the operations chain (§4.4.1.2) -------------------------------------

  #chain(method, operation) {
    if (this.#closed) return Promise.reject(invalidState(method));
    let resolveP;
    let rejectP;
    const p = new Promise((resolve, reject) => { resolveP = resolve; rejectP = reject; });
    const run = () => {
      let result;
      try {
        result = Promise.resolve(operation());
      } catch (e) {
        result = Promise.reject(e);
      }
      result.then(
        (value) => { if (!this.#closed) resolveP(value); },
        (error) => { if (!this.#closed) rejectP(error); });
    };
    this.#operations.push(run);
    if (this.#operations.length === 1) run();
    // Registered before the caller sees p, so the chain moves on before the
    // caller's own reactions run (§4.4.1.2 step 7).
    const next = () => {
      if (this.#closed) return;
      this.#operations.shift();
      if (this.#operations.length > 0) {
        this.#operations[0]();
      } else if (this.#updateNegotiationNeededFlagOnEmptyChain) {
        this.#updateNegotiationNeededFlagOnEmptyChain = false;
        this.#updateNegotiationNeededFlag();
      }
    };
    p.then(next, next);
    return p;
  }

  // --- negotiation-needed (§4.7.3) ----------------------------------------

  #updateNegotiationNeededFlag() {
    if (this.#closed) return;
    if (this.#operations.length > 0) {
      this.#updateNegotiationNeededFlagOnEmptyChain = true;
      return;
    }
    queueTask(() => {
      if (this.#closed) return;
      if (this.#operations.length > 0) {
        this.#updateNegotiationNeededFlagOnEmptyChain = true;
        return;
      }
      if (this.#signalingState !== 'stable') return;
      if (!this.#core.negotiationNeeded()) {
        this.#negotiationNeeded = false;
        return;
      }
      if (this.#negotiationNeeded) return;
      this.#negotiationNeeded = true;
      this.dispatchEvent(new Event('negotiationneeded'));
    });
  }

  // --- offers and answers ---------------------------------------------------

  createOffer(...args) {
    const legacy = legacyCallbacks(args);
    const options = legacy ? args[2] : args[0];
    const p = this.#chain('createOffer', () => inTask(() => {
      const iceRestart = Boolean(options?.iceRestart);
      const sdp = coreCall(() => this.#core.createOffer(iceRestart));
      // An RTCSessionDescriptionInit (webrtc-pc §4.4.1.6): a plain object
      // whose sdp an app may rewrite before setLocalDescription.
      return { type: 'offer', sdp };
    }));
    return settleLegacy(p, legacy);
  }

  createAnswer(...args) {
    const legacy = legacyCallbacks(args);
    const p = this.#chain('createAnswer', () => inTask(() => {
      const sdp = coreCall(() => this.#core.createAnswer());
      return { type: 'answer', sdp };
    }));
    return settleLegacy(p, legacy);
  }

  setLocalDescription(description, ...rest) {
    const legacy = legacyCallbacks(rest);
    let type;
    let sdp;
    try {
      if (description !== undefined && description !== null && typeof description !== 'object') {
        throw new TypeError("Failed to execute 'setLocalDescription' on 'RTCPeerConnection': parameter 1 is not an object.");
      }
      type = description?.type === undefined ? undefined : checkSdpType(String(description.type), "execute 'setLocalDescription' on 'RTCPeerConnection'");
      sdp = description?.sdp === undefined ? '' : String(description.sdp);
    } catch (e) {
      return settleLegacy(Promise.reject(e), legacy);
    }
    const p = this.#chain('setLocalDescription', () => inTask(() => {
      const implicitType = type ?? (['stable', 'have-local-offer', 'have-remote-pranswer'].includes(this.#signalingState) ? 'offer' : 'answer');
      // Edited SDP is the core's to accept or refuse (InvalidModificationError).
      const changes = coreCall(() => this.#core.setLocalDescription(implicitType, type === 'rollback' || sdp === '' ? undefined : sdp, this.#driver.now()));
      this.#applied(changes, implicitType === 'rollback');
    }));
    return settleLegacy(p, legacy);
  }

  setRemoteDescription(description, ...rest) {
    const legacy = legacyCallbacks(rest);
    let type;
    let sdp;
    try {
      if (description === undefined || description === null || typeof description !== 'object') {
        throw new TypeError("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': 1 argument required, but only 0 present.");
      }
      if (description.type === undefined) {
        throw new TypeError("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to read the 'type' property from 'RTCSessionDescriptionInit': Required member is undefined.");
      }
      type = checkSdpType(String(description.type), "execute 'setRemoteDescription' on 'RTCPeerConnection'");
      sdp = description.sdp === undefined ? '' : String(description.sdp);
    } catch (e) {
      return settleLegacy(Promise.reject(e), legacy);
    }
    const p = this.#chain('setRemoteDescription', () => inTask(() => {
      // An offer in have-local-offer first rolls the local offer back
      // (webrtc-pc §4.4.1.6, "perfect negotiation"'s implicit rollback).
      if (type === 'offer' && this.#signalingState === 'have-local-offer') {
        const rolledBack = coreCall(() => this.#core.setLocalDescription('rollback', undefined, this.#driver.now()));
        this.#applied(rolledBack);
      }
      const changes = coreCall(() => this.#core.setRemoteDescription(type, sdp, this.#driver.now()));
      this.#applied(changes);
    }));
    return settleLegacy(p, legacy);
  }

  /** Mirrors a description the core has applied, then fires what the spec
   * fires, in its order (§4.4.1.5 steps 4.x). */
  #applied(changes, explicitRollback = false) {
    const previousState = this.#signalingState;
    this.#refresh();
    for (const id of changes.removedTransceivers) this.#transceivers.delete(id);
    const stable = this.#signalingState === 'stable';
    // A completed round answers whatever was needed before it; what is still
    // needed (a change made mid-negotiation) fires anew.
    if (stable) this.#negotiationNeeded = false;
    if (stable && explicitRollback && this.#core.negotiationNeeded()) {
      // Chromium announces what a rollback leaves unnegotiated at once,
      // before the state change.
      this.#negotiationNeeded = true;
      this.dispatchEvent(new Event('negotiationneeded'));
    }
    if (this.#signalingState !== previousState) this.dispatchEvent(new Event('signalingstatechange'));
    this.#remoteTracksChanged(changes);
    changes.free();
    if (stable && !explicitRollback) this.#updateNegotiationNeededFlag();
    // What the description set in motion (gathering, checks) is reported
    // in later tasks, after the caller's promise settles.
    queueTask(() => this.#driver.pump());
  }

  /** The remote-track steps of §4.4.1.5: ended receivers, streams losing
   * and gaining tracks, then one `track` event per new remote track. */
  #remoteTracksChanged(changes) {
    const receiverOf = (id) => this.#transceivers.get(id)?.receiver;
    for (const id of changes.stoppedTransceivers) receiverOf(id)?.track?.stop();
    for (const { stream, transceiver } of changes.streamTracksRemoved) {
      this.#remoteStreams.removeTrack(stream, receiverOf(transceiver)?.track);
    }
    for (const { stream, transceiver } of changes.streamTracksAdded) {
      this.#remoteStreams.addTrack(stream, receiverOf(transceiver)?.track);
    }
    for (const { transceiver: id, streams } of changes.tracksAdded) {
      const transceiver = this.#transceivers.get(id);
      if (!transceiver) continue;
      this.dispatchEvent(new RTCTrackEvent('track', {
        receiver: transceiver.receiver,
        track: transceiver.receiver.track,
        streams: streams.map((s) => this.#remoteStreams.get(s)).filter((s) => s !== null),
        transceiver,
      }));
    }
  }

  /** Reads the core's negotiated state into this object's slots. */
  #refresh() {
    if (this.#sctp === null && this.#core.sctpState() !== undefined) {
      this.#sctp = new RTCSctpTransport(CONSTRUCT, this.#dtlsTransport, {
        state: () => this.#core.sctpState(),
        maxMessageSize: () => this.#core.sctpMaxMessageSize(),
        maxChannels: () => this.#core.sctpMaxChannels(),
      });
    }
    this.#signalingState = this.#core.signalingState();
    this.#canTrickle = this.#core.canTrickleIceCandidates() ?? null;
    this.#refreshDescription('pendingLocal', this.#core.pendingLocalDescription());
    this.#refreshDescription('currentLocal', this.#core.currentLocalDescription());
    this.#refreshDescription('pendingRemote', this.#core.pendingRemoteDescription());
    this.#refreshDescription('currentRemote', this.#core.currentRemoteDescription());
    const live = new Set();
    for (const t of this.#core.transceivers()) {
      live.add(t.id);
      this.#transceiverStates.get(t.id)?.free();
      this.#transceiverStates.set(t.id, t);
      this.#transceiverCodecs.set(t.id, t.codecs.map(plainCodec));
      this.#offeredCodecs.set(t.id, t.offeredCodecs.map(plainCodec));
      if (!this.#transceivers.has(t.id)) {
        this.#transceivers.set(t.id, new RTCRtpTransceiver(CONSTRUCT, t.id, t.kind, this.#control, null));
      }
    }
    for (const id of [...this.#transceivers.keys()]) {
      if (!live.has(id)) {
        this.#transceivers.delete(id);
        this.#transceiverCodecs.delete(id);
        this.#offeredCodecs.delete(id);
      }
    }
  }

  // A description keeps its RTCSessionDescription while the core's is the same.
  #refreshDescription(slot, description) {
    const cached = this.#descriptions[slot];
    if (description === undefined) {
      this.#descriptions[slot] = null;
      return;
    }
    const { type, sdp } = description;
    description.free();
    if (!cached || cached.type !== type || cached.sdp !== sdp) this.#descriptions[slot] = new RTCSessionDescription({ type, sdp });
  }

  // --- ICE candidates (signaling side) ------------------------------------

  addIceCandidate(candidate, ...rest) {
    const legacy = legacyCallbacks(rest);
    let init;
    try {
      init = candidate === undefined || candidate === null ? {} : candidate;
      if (typeof init !== 'object') throw new TypeError("Failed to execute 'addIceCandidate' on 'RTCPeerConnection': parameter 1 is not an object.");
      const text = init.candidate === undefined || init.candidate === null ? '' : String(init.candidate);
      if (text !== '' && (init.sdpMid ?? null) === null && (init.sdpMLineIndex ?? null) === null) {
        throw new TypeError("Failed to execute 'addIceCandidate' on 'RTCPeerConnection': Candidate missing values for both sdpMid and sdpMLineIndex");
      }
    } catch (e) {
      return settleLegacy(Promise.reject(e), legacy);
    }
    const p = this.#chain('addIceCandidate', () => {
      if (this.remoteDescription === null) {
        throw new DOMException("Failed to execute 'addIceCandidate' on 'RTCPeerConnection': The remote description was null", 'InvalidStateError');
      }
      const text = init.candidate === undefined || init.candidate === null ? '' : String(init.candidate);
      const mid = init.sdpMid === undefined || init.sdpMid === null ? undefined : String(init.sdpMid);
      const index = init.sdpMLineIndex === undefined || init.sdpMLineIndex === null ? undefined : Number(init.sdpMLineIndex);
      coreCall(() => this.#core.addIceCandidate(text === '' ? undefined : text, mid, index, this.#driver.now()));
      queueTask(() => this.#driver.pump());
    });
    return settleLegacy(p, legacy);
  }

  /** webrtc-pc §8.2 getStats(): the whole report (a track selector selects
   * nothing more yet: there is no media). Resolves in a task. */
  getStats(selector = null) {
    if (selector !== null && (typeof selector !== 'object' || !('kind' in selector))) {
      return Promise.reject(new TypeError("Failed to execute 'getStats' on 'RTCPeerConnection': The provided value is not of type 'MediaStreamTrack'."));
    }
    const timestamp = performance.timeOrigin + performance.now();
    const entries = JSON.parse(this.#core.stats(timestamp, this.#driver.now()));
    return inTask(() => new RTCStatsReport(CONSTRUCT, entries));
  }

  restartIce() {
    if (this.#closed) return;
    this.#core.restartIce();
    this.#updateNegotiationNeededFlag();
  }

  // --- transceivers ---------------------------------------------------------

  addTransceiver(trackOrKind, init = {}) {
    const context = "execute 'addTransceiver' on 'RTCPeerConnection'";
    let kind;
    let track = null;
    if (typeof trackOrKind === 'string') {
      kind = trackOrKind;
      if (kind !== 'audio' && kind !== 'video') {
        throw new TypeError(`Failed to ${context}: The argument provided as parameter 1 is not a valid kind, must be 'audio' or 'video'.`);
      }
    } else if (trackOrKind && typeof trackOrKind === 'object' && (trackOrKind.kind === 'audio' || trackOrKind.kind === 'video')) {
      track = trackOrKind;
      kind = track.kind;
    } else {
      throw new TypeError(`Failed to ${context}: The provided value is not of type '(MediaStreamTrack or DOMString)'.`);
    }
    const dict = init ?? {};
    const direction = dict.direction === undefined ? 'sendrecv' : checkDirection(String(dict.direction), context);
    if (direction === 'stopped') {
      throw new TypeError(`Failed to ${context}: The provided value 'stopped' is not a valid direction for a new transceiver.`);
    }
    const streamIds = [...(dict.streams ?? [])].map((s) => String(s?.id ?? s));
    if (this.#closed) throw invalidState('addTransceiver');
    const id = coreCall(() => this.#core.addTransceiver(kind, track?.id ?? undefined, direction, streamIds));
    this.#refresh();
    const transceiver = new RTCRtpTransceiver(CONSTRUCT, id, kind, this.#control, track);
    this.#transceivers.set(id, transceiver);
    this.#updateNegotiationNeededFlag();
    return transceiver;
  }

  /** webrtc-pc §5.1 addTrack: reuses a transceiver that never sent, or
   * makes a new one. */
  addTrack(track, ...streams) {
    const context = "execute 'addTrack' on 'RTCPeerConnection'";
    if (!track || typeof track !== 'object' || !['audio', 'video'].includes(track.kind)) {
      throw new TypeError(`Failed to ${context}: parameter 1 is not of type 'MediaStreamTrack'.`);
    }
    if (this.#closed) throw invalidState('addTrack');
    const streamIds = streams.map((s) => String(s?.id ?? s));
    const id = coreCall(() => this.#core.addTrack(track.kind, String(track.id), streamIds));
    this.#refresh();
    let transceiver = this.#transceivers.get(id);
    if (!transceiver) {
      transceiver = new RTCRtpTransceiver(CONSTRUCT, id, track.kind, this.#control, track);
      this.#transceivers.set(id, transceiver);
    }
    transceiver.sender[SET_TRACK](track);
    this.#updateNegotiationNeededFlag();
    return transceiver.sender;
  }

  /** webrtc-pc §5.1 removeTrack. */
  removeTrack(sender) {
    const context = "execute 'removeTrack' on 'RTCPeerConnection'";
    const id = sender?.[TRANSCEIVER_ID]?.();
    if (id === undefined) throw new TypeError(`Failed to ${context}: parameter 1 is not of type 'RTCRtpSender'.`);
    if (this.#closed) throw invalidState('removeTrack');
    if (this.#transceivers.get(id)?.sender !== sender) {
      throw new DOMException(`Failed to ${context}: The sender was not created by this peer connection.`, 'InvalidAccessError');
    }
    if (sender.track === null) return;
    coreCall(() => this.#core.removeTrack(id));
    sender[SET_TRACK](null);
    this.#refresh();
    this.#updateNegotiationNeededFlag();
  }

  getTransceivers() { return [...this.#transceivers.values()]; }
  getSenders() { return this.#liveTransceivers().map((t) => t.sender); }
  getReceivers() { return this.#liveTransceivers().map((t) => t.receiver); }

  // Senders and receivers of stopped transceivers are left out (webrtc-pc
  // §4.4.1.4 CollectTransceivers), except that, as in Chromium, close()
  // leaves them all listed.
  #liveTransceivers() {
    return [...this.#transceivers].filter(([id]) => this.#closed || !this.#transceiverStates.get(id)?.stopped).map(([, t]) => t);
  }

  #setDirection(id, direction) {
    const state = this.#transceiverStates.get(id);
    if (this.#closed || state.stopping) {
      throw new DOMException("Failed to set the 'direction' property on 'RTCRtpTransceiver': The transceiver is stopped.", 'InvalidStateError');
    }
    if (direction === 'stopped') {
      throw new TypeError("Failed to set the 'direction' property on 'RTCRtpTransceiver': The provided value 'stopped' is not an allowed direction.");
    }
    if (direction === state.direction) return;
    coreCall(() => this.#core.setDirection(id, direction));
    this.#refresh();
    this.#updateNegotiationNeededFlag();
  }

  #stopTransceiver(id) {
    if (this.#closed) {
      throw new DOMException("Failed to execute 'stop' on 'RTCRtpTransceiver': The peer connection is closed.", 'InvalidStateError');
    }
    if (this.#transceiverStates.get(id).stopping) return;
    coreCall(() => this.#core.stopTransceiver(id));
    this.#refresh();
    this.#updateNegotiationNeededFlag();
  }

  // --- data channels ----------------------------------------------------------

  createDataChannel(label, dataChannelDict = {}) {
    if (arguments.length === 0) {
      throw new TypeError("Failed to execute 'createDataChannel' on 'RTCPeerConnection': 1 argument required, but only 0 present.");
    }
    if (this.#closed) throw invalidState('createDataChannel');
    const attrs = dataChannelInit(label, dataChannelDict);
    const handle = coreCall(() => this.#core.createDataChannel(
      attrs.label, attrs.protocol, attrs.ordered, attrs.maxRetransmits ?? undefined,
      attrs.maxPacketLifeTime ?? undefined, attrs.negotiated, attrs.id ?? undefined, attrs.priority, this.#driver.now()));
    const channel = new RTCDataChannel(CONSTRUCT, handle, attrs, this.#channelControl);
    this.#dataChannels.set(handle, channel);
    this.#dataChannelsCreated += 1;
    // The first channel makes an application section wanted (§4.4.1.6).
    if (this.#dataChannelsCreated === 1) this.#updateNegotiationNeededFlag();
    this.#driver.pump();
    return channel;
  }

  // --- close (§4.4.1.7) -----------------------------------------------------

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#signalingState = 'closed';
    this.#core.close(this.#driver.now());
    this.#driver.stop();
    this.#refresh();
    this.#ice.gathering = this.#ice.gathering === 'new' ? 'new' : 'complete';
    this.#ice.connection = 'closed';
    this.#connectionState = 'closed';
    this.#dtlsState = 'closed';
    for (const channel of this.#dataChannels.values()) channel[CLOSE_SILENTLY]();
    this.#dataChannels.clear();
  }

  get [Symbol.toStringTag]() { return 'RTCPeerConnection'; }
}

defineEventHandlers(RTCPeerConnection.prototype, [
  'negotiationneeded', 'icecandidate', 'icecandidateerror', 'signalingstatechange',
  'iceconnectionstatechange', 'icegatheringstatechange', 'connectionstatechange',
  'track', 'datachannel',
]);

// The legacy callback forms (webrtc-pc §4.4.4): createOffer(success, failure,
// options), setLocalDescription(desc, success, failure), ...: `args` are
// the arguments from where a success callback would be.
function legacyCallbacks(args) {
  return typeof args[0] === 'function' ? [args[0], args[1]] : null;
}

function settleLegacy(promise, legacy) {
  if (!legacy) return promise;
  const [success, failure] = legacy;
  return promise.then((v) => { success(v); }, (e) => { if (typeof failure === 'function') failure(e); });
}
