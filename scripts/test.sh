#!/usr/bin/env bash
# `npm test`: installs what is missing, then every suite: clippy (the sans-IO
# guard included), cargo test, the wasm-bindgen tests in headless Chromium,
# the build with its "env"-import check, and the browser end-to-end tests.
# The last line is the total: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

log_dir=$(mktemp -d)
passed=0
failed=0
failed_steps=()

# Runs one step, tees its output, and adds its own counts (or 1 for a step
# that has none) to the totals.
step() {
  local name="$1"; shift
  local out="$log_dir/$name.log"
  echo "=== $name: $*"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  # cargo/wasm-bindgen-test: "test result: ok. 12 passed; 0 failed"
  p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$out" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '; [0-9]+ failed' "$out" | awk '{s+=$2} END {print s+0}')
  # node --test: "# pass 5" / "# fail 0"
  p=$((p + $(grep -Eo '^# pass [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')))
  f=$((f + $(grep -Eo '^# fail [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then p=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$rc" -ne 0 ] && failed_steps+=("$name")
  return 0
}

step clippy cargo clippy --workspace --all-targets -- -D warnings
step clippy-wasm32 cargo clippy -p wasmrtc --target wasm32-unknown-unknown -- -D warnings
step cargo-test cargo test --workspace
step wasm-bindgen-test wasm-pack test --headless --chrome -- --test wasm
step build bash scripts/build.sh
# Node 20's WebSocket is behind a flag; the relay tests use it.
step e2e node --experimental-websocket --test --test-concurrency=1 tests/e2e/

[ ${#failed_steps[@]} -gt 0 ] && echo "failed steps: ${failed_steps[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
