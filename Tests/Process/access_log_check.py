"""The access log loses no line: under wrk load, across worker recycles and after SIGTERM, the
server writes exactly one `access` line per request wrk sent.

    python3 Tests/Process/access_log_check.py --binary .build/release/mcp-server [--seconds 8]

The server runs as the image runs it (ENVIRONMENT=production, JSON logs on stdout) with a small
MAX_REQUESTS so workers are recycled several times under load; stdout goes into a pipe drained
by `cat` into a file, as a container runtime collects it. wrk counts every request it writes
(Tests/Process/counted_call.lua), answered or cut off when it stops. After wrk, SIGTERM; once the
server has exited, the check counts the access lines of wrk's requests and compares:
  - access lines == requests sent, exactly;
  - every line parses as JSON and carries the fields dashboards read;
  - workers were recycled during the load (the supervisor's "worker ready" lines);
  - no line was dropped (mcp_log_lines_dropped_total stays 0).
Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = {"timestamp", "level", "message", "logger", "pid", "client.address", "duration_ms", "http.request.method",
          "http.response.body.size", "http.response.status_code", "http.route", "mcp.era", "mcp.method.name",
          "mcp.tool.name", "request.id", "url.path", "user_agent.original", "worker"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except OSError:
        return 0, ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    workspace = tempfile.mkdtemp(prefix="access-log-check-")
    log_path = os.path.join(workspace, "stdout.jsonl")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ENVIRONMENT": "production", "HOST": "127.0.0.1",
           "PORT": str(port), "WORKERS": "2", "MAX_REQUESTS": "4000", "MAX_REQUESTS_JITTER": "1000",
           "GRACEFUL_TIMEOUT": "10", "WORKSPACE_DIR": workspace}
    failures = []
    with open(log_path, "wb") as log:
        collector = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=log)
        server = subprocess.Popen([args.binary, "serve", "--env-file", "/dev/null"], env=env,
                                  stdout=collector.stdin, stderr=subprocess.STDOUT)
        collector.stdin.close()
        deadline = time.monotonic() + 30
        while get(port, "/ready")[0] != 200:
            if time.monotonic() > deadline:
                server.kill()
                sys.exit("FAIL access log: the server did not get ready")
            time.sleep(0.1)
        output = subprocess.run(
            ["wrk", "-t2", "-c64", f"-d{args.seconds}s", "--timeout", "10s", "-s",
             os.path.join(HERE, "counted_call.lua"), f"http://127.0.0.1:{port}/mcp"],
            capture_output=True, text=True).stdout
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
    dropped = sum(float(l.rsplit(" ", 1)[1]) for l in metrics.splitlines()
                  if l.startswith("mcp_log_lines_dropped_total"))
    recycled -= 2  # the first two workers
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
    print(f"{'FAIL' if failures else 'PASS'} access log lossless: {figures}")
    for failure in failures:
        print(f"  {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
