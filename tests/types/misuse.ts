// Lines the package's types must refuse, as lib.dom refuses them for the
// native classes (tests/e2e/types.test.mjs expects exactly these errors).
import * as wasmrtc from 'wasmrtc';

const pc = new wasmrtc.RTCPeerConnection();
const notAChannel: RTCPeerConnection = pc.createDataChannel('x');
void notAChannel;
