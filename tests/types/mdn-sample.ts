// The MDN "Signaling and video calling" and "Simple RTCDataChannel sample"
// code, typed against lib.dom, with wasmrtc's classes in place of the
// globals: it must type-check unchanged (tests/e2e/types.test.mjs).
import * as wasmrtc from 'wasmrtc';
import { install } from 'wasmrtc/shim';

install({ relays: [{ urls: 'wss://relay.example/turn', username: 'u', credential: 'p' }] });

const pc: RTCPeerConnection = new wasmrtc.RTCPeerConnection({
  iceServers: [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'p' }],
  iceTransportPolicy: 'relay',
});

pc.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
  if (event.candidate) console.log(event.candidate.toJSON());
};
pc.ontrack = (event: RTCTrackEvent) => {
  const stream: MediaStream = event.streams[0];
  console.log(stream.id, event.track.kind, event.transceiver.mid);
};
pc.onnegotiationneeded = async () => {
  await pc.setLocalDescription(await pc.createOffer());
  const desc: RTCSessionDescription | null = pc.localDescription;
  console.log(desc?.sdp);
};

const channel: RTCDataChannel = pc.createDataChannel('chat', { ordered: true });
channel.binaryType = 'arraybuffer';
channel.onopen = () => channel.send('hello');
channel.onmessage = (event: MessageEvent) => console.log(event.data);

async function answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
  await pc.setRemoteDescription(new wasmrtc.RTCSessionDescription(offer));
  await pc.addIceCandidate(new wasmrtc.RTCIceCandidate({ candidate: '', sdpMid: '0' }));
  const transceiver: RTCRtpTransceiver = pc.addTransceiver('video', { direction: 'recvonly' });
  console.log(transceiver.receiver.track.kind, wasmrtc.RTCRtpSender.getCapabilities('video')?.codecs.length);
  const report: RTCStatsReport = await pc.getStats();
  report.forEach((stats) => console.log(stats.type));
  const ecdsa: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  const cert: RTCCertificate = await wasmrtc.RTCPeerConnection.generateCertificate(ecdsa);
  console.log(cert.expires);
  return (await pc.createAnswer()) as RTCSessionDescriptionInit;
}
void answer;
