// What the package weighs and what in the wasm weighs it: the shipped files
// raw, gzip (level 9) and brotli, then the wasm's code bytes by crate and by
// module of wasmrtc, read from the function bodies and the name section
// (wasm-bindgen keeps it), plus the data segments. A generic function
// instantiated for another crate's type counts where its own code lives:
// `core::ptr::drop_in_place<wasmrtc::peer::…>` counts for wasmrtc, since
// that is the code that made it.
// Usage: npm run build && node bench/size/run.mjs [pkg/wasmrtc_bg.wasm] [TOP=25]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const ROOT = new URL('../..', import.meta.url).pathname;
const WASM = process.argv[2] ?? join(ROOT, 'pkg/wasmrtc_bg.wasm');
const TOP = Number(process.argv[3] ?? 25);

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Unsigned LEB128 at `at`: [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/** The sections of a wasm module: [{ id, name, header, start, end }]
 * (header: where the section's id byte is; start: where its body is). */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    let name = '';
    if (id === 0) {
      const [len, s] = leb(bytes, body);
      name = new TextDecoder().decode(bytes.subarray(s, s + len));
    }
    out.push({ id, name, header: at, start: body, end: body + size });
    at = body + size;
  }
  return out;
}

/** Function index → name, from the name section's function names. */
function functionNames(bytes, section) {
  const names = new Map();
  let at = leb(bytes, section.start)[1];
  at += bytes[section.start]; // skip the section's own name ("name")
  while (at < section.end) {
    const kind = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    if (kind === 1) {
      let [count, p] = leb(bytes, body);
      while (count--) {
        let index;
        let len;
        [index, p] = leb(bytes, p);
        [len, p] = leb(bytes, p);
        names.set(index, new TextDecoder().decode(bytes.subarray(p, p + len)));
        p += len;
      }
    }
    at = body + size;
  }
  return names;
}

/** How many functions the module imports (they come first in the index space). */
function importedFunctions(bytes, section) {
  let [count, at] = leb(bytes, section.start);
  let functions = 0;
  while (count--) {
    for (let i = 0; i < 2; i++) {
      const [len, p] = leb(bytes, at);
      at = p + len;
    }
    const kind = bytes[at++];
    if (kind === 0) { functions++; at = leb(bytes, at)[1]; } else if (kind === 1) { at += 1; const flags = bytes[at++]; at = leb(bytes, at)[1]; if (flags & 1) at = leb(bytes, at)[1]; } else if (kind === 2) { const flags = bytes[at++]; at = leb(bytes, at)[1]; if (flags & 1) at = leb(bytes, at)[1]; } else if (kind === 3) { at += 2; } else { at = leb(bytes, at + 1)[1]; }
  }
  return functions;
}

const LANGUAGE = new Set(['core', 'alloc', 'std']);

/** The crate (and wasmrtc's module) a demangled function name's code is
 * from: the first path in it that is not the language's own (core, alloc,
 * std), else the language crate. */
function owner(name) {
  const paths = [...name.matchAll(/(?:^|[<\s(,&*[])([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::([A-Za-z_][A-Za-z0-9_]*)/g)];
  const own = paths.find((m) => !LANGUAGE.has(m[1])) ?? paths[0];
  if (!own) return name.startsWith('__wbg') || name.startsWith('__wbindgen') ? 'wasm-bindgen glue' : '(unnamed)';
  return own[1] === 'wasmrtc' ? `wasmrtc::${own[2]}` : own[1];
}

const bytes = readFileSync(WASM);
const list = sections(bytes);
const names = functionNames(bytes, list.find((s) => s.id === 0 && s.name === 'name') ?? { start: 0, end: 0 });
const imported = importedFunctions(bytes, list.find((s) => s.id === 2));
const code = list.find((s) => s.id === 10);
const byOwner = new Map();
const byFunction = [];
let [count, at] = leb(bytes, code.start);
for (let i = 0; i < count; i++) {
  const [size, body] = leb(bytes, at);
  const name = names.get(imported + i) ?? `function ${imported + i}`;
  byOwner.set(owner(name), (byOwner.get(owner(name)) ?? 0) + size);
  byFunction.push([name, size]);
  at = body + size;
}
const data = list.filter((s) => s.id === 11).reduce((n, s) => n + s.end - s.start, 0);
const custom = list.filter((s) => s.id === 0).reduce((n, s) => n + s.end - s.start, 0);

const shipped = [WASM, join(ROOT, 'pkg/wasmrtc.js'), ...readdirSync(join(ROOT, 'js'), { recursive: true })
  .map((f) => join(ROOT, 'js', f)).filter((f) => f.endsWith('.js') && statSync(f).isFile())];
const totals = { raw: 0, gzip: 0, brotli: 0 };
console.log('| shipped | raw | gzip -9 | brotli -11 |\n|---|---|---|---|');
for (const [label, files] of [['wasm', [WASM]], ['JS (pkg/wasmrtc.js + js/)', shipped.slice(1)]]) {
  const sizes = files.map((f) => readFileSync(f)).map((b) => ({ raw: b.length, gzip: gzip(b), brotli: brotli(b) }));
  const sum = (k) => sizes.reduce((n, s) => n + s[k], 0);
  for (const k of Object.keys(totals)) totals[k] += sum(k);
  console.log(`| ${label} | ${kb(sum('raw'))} | ${kb(sum('gzip'))} | ${kb(sum('brotli'))} |`);
}
console.log(`| total | ${kb(totals.raw)} | ${kb(totals.gzip)} | ${kb(totals.brotli)} |`);
// The same module without its custom sections (what wasm-opt or a strip
// would ship): only the header and the sections the engine runs.
const stripped = Buffer.concat([bytes.subarray(0, 8), ...sections(bytes).filter((s) => s.id !== 0)
  .map((s) => bytes.subarray(s.header, s.end))]);
console.log(`| wasm without custom sections | ${kb(stripped.length)} | ${kb(gzip(stripped))} | ${kb(brotli(stripped))} |`);
console.log(`\nwasm: ${kb(code.end - code.start)} code in ${count} functions, ${kb(data)} data, ${kb(custom)} custom sections (names, producers: not needed to run)`);
console.log('\n| code by crate / wasmrtc module | raw |\n|---|---|');
for (const [who, size] of [...byOwner].sort((x, y) => y[1] - x[1]).slice(0, TOP)) console.log(`| ${who} | ${kb(size)} |`);
console.log(`\n| largest functions (top ${TOP}) | raw |\n|---|---|`);
for (const [name, size] of byFunction.sort((x, y) => y[1] - x[1]).slice(0, TOP)) console.log(`| ${name.slice(0, 110)} | ${kb(size)} |`);
