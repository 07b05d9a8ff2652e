// The classic-script build (issue 17): dist/wasmrtc.shim.js, one file with no
// `import`, for pages that load scripts with <script src> as they load
// adapter.js. The wasm travels inside it and is compiled synchronously when
// the script runs (Chromium allows that on the main thread up to 8 MB; ours
// is under 2 MB), so RTCPeerConnection and the other RTC* globals exist, and
// work, on the very next line of the page. Run after scripts/build.sh.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// js/core.js loads the wasm with top-level await, which a classic script
// cannot have: the bundle takes this synchronous loader in its place.
const syncCore = {
  name: 'sync-core',
  setup(b) {
    b.onResolve({ filter: /\/core\.js$/ }, (args) => (args.importer.startsWith(`${root}js`) ? { path: 'sync-core', namespace: 'wasmrtc' } : undefined));
    b.onLoad({ filter: /^sync-core$/, namespace: 'wasmrtc' }, async () => ({
      resolveDir: `${root}js`,
      contents: `
        import * as wasm from '../pkg/wasmrtc.js';
        import bytes from '../pkg/wasmrtc_bg.wasm';
        wasm.initSync({ module: bytes });
        export { wasm };`,
    }));
  },
};

await build({
  entryPoints: [`${root}js/classic.js`],
  outfile: `${root}dist/wasmrtc.shim.js`,
  bundle: true,
  format: 'iife',
  target: 'es2020',
  loader: { '.wasm': 'binary' },
  plugins: [syncCore],
  // pkg/wasmrtc.js names its .wasm by import.meta.url only when init() is
  // given no module; the bundle always gives it one.
  define: { 'import.meta.url': '""' },
  logLevel: 'warning',
  legalComments: 'none',
});
const size = (await readFile(`${root}dist/wasmrtc.shim.js`)).length;
console.log(`dist/wasmrtc.shim.js: ${(size / 1024).toFixed(0)} KB`);
