#!/usr/bin/env bash
# Builds the libFuzzer targets (the toolchain's -sanitize=fuzzer,address) and runs each one for
# a bounded time, a few at a time, from a copy of its committed seed corpus.
#
#   Fuzz/run.sh [seconds per target, default 120] [targets at once, default 2] [target ...]
#
# Prints one line of figures per target and exits 1 if any target found a crash, a hang, a
# leak or a sanitizer report; the input that did it is kept in .build-fuzz/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-120}"
parallel="${2:-2}"
shift $(($# > 2 ? 2 : $#))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(FuzzJSONParser FuzzJSONRPC FuzzRoutingHeaders FuzzURITemplate FuzzExpression FuzzRegex)
fi
scratch="$here/../.build-fuzz"
artifacts="$scratch/artifacts"
mkdir -p "$artifacts"

echo "building the fuzz targets (release, fuzzer + address sanitizer)"
swift build --package-path "$here" --scratch-path "$scratch" -c release \
  >"$scratch/build.log" 2>&1 ||
  { tail -40 "$scratch/build.log"; exit 1; }
bin="$(swift build --package-path "$here" --scratch-path "$scratch" -c release --show-bin-path)"

run_one() {
  local target="$1" work
  work="$(mktemp -d)"
  mkdir -p "$work/corpus"
  local status=0
  "$bin/$target" "$work/corpus" "$here/Corpus/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    >"$work/log" 2>&1 || status=$?
  local execs cov features corpus
  execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)"
  cov="$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*' || echo 0)"
  features="$(grep -o 'ft: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*' || echo 0)"
  corpus="$(find "$work/corpus" -type f | wc -l)"
  if [ "$status" -eq 0 ]; then
    printf '%-20s ok     %5ss  execs %10s  (%s/s)  cov %5s  ft %6s  new corpus %s\n' "$target" "$seconds" \
      "$execs" "$((execs / (seconds > 0 ? seconds : 1)))" "$cov" "$features" "$corpus"
  else
    printf '%-20s FAILED (status %s): see %s\n' "$target" "$status" "$artifacts"
    grep -E 'ERROR|SUMMARY|Fatal error|deadly signal|Test unit written' "$work/log" | head -20
  fi
  rm -rf "$work"
  return "$status"
}

failed=0
running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
