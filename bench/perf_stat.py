#!/usr/bin/env python3
"""CPU time, context switches and CPU migrations per request of a whole server tree
(supervisor and every worker, recycled ones included), counted by `perf stat` (Debian's
linux-perf), under wrk load; binaries alternate rep by rep so machine noise hits both alike.
Run it with the venv `bench/run.sh` makes (`.build-bench/venv/bin/python`: `bench.py`, imported
here, needs psutil) as root; `python3` below stands for that interpreter.

    python3 bench/perf_stat.py before=/path/to/old/mcp-server after=.build/release/mcp-server
        [--reps 8] [--seconds 6] [--workload call_add_2026] [--connections 64]
    python3 bench/perf_stat.py --syscalls before=... after=...
    python3 bench/perf_stat.py default=<bin> never=<bin>,MAX_REQUESTS=0   # one binary, two settings
    python3 bench/perf_stat.py --pipe on=<bin> off=<bin>,ACCESS_LOG=false   # logs through a pipe
    python3 bench/perf_stat.py --pairs a=<bin> b=<bin>,X=1 c=<bin>,Y=1 d=<bin>,X=1,Y=1   # b/a and d/c

--syscalls runs each binary once under `strace -f -c` instead (much slower, so req/s means
nothing there) and prints the system calls per request, by call: where the kernel time of a
request goes, which callgrind (user-space instructions only) cannot see.

Each run starts the binary as the image does (ENVIRONMENT=production, logs into a file; with
--pipe into a pipe drained by `cat`, as a container runtime collects them, `cat` counted too), warms
it for 3 s, loads it for --seconds, stops it with SIGTERM and divides perf's totals (which
inherit into every child) by all the requests served. Wall-clock req/s and p99 are printed
beside them; they drift with the machine far more than the counts per request do.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import binary_with_settings, free_port, wait_for, wrk  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

EVENTS = ["task-clock", "context-switches", "cpu-migrations"]


def counts(path: str) -> dict[str, float]:
    """perf stat -x, output: value,unit,event,..."""
    result = {}
    with open(path) as output:
        for line in output:
            fields = line.strip().split(",")
            if len(fields) > 2 and fields[0][:1].isdigit():
                result[fields[2]] = float(fields[0])
    return result


def loaded(counter: list[str], binary: str, workload: dict, seconds: int, connections: int, folder: str,
           warm_up: bool, pipe: bool = False) -> tuple[int, dict]:
    """Runs `binary` under `counter` (perf stat or strace, writing its own totals) as the image
    does, loads it with wrk (after 3 s of warm-up when asked), stops it with SIGTERM; returns
    the requests served (warm-up included) and the measured wrk result."""
    port = free_port()
    env = dict(os.environ, ENVIRONMENT="production", HOST="127.0.0.1", PORT=str(port), GRACEFUL_TIMEOUT="8")
    # `path,KEY=VALUE,...`: the same binary with settings of its own (MAX_REQUESTS=0, say).
    path, settings = binary_with_settings(binary)
    env.update(settings)
    # With a pipe, `sh` runs the server and `cat` under the counter, so both are counted.
    command = ["sh", "-c", 'exec "$0" | cat', path] if pipe else [path]
    with open(os.path.join(folder, "server.log"), "wb") as log:
        wrapper = subprocess.Popen(counter + command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/health", process=wrapper)
            url = f"http://127.0.0.1:{port}/mcp"
            warm = wrk(url, workload, 3, connections) if warm_up else {"requests": 0}
            measured = wrk(url, workload, seconds, connections)
        finally:
            # The server is the counter's child, or the pipeline's child that is not `cat`.
            children = subprocess.run(["pgrep", "-P", str(wrapper.pid)], capture_output=True, text=True).stdout.split()
            if pipe:
                children = [child for shell in children for child in subprocess.run(
                    ["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()]
                children = [child for child in children if not os.readlink(f"/proc/{child}/exe").endswith("/cat")]
            for child in children:
                os.kill(int(child), signal.SIGTERM)
            wrapper.wait(timeout=60)
    return warm["requests"] + measured["requests"], measured


def run(binary: str, workload: dict, seconds: int, connections: int, folder: str, pipe: bool) -> dict:
    stats = os.path.join(folder, "perf.txt")
    requests, measured = loaded(["perf", "stat", "-x,", "-e", ",".join(EVENTS), "-o", stats, "--"], binary, workload, seconds,
                      connections, folder, warm_up=True, pipe=pipe)
    totals = counts(stats)
    return dict(rps=measured["rps"], p99=measured["p99_ms"], bad=measured["bad"],
                cpu_us=totals.get("task-clock", 0) * 1000 / requests,
                switches=totals.get("context-switches", 0) / requests,
                migrations=totals.get("cpu-migrations", 0) / requests)


def syscalls(binary: str, workload: dict, seconds: int, connections: int, folder: str,
             pipe: bool) -> dict[str, float]:
    """System calls per request by name, counted by strace -f -c over the whole tree."""
    counted = os.path.join(folder, "strace.txt")
    requests, _ = loaded(["strace", "-f", "-c", "-o", counted], binary, workload, seconds, connections, folder,
                      warm_up=False, pipe=pipe)
    per_request = {}
    with open(counted) as table:
        for line in table:
            fields = line.split()
            if len(fields) >= 5 and fields[0][:1].isdigit() and fields[-1] != "total":
                per_request[fields[-1]] = int(fields[3]) / max(1, requests)
    return per_request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", help="label=path[,KEY=VALUE...], two or more (settings on top of production's)")
    parser.add_argument("--reps", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--workload", default="call_add_2026", choices=sorted(WORKLOADS))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--syscalls", action="store_true", help="count system calls per request with strace")
    parser.add_argument("--pipe", action="store_true", help="stdout into a pipe drained by cat (counted too)")
    parser.add_argument("--pairs", action="store_true",
                        help="compare the second binary with the first, the fourth with the third, … "
                             "(default: every binary with the first)")
    arguments = parser.parse_args()
    binaries = dict(item.split("=", 1) for item in arguments.binaries)
    if arguments.syscalls:
        with tempfile.TemporaryDirectory() as folder:
            counts_by_binary = {label: syscalls(binary, WORKLOADS[arguments.workload], arguments.seconds,
                                                arguments.connections, folder, arguments.pipe)
                                for label, binary in binaries.items()}
        names = sorted({name for table in counts_by_binary.values() for name, count in table.items() if count >= 0.05},
                       key=lambda name: -max(table.get(name, 0) for table in counts_by_binary.values()))
        print(f"system calls per request under strace, {arguments.workload}, {arguments.connections} connections "
              "(calls made at least 0.05 times per request by one binary):")
        print("| call | " + " | ".join(binaries) + " |")
        print("| --- |" + " ---: |" * len(binaries))
        for name in names + ["all"]:
            cells = [sum(table.values()) if name == "all" else table.get(name, 0) for table in counts_by_binary.values()]
            print(f"| {name} | " + " | ".join(f"{cell:.2f}" for cell in cells) + " |")
        return
    rows: dict[str, list[dict]] = {label: [] for label in binaries}
    with tempfile.TemporaryDirectory() as folder:
        for rep in range(arguments.reps):
            for label, binary in binaries.items():
                row = run(binary, WORKLOADS[arguments.workload], arguments.seconds, arguments.connections, folder,
                          arguments.pipe)
                rows[label].append(row)
                print(f"{label:>10} rep {rep + 1}: {row['rps']:8.0f} req/s, p99 {row['p99']:5.1f} ms, "
                      f"{row['cpu_us']:6.1f} CPU µs, {row['switches']:.2f} context switches, "
                      f"{row['migrations']:.3f} migrations per request, bad {row['bad']}", flush=True)
    print(f"\nmedians over {arguments.reps} alternated reps, {arguments.workload}, {arguments.connections} connections:")
    print("| binary | req/s | p99 ms | CPU µs per request | context switches per request | migrations per request |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, mine in rows.items():
        def med(key: str) -> float:
            return statistics.median(row[key] for row in mine)
        print(f"| {label} | {med('rps'):,.0f} | {med('p99'):.1f} | {med('cpu_us'):.1f} | {med('switches'):.2f} "
              f"| {med('migrations'):.3f} |")
    # Each rep's binaries ran back to back, so the ratio within a rep cancels most of the drift
    # of the machine that the medians above still carry.
    labels = list(rows)
    if arguments.pairs:
        comparisons = [(labels[index + 1], labels[index]) for index in range(0, len(labels) - 1, 2)]
    else:
        comparisons = [(label, labels[0]) for label in labels[1:]]
    for label, base in comparisons:
        def paired(key: str) -> str:
            ratios = sorted(mine[key] / theirs[key] for mine, theirs in zip(rows[label], rows[base]) if theirs[key])
            return f"{statistics.median(ratios):.3f} (spread {ratios[0]:.3f}–{ratios[-1]:.3f})"
        print(f"{label} / {base}, median of the ratios within each rep: req/s {paired('rps')}, "
              f"p99 {paired('p99')}, CPU per request {paired('cpu_us')}, context switches {paired('switches')}")


if __name__ == "__main__":
    main()
