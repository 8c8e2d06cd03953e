"""Process-level checks of tasks: the release binary as a supervisor with workers that recycle
under load, a worker killed mid-task, a thousand expired tasks, a cancel seen in /metrics, and
(with --postgres) two replicas sharing one PostgreSQL behind nginx with the committed config.
Each check prints its figures and PASS or FAIL; the script exits 1 if any check failed.

Usage:
    python3 Tests/Process/task_checks.py --binary .build/release/mcp-server [--only NAME ...]
    python3 Tests/Process/task_checks.py --binary BIN --only replicas --postgres postgres://u:p@127.0.0.1/db

Needs wrk (load); the replicas check needs nginx and a binary built with --traits PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Deploy"))
from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report, terminate  # noqa: E402
from runtime_checks import wrk  # noqa: E402


class NginxFront:
    """Real nginx with the committed deploy/nginx/nginx.conf (rendered by nginx_check.render),
    its three upstreams pointed at `ports` (the first repeated when there are two)."""

    def __init__(self, nginx: str, ports: list[int]):
        self.nginx = nginx
        self.ports = (ports * 3)[:3]
        self.prefix = tempfile.mkdtemp(prefix="mcp-tasks-nginx-")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "NginxFront":
        from nginx_check import render, wait_port  # Tests/Deploy

        cert, key = os.path.join(self.prefix, "server.crt"), os.path.join(self.prefix, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        config = render(self.prefix, self.ports, self.port, free_port(), cert, key)
        self.log = open(os.path.join(self.prefix, "error.log"), "w")
        self.process = subprocess.Popen([self.nginx, "-e", "stderr", "-p", self.prefix, "-c", config,
                                         "-g", "daemon off;"], stdout=self.log, stderr=self.log)
        if not wait_port(self.port):
            raise RuntimeError("nginx did not start: " + open(os.path.join(self.prefix, "error.log")).read()[-500:])
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            terminate(self.process, timeout=10)
        self.log.close()
        shutil.rmtree(self.prefix, ignore_errors=True)

TASKS_ENVELOPE = dict(ENVELOPE, **{
    "io.modelcontextprotocol/clientCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}}}})


def rpc(port: int, method: str, params: dict, name: str | None = None, timeout: float = 30) -> dict:
    """One 2026-07-28 request declaring the tasks extension, on a new connection."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": dict(params, _meta=TASKS_ENVELOPE)}
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": method})
    if name:
        headers["Mcp-Name"] = name
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=json.dumps(body).encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return json.loads(text) if text else {"error": {"code": error.code}}


def create(port: int, arguments: dict) -> dict:
    answer = rpc(port, "tools/call", {"name": "generate_report", "arguments": arguments}, name="generate_report")
    return answer.get("result") or {"error": answer.get("error")}


def get(port: int, task_id: str) -> dict:
    answer = rpc(port, "tasks/get", {"taskId": task_id}, name=task_id)
    return answer.get("result") or {"status": "error", "error": answer.get("error")}


def wait_terminal(port: int, task_id: str, limit: float = 60) -> dict:
    deadline = time.time() + limit
    task: dict = {}
    while time.time() < deadline:
        task = get(port, task_id)
        if task.get("status") in ("completed", "failed", "cancelled", "error"):
            return task
        time.sleep(0.1)
    return task


def store_rows(server: Server, query: str) -> list[tuple]:
    path = os.path.join(tempfile.gettempdir(), f"mcp-server-{server.process.pid}", "tasks.sqlite3")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as connection:
        return connection.execute(query).fetchall()


def worker_rss_kb(server: Server) -> int:
    total = 0
    for pid in server.workers():
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# --- checks -----------------------------------------------------------------------------------

