"""The access log loses no line: under wrk load, across worker recycles and after SIGTERM, the
server writes exactly one `access` line per request wrk sent.

    python3 Tests/Process/access_log_check.py --binary .build/release/mcp-server [--seconds 8] [--stall-seconds 4]

The server runs as the image runs it (ENVIRONMENT=production, JSON logs on stdout) with a small
MAX_REQUESTS so workers are recycled several times under load, once with one worker (the default
on two CPUs: its replacement starts first) and once with two (the old one drains first); stdout
goes into a pipe drained by `cat` into a file, as a container runtime collects it. wrk counts
every request it writes (Tests/Process/counted_call.lua), answered or cut off when it stops.
After wrk, SIGTERM; once the server has exited, the check counts the access lines of wrk's
requests and compares:
  - access lines == requests sent, exactly;
  - every line parses as JSON and carries the fields dashboards read;
  - workers were recycled during the load (the supervisor's "worker ready" lines);
  - no line was dropped (mcp_log_lines_dropped_total stays 0).
Then a stalled reader: the same server (no recycling) under load while the reader of its stdout
stops for a few seconds, then reads again:
  - every request wrk sent is an access line or a counted drop;
  - while the reader stalls the lines wait in the workers' memory (their heap and anonymous
    mappings grow), and once it has read everything that memory is handed back (each worker
    within 3 MiB of where it was before the stall; a `malloc`ed buffer kept 12-14 MiB).
Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from checklib import children, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = {"timestamp", "level", "message", "logger", "pid", "client.address", "duration_ms", "http.request.method",
          "http.response.body.size", "http.response.status_code", "http.route", "mcp.era", "mcp.method.name",
          "mcp.tool.name", "request.id", "url.path", "user_agent.original", "worker"}


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except OSError:
        return 0, ""


def server_env(port: int, workspace: str, workers: int = 2, **settings: str) -> dict[str, str]:
    """The image's production settings with `workers` workers, on `port`, plus `settings`."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ENVIRONMENT": "production", "HOST": "127.0.0.1",
            "PORT": str(port), "WORKERS": str(workers), "GRACEFUL_TIMEOUT": "10", "WORKSPACE_DIR": workspace,
            **settings}


def wait_ready(port: int) -> bool:
    deadline = time.monotonic() + 30
    while get(port, "/ready")[0] != 200:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def counted_load(port: int, seconds: float) -> str:
    """wrk's output for `seconds` of tools/call at 64 connections; `sent=N` counts every request."""
    return subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--timeout", "10s", "-s",
         os.path.join(HERE, "counted_call.lua"), f"http://127.0.0.1:{port}/mcp"],
        capture_output=True, text=True).stdout


def dropped_lines(metrics: str) -> float:
    return sum(float(l.rsplit(" ", 1)[1]) for l in metrics.splitlines() if l.startswith("mcp_log_lines_dropped_total"))


def anonymous_mib(pid: int) -> float:
    """A process's PSS in heap, stacks and anonymous mappings, from /proc/PID/smaps."""
    total, anonymous = 0, False
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            if line.startswith("Pss:"):
                total += int(line.split()[1]) if anonymous else 0
            elif not line[0].isupper():
                fields = line.split(maxsplit=5)
                path = fields[5].strip() if len(fields) > 5 else ""
                anonymous = not path or path in ("[heap]", "[stack]") or path.startswith("[anon")
    return total / 1024


class SlowableReader(threading.Thread):
    """Reads a pipe on a thread, counting access lines of wrk's requests; with `slow` set it reads
    64 KiB every 20 ms (3 MB/s, less than the server logs under load: the pipe stays full and the
    lines wait in the server)."""

    def __init__(self, descriptor: int):
        super().__init__(daemon=True)
        self.descriptor = descriptor
        self.slow = threading.Event()
        self.access = 0
        self.malformed = 0
        self.last_read = time.monotonic()
        self.done = threading.Event()

    def run(self) -> None:
        pending = b""
        while True:
            if self.slow.is_set():
                time.sleep(0.02)
            chunk = os.read(self.descriptor, 1 << 16)
            if not chunk:
                break
            self.last_read = time.monotonic()
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    self.malformed += 1
                    continue
                if entry.get("message") == "access" and entry.get("user_agent.original") == "access-log-check":
                    self.access += 1
        self.done.set()


