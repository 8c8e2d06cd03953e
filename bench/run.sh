#!/usr/bin/env bash
# The side-by-side benchmark, from a clone: builds the server exactly as the Dockerfile does
# (`make build`) and the Hummingbird ceiling (bench/ceiling, `make ceiling`), sets up the pinned Python peers
# (bench/requirements.txt) in a venv, then runs bench/bench.py — every measured run of our server
# right after a run of the ceiling, REPS times — and writes the table and the chart of
# docs/PERFORMANCE.md with bench/report.py. Everything it needs is in bench/.
#
#   bench/run.sh                                  # full run (about 25 min): every row, 3 reps of 10 s
#   QUICK=1 bench/run.sh                          # smoke: 1 rep of 3 s, the doc is left alone
#   ONLY=production,tuned-no-access-log bench/run.sh     # some configurations (see bench/bench.py)
#   ONLY=peers WORKLOADS=call_add bench/run.sh    # only the Python peers, one workload
#   SWEEP=1 bench/run.sh                          # the topology sweep (workers x event loops)
#   DOC=1 ONLY=production-oauth WORKLOADS=list_tools_2026 REPS=5 bench/run.sh   # OAuth on vs off
#   CALLGRIND=1 bench/run.sh                      # also instructions per request (bench/callgrind.py)
#   BASELINE=old/mcp-server BASELINE_LABEL=abc123 ONLY=production bench/run.sh   # before/after a change
#   ONLY=production-oauth WORKLOADS=list_tools_2026 bench/run.sh   # tools/list with OAuth on vs off (opt-in rows)
#
# Settings: DURATION (s, default 10), WARMUP (s, 2), REPS (3), CONNS (64), ONLY, WORKLOADS,
# ORDER=reverse (rows measured in turn reverse every other rep instead of rotating; see bench/bench.py),
# STRICT=1 (exit 1 when a run served nothing or answered wrong: the CI smoke),
# SKIP_BUILD=1 (use the binaries already built), BENCH_OUT (default .build-bench),
# OAUTH_BINARY (the binary of the production-oauth rows; default the release binary `make build`
# made, which carries the OAuth trait: the Makefile builds with --traits OAuth,PostgreSQL,TLS; those
# rows also start Glewlwyd through Tests/OAuth/start.sh, installed by Tests/OAuth/setup.sh as root),
# DOC=0|1 (rewrite docs/PERFORMANCE.md's results section, or its sweep section with SWEEP=1, and
# the chart; default 1 unless QUICK, ONLY or WORKLOADS is set). Needs: Swift 6, python3 with venv, wrk (installed with apt-get when
# run as root).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/.build-bench}"
VENV="${BENCH_VENV:-$OUT/venv}"
if [[ -n ${QUICK:-} ]]; then
  DURATION="${DURATION:-3}" WARMUP="${WARMUP:-1}" REPS="${REPS:-1}"
fi
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
REPS="${REPS:-3}"
CONNS="${CONNS:-64}"
if [[ -n ${QUICK:-}${ONLY:-}${WORKLOADS:-} ]]; then DOC="${DOC:-0}"; else DOC="${DOC:-1}"; fi
started=$SECONDS
step() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }

# Build output, thinned: every 40th progress line, and every warning or error in full.
progress() {
  awk '/error:|warning:|Compiling [^ ]+ .*\.swift$/ && !/^\[/ {print; next}
       /^\[[0-9]+\/[0-9]+\]/ {n++; if (n % 40 == 1) print; last=$0; next}
       {print}
       END {if (last != "") print last}'
}

mkdir -p "$OUT"
step "tools: wrk, python venv with the pinned peers ($ROOT/bench/requirements.txt)"
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: apt-get install wrk" >&2
    exit 2
  fi
