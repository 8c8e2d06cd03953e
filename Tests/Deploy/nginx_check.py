"""Real-component check of deploy/nginx/nginx.conf: three replicas of the release binary behind
the committed nginx configuration, driven over HTTP, TLS and the official Python SDK client.
Each check prints PASS or FAIL with its figures; the script exits 1 if any check failed.

Usage:
    python3 Tests/Deploy/nginx_check.py --binary .build/release/mcp-server [--python $MCP_PYTHON]

Needs nginx (Debian package "nginx", 1.22 or newer) and openssl; --python names an interpreter
with mcp==2.3.0 for the SDK check (default $MCP_PYTHON, else this interpreter). Runs as root or
not. The system nginx service is not used: this runs its own nginx with its own prefix and ports.

The committed file is rendered into a temporary prefix with these substitutions only (each
must match exactly as often as stated, so drift in the file is noticed):
    user nginx;                        -> user <current user>;   (the image's account may not exist here)
    pid /var/run/nginx.pid;            -> pid <prefix>/nginx.pid;
    /var/cache/nginx/  (5 temp paths)  -> <prefix>/cache/
    server mcp-N:8000  (3 per N)       -> server 127.0.0.1:<port of replica N's relay>
    listen 80;  /  listen 443 ssl;     -> listen 127.0.0.1:<free port>[ ssl];
    /etc/nginx/tls/server.crt|.key     -> a self-signed certificate made with openssl
Each replica sits behind a small TCP relay (so the upstream addresses are the relays'). The
relays record the bytes nginx sends, to show which headers reach a replica (no "Connection:
upgrade") and that upstream connections are reused, and they remove the server's
"X-Accel-Buffering: no" response header, so the SSE check shows events streaming through the
configuration itself, not thanks to that hint. Killing a replica closes its relay too.
"""

from __future__ import annotations

import argparse
import getpass
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Process"))
from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report, terminate  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CONFIG = os.path.join(ROOT, "deploy", "nginx", "nginx.conf")
SECRET = "nginx-check-shared-secret"
SECURITY = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}

SDK_CLIENT = r"""
import asyncio, json, sys, warnings
warnings.filterwarnings("ignore")
from mcp import Client
import mcp_types as types

async def one(mode):
    info = types.Implementation(name="nginx-check", version="1")
    async with Client(sys.argv[1], mode=mode, client_info=info, read_timeout_seconds=20) as client:
        result = await client.call_tool("add", {"a": 2, "b": 40})
        return {"mode": mode, "protocol": client.protocol_version, "result": result.structured_content,
                "is_error": bool(result.is_error)}

async def main():
    print(json.dumps([await one(mode) for mode in ("2026-07-28", "legacy")]))

asyncio.run(main())
"""


# --- plumbing ---------------------------------------------------------------------------------

class Tap:
    """A TCP relay in front of one replica: keeps every byte nginx sends to it, and removes the
    server's buffering hint from what the replica sends back."""

    HINT = b"X-Accel-Buffering: no\r\n"

    def __init__(self, target: int):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent: list[bytearray] = []
        self.hints_removed = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            record = bytearray()
            self.sent.append(record)
            threading.Thread(target=self._pump, args=(client, upstream, record), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, None), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, record: bytearray | None) -> None:
        try:
            while data := source.recv(65536):
                if record is not None:
                    record.extend(data)
                elif self.HINT in data:  # a response head (the server writes it in one piece)
                    self.hints_removed += data.count(self.HINT)
                    data = data.replace(self.HINT, b"")
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def request_heads(self) -> list[tuple[str, dict[str, list[str]]]]:
        """(request line, headers) of every request nginx sent through the relay."""
        heads = []
        pattern = re.compile(rb"((?:GET|POST|DELETE|PUT|PATCH|HEAD|OPTIONS) /\S* HTTP/1\.[01])\r\n(.*?)\r\n\r\n", re.S)
        for record in list(self.sent):
            for match in pattern.finditer(bytes(record)):
                headers: dict[str, list[str]] = {}
                for line in match.group(2).decode("latin-1").split("\r\n"):
                    name, _, value = line.partition(":")
                    headers.setdefault(name.strip().lower(), []).append(value.strip())
                heads.append((match.group(1).decode(), headers))
        return heads

    def close(self) -> None:
        try:  # wakes the thread blocked in accept() and stops listening (close alone does not)
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()


