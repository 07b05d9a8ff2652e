// The module worker of tests/e2e/workers-media.test.mjs: the wasmrtc end
// of pages/encoded-call.js, over the worker's own port.
import * as wasmrtc from '/js/index.js';

// pages/media.js's encoders find the package on the global.
self.wasmrtc = wasmrtc;
const { offerEncodedCall } = await import('/tests/e2e/pages/encoded-call.js');
offerEncodedCall(wasmrtc, self);
