"""Soak: mixed traffic against the release binary for a long time, sampling what leaks show in
(RSS, open descriptors, the session and stream gauges), failing when any of them trends upward.

Traffic, all at once: 2026-07-28 tool calls; handshake-era sessions that are DELETEd or simply
abandoned; standalone GET streams and subscriptions/listen streams that the client drops (FIN or
RST); calls whose client goes away before the answer (cancellation); worker recycling on
(MAX_REQUESTS). Run by bench/soak.sh, which documents the options.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import socket
import statistics
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Process"))
from checklib import ENVELOPE, MODERN_HEADERS, Server, free_port  # noqa: E402

ACCEPT = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INITIALIZE = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "soak", "version": "1"}}}


class Traffic:
    """The load: a few threads, each one kind of client, counting what they did."""

    def __init__(self, port: int):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def exchange(self, connection, method: str, body: dict | None, headers: dict) -> tuple[int, bytes, dict]:
        connection.request(method, "/mcp", body=json.dumps(body).encode() if body is not None else None,
                           headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}

    def modern_calls(self) -> None:
        connection = self.connection()
        tools = [("add", {"a": 1, "b": 2}), ("count_words", {"text": "one two three " * 50}),
                 ("calculate", {"expression": "(2+3)*4^2"}), ("generate_slug", {"text": "Soak Test Title"})]
        while not self.stop.is_set():
            name, arguments = random.choice(tools)
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": name, "arguments": arguments, "_meta": ENVELOPE}}
            try:
                status, _, _ = self.exchange(connection, "POST", body,
                                             dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": name}))
                self.count("modern call" if status == 200 else f"modern call {status}")
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self.connection()
                self.count("modern call: connection error (recycling)")
            time.sleep(0.01)

    def sessions(self) -> None:
        while not self.stop.is_set():
            try:
                connection = self.connection()
                status, _, headers = self.exchange(connection, "POST", INITIALIZE, ACCEPT)
                session = headers.get("mcp-session-id")
                if status != 200 or not session:
                    self.count(f"initialize {status}")
                    connection.close()
                    time.sleep(0.5)
                    continue
                in_session = dict(ACCEPT, **{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
                for index in range(3):
                    self.exchange(connection, "POST", {"jsonrpc": "2.0", "id": index + 1, "method": "tools/list"},
                                  in_session)
                if random.random() < 0.5:
                    self.exchange(connection, "DELETE", None, {"Mcp-Session-Id": session})
                    self.count("session deleted")
                else:
                    self.count("session abandoned")
                connection.close()
            except (OSError, http.client.HTTPException):
                self.count("session: connection error (recycling)")
            time.sleep(0.2)

    def raw_stream(self, request: bytes, reset: bool) -> None:
        """Opens a stream with `request`, reads its first bytes, then drops it (RST or FIN)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(request)
            sock.recv(256)
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def abandoned_streams(self) -> None:
        listen = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "subscriptions/listen",
                             "params": {"notifications": {}, "_meta": ENVELOPE}}).encode()
        while not self.stop.is_set():
            try:
                reset = random.random() < 0.5
                self.raw_stream(
                    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                    b"Mcp-Method: subscriptions/listen\r\nContent-Length: " + str(len(listen)).encode() + b"\r\n\r\n"
                    + listen, reset)
                self.count("listen stream dropped")
                connection = self.connection()
                status, _, headers = self.exchange(connection, "POST", INITIALIZE, ACCEPT)
                connection.close()
                session = headers.get("mcp-session-id")
                if session:
                    self.raw_stream(
                        b"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                        b"MCP-Protocol-Version: 2025-11-25\r\nMcp-Session-Id: " + session.encode() + b"\r\n\r\n", reset)
                    self.count("GET stream dropped")
            except (OSError, http.client.HTTPException):
                self.count("stream: connection error (recycling)")
            time.sleep(0.5)

    def cancelled_calls(self) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
            "name": "long_task", "arguments": {"steps": 50, "step_ms": 100},
            "_meta": dict(ENVELOPE, progressToken="soak")}}).encode()
        request = (b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                   b"Mcp-Method: tools/call\r\nMcp-Name: long_task\r\nContent-Length: " + str(len(body)).encode()
                   + b"\r\n\r\n" + body)
        while not self.stop.is_set():
            try:
                self.raw_stream(request, reset=random.random() < 0.5)
                self.count("call dropped before its answer")
            except (OSError, http.client.HTTPException):
                self.count("cancel: connection error (recycling)")
            time.sleep(0.3)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=target, daemon=True) for target in
                   (self.modern_calls, self.modern_calls, self.sessions, self.abandoned_streams, self.cancelled_calls)]
        for thread in threads:
            thread.start()
        return threads