def stalled_reader(binary: str, seconds: int) -> list[str]:
    """The stalled-reader scenario (module doc); returns what failed."""
    port = free_port()
    workspace = tempfile.mkdtemp(prefix="access-log-stall-")
    env = server_env(port, workspace, MAX_REQUESTS="0")
    read_end, write_end = os.pipe()
    reader = SlowableReader(read_end)
    reader.start()
    server = subprocess.Popen([binary, "serve", "--env-file", "/dev/null"], env=env, stdout=write_end,
                              stderr=subprocess.STDOUT)
    os.close(write_end)
    failures: list[str] = []

    def load(duration: float) -> int:
        return int(re.search(r"sent=(\d+)", counted_load(port, duration)).group(1))

    def caught_up() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() - reader.last_read < 1.0 and time.monotonic() < deadline:
            time.sleep(0.1)

    try:
        if not wait_ready(port):
            return ["the server did not get ready"]
        workers = children(server.pid)
        sent = load(2)
        caught_up()
        before = [anonymous_mib(pid) for pid in workers]
        reader.slow.set()
        sent += load(seconds)
        during = [anonymous_mib(pid) for pid in workers]
        reader.slow.clear()
        caught_up()
        after = [anonymous_mib(pid) for pid in workers]
        _, metrics = get(port, "/metrics")
        dropped = dropped_lines(metrics)
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=60)
        reader.done.wait(timeout=30)
        shutil.rmtree(workspace, ignore_errors=True)
    figures = (f"wrk sent {sent:,} requests; {reader.access:,} access lines + {dropped:.0f} counted drops; "
               f"workers' anonymous memory (MiB) before the stall {fmt(before)}, at its end {fmt(during)}, "
               f"after the reader caught up {fmt(after)}; exit {status}")
    if reader.access + dropped != sent:
        failures.append(f"access lines + drops {reader.access + dropped:.0f} != requests sent {sent}")
    if reader.malformed:
        failures.append(f"{reader.malformed} lines are not JSON")
    if max(d - b for d, b in zip(during, before)) < 4:
        failures.append("the stall did not hold lines in memory: nothing was measured")
    for number, (b, a) in enumerate(zip(before, after)):
        if a - b > 3:
            failures.append(f"worker {number} kept {a - b:.1f} MiB after the reader caught up")
    if status != 0:
        failures.append(f"exit status {status}")
    print(f"{'FAIL' if failures else 'PASS'} a stalled log reader costs memory only while it lasts: {figures}")
    return failures


def fmt(values: list[float]) -> str:
    return "/".join(f"{value:.1f}" for value in values)


def lossless(binary: str, seconds: int, workers: int) -> bool:
    """Load with recycles, then SIGTERM; prints the result and returns whether it passed. One
    worker (the default on two CPUs) is replaced new-first, two are replaced old-first."""
    port = free_port()
    workspace = tempfile.mkdtemp(prefix="access-log-check-")
    log_path = os.path.join(workspace, "stdout.jsonl")
    env = server_env(port, workspace, workers, MAX_REQUESTS="4000", MAX_REQUESTS_JITTER="1000")
    failures = []
    with open(log_path, "wb") as log:
        collector = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=log)
        server = subprocess.Popen([binary, "serve", "--env-file", "/dev/null"], env=env,
                                  stdout=collector.stdin, stderr=subprocess.STDOUT)
        collector.stdin.close()
        if not wait_ready(port):
            server.kill()
            print(f"FAIL access log, {workers} worker(s): the server did not get ready")
            return False
        output = counted_load(port, seconds)
        _, metrics = get(port, "/metrics")
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=60)
        collector.wait(timeout=60)
    sent = int(re.search(r"sent=(\d+)", output).group(1))
    bad = int(re.search(r"bad=(\d+)", output).group(1))
    errors = re.search(r"Socket errors:.*", output)
    access, recycled, malformed = 0, 0, 0
    with open(log_path, encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                malformed += 1
                continue
            if entry.get("message") == "access" and entry.get("user_agent.original") == "access-log-check":
                access += 1
                if not FIELDS <= entry.keys():
                    failures.append(f"an access line lacks {sorted(FIELDS - entry.keys())}: {line.strip()}")
            elif entry.get("message") == "worker ready":
                recycled += 1
    dropped = dropped_lines(metrics)
    recycled -= workers  # the first ones
    figures = (f"wrk sent {sent:,} requests ({output.count('Non-2xx') and 'some non-2xx' or 'all 2xx'}, "
               f"{bad} wrong answers{', ' + errors.group(0) if errors else ''}); {access:,} access lines; "
               f"{recycled} recycles; dropped {dropped:.0f}; {malformed} unparseable lines; exit {status}")
    if access != sent:
        failures.append(f"access lines {access} != requests sent {sent}")
    if recycled < 2:
        failures.append(f"only {recycled} recycles during the load")
    if malformed:
        failures.append(f"{malformed} lines are not JSON (interleaved writes?)")
    if dropped:
        failures.append(f"{dropped:.0f} lines dropped")
    if status != 0:
        failures.append(f"exit status {status}")
    if sent < 1000:
        failures.append("too little load to mean anything")
    shutil.rmtree(workspace, ignore_errors=True)
    print(f"{'FAIL' if failures else 'PASS'} access log lossless, {workers} worker(s): {figures}")
    for failure in failures:
        print(f"  {failure}")
    return not failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--stall-seconds", type=int, default=4)
    args = parser.parse_args()
    passed = [lossless(args.binary, args.seconds, workers) for workers in (1, 2)]
    stall_failures = stalled_reader(args.binary, args.stall_seconds)
    for failure in stall_failures:
        print(f"  {failure}")
    sys.exit(0 if all(passed) and not stall_failures else 1)


if __name__ == "__main__":
    main()
