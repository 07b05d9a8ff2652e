#!/usr/bin/env bash
# `npm run build`: the wasm core into pkg/ for the web, then the guard that
# keeps it host-agnostic: the .wasm may import nothing from "env"; last, the
# classic-script build dist/wasmrtc.shim.js (scripts/build-shim.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile="${WASMRTC_PROFILE:---release}"
wasm-pack build --quiet --target web --out-dir pkg --out-name wasmrtc "$profile" 2>&1 | grep -v '^\[INFO\]' || true
test -f pkg/wasmrtc_bg.wasm || { echo "build failed: pkg/wasmrtc_bg.wasm missing" >&2; exit 1; }
node scripts/check-wasm-imports.mjs pkg/wasmrtc_bg.wasm
node scripts/build-shim.mjs
