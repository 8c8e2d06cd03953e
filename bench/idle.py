#!/usr/bin/env python3
"""What an idle server tree costs: each process's CPU time and context switches over a quiet
interval, read from /proc (Linux). Starts the binary as the image does (ENVIRONMENT=production,
logs into a file), waits for it to settle, measures with no traffic, stops it with SIGTERM.

    python3 bench/idle.py .build/release/mcp-server [--seconds 20]
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import free_port, wait_for  # noqa: E402


def cpu_ticks(pid: int) -> int:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def context_switches(pid: int) -> int:
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
    port = free_port()
    env = dict(os.environ, ENVIRONMENT="production", HOST="127.0.0.1", PORT=str(port))
    with tempfile.TemporaryDirectory() as workspace, open(os.path.join(workspace, "log"), "w") as log:
        server = subprocess.Popen([args.binary], env=env, cwd=workspace, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/health", process=server)
            time.sleep(3)  # workers settle: first snapshots, first beats
            children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            pids = [server.pid] + [int(pid) for pid in children]
            before = {pid: (cpu_ticks(pid), context_switches(pid)) for pid in pids}
            time.sleep(args.seconds)
            after = {pid: (cpu_ticks(pid), context_switches(pid)) for pid in pids}
            hertz = os.sysconf("SC_CLK_TCK")
            for pid in pids:
                role = "supervisor" if pid == server.pid else "worker"
                cpu = (after[pid][0] - before[pid][0]) / hertz / args.seconds * 100
                switches = (after[pid][1] - before[pid][1]) / args.seconds
                print(f"{role} {pid}: {cpu:.2f} % of a core, {switches:.1f} context switches a second")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()


if __name__ == "__main__":
    main()
