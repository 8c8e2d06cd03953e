#!/usr/bin/env bash
# Side-by-side benchmark: this server (release build) against the HTTP ceiling of its own stack
# (Hummingbird answering a fixed body) and the Python peer (official SDK FastMCP + uvicorn),
# with the same wrk load on loopback, one system at a time. Prints req/s, p50, p99 and peak RSS
# per run, then the ratios. Absolute numbers drift on shared machines; the ratios hold.
#
#   bench/run.sh                 # full run (15 s per measurement, 64 connections)
#   DURATION=5 bench/run.sh      # quicker
#
# Needs: wrk (installed with apt-get when run as root), python3 with venv, the shared bench kit
# at ../shared/bench (peer server, wrk scripts, ceiling server), Swift 6.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIT="${BENCH_KIT:-$ROOT/../shared/bench}"
DURATION="${DURATION:-15}"
CONNS="${CONNS:-64}"
OUT="${BENCH_OUT:-$ROOT/.build-bench}"
PEER_VENV="${PEER_VENV:-$OUT/peer-venv}"
export RESULTS="$OUT/results.tsv"
export STATE="$OUT/state"
mkdir -p "$OUT" "$STATE"
rm -f "$RESULTS"

[[ -d $KIT ]] || { echo "bench kit not found at $KIT (set BENCH_KIT)" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else echo "install wrk" >&2; exit 2; fi
fi
if [[ ! -x $PEER_VENV/bin/python ]]; then python3 -m venv "$PEER_VENV"; fi
"$PEER_VENV/bin/pip" install --quiet --disable-pip-version-check mcp fastmcp 'uvicorn[standard]' psutil
export PY="$PEER_VENV/bin/python"

echo "==> building release binaries"
(cd "$ROOT" && swift build -c release --product mcp-server 2>&1 | tail -1)
swift build -c release --package-path "$KIT/ceiling" --scratch-path "$ROOT/.build-ceiling" 2>&1 | tail -1
SERVER="$ROOT/.build/release/mcp-server"
CEILING="$ROOT/.build-ceiling/release/HBCeiling"

wait_for() {  # url
  for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
measure() { "$KIT/measure.sh" "$@" "$DURATION" >/dev/null; tail -1 "$RESULTS"; }

echo "==> ceiling: Hummingbird fixed body"
"$CEILING" 8301 >"$OUT/ceiling.log" 2>&1 &
pid=$!
wait_for http://127.0.0.1:8301/health
measure "ceiling|fixed|1|post" "$pid" "$CONNS" http://127.0.0.1:8301/mcp "$KIT/wrk/modern.lua"
EXPECT='"status":"ok"' measure "ceiling|fixed|1|health" "$pid" "$CONNS" http://127.0.0.1:8301/health "$KIT/wrk/get.lua"
stop "$pid"

echo "==> swift: mcp-server, one process"
workspace=$(mktemp -d)
"$SERVER" --port 8302 --log-level warning --workspace "$workspace" --env-file /nonexistent >"$OUT/swift.log" 2>&1 &
pid=$!
wait_for http://127.0.0.1:8302/health
measure "swift|json|1|call_add_2026" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/modern.lua"
MCP_METHOD=call_add measure "swift|json|1|call_add" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/mcp.lua"
MCP_METHOD=list_tools measure "swift|json|1|list_tools" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/mcp.lua"
EXPECT='"status":"healthy"' measure "swift|json|1|health" "$pid" "$CONNS" http://127.0.0.1:8302/health "$KIT/wrk/get.lua"
stop "$pid"
rm -rf "$workspace"

for peer in sdk sdk-json; do
  echo "==> python: $peer, one uvicorn worker"
  pid=$("$KIT/run-peers.sh" start "$peer" 1 8303)
  MCP_METHOD=call_add measure "python-$peer|$peer|1|call_add" "$pid" "$CONNS" http://127.0.0.1:8303/mcp "$KIT/wrk/mcp.lua"
  MCP_METHOD=list_tools measure "python-$peer|$peer|1|list_tools" "$pid" "$CONNS" http://127.0.0.1:8303/mcp "$KIT/wrk/mcp.lua"
  EXPECT='"status":"ok"' measure "python-$peer|$peer|1|health" "$pid" "$CONNS" http://127.0.0.1:8303/health "$KIT/wrk/get.lua"
  "$KIT/run-peers.sh" stop 8303
done

echo
python3 "$ROOT/bench/report.py" "$RESULTS"
