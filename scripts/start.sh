#!/usr/bin/env bash
# `npm start`: install what is missing, build the core and the relay, then
# run the relay with the demo: it serves www/, js/ and pkg/, the signaling
# rooms the demo pages meet in, and TURN over WebSocket, UDP and TCP.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cargo build -q --release -p wasmrtc-relay
PORT="${PORT:-8080}"
echo "wasmrtc demo: http://127.0.0.1:${PORT}/  (two tabs on http://127.0.0.1:${PORT}/app.html?room=demo)"
exec "${CARGO_TARGET_DIR:-target}/release/wasmrtc-relay" --listening-ip 127.0.0.1 --listening-port 3478 \
  --http-port "$PORT" --relay-ip 127.0.0.1 --min-port 49152 --max-port 65000 --realm wasmrtc \
  --user alice:secret --allow-loopback-peers --www .
