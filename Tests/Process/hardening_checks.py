"""Process-level checks of the adversarial-review findings (issue 10), on the release binary as a
supervisor with workers: starvation by CPU-heavy calls, supervisor bookkeeping of a hung worker,
/metrics counters across recycles, the private runtime folder, DELETEd sessions across a restart.
Each check prints its figures and PASS or FAIL; the script exits 1 if any check failed.

Usage:
    python3 Tests/Process/hardening_checks.py --binary .build/release/mcp-server [--only NAME ...]

Needs wrk for the metrics check.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request

from checklib import CALL_ADD, ENVELOPE, MODERN_HEADERS, Server, free_port, report, run_checks


def modern_call(tool: str, arguments: dict, request_id: int = 1) -> tuple[dict, dict]:
    body = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments, "_meta": ENVELOPE}}
    return body, dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": tool})


def post_raw(port: int, body: bytes, headers: dict, timeout: float = 60) -> tuple[int, dict | None, dict]:
    """One POST on its own connection: (status, parsed JSON or None, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/mcp", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read()
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = None
        return response.status, answer, {key.lower(): value for key, value in response.getheaders()}
    except OSError as error:
        return 0, {"error": repr(error)}, {}
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- checks -----------------------------------------------------------------------------------

def check_starvation(binary: str) -> None:
    """--workers 2, 8 concurrent maximal CPU-heavy calls: /health keeps answering (p99 within
    100 ms, none slower than 250 ms: RELIABILITY-CHECKS' probe bound; a starved loop would take
    the regex timeout, 1 s, or longer), no worker is killed, every call ends (a result, a timeout
    error or busy). The bound is on p99 with a ceiling for the worst, not on the single worst
    probe: on a 2-core machine one probe in ~120 may wait behind the decoding of two 4 MiB
    bodies (20-80 ms here, 103 ms seen once in CI)."""
    port = free_port()
    server = Server(binary, port, {"WORKER_TIMEOUT": "5", "TOOL_TIMEOUT": "20", "REGEX_TIMEOUT": "1"})
    try:
        workers_before = set(server.workers())
        body_limit = 4 * 1024 * 1024
        words = ("lorem ipsum dolor sit amet " * (body_limit // 27))[: body_limit - 400]
        heavy = []
        for index in range(8):
            if index % 2 == 0:
                body, headers = modern_call("text_statistics", {"text": words}, index)
            else:
                body, headers = modern_call("replace_text", {"text": "a" * 5000 + "!", "pattern": "(a|aa)+$",
                                                             "replacement": "x", "use_regex": True}, index)
            heavy.append((json.dumps(body).encode(), headers))
        outcomes: list[str] = []
        latencies: list[float] = []
        health_failures = 0
        done = threading.Event()
        lock = threading.Lock()

        def probe() -> None:
            nonlocal health_failures
            while not done.is_set():
                started = time.perf_counter()
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/health")
                    ok = connection.getresponse().status == 200
                    connection.close()
                except OSError:
                    ok = False
                with lock:
                    latencies.append(time.perf_counter() - started)
                    health_failures += 0 if ok else 1
                time.sleep(0.02)

        def call(body: bytes, headers: dict) -> None:
            status, answer, _ = post_raw(port, body, headers, timeout=90)
            if status == 200 and answer and "result" in answer:
                text = answer["result"]["content"][0].get("text", "")
                kind = "timeout" if "timed out" in text else ("tool error" if answer["result"].get("isError") else "result")
            elif status == 503 and answer and answer.get("error", {}).get("code") == -32010:
                kind = "busy"
            else:
                kind = f"failed ({status})"
            with lock:
                outcomes.append(kind)

        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(0.5)
        started = time.time()
        callers = [threading.Thread(target=call, args=item) for item in heavy]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
        took = time.time() - started
        time.sleep(0.5)
        done.set()
        prober.join()
        hung = server.metric('mcp_worker_restarts_total{reason="hung"}')
        workers_after = set(server.workers())
        worst = max(latencies) * 1000
        p99 = sorted(latencies)[int(len(latencies) * 0.99) - 1] * 1000
        counts = {kind: outcomes.count(kind) for kind in sorted(set(outcomes))}
        ended = all(not kind.startswith("failed") for kind in outcomes) and len(outcomes) == 8
        ok = (p99 <= 100 and worst <= 250 and health_failures == 0 and workers_before == workers_after
              and hung == 0 and ended)
        report("starvation", ok, f"8 concurrent heavy calls (4 x text_statistics on 4 MiB, 4 x backtracking regex) "
               f"on 2 workers: all ended in {took:.1f} s as {counts}; /health {len(latencies)} probes, worst "
               f"{worst:.1f} ms, p99 {p99:.1f} ms, failures {health_failures}; workers killed: "
               f"{len(workers_before - workers_after)} (hung count {hung:.0f})")
    finally:
        server.stop()


def check_hung_worker(binary: str) -> None:
    """A worker that stops (SIGSTOP) is killed once: one log line, one count, no busy loop."""
    port = free_port()
    server = Server(binary, port, {"WORKER_TIMEOUT": "2"})
    try:
        victim = server.workers()[0]
        supervisor = server.process.pid
        cpu_before = cpu_seconds(supervisor)
        os.kill(victim, signal.SIGSTOP)
        deadline = time.time() + 15
        while time.time() < deadline and len(server.messages("worker ready")) < 3:
            time.sleep(0.05)
        time.sleep(3)  # well past the kill: a loop that re-kills would show here
        cpu = cpu_seconds(supervisor) - cpu_before
        lines = len(server.messages("worker stopped beating; killing"))
        hung = server.metric('mcp_worker_restarts_total{reason="hung"}')
        killed = server.metric('mcp_worker_restarts_total{reason="killed"}')
        workers = len(server.workers())
        ok = lines == 1 and hung == 1 and killed == 0 and workers == 2 and cpu < 1.0
        report("hung worker", ok, f"SIGSTOP one worker (WORKER_TIMEOUT=2): 'stopped beating' logged {lines}x, "
               f"restarts hung={hung:.0f} killed={killed:.0f}, workers {workers}, supervisor CPU over "
               f"{time.time() - (deadline - 15):.1f} s: {cpu:.2f} s")
    finally:
        try:
            os.kill(victim, signal.SIGCONT)
        except (OSError, UnboundLocalError):
            pass
        server.stop()


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$")


def counters(text: str) -> dict[str, float]:
    """Every counter and histogram sample of an exposition, by name and labels."""
    types: dict[str, str] = {}
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            types[family] = kind
            continue
        match = SAMPLE.match(line)
        if not match:
            continue
        key = match.group(1)
        name = key.split("{", 1)[0]
        family = next((name[: -len(suffix)] for suffix in ("_bucket", "_sum", "_count")
                       if name.endswith(suffix) and name[: -len(suffix)] in types), name)
        if types.get(family) in ("counter", "histogram"):
            values[key] = float(match.group(2))
    return values


def check_metrics_monotonic(binary: str, recycles_wanted: int = 50) -> None:
    """/metrics scraped every 50 ms across at least 50 recycles under load: no counter decreases."""
    port = free_port()
    server = Server(binary, port, {"MAX_REQUESTS": "600", "MAX_REQUESTS_JITTER": "100"})
    decreases: list[str] = []
    scrapes = 0
    stop = threading.Event()

    def scrape() -> None:
        nonlocal scrapes
        previous: dict[str, float] = {}
        while not stop.is_set():
            status, text = server.get("/metrics")
            if status == 200:
                current = counters(text)
                for key, value in previous.items():
                    if current.get(key, 0.0) < value and len(decreases) < 20:
                        decreases.append(f"{key}: {value} -> {current.get(key)}")
                previous = current
                scrapes += 1
            time.sleep(0.05)

    try:
        scraper = threading.Thread(target=scrape)
        scraper.start()
        started = time.time()
        recycles = 0.0
        while time.time() - started < 240 and recycles < recycles_wanted:
            subprocess.run(["wrk", "-t1", "-c4", "-d3s", "-s", CALL_ADD, f"http://127.0.0.1:{port}/mcp"],
                           capture_output=True, text=True)
            recycles = server.metric('mcp_worker_restarts_total{reason="recycled"}')
        stop.set()
        scraper.join()
        ok = recycles >= recycles_wanted and not decreases and scrapes >= recycles_wanted
        report("metrics never decrease", ok, f"{scrapes} scrapes every 50 ms across {recycles:.0f} recycles in "
               f"{time.time() - started:.0f} s: {len(decreases)} decreases {decreases[:3]}")
    finally:
        stop.set()
        server.stop()


def check_runtime_folder(binary: str) -> None:
    """The runtime folder: unpredictable name, mode 0700, removed at exit; a RUNTIME_DIR open to
    others is refused."""
    scratch = tempfile.mkdtemp(prefix="mcp-tmp-")
    os.chmod(scratch, 0o700)
    port = free_port()
    server = Server(binary, port, {"TMPDIR": scratch})
    try:
        folders = [name for name in os.listdir(scratch) if name.startswith("mcp-server-")]
        modes = [oct(os.stat(os.path.join(scratch, name)).st_mode & 0o777) for name in folders]
        pid_in_name = any(str(server.process.pid) in name for name in folders)
    finally:
        server.stop()
    left = [name for name in os.listdir(scratch) if name.startswith("mcp-server-")]
    loose = os.path.join(scratch, "loose")
    os.mkdir(loose)
    os.chmod(loose, 0o777)
    refused = subprocess.run(
        [binary, "serve", "--workers", "1", "--port", str(free_port()), "--env-file", "/dev/null"],
        env=dict(os.environ, RUNTIME_DIR=loose, LOG_FORMAT="json"), capture_output=True, text=True, timeout=30)
    said = "open to other users" in refused.stdout + refused.stderr
    shutil.rmtree(scratch, ignore_errors=True)
    ok = len(folders) == 1 and modes == ["0o700"] and not pid_in_name and not left and refused.returncode != 0 and said
    report("runtime folder", ok, f"folders {folders} modes {modes}, pid in name {pid_in_name}, left after stop "
           f"{left}; RUNTIME_DIR mode 0777: exit {refused.returncode}, reason given {said}")


def check_sessions_across_restart(binary: str) -> None:
    """With SECRET_KEY and RUNTIME_DIR, a DELETEd session stays deleted after a restart while one
    nobody ended is adopted."""
    runtime = tempfile.mkdtemp(prefix="mcp-runtime-")
    os.chmod(runtime, 0o700)
    environment = {"STATELESS_HTTP": "false", "SECRET_KEY": "restart-check", "RUNTIME_DIR": runtime}
    accept = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    initialize = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "check", "version": "1"}}}
    port = free_port()
    server = Server(binary, port, environment)
    try:
        ids = []
        for _ in range(2):
            _, _, headers = server.post(initialize, accept)
            ids.append(headers.get("mcp-session-id") or headers.get("Mcp-Session-Id"))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/mcp", headers={"Mcp-Session-Id": ids[0]}, method="DELETE")
        deleted = urllib.request.urlopen(request, timeout=5).status
    finally:
        server.stop()
    server = Server(binary, port, environment)
    try:
        statuses = []
        for session in ids:
            headers = dict(accept, **{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
            statuses.append(server.post({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers)[0])
        ok = deleted == 204 and statuses == [404, 200]
        report("sessions across a restart", ok, f"DELETE {deleted}; after a restart with the same SECRET_KEY and "
               f"RUNTIME_DIR: deleted session {statuses[0]}, live session {statuses[1]} (adopted)")
    finally:
        server.stop()
        shutil.rmtree(runtime, ignore_errors=True)


CHECKS = {
    "starvation": check_starvation,
    "hung": check_hung_worker,
    "metrics": check_metrics_monotonic,
    "runtime-folder": check_runtime_folder,
    "sessions-restart": check_sessions_across_restart,
}


if __name__ == "__main__":
    run_checks(CHECKS, "hardening checks")