fi
[[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/bench/requirements.txt"

SERVER="$ROOT/.build/release/mcp-server"
CEILING="$ROOT/.build/release/HBCeiling"
if [[ -z ${SKIP_BUILD:-} ]]; then
  step "release build of mcp-server, as the Dockerfile builds it (make build; the first one takes 10-20 min on 2 cores)"
  make -s -C "$ROOT" build 2>&1 | progress
  step "release build of the ceiling (bench/ceiling: make ceiling, a target of this package built from the same build)"
  # The server's release flags (static stdlib, no DWARF: valgrind 3.19 cannot read the DWARF 5 swift emits).
  make -s -C "$ROOT" ceiling 2>&1 | progress
fi
[[ -x $SERVER && -x $CEILING ]] || { echo "binaries missing ($SERVER, $CEILING)" >&2; exit 2; }
if [[ ,${ONLY:-}, == *,production-oauth,* ]]; then
  step "production-oauth: Glewlwyd (Tests/OAuth/setup.sh) and a binary with the OAuth trait (${OAUTH_BINARY:-$SERVER})"
  bash "$ROOT/Tests/OAuth/setup.sh"
  [[ -x ${OAUTH_BINARY:-$SERVER} ]] || { echo "OAUTH_BINARY missing (${OAUTH_BINARY:-})" >&2; exit 2; }
fi

results="$OUT/results.jsonl"
rm -f "$results"
args=(--server "$SERVER" --ceiling "$CEILING" --python "$VENV/bin/python" --out "$OUT"
  --duration "$DURATION" --warmup "$WARMUP" --reps "$REPS" --connections "$CONNS")
[[ -n ${ONLY:-} ]] && args+=(--only "$ONLY")
[[ -n ${WORKLOADS:-} ]] && args+=(--workloads "$WORKLOADS")
[[ -n ${SWEEP:-} ]] && args+=(--sweep)
[[ -n ${BASELINE:-} ]] && args+=(--baseline "$BASELINE" --baseline-label "${BASELINE_LABEL:-earlier build}")
[[ -n ${OAUTH_BINARY:-} ]] && args+=(--oauth-server "$OAUTH_BINARY")
[[ -n ${ORDER:-} ]] && args+=(--order "$ORDER")
context="$(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), $(nproc) CPUs, load average before the run $(cut -d' ' -f1-3 /proc/loadavg); \`bench/run.sh\` with DURATION=$DURATION REPS=$REPS CONNS=$CONNS${ONLY:+ ONLY=$ONLY}${WORKLOADS:+ WORKLOADS=$WORKLOADS}${SWEEP:+ SWEEP=1}${ORDER:+ ORDER=$ORDER}."
step "load: $REPS x ${DURATION}s per row (after ${WARMUP}s of warm-up), $CONNS connections; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" "$ROOT/bench/bench.py" "${args[@]}"

report=(--context "$context")
if [[ -n ${CALLGRIND:-} ]]; then
  step "instructions per request under callgrind (bench/callgrind.py)"
  callgrind=(--server "$SERVER" --ceiling "$CEILING" --label "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo now)")
  # The doc's table is written from docs/callgrind.json, which keeps the earlier rows.
  if [[ $DOC == 1 ]]; then
    callgrind+=(--json "$ROOT/docs/callgrind.json" --doc "$ROOT/docs/PERFORMANCE.md")
  else
    callgrind+=(--json "$OUT/callgrind.json")
  fi
  python3 "$ROOT/bench/callgrind.py" "${callgrind[@]}"
fi
if [[ $DOC == 1 && -n ${SWEEP:-} ]]; then
  report+=(--doc "$ROOT/docs/PERFORMANCE.md" --section sweep --chart "$ROOT/docs/bench-sweep.svg")
elif [[ $DOC == 1 && ${ONLY:-} == production-oauth ]]; then
  report+=(--doc "$ROOT/docs/PERFORMANCE.md" --section oauth --chart "$ROOT/docs/bench-oauth.svg")
elif [[ $DOC == 1 ]]; then
  report+=(--doc "$ROOT/docs/PERFORMANCE.md" --chart "$ROOT/docs/bench-chart.svg" --readme "$ROOT/README.md" --readme "$ROOT/README.zh-CN.md")
else
  report+=(--chart "$OUT/bench-chart.svg")
fi
[[ -n ${STRICT:-} ]] && report+=(--strict)
step "report"
"$VENV/bin/python" "$ROOT/bench/report.py" "$results" "${report[@]}"