class Edge:
    """HTTP(S) requests to nginx. /mcp requests are paced under the configured 50 r/s, so the
    mcp rate limit never interferes with checks that are not about it."""

    def __init__(self, port: int, tls_port: int, cafile: str):
        self.port, self.tls_port = port, tls_port
        self.context = ssl.create_default_context(cafile=cafile)
        self.last_mcp = 0.0

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None,
                tls: bool = False, timeout: float = 30, source: str | None = None
                ) -> tuple[int, http.client.HTTPMessage, str]:
        if path == "/mcp":
            time.sleep(max(0.0, self.last_mcp + 0.025 - time.time()))
            self.last_mcp = time.time()
        bind = (source, 0) if source else None
        if tls:
            connection = http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=timeout, context=self.context,
                                                     source_address=bind)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=bind)
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.msg, response.read().decode()
        finally:
            connection.close()

    def modern_add(self, a: float, b: float, tls: bool = False, extra: dict | None = None):
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "add", "arguments": {"a": a, "b": b}, "_meta": ENVELOPE}}
        headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": "add"}, **(extra or {}))
        status, message, text = self.request("POST", "/mcp", body, headers, tls=tls)
        try:
            value = json.loads(text)["result"]["structuredContent"]["result"]
        except (ValueError, KeyError, TypeError):
            value = None
        return status, value, message

    def handshake_session(self, source: str | None = None) -> tuple[int, str | None]:
        accept = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        status, message, _ = self.request("POST", "/mcp", {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "nginx-check", "version": "1"}}},
            accept, source=source)
        session = message.get("Mcp-Session-Id")
        if session:
            self.request("POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"},
                         self.session_headers(session), source=source)
        return status, session

    @staticmethod
    def session_headers(session: str) -> dict:
        return {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}

    def session_add(self, session: str, a: float, b: float, source: str | None = None) -> tuple[int, float | None]:
        status, _, text = self.request("POST", "/mcp", {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
            "name": "add", "arguments": {"a": a, "b": b}}}, self.session_headers(session), source=source)
        try:
            return status, json.loads(text)["result"]["structuredContent"]["result"]
        except (ValueError, KeyError, TypeError):
            return status, None


def tool_calls(server: Server) -> float:
    return server.metric('mcp_requests_total{method="tools/call"')


def settled(servers: list[Server], before: list[float], expected: float, timeout: float = 5) -> list[float]:
    """Per-replica increments of tools/call counts, once their sum reaches `expected` (workers
    publish their counters to the supervisor's /metrics with a short delay)."""
    deadline = time.time() + timeout
    while True:
        deltas = [tool_calls(server) - base if server.process.poll() is None else 0.0
                  for server, base in zip(servers, before)]
        if sum(deltas) >= expected or time.time() > deadline:
            return deltas


