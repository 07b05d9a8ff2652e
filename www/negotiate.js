// The first demo: negotiate two wasmrtc peers in one page and show the SDP.
import { RTCPeerConnection } from '/js/index.js';

const $ = (id) => document.getElementById(id);

function describe(pc) {
  const transceivers = pc.getTransceivers().map((t) => `${t.mid}:${t.currentDirection}`).join(' ');
  return `signalingState ${pc.signalingState}; transceivers ${transceivers || 'none'}`;
}

async function negotiate() {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  if ($('data').checked) a.createDataChannel('chat');
  if ($('audio').checked) a.addTransceiver('audio');
  if ($('video').checked) a.addTransceiver('video');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  $('offer').textContent = a.localDescription.sdp;
  $('answer').textContent = b.localDescription.sdp;
  $('state-a').textContent = describe(a);
  $('state-b').textContent = describe(b);
  document.body.dataset.negotiated = 'true';
  a.close();
  b.close();
}

$('negotiate').addEventListener('click', () => {
  negotiate().catch((e) => { $('offer').textContent = `${e.name}: ${e.message}`; });
});
negotiate().catch((e) => { $('offer').textContent = `${e.name}: ${e.message}`; });
