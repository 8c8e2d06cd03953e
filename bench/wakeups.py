"""Who wakes whom under load, and who is switched out, per answered request: the context
switches `perf_stat.py` counts for the server tree, taken apart by thread (Swift's pool, NIO's
event loops, the log writer, `cat`, wrk) and by cause (a thread that went to sleep, or one that
was preempted while it could still run).

    .build-bench/venv/bin/python bench/wakeups.py [--seconds 8] [--rounds 3] [--workload call_add_2026]
        NAME=BINARY[,KEY=VALUE...] ...

(the venv `bench/run.sh` makes, for psutil; needs `perf`, Debian's linux-perf, run as root).
Each binary starts as `bench/run.sh` starts its production row (the Dockerfile's environment,
the entrypoint, logs into a pipe drained by `cat`), with the settings given on top; after 3 s of
warm-up, `perf record -e sched:sched_switch -e sched:sched_wakeup -a` traces every CPU while wrk
loads it. A wake-up is counted under the thread running when it happened (the waker) and the
thread it woke. --rounds repeats the binaries in turn and prints the median of each count.
"""

import argparse
import collections
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from cpu_by_thread import measure_trees  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

# Thread names (perf's `comm`, cut to 15 bytes) by group, first match wins.
GROUPS = [
    ("pool", re.compile(r"qos")),  # com.apple.root.default-qos(.overcommit)
    ("loop", re.compile(r"^NIO-")),
    ("log writer", re.compile(r"^mcp-log-")),
    ("cat", re.compile(r"^cat$")),
    ("wrk", re.compile(r"^wrk$")),
    ("idle", re.compile(r"^swapper")),
]
SWITCH = re.compile(r"prev_comm=(.+?) prev_pid=\d+ prev_prio=\d+ prev_state=(\S+)")
WAKEUP = re.compile(r"comm=(.+?) pid=\d+")


def group(comm: str) -> str:
    return next((name for name, pattern in GROUPS if pattern.search(comm)), "other")


def counts(data: str) -> collections.Counter:
    """(kind, thread, detail) → events, from a `perf record` file of the two sched events."""
    script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,event,trace"],
                            capture_output=True, text=True, check=True).stdout
    found: collections.Counter = collections.Counter()
    for line in script.splitlines():
        if "sched:sched_switch:" in line:
            match = SWITCH.search(line)
            if match:
                cause = "preempted" if match.group(2).startswith("R") else "slept"
                found[("switched out", group(match.group(1)), cause)] += 1
        elif "sched:sched_wakeup:" in line:
            waker, _, trace = line.partition("sched:sched_wakeup:")
            match = WAKEUP.search(trace)
            if match:
                found[("woke", group(waker.strip()), group(match.group(1)))] += 1
    return found


def measure(url: str, workload: dict, seconds: int, folder: str) -> tuple[float, dict]:
    """req/s and events per request over `seconds` of load."""
    bench.wrk(url, workload, 3, 64)
    data = os.path.join(folder, "sched.data")
    recorder = subprocess.Popen(["perf", "record", "-q", "-e", "sched:sched_switch", "-e", "sched:sched_wakeup",
                                 "-a", "-o", data, "--", "sleep", str(seconds)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load = bench.wrk(url, workload, seconds, 64)
    recorder.wait()
    requests = load["requests"] or 1
    return load["rps"], {key: value / requests for key, value in counts(data).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workload", default="call_add_2026", choices=sorted(WORKLOADS))
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY[,KEY=VALUE...]")
    options = parser.parse_args()
    runs: dict[str, list[tuple[float, dict]]] = collections.defaultdict(list)
    for _ in range(options.rounds):
        for name, rps, per_request in measure_trees(options.binaries, lambda url, workload, folder: measure(
                url, WORKLOADS[options.workload], options.seconds, folder), prefix="wakeups"):
            runs[name].append((rps, per_request))
    names = list(runs)
    keys = sorted({key for rows in runs.values() for _, found in rows for key in found})

    def median(name: str, key) -> float:
        return statistics.median(found.get(key, 0.0) for _, found in runs[name])

    shown = [key for key in keys if max(median(name, key) for name in names) >= 0.005]
    shown.sort(key=lambda key: -max(median(name, key) for name in names))
    print(f"\nper answered request, {options.workload}, 64 connections, {options.seconds} s each, "
          f"median of {options.rounds} round(s):")
    print("| event | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    print("| req/s | " + " | ".join(f"{statistics.median(rps for rps, _ in runs[name]):,.0f}" for name in names) + " |")
    for total in ("switched out", "woke"):
        print(f"| {total}, all | " + " | ".join(
            f"{statistics.median(sum(v for k, v in found.items() if k[0] == total) for _, found in runs[name]):.3f}"
            for name in names) + " |")
    for key in shown:
        label = f"{key[1]} {key[0]}, {key[2]}" if key[0] == "switched out" else f"{key[1]} woke {key[2]}"
        print(f"| {label} | " + " | ".join(f"{median(name, key):.3f}" for name in names) + " |")


if __name__ == "__main__":
    main()
