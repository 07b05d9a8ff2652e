// The ES2017 build for older engines (issue 17): dist/wasmrtc.es2017.js
// must parse in Node 8.17 (V8 6.2, whose syntax is ES2017: no `?.`, `??`,
// private fields, object spread or async iteration), which the ES2020 shim
// does not; and it must run a data-channel echo through wasmrtc-relay in
// Node 17.9 (V8 9.6), the oldest Node whose WebAssembly has the reference
// types the wasm needs (tests/e2e/es2017-echo.cjs). scripts/setup.sh puts
// both Nodes in .old-node/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startRelay } from './harness.mjs';

const oldNode = (version) => {
  const bin = join(ROOT, '.old-node', version, 'bin', 'node');
  assert.ok(existsSync(bin), `${bin} missing: run scripts/setup.sh`);
  return bin;
};
const ES2017 = join(ROOT, 'dist', 'wasmrtc.es2017.js');
if (!existsSync(ES2017)) {
  const r = spawnSync('node', ['scripts/build-shim.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/build-shim.mjs failed');
}

test('the ES2017 build parses in Node 8.17; the ES2020 shim does not', () => {
  const node8 = oldNode('8.17.0');
  const es2017 = spawnSync(node8, ['--check', ES2017], { encoding: 'utf8' });
  assert.equal(es2017.status, 0, es2017.stderr);
  const es2020 = spawnSync(node8, ['--check', join(ROOT, 'dist', 'wasmrtc.shim.js')], { encoding: 'utf8' });
  assert.notEqual(es2020.status, 0);
  assert.match(es2020.stderr, /SyntaxError/);
});

test('the ES2017 build runs a data-channel echo, 0 B–256 KiB, in Node 17.9', async () => {
  const relay = await startRelay();
  try {
    const child = spawn(oldNode('17.9.1'), [join(ROOT, 'tests', 'e2e', 'es2017-echo.cjs'), `ws://127.0.0.1:${relay.ports.http}/turn`],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve('timeout'); }, 60000);
      child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    const r = JSON.parse(out.trim().split('\n').pop() || '{}');
    assert.equal(code, 0, out);
    assert.equal(r.node, 'v17.9.1');
    assert.deepEqual(r.echoed, [0, 1, 1200, 64 * 1024, 256 * 1024].map((size) => ({ size, same: true })));
    for (const t of ['candidate-pair', 'data-channel', 'peer-connection', 'transport']) assert.ok(r.types.includes(t), `${t}: ${r.types}`);
    assert.equal(r.state, 'closed');
  } finally {
    await relay.close();
  }
});
