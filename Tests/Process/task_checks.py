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
import re
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


SAMPLING_ENVELOPE = dict(ENVELOPE, **{"io.modelcontextprotocol/clientCapabilities": {"sampling": {}}})


def rpc(port: int, method: str, params: dict, name: str | None = None, timeout: float = 30,
        envelope: dict = TASKS_ENVELOPE, headers: dict | None = None) -> dict:
    """One 2026-07-28 request (by default declaring the tasks extension), on a new connection, so
    that any worker of the server may accept it."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": dict(params, _meta=envelope)}
    sent = dict(MODERN_HEADERS, **{"Mcp-Method": method}, **(headers or {}))
    if name:
        sent["Mcp-Name"] = name
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=json.dumps(body).encode(),
                                     headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        answer = json.loads(text) if text else {"error": {"code": error.code}}
        answer["_http"] = {"status": error.code, "retry_after": error.headers.get("Retry-After")}
        return answer


def mrtr_round_trip(first_port: int, retry_port: int, text: str) -> tuple[bool, str]:
    """summarize_text under 2026-07-28: the call ends input_required (a sampling request and a
    sealed requestState); the retry, on a new connection to `retry_port`, carries the answer."""
    params = {"name": "summarize_text", "arguments": {"text": text}}
    first = rpc(first_port, "tools/call", params, name="summarize_text", envelope=SAMPLING_ENVELOPE)
    asked = first.get("result") or {}
    if asked.get("resultType") != "input_required" or not asked.get("inputRequests"):
        return False, f"first round: {json.dumps(first)[:300]}"
    key = next(iter(asked["inputRequests"]))
    answer = {"role": "assistant", "content": {"type": "text", "text": f"SUMMARY of {text}"}, "model": "check"}
    retry = dict(params, inputResponses={key: answer}, requestState=asked["requestState"])
    second = rpc(retry_port, "tools/call", retry, name="summarize_text", envelope=SAMPLING_ENVELOPE)
    result = second.get("result") or {}
    ok = result.get("resultType") == "complete" and not result.get("isError") and f"SUMMARY of {text}" in json.dumps(result)
    return ok, "" if ok else f"retry: {json.dumps(second)[:300]}"


def create(port: int, arguments: dict, headers: dict | None = None, task: dict | None = None) -> dict:
    params: dict = {"name": "generate_report", "arguments": arguments}
    if task is not None:
        params["task"] = task
    answer = rpc(port, "tools/call", params, name="generate_report", headers=headers)
    return answer.get("result") or {"error": answer.get("error"), "_http": answer.get("_http")}


def get(port: int, task_id: str, headers: dict | None = None) -> dict:
    answer = rpc(port, "tasks/get", {"taskId": task_id}, name=task_id, headers=headers)
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
    # The supervisor's private runtime folder (mkdtemp): its workers are told it in MCP_RUNTIME_DIR.
    folder = ""
    for pid in server.workers():
        try:
            for entry in open(f"/proc/{pid}/environ", "rb").read().split(b"\0"):
                if entry.startswith(b"MCP_RUNTIME_DIR="):
                    folder = entry.split(b"=", 1)[1].decode()
        except OSError:
            continue
        if folder:
            break
    path = os.path.join(folder, "tasks.sqlite3")
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


def check_mrtr(binary: str) -> None:
    """200 MRTR round-trips while the workers recycle under load: every retry, on a new
    connection that either worker may accept, opens the sealed state and completes."""
    port = free_port()
    server = Server(binary, port, {"MAX_REQUESTS": "150", "MAX_REQUESTS_JITTER": "30"})
    try:
        load: dict = {}
        loader = threading.Thread(target=lambda: load.update(wrk(port, 10, connections=16)))
        loader.start()
        outcomes: list[tuple[bool, str]] = []
        lock = threading.Lock()

        def run(offset: int) -> None:
            for index in range(offset, 200, 4):
                outcome = mrtr_round_trip(port, port, f"text {index}")
                with lock:
                    outcomes.append(outcome)

        drivers = [threading.Thread(target=run, args=(offset,)) for offset in range(4)]
        for driver in drivers:
            driver.start()
        for driver in drivers:
            driver.join()
        loader.join()
        completed = sum(1 for ok, _ in outcomes if ok)
        problems = [why for ok, why in outcomes if not ok][:2]
        recycles = server.metric('mcp_worker_restarts_total{reason="recycled"}')
        ok = completed == 200 and recycles >= 2
        report("200 MRTR round-trips across recycling workers", ok,
               f"{completed} of 200 completed under wrk load ({load.get('requests', 0)} requests), "
               f"{int(recycles)} recycles{'; ' + ' | '.join(problems) if problems else ''}")
    finally:
        server.stop()


def check_limits(binary: str) -> None:
    """The per-principal cap and the TTL, each at its limit: the 3rd of TASKS_PER_PRINCIPAL=3
    unfinished tasks is accepted and the 4th refused until one ends; a task is read just before
    TASK_TTL=4 and is unknown just after it."""
    port = free_port()
    server = Server(binary, port, {"TASKS_PER_PRINCIPAL": "3", "TASK_TTL": "4", "TASK_MAX_TTL": "4"})
    try:
        slow = {"topic": "capped", "sections": 50, "section_ms": 1000}
        accepted = [create(port, slow) for _ in range(3)]
        refused = create(port, slow)
        ids = [task.get("taskId") for task in accepted]
        rpc(port, "tasks/cancel", {"taskId": ids[0]}, name=ids[0])
        after_cancel = create(port, slow)
        # A quota of this caller, not a server fault: -32011 in an HTTP 429 with Retry-After.
        refusal_ok = ((refused.get("error") or {}).get("code") == -32011
                      and refused.get("_http") == {"status": 429, "retry_after": "1"})
        cap_ok = all(ids) and "taskId" not in refused and refusal_ok and "taskId" in after_cancel
        for task_id in ids[1:] + [after_cancel.get("taskId")]:
            if task_id:
                rpc(port, "tasks/cancel", {"taskId": task_id}, name=task_id)
        quick = create(port, {"topic": "short-lived", "sections": 1, "section_ms": 0})
        created = time.time()
        ttl_ms = quick.get("ttlMs")
        done = wait_terminal(port, quick["taskId"], limit=3) if "taskId" in quick else {}
        time.sleep(max(0.0, created + 3.0 - time.time()))
        before = get(port, quick["taskId"]) if "taskId" in quick else {}
        time.sleep(max(0.0, created + 5.5 - time.time()))  # past the TTL and the next sweep
        after = get(port, quick["taskId"]) if "taskId" in quick else {}
        ttl_ok = (ttl_ms == 4000 and done.get("status") == "completed" and before.get("status") == "completed"
                  and after.get("status") == "error")
        report("per-principal cap at its limit", bool(cap_ok),
               f"3 accepted: {all(ids)}; 4th: {refused.get('error')} {refused.get('_http')}; after a cancel: "
               f"{'accepted' if 'taskId' in after_cancel else after_cancel}")
        report("task TTL at its limit", ttl_ok,
               f"ttlMs {ttl_ms}; {before.get('status')} at 3 s, "
               f"{after.get('status')} {after.get('error')} at 5.5 s")
    finally:
        server.stop()


def prompt_names(port: int) -> set[str]:
    answer = rpc(port, "prompts/list", {}, envelope=ENVELOPE)
    return {prompt.get("name") for prompt in (answer.get("result") or {}).get("prompts", [])}


def set_enabled(port: int, kind: str, name: str, enabled: bool) -> dict:
    arguments = {"kind": kind, "name": name, "enabled": enabled}
    return rpc(port, "tools/call", {"name": "set_enabled", "arguments": arguments}, name="set_enabled",
               envelope=ENVELOPE)


def until_everywhere(ports: list[int], name: str, shown: bool, limit: float = 10) -> float | None:
    """Seconds until `name` is (or is not) among the prompts of 6 lists in a row from each port
    (new connections: any worker); None when it never was within `limit`."""
    started = time.time()
    while time.time() - started < limit:
        if all((name in prompt_names(port)) == shown for port in ports for _ in range(6)):
            return time.time() - started
        time.sleep(0.1)
    return None


def check_changes(binary: str) -> None:
    """A declaration hidden through one worker is hidden on every worker (the change travels
    through the SQLite store's feed), and shown again the same way."""
    port = free_port()
    server = Server(binary, port, {"ENABLE_DEMO_TOOLS": "true"})
    try:
        before = "code_review" in prompt_names(port)
        hidden = set_enabled(port, "prompt", "code_review", False)
        gone = until_everywhere([port], "code_review", False)
        shown = set_enabled(port, "prompt", "code_review", True)
        back = until_everywhere([port], "code_review", True)
        ok = before and gone is not None and back is not None and "hidden" in json.dumps(hidden) and "shown" in \
            json.dumps(shown)
        report("a registry change reaches every worker", ok,
               f"code_review hidden on both workers after {gone if gone is None else f'{gone:.2f} s'}, "
               f"shown again after {back if back is None else f'{back:.2f} s'}")
    finally:
        server.stop()


def check_replicas(binary: str, postgres: str, nginx: str) -> None:
    """Two replicas sharing SECRET_KEY and one PostgreSQL, behind nginx with the committed config:
    a task created through one is polled, cancelled and fetched through the other; an MRTR
    retry is served by the other; a third replica on the same database with an API key (another
    principal) answers the first replicas' task ids as unknown."""
    ports = [free_port(), free_port()]
    env = {"SECRET_KEY": "replica-test-secret", "REPLICAS": "2", "TASK_STORE": postgres, "ENABLE_DEMO_TOOLS": "true"}
    servers = [Server(binary, port, env) for port in ports]
    try:
        with NginxFront(nginx, ports) as front:
            task = create(ports[0], {"topic": "replicated", "sections": 3, "section_ms": 300})
            seen = get(ports[1], task["taskId"])
            final = wait_terminal(ports[1], task["taskId"])
            through_nginx = wait_terminal(front.port, task["taskId"])
            slow = create(ports[1], {"topic": "replicated slow", "sections": 50, "section_ms": 1000})
            rpc(ports[0], "tasks/cancel", {"taskId": slow["taskId"]}, name=slow["taskId"])
            deadline = time.time() + 10  # the owner notices at its next renewal (every second)
            while time.time() < deadline and servers[1].metric('mcp_tasks_finished_total{outcome="cancelled"}') < 1:
                time.sleep(0.2)
            cancelled = get(front.port, slow["taskId"])
            stopped = servers[1].metric('mcp_tasks_finished_total{outcome="cancelled"}')
            ok = (seen.get("status") == "working" and final.get("status") == "completed"
                  and through_nginx.get("status") == "completed" and cancelled.get("status") == "cancelled"
                  and stopped == 1)
            report("tasks across replicas (PostgreSQL, nginx)", ok,
                   f"created on :{ports[0]}, seen {seen.get('status')} then {final.get('status')} on :{ports[1]}, "
                   f"{through_nginx.get('status')} through nginx :{front.port}; cancel on :{ports[0]} of a task "
                   f"running on :{ports[1]} -> {cancelled.get('status')}, work stopped there: {stopped:.0f}")
            retried = [mrtr_round_trip(ports[0], ports[1], "asked on one replica, answered on the other"),
                       mrtr_round_trip(ports[1], ports[0], "the other way round"),
                       mrtr_round_trip(front.port, front.port, "through nginx")]
            report("MRTR retry served by the other replica", all(ok for ok, _ in retried),
                   "; ".join(why or "completed" for _, why in retried))
            set_enabled(ports[0], "prompt", "code_review", False)
            gone = until_everywhere(ports, "code_review", False)
            set_enabled(ports[1], "prompt", "code_review", True)
            back = until_everywhere(ports, "code_review", True)
            report("a registry change reaches every replica (LISTEN/NOTIFY)", gone is not None and back is not None,
                   f"hidden through :{ports[0]}: gone on both after {gone if gone is None else f'{gone:.2f} s'}; shown through "
                   f":{ports[1]}: back on both "
                   f"after {back if back is None else f'{back:.2f} s'}")
        key = {"X-API-Key": "another-principal"}
        third = Server(binary, free_port(), dict(env, API_KEY="another-principal"))
        try:
            foreign = get(third.port, task["taskId"], headers=key)
            own = create(third.port, {"topic": "mine", "sections": 1, "section_ms": 0}, headers=key)
            own_done = wait_terminal_with(third.port, own.get("taskId", ""), key)
            unseen = get(ports[0], own.get("taskId", ""))
            ok = (foreign.get("status") == "error" and own_done.get("status") == "completed"
                  and unseen.get("status") == "error")
            report("a task id of another principal is unknown (shared PostgreSQL)", ok,
                   f"the first replicas' task on the keyed replica: {foreign.get('error')}; the keyed caller's own "
                   f"task: {own_done.get('status')} there, {unseen.get('error')} for the anonymous caller")
        finally:
            third.stop()
    finally:
        for server in servers:
            server.stop()


def wait_terminal_with(port: int, task_id: str, headers: dict, limit: float = 30) -> dict:
    deadline = time.time() + limit
    task: dict = {}
    while time.time() < deadline:
        task = get(port, task_id, headers=headers)
        if task.get("status") in ("completed", "failed", "cancelled", "error"):
            return task
        time.sleep(0.1)
    return task


def check_session_answers(binary: str) -> None:
    """Handshake-era sessions with two workers: the client's answer to the server's sampling
    request is a new POST that either worker may accept; every call still gets its own answer,
    none is dropped (the workers relay answers to the one that asked)."""
    from leak_checks import ENV, in_sessions, read_until
    from protocol_checks import raw_request

    server = Server(binary, free_port(), ENV)
    try:
        dropped_before = server.metric("mcp_client_responses_dropped_total")

        def call(in_session: dict, index: int) -> bool:
            connection = raw_request(server.port, in_session, {
                "jsonrpc": "2.0", "id": index, "method": "tools/call",
                "params": {"name": "summarize_text", "arguments": {"text": f"text {index}"}}})
            asked = read_until(connection, b"sampling/createMessage", 5)
            found = re.search(rb'"id":"(mcp-s-[^"]+)"', asked)
            completed = False
            if found:
                answer = {"role": "assistant", "content": {"type": "text", "text": f"SUMMARY of {index}"},
                          "model": "check"}
                server.post({"jsonrpc": "2.0", "id": found.group(1).decode(), "result": answer}, in_session)
                rest = asked + read_until(connection, f"SUMMARY of {index}".encode(), 10)
                completed = f'"id":{index}'.encode() in rest and f"SUMMARY of {index}".encode() in rest
            connection.close()
            return completed

        completed = in_sessions(server, 100, call, threads=4)
        dropped = server.metric("mcp_client_responses_dropped_total") - dropped_before
        ok = completed == 100 and dropped == 0
        report("session answers across workers", ok,
               f"{completed} of 100 sampling answers (each a new POST, to either of 2 workers) reached "
               f"their calls; {dropped:.0f} dropped")
    finally:
        server.stop()


CHECKS = {"recycling": check_recycling, "mrtr": check_mrtr, "changes": check_changes, "kill": check_kill, "cancel": check_cancel_metrics,
          "limits": check_limits, "expiry": check_expiry, "session_answers": check_session_answers}


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
