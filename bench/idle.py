#!/usr/bin/env python3
"""What an idle server tree costs: each process's CPU time and context switches over a quiet
interval (Linux). Starts the binary as the image does (bench.py's `start_swift`: the entrypoint,
the Dockerfile's ENV, logs into a file), waits for it to settle, measures with no traffic, stops
it with SIGTERM.

    python3 bench/idle.py .build/release/mcp-server [--seconds 20]
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import start_swift  # noqa: E402


def context_switches(pid: int) -> int:
    """Every thread's, summed (/proc/PID/status alone counts the main thread's)."""
    total = 0
    for thread in os.listdir(f"/proc/{pid}/task"):
        for line in open(f"/proc/{pid}/task/{thread}/status"):
            if "ctxt_switches" in line:
                total += int(line.split()[1])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        tree = start_swift(args.binary, {"logs": "file"}, out, "idle")
        try:
            time.sleep(3)  # workers settle: first snapshots, first beats
            processes = tree.processes()

            def sample() -> dict[int, tuple[float, int]]:
                return {process.pid: (sum(process.cpu_times()[:2]), context_switches(process.pid))
                        for process in processes}

            before = sample()
            time.sleep(args.seconds)
            after = sample()
            for process in processes:
                role = "supervisor" if process.pid == tree.process.pid else "worker"
                cpu = (after[process.pid][0] - before[process.pid][0]) / args.seconds * 100
                switches = (after[process.pid][1] - before[process.pid][1]) / args.seconds
                print(f"{role} {process.pid}: {cpu:.2f} % of a core, {switches:.1f} context switches a second")
        finally:
            tree.stop()


if __name__ == "__main__":
    main()
