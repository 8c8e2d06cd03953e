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
PSS="$OUT/pss.tsv"
mkdir -p "$OUT" "$STATE"
rm -f "$RESULTS" "$PSS"

[[ -d $KIT ]] || { echo "bench kit not found at $KIT (set BENCH_KIT)" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else echo "install wrk" >&2; exit 2; fi
fi
if [[ ! -x $PEER_VENV/bin/python ]]; then python3 -m venv "$PEER_VENV"; fi
"$PEER_VENV/bin/pip" install --quiet --disable-pip-version-check mcp fastmcp 'uvicorn[standard]' psutil
export PY="$PEER_VENV/bin/python"

echo "==> building release binaries"
# `make build`: the same flags as the Dockerfile.
make -s -C "$ROOT" build 2>&1 | tail -1
swift build -c release --package-path "$KIT/ceiling" --scratch-path "$ROOT/.build-ceiling" 2>&1 | tail -1
SERVER="$ROOT/.build/release/mcp-server"
CEILING="$ROOT/.build-ceiling/release/HBCeiling"

wait_for() {  # url
  for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
measure() {  # label root-pid conns url script: the kit's measurement, plus the tree's peak PSS
  "$PY" "$ROOT/bench/pss.py" "$2" "$((DURATION + 1))" >"$OUT/pss.last" &
  local sampler=$!
  "$KIT/measure.sh" "$@" "$DURATION" >/dev/null
  wait "$sampler" || true
  printf '%s\t%s\n' "$1" "$(cat "$OUT/pss.last")" >>"$PSS"
  printf '%s\tpss=%s\n' "$(tail -1 "$RESULTS")" "$(cat "$OUT/pss.last")"
}

echo "==> ceiling: Hummingbird fixed body"
"$CEILING" 8301 >"$OUT/ceiling.log" 2>&1 &
pid=$!
wait_for http://127.0.0.1:8301/health
measure "ceiling|fixed|1|post" "$pid" "$CONNS" http://127.0.0.1:8301/mcp "$KIT/wrk/modern.lua"
EXPECT='"status":"ok"' measure "ceiling|fixed|1|health" "$pid" "$CONNS" http://127.0.0.1:8301/health "$KIT/wrk/get.lua"
stop "$pid"

run_swift() {  # label, extra arguments...
  local label=$1; shift
  local workspace; workspace=$(mktemp -d)
  "$SERVER" "$@" --port 8302 --log-level warning --workspace "$workspace" --env-file /nonexistent >"$OUT/swift-$label.log" 2>&1 &
  local pid=$!
  wait_for http://127.0.0.1:8302/health
  sleep 1
  measure "swift|$label|${WORKERS_LABEL:-1}|call_add_2026" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/modern.lua"
  MCP_METHOD=list_tools measure "swift|$label|${WORKERS_LABEL:-1}|list_tools" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/mcp.lua"
  if [[ -z ${QUICK:-} ]]; then
    MCP_METHOD=call_add measure "swift|$label|${WORKERS_LABEL:-1}|call_add" "$pid" "$CONNS" http://127.0.0.1:8302/mcp "$KIT/wrk/mcp.lua"
    EXPECT='"status":"healthy"' measure "swift|$label|${WORKERS_LABEL:-1}|health" "$pid" "$CONNS" http://127.0.0.1:8302/health "$KIT/wrk/get.lua"
  fi
  stop "$pid"
  rm -rf "$workspace"
}

echo "==> swift: mcp-server, one process (no supervisor)"
run_swift single
echo "==> swift: supervisor with 1, 2 and 4 workers, and the automatic count (production defaults)"
WORKERS_LABEL=1 QUICK=1 run_swift workers-1 --workers 1
WORKERS_LABEL=2 run_swift workers-2 --workers 2
WORKERS_LABEL=4 QUICK=1 run_swift workers-4 --workers 4
auto=$("$SERVER" workers --env production --env-file /nonexistent)
WORKERS_LABEL=$auto QUICK=1 MAX_REQUESTS=0 run_swift auto --env production

for workers in 1 2; do
  for peer in sdk sdk-json fastmcp fastmcp-json; do
    echo "==> python: $peer, $workers uvicorn worker(s)"
    pid=$("$KIT/run-peers.sh" start "$peer" "$workers" 8303)
    MCP_METHOD=call_add measure "python-$peer|$peer|$workers|call_add" "$pid" "$CONNS" http://127.0.0.1:8303/mcp "$KIT/wrk/mcp.lua"
    MCP_METHOD=list_tools measure "python-$peer|$peer|$workers|list_tools" "$pid" "$CONNS" http://127.0.0.1:8303/mcp "$KIT/wrk/mcp.lua"
    EXPECT='"status":"ok"' measure "python-$peer|$peer|$workers|health" "$pid" "$CONNS" http://127.0.0.1:8303/health "$KIT/wrk/get.lua"
    "$KIT/run-peers.sh" stop 8303
  done
done

echo
python3 "$ROOT/bench/report.py" "$RESULTS" "$PSS"