def check_recycling(binary: str) -> None:
    """50 tasks while workers recycle under load: all finish, results readable from any worker."""
    port = free_port()
    server = Server(binary, port, {"MAX_REQUESTS": "150", "MAX_REQUESTS_JITTER": "30"})
    try:
        load: dict = {}
        loader = threading.Thread(target=lambda: load.update(wrk(port, 20, connections=16)))
        loader.start()
        created = [create(port, {"topic": f"load {index}", "sections": 3, "section_ms": 200}) for index in range(50)]
        ids = [task.get("taskId") for task in created]
        finished = [wait_terminal(port, task_id) if task_id else {} for task_id in ids]
        loader.join()
        statuses = [task.get("status") for task in finished]
        completed = sum(1 for task in finished if task.get("status") == "completed"
                        and "Conclusions of load" in json.dumps(task.get("result", {})))
        # Read every result again, each on a new connection (any worker), after the recycles.
        readable = sum(1 for task_id in ids if task_id and get(port, task_id).get("status") == "completed")
        owners = len({row[0] for row in store_rows(server, "SELECT DISTINCT owner FROM mcp_tasks")})
        recycles = server.metric('mcp_worker_restarts_total{reason="recycled"}')
        ok = completed == 50 and readable == 50 and recycles >= 2
        report("tasks across recycling workers", ok,
               f"50 tasks under wrk load ({load.get('requests', 0)} requests): {completed} completed, "
               f"{readable} read back, statuses {sorted(set(map(str, statuses)))}, {owners} workers ran them, "
               f"{int(recycles)} recycles")
    finally:
        server.stop()


def check_kill(binary: str) -> None:
    """kill -9 of the worker running a task: the task becomes failed, not lost."""
    port = free_port()
    server = Server(binary, port, {"TASK_LEASE": "3"})
    try:
        task = create(port, {"topic": "doomed", "sections": 50, "section_ms": 1000})
        task_id = task["taskId"]
        owner = store_rows(server, f"SELECT owner FROM mcp_tasks WHERE id = '{task_id}'")[0][0]
        victim = int(owner.split(":")[1])
        os.kill(victim, signal.SIGKILL)
        killed = time.time()
        final = wait_terminal(port, task_id, limit=30)
        took = time.time() - killed
        ok = final.get("status") == "failed" and final.get("error", {}).get("code") == -32603 and victim in [
            int(owner.split(":")[1])] and took < 20
        report("kill -9 of a task's worker", ok,
               f"worker {victim} killed; task {final.get('status')} after {took:.1f} s "
               f"({final.get('statusMessage')!r}, error {final.get('error')})")
    finally:
        server.stop()


def check_cancel_metrics(binary: str) -> None:
    """tasks/cancel stops the work, on whichever worker runs it: visible in /metrics."""
    port = free_port()
    server = Server(binary, port, {})
    try:
        before = server.metric('mcp_tasks_finished_total{outcome="cancelled"}')
        ids = [create(port, {"topic": f"cancel {index}", "sections": 50, "section_ms": 1000})["taskId"]
               for index in range(4)]
        time.sleep(0.5)
        running = server.metric("mcp_tasks_running")
        for task_id in ids:
            rpc(port, "tasks/cancel", {"taskId": task_id}, name=task_id)
        deadline = time.time() + 10
        while time.time() < deadline and server.metric('mcp_tasks_finished_total{outcome="cancelled"}') < before + 4:
            time.sleep(0.2)
        after = server.metric('mcp_tasks_finished_total{outcome="cancelled"}')
        statuses = {get(port, task_id).get("status") for task_id in ids}
        idle = server.metric("mcp_tasks_running")
        ok = running == 4 and after - before == 4 and statuses == {"cancelled"} and idle == 0
        report("cancel stops the work (metrics)", ok,
               f"mcp_tasks_running {running:.0f} -> {idle:.0f}; cancelled work stopped {after - before:.0f} of 4; "
               f"statuses {statuses}")
    finally:
        server.stop()


