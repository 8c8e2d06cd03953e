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
from cpu_by_thread import measure_trees, recorded_load, thread_group  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

SWITCH = re.compile(r"prev_comm=(.+?) prev_pid=\d+ prev_prio=\d+ prev_state=(\S+)")
WAKEUP = re.compile(r"comm=(.+?) pid=\d+")
ALL_SWITCHES, ALL_WAKEUPS = "switched out, all threads", "wake-ups, all threads"


def counts(data: str) -> collections.Counter:
    """Events by row label (and the two totals), from a `perf record` file of the two sched events."""
    script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,event,trace"],
                            capture_output=True, text=True, check=True).stdout
    found: collections.Counter = collections.Counter()
    for line in script.splitlines():
        if "sched:sched_switch:" in line:
            match = SWITCH.search(line)
            if match:
                cause = "preempted" if match.group(2).startswith("R") else "slept"
                found[f"{thread_group(match.group(1))} switched out, {cause}"] += 1
                found[ALL_SWITCHES] += 1
        elif "sched:sched_wakeup:" in line:
            waker, _, trace = line.partition("sched:sched_wakeup:")
            match = WAKEUP.search(trace)
            if match:
                found[f"{thread_group(waker.strip())} woke {thread_group(match.group(1))}"] += 1
                found[ALL_WAKEUPS] += 1
    return found


def measure(url: str, workload: dict, seconds: int, folder: str) -> tuple[float, dict]:
    """req/s and events per request over `seconds` of load."""
    data = os.path.join(folder, "sched.data")
    load = recorded_load(url, workload, seconds, data, ["-e", "sched:sched_switch", "-e", "sched:sched_wakeup"])
    requests = load["requests"] or 1
    return load["rps"], {label: events / requests for label, events in counts(data).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workload", default="call_add_2026", choices=sorted(WORKLOADS))
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY[,KEY=VALUE...]")
    options = parser.parse_args()
    runs: dict[str, list[tuple[float, dict]]] = collections.defaultdict(list)
    for _ in range(options.rounds):
        for name, rps, per_request in measure_trees(
                options.binaries, WORKLOADS[options.workload],
                lambda url, workload, folder: measure(url, workload, options.seconds, folder), prefix="wakeups"):
            runs[name].append((rps, per_request))
    labels = {label for rows in runs.values() for _, found in rows for label in found}
    # Each label's median over the rounds, per binary.
    medians = {name: {label: statistics.median(found.get(label, 0.0) for _, found in rows) for label in labels}
               for name, rows in runs.items()}
    shown = sorted((label for label in labels if label not in (ALL_SWITCHES, ALL_WAKEUPS)
                    and max(row[label] for row in medians.values()) >= 0.005),
                   key=lambda label: -max(row[label] for row in medians.values()))
    print(f"\nper answered request, {options.workload}, 64 connections, {options.seconds} s each, "
          f"median of {options.rounds} round(s):")
    print("| event | " + " | ".join(runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    rates = (statistics.median(rps for rps, _ in rows) for rows in runs.values())
    print("| req/s | " + " | ".join(f"{rps:,.0f}" for rps in rates) + " |")
    for label in [ALL_SWITCHES, ALL_WAKEUPS, *shown]:
        print(f"| {label} | " + " | ".join(f"{row.get(label, 0.0):.3f}" for row in medians.values()) + " |")


if __name__ == "__main__":
    main()