def process_tree(supervisor: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                if int(fields[1]) == supervisor:
                    children.append(int(entry))
            except OSError:
                continue
    return [supervisor] + children


def sample(server: Server) -> dict:
    rss = fds = 0
    for pid in process_tree(server.process.pid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            fds += len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
    status, text = server.get("/metrics")
    gauges = {"mcp_sessions_active": 0.0, "mcp_sse_streams_active": 0.0}
    for line in text.splitlines() if status == 200 else []:
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in gauges:
            gauges[name] += float(line.rsplit(" ", 1)[1])
    return {"rss_mib": rss / 1024, "fds": fds, "sessions": gauges["mcp_sessions_active"],
            "streams": gauges["mcp_sse_streams_active"]}


def trend(values: list[float], relative: float, absolute: float) -> tuple[bool, float, float]:
    """Whether the last third's median is above the middle third's by more than the tolerance
    (the first third is warm-up)."""
    third = max(1, len(values) // 3)
    middle = statistics.median(values[third:2 * third] or values)
    last = statistics.median(values[2 * third:] or values)
    return last > middle * (1 + relative) + absolute, middle, last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--duration", type=float, default=3600)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--csv", default="")
    arguments = parser.parse_args()
    port = free_port()
    server = Server(arguments.binary, port, {
        "STATELESS_HTTP": "false", "ENABLE_DEMO_TOOLS": "true", "MAX_REQUESTS": "3000", "MAX_REQUESTS_JITTER": "300",
        "SESSION_IDLE_TTL": "20", "MAX_SESSIONS": "1000", "SSE_KEEPALIVE_INTERVAL": "1"})
    traffic = Traffic(port)
    samples: list[dict] = []
    started = time.time()
    try:
        traffic.start()
        while time.time() - started < arguments.duration:
            time.sleep(arguments.interval)
            row = dict(sample(server), seconds=round(time.time() - started, 1))
            samples.append(row)
            if len(samples) % max(1, int(60 / arguments.interval)) == 0:
                print(f"[{row['seconds']:7.0f}s] RSS {row['rss_mib']:.1f} MiB, fds {row['fds']}, sessions "
                      f"{row['sessions']:.0f}, streams {row['streams']:.0f}", flush=True)
        traffic.stop.set()
        recycles = server.metric('mcp_worker_restarts_total{reason="recycled"}')
        crashes = server.metric('mcp_worker_restarts_total{reason="crashed"}') + server.metric(
            'mcp_worker_restarts_total{reason="hung"}')
    finally:
        traffic.stop.set()
        server.stop()
    if arguments.csv:
        with open(arguments.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["seconds", "rss_mib", "fds", "sessions", "streams"])
            writer.writeheader()
            writer.writerows(samples)
    checks = {
        "RSS (MiB, supervisor + workers)": trend([row["rss_mib"] for row in samples], 0.10, 8),
        "open fds": trend([row["fds"] for row in samples], 0.10, 8),
        "mcp_sessions_active": trend([row["sessions"] for row in samples], 0.25, 20),
        "mcp_sse_streams_active": trend([row["streams"] for row in samples], 0.25, 4),
    }
    picks = [samples[0], samples[len(samples) // 2], samples[-1]] if samples else []
    print("figures (start, middle, end):")
    for row in picks:
        print(f"  {row['seconds']:7.0f}s  RSS {row['rss_mib']:6.1f} MiB  fds {row['fds']:4d}  sessions "
              f"{row['sessions']:5.0f}  streams {row['streams']:4.0f}")
    print("traffic: " + ", ".join(f"{key} {value}" for key, value in sorted(traffic.counts.items())))
    print(f"recycles {recycles:.0f}, crashed or hung workers {crashes:.0f}")
    failed = [name for name, (rising, _, _) in checks.items() if rising]
    for name, (rising, middle, last) in checks.items():
        print(f"  {name}: middle third median {middle:.1f}, last third median {last:.1f} "
              f"{'RISING' if rising else 'flat'}")
    ok = not failed and crashes == 0 and len(samples) >= 6
    print(f"{'PASS' if ok else 'FAIL'} soak: {arguments.duration:.0f} s, {len(samples)} samples; rising: "
          f"{failed or 'none'}", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
