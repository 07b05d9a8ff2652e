// Fails when the built core imports from the module "env": that happens when
// Rust code reaches for a host function wasm-bindgen does not provide (a
// clock, a C library), which would break the sans-IO contract.
import { readFile } from 'node:fs/promises';

const path = process.argv[2];
const module = await WebAssembly.compile(await readFile(path));
const imports = WebAssembly.Module.imports(module);
const fromEnv = imports.filter((i) => i.module === 'env');
if (fromEnv.length > 0) {
  console.error(`${path} imports from "env": ${fromEnv.map((i) => i.name).join(', ')}`);
  process.exit(1);
}
const modules = [...new Set(imports.map((i) => i.module))];
console.log(`${path}: ${imports.length} imports, none from "env" (modules: ${modules.join(', ') || 'none'})`);
