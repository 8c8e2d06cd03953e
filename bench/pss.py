"""Sample the summed PSS (proportional set size) of a process tree until SECONDS pass; print the
peak in MiB. Summed RSS counts the pages that worker processes share (the binary's code, the
interpreter's libraries) once per process; PSS splits each shared page among its users, so the
sum is the memory the tree really holds. Reported next to the kit's RSS for both servers.

usage: python pss.py ROOT_PID SECONDS [INTERVAL]
"""
import sys
import time

import psutil


def tree_pss(root: psutil.Process) -> int:
    total = 0
    for process in [root] + root.children(recursive=True):
        try:
            total += process.memory_full_info().pss
        except psutil.Error:
            pass
    return total


def main() -> None:
    root = psutil.Process(int(sys.argv[1]))
    end = time.monotonic() + float(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    peak = 0
    while time.monotonic() < end:
        try:
            peak = max(peak, tree_pss(root))
        except psutil.Error:
            break
        time.sleep(interval)
    print(f"{peak / 2**20:.1f}")


if __name__ == "__main__":
    main()
