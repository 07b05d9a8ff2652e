#!/usr/bin/env bash
# Forwarded packets per second and Mbit/s of wasmrtc-relay and of coturn,
# started with equivalent settings (127.0.0.1, long-term user, loopback peers
# allowed, no TLS) and driven by the same load in one run: coturn's
# turnutils_uclient (M clients, N messages of L bytes each, channels) echoed
# by turnutils_peer. Each echoed message crosses the relay twice.
# Usage: bench/relay/run.sh [clients=20] [messages=2000] [length=1000]
# Prints one line per server and the ratio wasmrtc/coturn. Best of 3 runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
M=${1:-20}; N=${2:-2000}; L=${3:-1000}
command -v turnserver >/dev/null || { echo "needs coturn (apt-get install coturn)"; exit 1; }
cargo build -q --release -p wasmrtc-relay
BIN=${CARGO_TARGET_DIR:-target}/release/wasmrtc-relay
PEER_PORT=3490
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
turnutils_peer -L 127.0.0.1 -p $PEER_PORT >/dev/null 2>&1 & pids+=($!)
RUST_LOG=warn "$BIN" --listening-ip 127.0.0.1 --listening-port 3491 --http-port 0 --relay-ip 127.0.0.1 \
  --min-port 50000 --max-port 54999 --realm wasmrtc --user alice:secret --allow-loopback-peers >/dev/null 2>&1 & pids+=($!)
turnserver -n --listening-ip 127.0.0.1 --listening-port 3492 --relay-ip 127.0.0.1 --min-port 55000 --max-port 59999 \
  --realm wasmrtc --user alice:secret --lt-cred-mech --allow-loopback-peers --no-tls --no-dtls --no-cli \
  --log-file stdout --simple-log >/dev/null 2>&1 & pids+=($!)
sleep 1

run() { # port -> "pps mbps lost"
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$(timeout 300 turnutils_uclient -c -u alice -w secret -e 127.0.0.1 -r $PEER_PORT -m "$M" -n "$N" -l "$L" -z 0 -p "$1" 127.0.0.1 2>&1)
  t1=$(date +%s.%N)
  local recv lost
  recv=$(grep -o 'tot_recv_msgs=[0-9]*' <<<"$out" | tail -1 | cut -d= -f2)
  lost=$(grep -o 'Total lost packets [0-9]*' <<<"$out" | tail -1 | awk '{print $4}')
  awk -v r="${recv:-0}" -v t0="$t0" -v t1="$t1" -v l="$L" -v lost="${lost:-?}" \
    'BEGIN { s = t1 - t0; printf "%.0f %.1f %s\n", 2 * r / s, 2 * r * l * 8 / s / 1e6, lost }'
}
best() { local b="0 0 ?"; for _ in 1 2 3; do r=$(run "$1"); if awk -v a="$r" -v b="$b" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]>y[1])}'; then b=$r; fi; done; echo "$b"; }
W=$(best 3491); C=$(best 3492)
echo "load: $M clients x $N messages x $L bytes, channels, UDP"
echo "wasmrtc-relay: $(awk '{print $1" packets/s, "$2" Mbit/s, lost "$3}' <<<"$W")"
echo "coturn:        $(awk '{print $1" packets/s, "$2" Mbit/s, lost "$3}' <<<"$C")"
awk -v w="$W" -v c="$C" 'BEGIN{split(w,x," ");split(c,y," "); if (y[1] > 0) printf "ratio wasmrtc/coturn: %.2f\n", x[1]/y[1]}'
