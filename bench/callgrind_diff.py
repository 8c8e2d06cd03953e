#!/usr/bin/env python3
"""Instructions per request, function by function, from two callgrind runs kept by
`bench/callgrind.py --keep DIR`: (cost at HIGH requests - cost at LOW) / (HIGH - LOW) for every
function, so start-up cancels out and what is left is what one request costs.

    python3 bench/callgrind.py --server .build/release/mcp-server --ceiling .build/release/HBCeiling \\
        --systems single,ceiling --low 1000 --high 3000 --keep /tmp/profile
    python3 bench/callgrind_diff.py /tmp/profile/single-call_add_2026-{1000,3000} [--inclusive] [--top 40]
    python3 bench/callgrind_diff.py ... --against /tmp/profile/ceiling-call_add_2026-{1000,3000}

With --against, each function's per-request cost in the second pair is subtracted: what the
server spends beyond the ceiling, by function. Names are demangled by `swift demangle` when it
is on PATH. Each directory must hold one callgrind file per process; with several (a supervisor
and its worker) the largest is read.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*?)\s*$")


def largest_file(directory: str) -> str:
    files = glob.glob(os.path.join(directory, "callgrind.out.*"))
    if not files:
        sys.exit(f"no callgrind.out.* in {directory}")
    return max(files, key=os.path.getsize)


def costs(directory: str, inclusive: bool) -> dict[str, int]:
    output = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--auto=no", "--show-percs=no",
         f"--inclusive={'yes' if inclusive else 'no'}", largest_file(directory)],
        check=True, capture_output=True, text=True).stdout
    table: dict[str, int] = {}
    started = False
    for line in output.splitlines():
        if line.startswith("--") and started:
            continue
        if "file:function" in line:
            started = True
            continue
        match = LINE.match(line) if started else None
        if not match or ":" not in match.group(2):
            continue
        name = match.group(2).split(":", 1)[1].rsplit(" [", 1)[0]
        table[name] = table.get(name, 0) + int(match.group(1).replace(",", ""))
    return table


def requests_of(directory: str) -> int:
    return int(directory.rstrip("/").rsplit("-", 1)[1])


def per_request(low: str, high: str, inclusive: bool) -> dict[str, float]:
    count = requests_of(high) - requests_of(low)
    before, after = costs(low, inclusive), costs(high, inclusive)
    return {name: (after.get(name, 0) - before.get(name, 0)) / count for name in set(before) | set(after)}


def demangle(names: list[str]) -> list[str]:
    if not shutil.which("swift"):
        return names
    result = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                            capture_output=True, text=True)
    lines = result.stdout.splitlines()
    return lines if result.returncode == 0 and len(lines) == len(names) else names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("low")
    parser.add_argument("high")
    parser.add_argument("--against", nargs=2, metavar=("LOW", "HIGH"))
    parser.add_argument("--inclusive", action="store_true", help="a function's cost with what it calls")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    table = per_request(args.low, args.high, args.inclusive)
    if args.against:
        for name, value in per_request(*args.against, args.inclusive).items():
            table[name] = table.get(name, 0) - value
    rows = sorted(table.items(), key=lambda item: -abs(item[1]))[: args.top]
    names = demangle([name for name, _ in rows])
    print(f"{'per request':>12}  function")
    for (_, value), name in zip(rows, names):
        print(f"{value:12,.0f}  {name[:160]}")
    if not args.inclusive:
        print(f"{sum(table.values()):12,.0f}  (all functions)")


if __name__ == "__main__":
    main()
