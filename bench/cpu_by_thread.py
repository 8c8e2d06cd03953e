"""Where the two CPUs' time goes under load, by thread, in µs per answered request: Swift's
cooperative pool, NIO's event loops, the log writer and its reader (`cat`), wrk, and idle.

    .build-bench/venv/bin/python bench/cpu_by_thread.py [--seconds 8] [--workload call_add_2026]
        [--ceiling .build/release/HBCeiling] NAME=BINARY[,KEY=VALUE...] ...

(the venv `bench/run.sh` makes, for psutil; needs `perf`, Debian's linux-perf, run as root).
Each binary starts as `bench/run.sh` starts its production row (the Dockerfile's environment,
the entrypoint, logs into a pipe drained by `cat`), with the settings given on top; after 3 s of
warm-up, `perf record -e cpu-clock -a` samples every CPU while wrk loads it, and the samples are
summed by thread name. Whole-machine samples show what `perf stat` on the server tree cannot:
the idle time between a wake-up and the woken thread running, and the load generator's share.
One run per binary: a single sample, as noisy as the machine (compare within one call).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

# Thread names (perf's `comm`, cut to 15 bytes) by group, first match wins (`other` for the rest).
THREADS = [
    ("Swift's pool", re.compile(r"qos")),  # com.apple.root.default-qos(.overcommit)
    ("event loops", re.compile(r"^NIO-")),
    ("log writer", re.compile(r"^mcp-log-")),
    ("cat", re.compile(r"^cat$")),
    ("wrk", re.compile(r"^wrk$")),
    ("idle", re.compile(r"^swapper")),
]
# This table's columns: the log writer and its reader together.
COLUMNS = ["Swift's pool", "event loops", "log writer + cat", "wrk", "idle", "other"]
COLUMN = {"log writer": "log writer + cat", "cat": "log writer + cat"}


def thread_group(comm: str) -> str:
    """The group of `THREADS` a thread of that name is in, or `other`."""
    return next((name for name, pattern in THREADS if pattern.search(comm)), "other")


def shares(data: str) -> dict[str, float]:
    """Percent of the samples by column from a `perf record` file."""
    report = subprocess.run(["perf", "report", "-i", data, "--sort", "comm", "--stdio"],
                            capture_output=True, text=True, check=True).stdout
    totals: dict[str, float] = {}
    for line in report.splitlines():
        match = re.match(r"\s*([\d.]+)%\s+(.+?)\s*$", line)
        if not match:
            continue
        group = thread_group(match.group(2))
        column = COLUMN.get(group, group)
        totals[column] = totals.get(column, 0.0) + float(match.group(1))
    return totals


def recorded_load(url: str, workload: dict, seconds: int, data: str, events: list[str]) -> dict:
    """wrk's result for `seconds` of load after 3 s of warm-up, with `perf record -a` of `events`
    (perf's options, `-e …`) on every CPU meanwhile, into `data`."""
    bench.wrk(url, workload, 3, 64)
    recorder = subprocess.Popen(["perf", "record", "-q", *events, "-a", "-o", data, "--", "sleep", str(seconds)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load = bench.wrk(url, workload, seconds, 64)
    recorder.wait()
    return load


def measure(url: str, workload: dict, seconds: int, folder: str) -> tuple[float, dict[str, float]]:
    """req/s and µs of the machine's CPUs per request by column, over `seconds` of load."""
    data = os.path.join(folder, "perf.data")
    load = recorded_load(url, workload, seconds, data, ["-e", "cpu-clock", "-F", "1999"])
    per_request = os.cpu_count() * 1e6 / load["rps"] / 100 if load["rps"] else float("nan")
    return load["rps"], {column: percent * per_request for column, percent in shares(data).items()}


def measure_trees(entries: list[str], workload: dict, measure, ceiling: str | None = None,
                  prefix: str = "threads") -> list[tuple]:
    """For each `NAME=BINARY[,KEY=VALUE...]`, started as `bench/run.sh` starts its production row,
    and for the ceiling last when given (answering its fixed body): (name, *measure(url, workload,
    folder))."""
    out = os.path.join(bench.ROOT, ".build-bench")
    os.makedirs(out, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for entry in entries:
            name, spec = entry.split("=", 1)
            binary, settings = bench.binary_with_settings(spec)
            tree = bench.start_swift(binary, dict(bench.CONFIGS["production"], env=settings), out, f"{prefix}-{name}")
            try:
                rows.append((name, *measure(f"http://127.0.0.1:{tree.port}/mcp", workload, folder)))
            finally:
                tree.stop()
        if ceiling:
            tree = bench.start_ceiling(ceiling)
            try:
                rows.append(("ceiling", *measure(f"http://127.0.0.1:{tree.port}/mcp", WORKLOADS["ceiling"], folder)))
            finally:
                tree.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workload", default="call_add_2026", choices=sorted(WORKLOADS))
    parser.add_argument("--ceiling", help="the Hummingbird ceiling (HBCeiling), measured last, answering its "
                                          "fixed body (bench's `ceiling` workload)")
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY[,KEY=VALUE...]")
    options = parser.parse_args()
    rows = measure_trees(options.binaries, WORKLOADS[options.workload], lambda url, workload, folder: measure(
        url, workload, options.seconds, folder), options.ceiling)
    print(f"\nµs of the {os.cpu_count()} CPUs per answered request, {options.workload}, 64 connections, "
          f"{options.seconds} s each:")
    print("| | req/s | " + " | ".join(COLUMNS) + " |")
    print("| --- | ---: |" + " ---: |" * len(COLUMNS))
    for name, rps, by_column in rows:
        print(f"| {name} | {rps:,.0f} | " + " | ".join(f"{by_column.get(column, 0):.1f}" for column in COLUMNS) + " |")


if __name__ == "__main__":
    main()
