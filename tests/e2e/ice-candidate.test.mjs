// RTCIceCandidate parses the candidate-attribute grammar exactly as native
// Chromium does: every attribute, for real candidates of every type and for
// malformed ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

let browser;
let page;
before(async () => { browser = await launch(); page = await browser.page(); });
after(async () => { await browser?.close(); });

const INITS = [
  { candidate: 'candidate:1727877714 1 udp 58597375 127.0.0.1 58187 typ relay raddr 0.0.0.0 rport 0 generation 0 network-id 1', sdpMid: '0', sdpMLineIndex: 0 },
  { candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 10.0.0.2 rport 61665 generation 0 ufrag EsAw network-cost 999', sdpMid: '1' },
  { candidate: 'candidate:0 1 UDP 2122252543 127.0.0.1 50043 typ host', sdpMLineIndex: 2, usernameFragment: 'abcd' },
  { candidate: 'candidate:2 1 TCP 2105524479 127.0.0.1 9 typ host tcptype active', sdpMid: '0' },
  { candidate: 'candidate:3 2 tcp 1518280447 ::1 54321 typ host tcptype passive generation 0', sdpMid: '0' },
  { candidate: 'candidate:4 1 udp 2113937151 0b5e7f2c-1f4e-4b52-9d8e-1c4f7f0e9a11.local 54400 typ host generation 0 network-cost 999', sdpMid: 'audio' },
  { candidate: 'candidate:5 1 udp 1 127.0.0.1 9 typ prflx raddr 127.0.0.1 rport 9', sdpMid: '0' },
  { candidate: '', sdpMid: '0' },
  { candidate: 'garbage', sdpMid: '0' },
  { candidate: 'candidate:1 1 udp notanumber 127.0.0.1 9 typ host', sdpMid: '0' },
  { candidate: 'candidate:1 1 udp 1 127.0.0.1 99999 typ host', sdpMid: '0' },
  { sdpMid: '0' },
  { sdpMLineIndex: 65537 },
];

test('RTCIceCandidate attributes and toJSON() match native for every sample', async () => {
  const run = ({ apiName, inits }) => inits.map((init) => {
    const api = window[apiName];
    try {
      const c = new api.RTCIceCandidate(init);
      const attrs = {};
      for (const k of ['candidate', 'sdpMid', 'sdpMLineIndex', 'foundation', 'component', 'priority', 'address',
        'protocol', 'port', 'type', 'tcpType', 'relatedAddress', 'relatedPort', 'usernameFragment']) attrs[k] = c[k];
      return { attrs, json: c.toJSON() };
    } catch (e) {
      return { error: e.name };
    }
  });
  const nativeOut = await page.evaluate(run, { apiName: 'native', inits: INITS });
  const ours = await page.evaluate(run, { apiName: 'wasmrtc', inits: INITS });
  for (let i = 0; i < INITS.length; i++) {
    assert.deepEqual(ours[i], nativeOut[i], `sample ${i}: ${JSON.stringify(INITS[i])}`);
  }
});

test('RTCIceCandidate with neither sdpMid nor sdpMLineIndex is a TypeError, as native', async () => {
  const names = await page.evaluate(() => ['native', 'wasmrtc'].map((n) => {
    try { new window[n].RTCIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }); return 'ok'; } catch (e) { return e.name; }
  }));
  assert.deepEqual(names, ['TypeError', 'TypeError']);
});
