"""Nothing leaks when clients give up: the release binary as a supervisor with two workers,
under a thousand cancelled calls and a thousand abandoned input requests in both protocol eras.
Afterwards the gauges of running work (`mcp_tool_calls_running`, `mcp_client_requests_waiting`,
`mcp_sse_streams_active`) are back at 0, handshake sessions at their baseline once
SESSION_IDLE_TTL has passed, and the workers' resident memory is flat: it is measured after a
first round of the same work, and may not grow by 8 MB in the second. Each check prints its
figures and PASS or FAIL; the script exits 1 if any check failed.

    python3 Tests/Process/leak_checks.py --binary .build/release/mcp-server [--only NAME ...] [--count N]

- cancelled: N/2 calls under 2026-07-28 whose client closes the connection mid-call, and N/2
  calls inside handshake-era sessions stopped by `notifications/cancelled` (none may answer);
- abandoned: N first rounds of a 2026-07-28 input request (`input_required`) never retried, and
  N/2 handshake-era calls whose client leaves while the server waits for its sampling answer
  (released at TOOL_TIMEOUT).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report
from protocol_checks import raw_request
from task_checks import SAMPLING_ENVELOPE, rpc, worker_rss_kb

SESSION_IDLE_TTL = 5
TOOL_TIMEOUT = 3
ENV = {"ENABLE_DEMO_TOOLS": "true", "ENABLE_METRICS": "true", "STATELESS_HTTP": "false",
       "SESSION_IDLE_TTL": str(SESSION_IDLE_TTL), "TOOL_TIMEOUT": str(TOOL_TIMEOUT), "MAX_SESSIONS": "1000"}
WORK_GAUGES = ["mcp_tool_calls_running", "mcp_client_requests_waiting", "mcp_sse_streams_active"]
BASE = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
LONG_CALL = {"name": "long_task", "arguments": {"steps": 100, "step_ms": 100}}


def open_session(server: Server) -> dict[str, str]:
    """A handshake-era session whose client can be asked for sampling; the headers to use in it."""
    status, _, headers = server.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {"sampling": {}, "elicitation": {}},
        "clientInfo": {"name": "leak-check", "version": "1"}}}, BASE)
    session = {key.lower(): value for key, value in headers.items()}.get("mcp-session-id", "")
    if status != 200 or not session:
        raise RuntimeError(f"initialize answered {status} without a session")
    in_session = dict(BASE, **{"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
    server.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, in_session)
    return in_session


def complete(answer: bytes) -> bool:
    """True once `answer` holds a whole HTTP response: its Content-Length read, or its chunks ended."""
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator:
        return False
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return len(body) >= int(length.group(1)) if length else body.endswith(b"0\r\n\r\n")


def read_until(connection, marker: bytes | None, limit: float) -> bytes:
    """Reads the answer until `marker` appears (None: until the response is complete) or `limit` s."""
    connection.settimeout(limit)
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
            if (marker is not None and marker in answer) or (marker is None and complete(answer)):
                break
    except OSError:
        pass
    return answer


def gauges(server: Server) -> dict[str, float]:
    return {name: server.metric(name) for name in WORK_GAUGES + ["mcp_sessions_active"]}


def settle(server: Server, sessions_baseline: float) -> tuple[float | None, float | None, dict[str, float]]:
    """Seconds until the work gauges are 0, and until sessions are back at the baseline as
    well (both in the same scrape: the gauges are snapshots the workers publish twice a second)."""
    started = time.monotonic()
    work_idle = sessions_back = None
    values: dict[str, float] = {}
    while time.monotonic() - started < SESSION_IDLE_TTL + TOOL_TIMEOUT + 20:
        values = gauges(server)
        now = time.monotonic() - started
        idle = all(values[name] == 0 for name in WORK_GAUGES)
        if idle and work_idle is None:
            work_idle = now
        if idle and values["mcp_sessions_active"] <= sessions_baseline:
            sessions_back = now
            break
        time.sleep(0.25)
    return work_idle, sessions_back, values


def verdict(name: str, server: Server, rss_before: int, sessions_baseline: float, ok: bool, figures: str) -> None:
    work_idle, sessions_back, values = settle(server, sessions_baseline)
    rss_after = worker_rss_kb(server)
    grew = (rss_after - rss_before) / 1024
    ok = ok and work_idle is not None and sessions_back is not None and grew < 8
    shown = ", ".join(f"{key} {value:.0f}" for key, value in values.items())
    report(name, ok, f"{figures}; work gauges at 0 after {work_idle if work_idle is None else round(work_idle, 1)} s, "
                     f"sessions back to {sessions_baseline:.0f} after "
                     f"{sessions_back if sessions_back is None else round(sessions_back, 1)} s ({shown}); "
                     f"workers' RSS after the first round {rss_before / 1024:.1f} MB, after the second "
                     f"{rss_after / 1024:.1f} MB")


def cancelled_modern(server: Server, count: int) -> None:
    """Calls whose client closes the connection 50 ms in (2026-07-28: leaving cancels)."""
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call", "Mcp-Name": "long_task"})

    def one(index: int) -> None:
        call = {"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": dict(LONG_CALL, _meta=ENVELOPE)}
        connection = raw_request(server.port, headers, call)
        time.sleep(0.05)
        connection.close()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(count)))


def in_sessions(server: Server, count: int, call, per_session: int = 10, threads: int = 8) -> int:
    """Runs `call(session_headers, index)` for index 0..count-1, `per_session` calls in each new
    handshake-era session, sessions `threads` at a time; returns how many calls returned true."""
    def session_calls(offset: int) -> int:
        in_session = open_session(server)
        return sum(bool(call(in_session, index)) for index in range(offset, min(offset + per_session, count)))

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(session_calls, range(0, count, per_session)))


def cancelled_in_sessions(server: Server, count: int) -> int:
    """Calls inside sessions stopped by notifications/cancelled; returns how many still answered."""
    def call(in_session: dict, index: int) -> bool:
        connection = raw_request(server.port, in_session, {
            "jsonrpc": "2.0", "id": index, "method": "tools/call",
            "params": dict(LONG_CALL, _meta={"progressToken": f"p{index}"})})
        # Half before the first progress event (the answer is a bare 202), half after it (the
        # SSE stream must end without an answer).
        time.sleep(0.05 if index % 2 else 0.25)
        server.post({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": index}},
                    in_session)
        answer = read_until(connection, None, 5)
        connection.close()
        return f'"id":{index}'.encode() in answer and b'"result"' in answer

    return in_sessions(server, count, call)


def abandoned_modern(server: Server, count: int) -> int:
    """First rounds of summarize_text under 2026-07-28, never retried; returns how many asked."""
    def one(index: int) -> bool:
        answer = rpc(server.port, "tools/call", {"name": "summarize_text", "arguments": {"text": f"text {index}"}},
                     name="summarize_text", envelope=SAMPLING_ENVELOPE)
        return (answer.get("result") or {}).get("resultType") == "input_required"

    with ThreadPoolExecutor(16) as pool:
        return sum(pool.map(one, range(count)))


def abandoned_in_sessions(server: Server, count: int) -> int:
    """Calls inside sessions whose client leaves once asked for sampling; returns how many asked."""
    def call(in_session: dict, index: int) -> bool:
        connection = raw_request(server.port, in_session, {
            "jsonrpc": "2.0", "id": index, "method": "tools/call",
            "params": {"name": "summarize_text", "arguments": {"text": f"text {index}"}}})
        asked = b"sampling/createMessage" in read_until(connection, b"sampling/createMessage", 5)
        connection.close()
        return asked

    return in_sessions(server, count, call)


def warmed_server(binary: str, warm_up) -> tuple[Server, int, float]:
    """The server after a first full round of the same work has settled: its RSS and session
    count then are the baseline, so the measured round shows growth, not the allocator's
    high-water mark of the first peak (hundreds of calls waiting at once)."""
    server = Server(binary, free_port(), ENV)
    warm_up(server)
    settle(server, 0)
    return server, worker_rss_kb(server), server.metric("mcp_sessions_active")


def check_cancelled(binary: str, count: int) -> None:
    def work(server: Server, calls: int) -> int:
        cancelled_modern(server, calls // 2)
        return cancelled_in_sessions(server, calls // 2)

    server, rss_before, sessions_baseline = warmed_server(binary, lambda server: work(server, count))
    try:
        started = time.monotonic()
        answered = work(server, count)
        took = time.monotonic() - started
        verdict(f"{count} cancelled calls", server, rss_before, sessions_baseline, answered == 0,
                f"{count // 2} left mid-call (2026-07-28) and {count // 2} cancelled in sessions in {took:.1f} s, "
                f"{answered} still answered")
    finally:
        server.stop()


def check_abandoned(binary: str, count: int) -> None:
    def work(server: Server, rounds: int) -> tuple[int, int]:
        return abandoned_modern(server, rounds), abandoned_in_sessions(server, rounds // 2)

    server, rss_before, sessions_baseline = warmed_server(binary, lambda server: work(server, count))
    try:
        started = time.monotonic()
        modern, in_sessions = work(server, count)
        took = time.monotonic() - started
        verdict(f"{count} abandoned input requests", server, rss_before, sessions_baseline,
                modern == count and in_sessions == count // 2,
                f"{modern} of {count} 2026-07-28 first rounds input_required, never retried; {in_sessions} of "
                f"{count // 2} session calls asked for sampling and left ({took:.1f} s)")
    finally:
        server.stop()


CHECKS = {"cancelled": check_cancelled, "abandoned": check_abandoned}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--count", type=int, default=1000)
    arguments = parser.parse_args()
    for name in arguments.only or list(CHECKS):
        try:
            CHECKS[name](arguments.binary, arguments.count)
        except Exception as error:  # a check that crashes is a failed check
            report(name, False, f"error: {error!r}")
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"leak checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
