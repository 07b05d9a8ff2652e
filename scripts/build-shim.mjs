// The classic-script build (issue 17): dist/wasmrtc.shim.js, one file with no
// `import`, for pages that load scripts with <script src> as they load
// adapter.js. The wasm travels inside it and is compiled synchronously when
// the script runs (Chromium allows that on the main thread up to 8 MB; ours
// is under 2 MB), so RTCPeerConnection and the other RTC* globals exist, and
// work, on the very next line of the page; dist/wasmrtc.es2017.js is the
// same for ES2017 engines. Run after scripts/build.sh.
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

/** One classic-script bundle of js/classic.js for engines of `target`. */
async function bundle(outfile, target) {
  await build({
    entryPoints: [`${root}js/classic.js`],
    outfile: `${root}${outfile}`,
    bundle: true,
    format: 'iife',
    target,
    loader: { '.wasm': 'binary' },
    plugins: [syncCore],
    // pkg/wasmrtc.js names its .wasm by import.meta.url only when init() is
    // given no module; the bundle always gives it one.
    define: { 'import.meta.url': '""' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  const size = (await readFile(`${root}${outfile}`)).length;
  console.log(`${outfile}: ${(size / 1024).toFixed(0)} KB`);
}

await bundle('dist/wasmrtc.shim.js', 'es2020');
// For older engines: private fields become WeakMaps, `?.` and `??` are
// spelled out (tests/e2e/es2017.test.mjs). The wasm itself needs
// WebAssembly reference types whatever the JS (README, "Environments").
await bundle('dist/wasmrtc.es2017.js', 'es2017');