def render(prefix: str, ports: list[int], http_port: int, tls_port: int, cert: str, key: str) -> str:
    text = open(CONFIG).read()
    substitutions = [
        ("user nginx;", f"user {getpass.getuser()};", 1),
        ("pid /var/run/nginx.pid;", f"pid {prefix}/nginx.pid;", 1),
        ("/var/cache/nginx/", f"{prefix}/cache/", 5),
        ("listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        ("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;", 1),
        ("/etc/nginx/tls/server.crt", cert, 1),
        ("/etc/nginx/tls/server.key", key, 1),
    ] + [(f"server mcp-{index + 1}:8000", f"server 127.0.0.1:{port}", 3) for index, port in enumerate(ports)]
    for old, new, count in substitutions:
        if text.count(old) != count:
            raise RuntimeError(f"nginx.conf: expected {count} x {old!r}, found {text.count(old)}")
        text = text.replace(old, new)
    os.makedirs(os.path.join(prefix, "cache"), exist_ok=True)
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as file:
        file.write(text)
    return path


def wait_port(port: int, timeout: float = 10) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


# --- checks -----------------------------------------------------------------------------------

def check_calls(edge: Edge, python: str) -> None:
    status, value, _ = edge.modern_add(1, 2)
    report("modern tools/call via nginx", status == 200 and value == 3, f"HTTP {status}, add(1, 2) = {value}")

    status, session = edge.handshake_session()
    call_status, value = edge.session_add(session, 20, 22) if session else (0, None)
    report("handshake initialize + tools/call via nginx", status == 200 and bool(session) and value == 42,
           f"initialize HTTP {status}, session id {'present' if session else 'missing'}; tools/call HTTP {call_status}, "
           f"add(20, 22) = {value}")

    status, value, message = edge.modern_add(5, 6, tls=True)
    hsts = message.get("Strict-Transport-Security")
    report("modern tools/call via nginx TLS", status == 200 and value == 11 and bool(hsts),
           f"HTTPS (certificate verified) HTTP {status}, add(5, 6) = {value}, HSTS {hsts!r}")

    started = time.time()
    run = subprocess.run([python, "-c", SDK_CLIENT, f"http://127.0.0.1:{edge.port}/mcp"],
                         capture_output=True, text=True, timeout=120)
    try:
        answers = json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        answers = []
    ok = (len(answers) == 2 and all(a["result"] == {"result": 42.0} and not a["is_error"] for a in answers)
          and [a["protocol"] for a in answers] == ["2026-07-28", "2025-11-25"])
    figures = "; ".join(f"mode {a['mode']}: protocol {a['protocol']}, add(2, 40) = {a['result']}" for a in answers)
    report("official SDK client via nginx", ok, (figures or f"exit {run.returncode}: {run.stderr.strip()[-300:]}")
           + f" ({time.time() - started:.1f} s)")


def check_headers(edge: Edge, servers: list[Server]) -> None:
    status, message, _ = edge.request("GET", "/health")
    counts = {name: message.get_all(name) or [] for name in SECURITY}
    once = all(values == [SECURITY[name]] for name, values in counts.items())
    no_hsts = message.get("Strict-Transport-Security") is None
    report("security headers", status == 200 and once and no_hsts,
           f"plain HTTP: {', '.join(f'{name}={values}' for name, values in counts.items())}; "
           f"HSTS on plain HTTP: {not no_hsts} (TLS carries it, see above)")

    def access_entry(request_id: str) -> dict | None:
        deadline = time.time() + 3
        while time.time() < deadline:
            for server in servers:
                for entry in server.messages("access"):
                    if entry.get("request.id") == request_id:
                        return entry
            time.sleep(0.05)
        return None

    def logged(request_id: str) -> bool:
        return access_entry(request_id) is not None

    given = f"nginx-check-{uuid.uuid4().hex[:12]}"
    _, _, message = edge.modern_add(1, 1, extra={"X-Request-ID": given})
    echoed = message.get_all("X-Request-ID") or []
    kept = echoed == [given] and logged(given)
    _, _, message = edge.modern_add(1, 1, extra={"X-Request-ID": "not plain\tvalue"})
    minted = message.get("X-Request-ID") or ""
    replaced = bool(re.fullmatch(r"[0-9a-f]{32}", minted)) and logged(minted)
    _, _, message = edge.modern_add(1, 1)
    fresh = message.get("X-Request-ID") or ""
    generated = bool(re.fullmatch(r"[0-9a-f]{32}", fresh)) and logged(fresh)
    report("X-Request-ID forwarded", kept and replaced and generated,
           f"caller's id echoed once {echoed} and logged by the replica: {kept}; unsafe id replaced by {minted!r}, "
           f"logged upstream: {replaced}; none given -> nginx's {fresh!r}, logged upstream: {generated}")

    # nginx appends the address it saw; the server believes its loopback peer (FORWARDED_ALLOW_IPS
    # default) and logs the right-most address that is not a proxy: the client's, not nginx's.
    given = f"nginx-check-{uuid.uuid4().hex[:12]}"
    edge.modern_add(1, 1, extra={"X-Request-ID": given, "X-Forwarded-For": "198.51.100.23"})
    entry = access_entry(given) or {}
    client, peer = entry.get("client.address"), entry.get("network.peer.address")
    report("client address forwarded", client == "198.51.100.23" and peer == "127.0.0.1",
           f"access log of the replica: client.address={client!r}, network.peer.address={peer!r} (nginx)")


def check_sse(edge: Edge, taps: list[Tap]) -> None:
    steps, step_ms = 10, 300
    meta = dict(ENVELOPE, progressToken="p")
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "long_task", "arguments": {"steps": steps, "step_ms": step_ms}, "_meta": meta}}
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": "long_task"})
    hints = sum(tap.hints_removed for tap in taps)
    connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=30)
    started = time.time()
    connection.request("POST", "/mcp", body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    kind = response.getheader("Content-Type")
    first = final = None
    text = ""
    while chunk := response.read1(65536):
        text += chunk.decode()
        if first is None and "notifications/progress" in text:
            first = time.time() - started
        if '"id":1' in text and '"result"' in text:
            final = time.time() - started
    connection.close()
    progress = text.count("notifications/progress")
    hints = sum(tap.hints_removed for tap in taps) - hints
    ok = (kind == "text/event-stream" and progress == steps and first is not None and final is not None
          and final >= steps * step_ms / 1000 * 0.9 and first < 1.0 and first < final / 4 and hints == 1)
    report("SSE not buffered", ok, f"long_task {steps} x {step_ms} ms through nginx: {kind}, first progress event "
           f"after {first if first is None else f'{first:.3f}'} s, final answer after "
           f"{final if final is None else f'{final:.3f}'} s, {progress} progress events (server's "
           f"X-Accel-Buffering hint removed before nginx: {hints == 1})")


def check_sticky(edge: Edge, servers: list[Server]) -> None:
    _, session = edge.handshake_session()
    before = [tool_calls(server) for server in servers]
    answers = sum(1 for index in range(50) if edge.session_add(session, index, 1) == (200, index + 1))
    sticky = settled(servers, before, 50)
    before = [tool_calls(server) for server in servers]
    spread_ok = sum(1 for index in range(30) if edge.modern_add(index, 1)[1] == index + 1)
    spread = settled(servers, before, 30)
    ok = answers == 50 and sorted(sticky) == [0, 0, 50] and spread_ok == 30 and sum(1 for d in spread if d > 0) >= 2
    report("session stickiness", ok, f"50 calls in one handshake-era session (new connection each): {answers} "
           f"succeeded, tools/call per replica {[int(d) for d in sticky]}; 30 stateless calls spread "
           f"{[int(d) for d in spread]}")

    # Sessions of different clients (distinct loopback source addresses) land on different
    # replicas, and each works throughout.
    clients = [f"127.0.0.{10 + index}" for index in range(12)]
    before = [tool_calls(server) for server in servers]
    working = 0
    for source in clients:
        _, session = edge.handshake_session(source)
        working += bool(session) and all(edge.session_add(session, index, 1, source) == (200, index + 1)
                                         for index in range(5))
    per_replica = settled(servers, before, 5 * len(clients))
    # A replica serves a session another replica minted (same SECRET_KEY): what lets nginx hash
    # on the session id although initialize, which carries none, lands anywhere.
    _, _, headers = servers[0].post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "nginx-check", "version": "1"}}},
        {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    elsewhere, _, _ = servers[1].post({"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                      Edge.session_headers(headers.get("Mcp-Session-Id", "")))
    report("sessions of many clients", working == len(clients) and sum(1 for d in per_replica if d > 0) >= 2
           and elsewhere == 200,
           f"{len(clients)} client addresses x (initialize + 5 calls): {working} sessions worked, tools/call per "
           f"replica {[int(d) for d in per_replica]}; a session minted by replica 1, used directly on replica 2 "
           f"with the same SECRET_KEY: HTTP {elsewhere} (adopted)")


def check_no_upgrade(taps: list[Tap]) -> None:
    heads = [head for tap in taps for head in tap.request_heads()]
    connections = sum(len(tap.sent) for tap in taps)
    connection_values = sorted({value for _, headers in heads for value in headers.get("connection", [])})
    upgrades = sum(1 for _, headers in heads if "upgrade" in headers
                   or any("upgrade" in value.lower() for value in headers.get("connection", [])))
    old = sum(1 for line, _ in heads if not line.endswith("HTTP/1.1"))
    forwarded = all("x-forwarded-for" in headers and "x-request-id" in headers and "x-forwarded-proto" in headers
                    for _, headers in heads)
    ok = len(heads) > 0 and upgrades == 0 and old == 0 and forwarded and connections < len(heads)
    report("upstream request headers", ok, f"{len(heads)} requests seen by the replicas over {connections} upstream "
           f"connections (keep-alive reuse); Connection/Upgrade: upgrade in {upgrades}; not HTTP/1.1: {old}; "
           f"Connection values {connection_values}; X-Forwarded-For/-Proto and X-Request-ID on all: {forwarded}")


def check_body_limit(edge: Edge) -> None:
    """nginx's client_max_body_size must equal the server's MAX_BODY_SIZE (4 MiB)."""
    limit = 4 * 1024 * 1024
    text = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "add", "arguments": {"a": 1, "b": 2}, "_meta": ENVELOPE}})
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": "add"})
    outcomes = []
    for size in (limit, limit + 1):
        connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=30)
        try:
            connection.request("POST", "/mcp", body=(text + " " * (size - len(text))).encode(), headers=headers)
            response = connection.getresponse()
            outcomes.append((response.status, response.read().decode()))
        finally:
            connection.close()
    (fits, fits_body), (over, over_body) = outcomes
    ok = fits == 200 and '"result":3' in fits_body and over == 413 and "nginx" in over_body
    report("body size limit", ok, f"body of exactly 4 MiB: HTTP {fits} from the replica; 4 MiB + 1 byte: HTTP {over} "
           f"from {'nginx' if 'nginx' in over_body else 'the replica'}")


