#!/usr/bin/env bash
# First-build and edit-and-rebuild times of `swift run mcp-server`, as a newcomer meets them:
# a fresh clone of this repository in a temporary folder, the default build (no traits).
#
#   bench/build_times.sh            # prints the three figures the README quotes
#
# 1. cold: `swift build --product mcp-server` in the fresh clone (what `swift run mcp-server`
#    builds before it starts; the package cache may already hold the sources, as after any
#    earlier clone on the machine);
# 2. one tool edited: a string in a tool's body changed, rebuilt;
# 3. one file added: a new Swift file in the example catalogue's module, rebuilt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
git clone -q "$ROOT" "$WORK/clone"
cd "$WORK/clone"

seconds() { # runs "$@" quietly, prints its wall-clock seconds
  local start end
  start=$(date +%s.%N)
  "$@" >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

echo "$(nproc) CPUs, $(swift --version 2>/dev/null | head -1), commit $(git rev-parse --short HEAD)"
cold=$(seconds swift build --product mcp-server)
echo "cold build of mcp-server: ${cold} s"

tool=Sources/ExampleServer/Calculator/Calculator.swift
[[ -f $tool ]] || tool=$(grep -rl '@Tool' Sources/ExampleServer | head -1)
python3 - "$tool" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text, count = re.subn(r'"([^"\\]*)"', lambda m: '"' + m.group(1) + ' "', text, count=1)
assert count == 1, "no string literal to change"
open(path, "w").write(text)
PY
edited=$(seconds swift build --product mcp-server)
echo "rebuild after editing one tool ($tool): ${edited} s"

cat >Sources/ExampleServer/AddedForTiming.swift <<'SWIFT'
/// A file added to the example catalogue's module (bench/build_times.sh).
enum AddedForTiming {
    static func shout(_ text: String) -> String { text.uppercased() }
}
SWIFT
added=$(seconds swift build --product mcp-server)
echo "rebuild after adding a file: ${added} s"
