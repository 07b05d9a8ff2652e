// The demo page served by `npm start` negotiates two wasmrtc peers and shows
// their SDP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the demo page negotiates two in-page peers and shows both descriptions', async () => {
  const page = await browser.page();
  await page.goto(`${browser.base}/`);
  await page.waitForSelector('body[data-negotiated="true"]', { timeout: 15000 });
  const offer = await page.textContent('#offer');
  const answer = await page.textContent('#answer');
  assert.match(offer, /^v=0/);
  assert.match(offer, /m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel/);
  assert.match(answer, /a=setup:active/);
  assert.match(await page.textContent('#state-a'), /signalingState stable; transceivers \d+:sendonly \d+:sendonly/);
  assert.deepEqual(page.errors, []);
});
