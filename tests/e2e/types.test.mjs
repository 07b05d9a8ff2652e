// TypeScript (issue 17): the package's .d.ts makes MDN-style code typed
// against lib.dom type-check with wasmrtc's classes in place of the globals
// (tests/types/mdn-sample.ts), and refuses what lib.dom refuses
// (tests/types/misuse.ts), so the types are the DOM's and not `any`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const tsc = (project) => spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tests', 'types', project)], { cwd: ROOT, encoding: 'utf8' });

test('MDN-style code type-checks against wasmrtc with lib.dom', () => {
  const r = tsc('tsconfig.json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the types refuse what lib.dom refuses', () => {
  const r = tsc('tsconfig.misuse.json');
  assert.notEqual(r.status, 0);
  const errors = r.stdout.split('\n').filter((l) => l.includes('error TS'));
  assert.deepEqual(errors.map((l) => /\((\d+),\d+\): error (TS\d+)/.exec(l)?.slice(1)), [['6', 'TS2740']]);
});
