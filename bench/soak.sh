#!/usr/bin/env bash
# Soak test: mixed traffic against the release binary (a supervisor with two workers) for a
# configurable time, sampling RSS, open descriptors and the session and stream gauges; fails
# when any of them trends upward (last third of the run against the middle third).
#
#   bench/soak.sh [--duration SECONDS (3600)] [--interval SECONDS (5)] [--binary PATH] [--csv FILE]
#
# The traffic: 2026-07-28 tool calls; handshake-era sessions DELETEd or abandoned; GET streams
# and subscriptions/listen streams dropped by the client (FIN or RST); calls whose client goes
# away before the answer; worker recycling (MAX_REQUESTS=3000). Figures go to docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=".build/release/mcp-server"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -x "$binary" ] || { echo "no release binary at $binary: run make build" >&2; exit 2; }
python="${MCP_PYTHON:-python3}"
exec "$python" bench/soak.py --binary "$binary" "${args[@]}"
