"""Start-up time: from starting the server to its first `200` on `/ready`, for one or more
binaries in turn (the production default: supervisor + workers, JSON logs into a pipe).

    python3 bench/startup.py [--reps 7] [--workers 1] NAME=BINARY [NAME=BINARY ...]

Each rep starts every binary once, in turn, on a free port, polls `/ready` every 2 ms, and stops
it with SIGTERM. Prints each start and the median and spread per binary. `/ready` answers once
the first worker is serving, so this is the time a container takes to pass its readiness probe.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request



def free_port() -> int:
    """A port nothing listens on now (plain python3: no need for bench.py's venv)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_once(binary: str, workers: int) -> float:
    port = free_port()
    env = dict(os.environ, ENVIRONMENT="production", HOST="127.0.0.1", PORT=str(port), WORKERS=str(workers))
    started = time.monotonic()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{binary} exited with {process.returncode} before it was ready")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as answer:
                    if answer.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            if time.monotonic() - started > 30:
                raise RuntimeError(f"{binary} not ready after 30 s")
            time.sleep(0.002)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("binaries", nargs="+", metavar="NAME=BINARY")
    args = parser.parse_args()
    binaries = [item.split("=", 1) for item in args.binaries]
    times: dict[str, list[float]] = {name: [] for name, _ in binaries}
    for rep in range(1, args.reps + 1):
        for name, binary in binaries:
            seconds = start_once(binary, args.workers)
            times[name].append(seconds)
            print(f"{name:>12} rep {rep}: ready after {seconds * 1000:.0f} ms", flush=True)
    print(f"\nmedians over {args.reps} reps, WORKERS={args.workers}, production default:")
    print("| binary | ready after (ms, median) | spread |")
    print("| --- | ---: | --- |")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) * 1000:.0f} | {min(values) * 1000:.0f}–{max(values) * 1000:.0f} |")


if __name__ == "__main__":
    main()
