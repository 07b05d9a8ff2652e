// RTCSessionDescription (webrtc-pc §4.6.2).

const SDP_TYPES = ['offer', 'pranswer', 'answer', 'rollback'];

export function checkSdpType(type, context) {
  if (!SDP_TYPES.includes(type)) {
    throw new TypeError(`Failed to ${context}: The provided value '${type}' is not a valid enum value of type RTCSdpType.`);
  }
  return type;
}

export class RTCSessionDescription {
  #type;
  #sdp;

  constructor(descriptionInitDict) {
    if (descriptionInitDict === undefined || descriptionInitDict === null || typeof descriptionInitDict !== 'object') {
      throw new TypeError("Failed to construct 'RTCSessionDescription': 1 argument required, but only 0 present.");
    }
    if (descriptionInitDict.type === undefined) {
      throw new TypeError("Failed to construct 'RTCSessionDescription': Failed to read the 'type' property from 'RTCSessionDescriptionInit': Required member is undefined.");
    }
    this.#type = checkSdpType(String(descriptionInitDict.type), "construct 'RTCSessionDescription'");
    this.#sdp = descriptionInitDict.sdp === undefined ? '' : String(descriptionInitDict.sdp);
  }

  get type() { return this.#type; }
  get sdp() { return this.#sdp; }
  toJSON() { return { type: this.#type, sdp: this.#sdp }; }
  get [Symbol.toStringTag]() { return 'RTCSessionDescription'; }
}