def check_expiry(binary: str) -> None:
    """1,000 tasks that expire leave the store empty, the gauges at baseline, RSS flat."""
    port = free_port()
    server = Server(binary, port, {"TASK_TTL": "3", "TASKS_PER_PRINCIPAL": "1000"})
    try:
        for index in range(20):  # warm-up, so RSS is measured after first-use allocations
            create(port, {"topic": f"warm {index}", "sections": 1, "section_ms": 0})
        time.sleep(4.5)
        rss_before = worker_rss_kb(server)
        failures = 0
        for index in range(1000):
            if "taskId" not in create(port, {"topic": f"expiring {index}", "sections": 1, "section_ms": 0}):
                failures += 1
        peak = store_rows(server, "SELECT count(*) FROM mcp_tasks")[0][0]
        deadline = time.time() + 20
        rows = peak
        while time.time() < deadline and rows:
            time.sleep(0.5)
            rows = store_rows(server, "SELECT count(*) FROM mcp_tasks")[0][0]
        running = server.metric("mcp_tasks_running")
        expired = server.metric('mcp_tasks_swept_total{reason="expired"}')
        rss_after = worker_rss_kb(server)
        grew = (rss_after - rss_before) / 1024
        ok = failures == 0 and rows == 0 and running == 0 and expired >= 1000 and grew < 16
        report("1,000 expired tasks", ok,
               f"created 1000 ({failures} refused); rows {peak} -> {rows} after the TTL; mcp_tasks_running "
               f"{running:.0f}; swept {expired:.0f}; workers' RSS {rss_before / 1024:.1f} -> {rss_after / 1024:.1f} MB")
    finally:
        server.stop()


def check_replicas(binary: str, postgres: str, nginx: str) -> None:
    """Two replicas sharing SECRET_KEY and one PostgreSQL, behind nginx with the committed config:
    a task created through one is polled, cancelled and fetched through the other."""
    ports = [free_port(), free_port()]
    env = {"SECRET_KEY": "replica-test-secret", "REPLICAS": "2", "TASK_STORE": postgres}
    servers = [Server(binary, port, env) for port in ports]
    try:
        with NginxFront(nginx, ports) as front:
            task = create(ports[0], {"topic": "replicated", "sections": 3, "section_ms": 300})
            seen = get(ports[1], task["taskId"])
            final = wait_terminal(ports[1], task["taskId"])
            through_nginx = wait_terminal(front.port, task["taskId"])
            slow = create(ports[1], {"topic": "replicated slow", "sections": 50, "section_ms": 1000})
            rpc(ports[0], "tasks/cancel", {"taskId": slow["taskId"]}, name=slow["taskId"])
            time.sleep(2.5)  # the owner notices at its next renewal (every second)
            cancelled = get(front.port, slow["taskId"])
            stopped = servers[1].metric('mcp_tasks_finished_total{outcome="cancelled"}')
            ok = (seen.get("status") == "working" and final.get("status") == "completed"
                  and through_nginx.get("status") == "completed" and cancelled.get("status") == "cancelled"
                  and stopped == 1)
            report("tasks across replicas (PostgreSQL, nginx)", ok,
                   f"created on :{ports[0]}, seen {seen.get('status')} then {final.get('status')} on :{ports[1]}, "
                   f"{through_nginx.get('status')} through nginx :{front.port}; cancel on :{ports[0]} of a task "
                   f"running on :{ports[1]} -> {cancelled.get('status')}, work stopped there: {stopped:.0f}")
    finally:
        for server in servers:
            server.stop()


CHECKS = {"recycling": check_recycling, "kill": check_kill, "cancel": check_cancel_metrics, "expiry": check_expiry}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--postgres", help="postgres:// URL for the replicas check")
    parser.add_argument("--nginx", default="nginx")
    arguments = parser.parse_args()
    names = arguments.only or list(CHECKS)
    for name in names:
        try:
            if name == "replicas":
                check_replicas(arguments.binary, arguments.postgres, arguments.nginx)
            else:
                CHECKS[name](arguments.binary)
        except Exception as error:  # a check that crashes is a failed check
            report(name, False, f"error: {error!r}")
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"task checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
