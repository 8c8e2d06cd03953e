"""Summed PSS of the production tree under load, sampled every 100 ms, for binaries in turn.

    .build-bench/venv/bin/python bench/memory_peak.py [--reps 3] [--seconds 12] NAME=BINARY ...

(the venv `bench/run.sh` makes, for psutil). Each rep starts every binary once, in turn, as
`bench/run.sh` starts its production row (the Dockerfile's environment, the entrypoint, logs into
a pipe), loads it with wrk (2026-07-28 `tools/call add`, 64 connections) and samples each process
of the tree. Prints per run the request rate, the median and the peak of the summed PSS and the
processes at the peak (age, PSS, USS), then the medians per binary. `bench/run.sh` samples twice
a second and so sees a recycle's short peak only now and then; this shows it every time.
"""

import argparse
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import psutil  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

MIB = 2**20


def sample(tree: bench.Tree) -> list[tuple[float, int, float, float]]:
    """(age in s, pid, PSS MiB, USS MiB) of every process of the tree now."""
    now = time.time()
    rows = []
    for process in tree.processes():
        try:
            memory = process.memory_full_info()
            rows.append((now - process.create_time(), process.pid, memory.pss / MIB, memory.uss / MIB))
        except psutil.Error:
            pass
    return rows


def run_once(name: str, binary: str, seconds: float, out: str) -> dict:
    tree = bench.start_swift(binary, bench.CONFIGS["production"], out, f"memory-{name}")
    samples: list[list[tuple[float, int, float, float]]] = []
    done = threading.Event()

    def sampler() -> None:
        while not done.wait(0.1):
            samples.append(sample(tree))

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    try:
        load = bench.wrk(f"http://127.0.0.1:{tree.port}", WORKLOADS["call_add_2026"], seconds, 64)
    finally:
        done.set()
        thread.join()
        tree.stop()
    sums = [sum(row[2] for row in rows) for rows in samples]
    peak = max(range(len(sums)), key=sums.__getitem__)
    return dict(rps=load["rps"], median=statistics.median(sums), peak=sums[peak], at_peak=samples[peak])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY")
    options = parser.parse_args()
    binaries = [entry.split("=", 1) for entry in options.binaries]
    out = os.path.join(bench.ROOT, ".build-bench")
    os.makedirs(out, exist_ok=True)
    results: dict[str, list[dict]] = {name: [] for name, _ in binaries}
    for rep in range(options.reps):
        for name, binary in binaries:
            result = run_once(name, binary, options.seconds, out)
            results[name].append(result)
            processes = ", ".join(f"{age:.2f} s old: PSS {pss:.1f} USS {uss:.1f}"
                                  for age, _, pss, uss in sorted(result["at_peak"], reverse=True))
            print(f"{name} #{rep + 1}: {result['rps']:,.0f} req/s, summed PSS median {result['median']:.1f} MiB, "
                  f"peak {result['peak']:.1f} MiB ({len(result['at_peak'])} processes: {processes})", flush=True)
    print("\n| binary | req/s | summed PSS, median (MiB) | peak (MiB), median of runs | peaks |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, runs in results.items():
        print(f"| {name} | {statistics.median(r['rps'] for r in runs):,.0f} | "
              f"{statistics.median(r['median'] for r in runs):.1f} | {statistics.median(r['peak'] for r in runs):.1f} | "
              f"{', '.join(format(r['peak'], '.1f') for r in runs)} |")


if __name__ == "__main__":
    main()
