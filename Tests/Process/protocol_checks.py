"""How fast the protocol rules act, measured on the release binary (timing belongs here, not in
unit tests). Each check prints its figures and PASS or FAIL; the script exits 1 if any failed.

    python3 Tests/Process/protocol_checks.py --binary .build/release/mcp-server

- a 2026-07-28 call whose client leaves is cancelled within 1 s: with a JSON answer pending, and
  with an SSE answer before its first event (HTTP-M-13);
- notifications/cancelled inside a handshake-era session stops the call and its stream ends
  without an answer (CAN-1);
- at end of stdin with a long call in flight, the stdio process exits within 2 s (STDIO-3).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report

LONG_CALL = {"name": "long_task", "arguments": {"steps": 100, "step_ms": 100}}


def raw_request(port: int, headers: dict[str, str], body: dict) -> socket.socket:
    """Sends one POST /mcp and returns the open connection (the answer is not read)."""
    data = json.dumps(body).encode()
    lines = [f"POST /mcp HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(data)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    return connection


def ended_calls(server: Server) -> float:
    """Finished long_task calls, as /metrics counts them (a cancelled one finishes as a tool error)."""
    return server.metric('mcp_tool_calls_total{outcome="tool_error",tool="long_task"}') + server.metric(
        'mcp_tool_calls_total{tool="long_task",outcome="tool_error"}')


def seconds_until_cancelled(server: Server, headers: dict[str, str], body: dict) -> float | None:
    """Starts the call, closes the connection after 0.3 s, and times how long the tool ran on."""
    before = ended_calls(server)
    connection = raw_request(server.port, headers, body)
    time.sleep(0.3)
    connection.close()
    left = time.monotonic()
    while time.monotonic() - left < 10:
        if ended_calls(server) > before:
            return time.monotonic() - left
        time.sleep(0.01)
    return None


def check_client_leaving(binary: str) -> None:
    server = Server(binary, free_port(), {"ENABLE_DEMO_TOOLS": "true", "ENABLE_METRICS": "true"}, workers=1)
    try:
        headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": "long_task"})
        call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": dict(LONG_CALL, _meta=ENVELOPE)}
        json_after = seconds_until_cancelled(server, headers, call)
        report("client leaves a JSON call", json_after is not None and json_after < 1.0,
               f"the tool stopped {json_after if json_after is None else round(json_after, 3)} s after the client closed")
        quiet = {"name": "long_task", "arguments": {"steps": 3, "step_ms": 3000}}
        stream = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                  "params": dict(quiet, _meta=dict(ENVELOPE, progressToken="p"))}
        sse_after = seconds_until_cancelled(server, headers, stream)
        report("client leaves a stream before its first event", sse_after is not None and sse_after < 1.0,
               f"the tool stopped {sse_after if sse_after is None else round(sse_after, 3)} s after the client closed")
    finally:
        server.stop()


def check_session_cancel(binary: str) -> None:
    server = Server(binary, free_port(), {"ENABLE_DEMO_TOOLS": "true", "ENABLE_METRICS": "true",
                                           "STATELESS_HTTP": "false"}, workers=1)
    try:
        base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        _, _, headers = server.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "check", "version": "1"}}},
            base)
        session = {key.lower(): value for key, value in headers.items()}.get("mcp-session-id", "")
        in_session = dict(base, **{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
        before = ended_calls(server)
        call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": dict(LONG_CALL, _meta={"progressToken": "p"})}
        connection = raw_request(server.port, in_session, call)
        time.sleep(0.5)
        sent = time.monotonic()
        server.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7}}, in_session)
        stopped = None
        while time.monotonic() - sent < 10:
            if ended_calls(server) > before:
                stopped = time.monotonic() - sent
                break
            time.sleep(0.01)
        connection.settimeout(5)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
                if answer.endswith(b"0\r\n\r\n"):
                    break
        except OSError:
            pass
        connection.close()
        answered = b'"id":7' in answer and b'"result"' in answer
        report("notifications/cancelled in a session", stopped is not None and stopped < 1.0 and not answered,
               f"the tool stopped {stopped if stopped is None else round(stopped, 3)} s after the cancel; "
               f"its stream ended {'with' if answered else 'without'} an answer")
    finally:
        server.stop()


def check_stdio_end_of_input(binary: str) -> None:
    workspace = tempfile.mkdtemp(prefix="mcp-stdio-check-")
    process = subprocess.Popen(
        [binary, "--transport", "stdio", "--workspace", workspace, "--env-file", "/dev/null"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={"ENABLE_DEMO_TOOLS": "true", "PATH": "/usr/bin:/bin"})
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": dict(LONG_CALL, _meta=ENVELOPE)}
    process.stdin.write((json.dumps(call) + "\n").encode())
    process.stdin.flush()
    time.sleep(0.5)
    closed = time.monotonic()
    process.stdin.close()
    try:
        status = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        status = None
    took = time.monotonic() - closed
    shutil.rmtree(workspace, ignore_errors=True)
    report("stdio end of input with a 10 s call in flight", status == 0 and took < 2.0,
           f"exited with {status} {round(took, 3)} s after stdin closed")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    arguments = parser.parse_args()
    check_client_leaving(arguments.binary)
    check_session_cancel(arguments.binary)
    check_stdio_end_of_input(arguments.binary)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"protocol checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
