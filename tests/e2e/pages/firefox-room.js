// The signaling room of the native Firefox pages (firefox.html,
// firefox-media.html): the page's URL gives the relay's room
// (?signal=ws://…/signal/ROOM) and its loopback TURN listener
// (?turn=127.0.0.1:UDPPORT), the only one Firefox ever uses
// (iceTransportPolicy 'relay').

const params = new URLSearchParams(location.search);

/** The RTCConfiguration of every Firefox peer. */
export const config = {
  iceServers: [{ urls: `turn:${params.get('turn')}?transport=udp`, username: 'alice', credential: 'secret' }],
  iceTransportPolicy: 'relay',
};

const ws = new WebSocket(params.get('signal'));

/** Sends one message to the room. */
export const send = (m) => ws.send(JSON.stringify(m));

/** Tells the other member (and the console) what Firefox saw: an "ff" message. */
export function report(session, what, extra = {}) {
  console.log(`wasmrtc-ff: session ${session}: ${what} ${JSON.stringify(extra)}`);
  send({ type: 'ff', session, what, ...extra, t: performance.now() });
}

/** Joins the room: `onMessage(m)` gets the messages one at a time, in order,
 * as a signaling channel should (a throw is reported as 'exception'); once
 * the page captures, `ready()` (optional, may add fields) and a 'ready'
 * message follow. */
export function join(onMessage, ready = async () => ({})) {
  let queue = Promise.resolve();
  ws.onmessage = (e) => {
    queue = queue.then(async () => {
      let m;
      try {
        m = JSON.parse(e.data);
        await onMessage(m);
      } catch (err) {
        report(m?.session ?? null, 'exception', { error: `${err.name}: ${err.message}`, on: m?.type });
      }
    });
  };
  ws.onopen = async () => {
    try {
      // Firefox gathers on all interfaces only while the page captures
      // (DESIGN.md): a fake microphone, kept open for the page's lifetime.
      window.mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      send({ type: 'ready', userAgent: navigator.userAgent, ...(await ready()) });
    } catch (err) {
      send({ type: 'ready', userAgent: navigator.userAgent, gumError: `${err.name}: ${err.message}` });
    }
  };
  ws.onerror = () => console.log('wasmrtc-ff: signaling WebSocket error');
}