def session_on(edge: Edge, servers: list[Server], replica: int) -> str | None:
    """A handshake-era session whose requests nginx hashes to `replica`."""
    for _ in range(30):
        _, session = edge.handshake_session()
        if not session:
            continue
        before = [tool_calls(server) for server in servers]
        edge.session_add(session, 1, 1)
        if settled(servers, before, 1)[replica] == 1:
            return session
    return None


def check_failover(edge: Edge, servers: list[Server], taps: list[Tap], nginx_errors: str) -> None:
    victim = servers[2]
    orphan = session_on(edge, servers, 2)
    workers = victim.workers()
    taps[2].close()  # its port goes away with it: new connections are refused
    os.kill(victim.process.pid, signal.SIGKILL)
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    victim.process.wait()
    deadline = time.time() + 5
    while time.time() < deadline and victim.get("/health")[0] != 0:
        time.sleep(0.05)
    before = [tool_calls(server) for server in servers]
    statuses: dict[int, int] = {}
    successes = 0
    for index in range(100):
        status, value, _ = edge.modern_add(index, 2)
        statuses[status] = statuses.get(status, 0) + 1
        successes += value == index + 2
    served = settled(servers, before, 100)
    refused = open(nginx_errors).read().count("Connection refused")
    moved = edge.session_add(orphan, 40, 2) if orphan else (0, None)
    report("replica killed", successes == 100 and moved == (200, 42),
           f"replica 3 (supervisor + {len(workers)} workers) SIGKILLed; 100 stateless calls: {successes} succeeded, "
           f"statuses {statuses}, served per replica {[int(d) for d in served]}; refused connects retried by "
           f"nginx: {refused}; a session that lived on replica 3 continues elsewhere: HTTP {moved[0]}")


