#!/usr/bin/env python3
"""Server-side durations from a JSON access log, per MCP method: where the time of a request is
spent inside the server (from its head to the end of its answer), as opposed to the latency wrk
sees, which also holds the wait for a CPU and the queue in front of the server.

    python3 bench/access_times.py .build-bench/log-production.jsonl [--method tools/call ...]

bench/bench.py keeps each configuration's log as `.build-bench/log-<configuration>.jsonl`
(the production default logs JSON with the access log on). Prints, per method, the number of
answers, the share answered within each bound (0.1 ms ... 50 ms) and p50/p90/p99/max.
"""

import argparse
import json
import sys

BOUNDS_MS = [0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 20, 50]


def durations(path: str) -> dict[str, list[float]]:
    """Access-line durations in milliseconds, by `mcp.method.name` (lines without one skipped)."""
    by_method: dict[str, list[float]] = {}
    with open(path, errors="replace") as log:
        for line in log:
            if '"access"' not in line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            method = record.get("mcp.method.name")
            if record.get("message") != "access" or not method or "duration_ms" not in record:
                continue
            by_method.setdefault(method, []).append(float(record["duration_ms"]))
    return by_method


def summary(method: str, values: list[float]) -> str:
    values = sorted(values)
    count = len(values)

    def quantile(share: float) -> float:
        return values[min(count - 1, int(share * count))]

    shares = "  ".join(
        f"≤{bound:g} ms {sum(1 for value in values if value <= bound) / count:.1%}" for bound in BOUNDS_MS)
    return (f"{method}: {count:,} answers; p50 {quantile(0.5):.3f} ms, p90 {quantile(0.9):.3f} ms, "
            f"p99 {quantile(0.99):.3f} ms, max {values[-1]:.3f} ms\n  {shares}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", help="a JSON log with access lines (bench/bench.py's log-<configuration>.jsonl)")
    parser.add_argument("--method", action="append", help="only this MCP method (repeatable)")
    args = parser.parse_args()
    found = durations(args.log)
    methods = args.method or sorted(found, key=lambda name: -len(found[name]))
    if not any(found.get(method) for method in methods):
        print(f"no access lines with an MCP method in {args.log}", file=sys.stderr)
        return 1
    for method in methods:
        if found.get(method):
            print(summary(method, found[method]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