def check_limits(edge: Edge, access_log: str) -> None:
    health = [edge.request("GET", "/health")[0] for _ in range(300)]
    logged = sum(1 for line in open(access_log) if '"uri":"/health"' in line)
    api = [edge.request("GET", "/api/v1/tools") for _ in range(60)]
    limited = [(status, message, text) for status, message, text in api if status == 429]
    from_nginx = all("nginx" in text and message.get("RateLimit-Limit") is None for _, message, text in limited)
    headed = all(message.get("X-Frame-Options") == "DENY" and message.get("X-Request-ID") for _, message, _ in limited)
    ok = (health.count(200) == 300 and logged == 0 and len(limited) > 0 and from_nginx and headed
          and api[0][0] == 200)
    report("rate limits", ok, f"300 rapid /health: {health.count(200)} x 200, {len(health) - health.count(200)} other, "
           f"{logged} access-log lines; 60 rapid /api/v1/tools: {sum(1 for s, _, _ in api if s == 200)} x 200, "
           f"{len(limited)} x 429 (first at #{next((i + 1 for i, (s, _, _) in enumerate(api) if s == 429), None)}, "
           f"from nginx: {from_nginx}, with security headers and X-Request-ID: {headed})")
    lines = [line for line in open(access_log).read().splitlines() if line.strip()]
    parsed = 0
    for line in lines:
        try:
            parsed += isinstance(json.loads(line), dict)
        except ValueError:
            pass
    report("JSON access log", len(lines) > 0 and parsed == len(lines),
           f"{parsed} of {len(lines)} access-log lines are JSON objects")
    status, _, text = edge.request("GET", "/metrics")
    report("metrics route", status == 200 and "mcp_workers" in text,
           f"/metrics from loopback (a private address) via nginx: HTTP {status}")


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--python", default=os.environ.get("MCP_PYTHON") or sys.executable)
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    arguments = parser.parse_args()

    prefix = tempfile.mkdtemp(prefix="nginx-check-")
    servers: list[Server] = []
    taps: list[Tap] = []
    nginx = None
    try:
        cert, key = os.path.join(prefix, "server.crt"), os.path.join(prefix, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        env = {"ENABLE_DEMO_TOOLS": "true", "STATELESS_HTTP": "false", "SECRET_KEY": SECRET, "ACCESS_LOG": "true"}
        for _ in range(3):
            servers.append(Server(arguments.binary, free_port(), env, workers=1))
        taps = [Tap(server.port) for server in servers]
        http_port, tls_port = free_port(), free_port()
        config = render(prefix, [tap.port for tap in taps], http_port, tls_port, cert, key)

        test = subprocess.run([arguments.nginx, "-t", "-e", "stderr", "-p", prefix, "-c", config],
                              capture_output=True, text=True)
        report("nginx -t", test.returncode == 0, test.stderr.strip().replace("\n", " | "))
        if test.returncode != 0:
            return
        access_log, error_log = os.path.join(prefix, "access.log"), os.path.join(prefix, "error.log")
        with open(access_log, "w") as out, open(error_log, "w") as err:
            nginx = subprocess.Popen([arguments.nginx, "-e", "stderr", "-p", prefix, "-c", config, "-g", "daemon off;"],
                                     stdout=out, stderr=err)
        if not (wait_port(http_port) and wait_port(tls_port)):
            report("nginx start", False, open(error_log).read()[-500:])
            return
        edge = Edge(http_port, tls_port, cert)
        checks = [
            ("calls", lambda: check_calls(edge, arguments.python)),
            ("headers", lambda: check_headers(edge, servers)),
            ("sse", lambda: check_sse(edge, taps)),
            ("sticky", lambda: check_sticky(edge, servers)),
            ("body limit", lambda: check_body_limit(edge)),
            ("upstream headers", lambda: check_no_upgrade(taps)),
            ("failover", lambda: check_failover(edge, servers, taps, error_log)),
            ("limits", lambda: check_limits(edge, access_log)),
        ]
        for name, check in checks:
            try:
                check()
            except Exception as error:  # a check that crashes is a failed check
                report(name, False, f"error: {error!r}")
    except Exception as error:  # setup failed: report it, still clean up
        report("setup", False, f"error: {error!r}")
    finally:
        if nginx is not None:
            terminate(nginx, timeout=10)
        for tap in taps:
            tap.close()
        for server in servers:
            server.stop()
        shutil.rmtree(prefix, ignore_errors=True)
        failed = [name for name, ok, _ in RESULTS if not ok]
        print(f"nginx checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed or not RESULTS else 0)


if __name__ == "__main__":
    main()
