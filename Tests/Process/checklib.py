"""Shared pieces of the process-level checks: free ports, PASS/FAIL reporting, and the server
binary run as a supervisor with workers (JSON logs captured, plain HTTP helpers).

Imported by runtime_checks.py and the deployment checks in Tests/Deploy/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CALL_ADD = os.path.join(HERE, "call_add.lua")
RESULTS: list[tuple[str, bool, str]] = []

MODERN_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2026-07-28",
}
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def terminate(process: subprocess.Popen, timeout: float = 15) -> int:
    """SIGTERM, then SIGKILL if `process` is still running after `timeout` seconds; its status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a supervisor's workers)."""
    output = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(child) for child in output.split())


def report(name: str, ok: bool, figures: str) -> None:
    RESULTS.append((name, ok, figures))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {figures}", flush=True)


class Server:
    """The binary as a supervisor with workers, JSON logs captured."""

    def __init__(self, binary: str, port: int, env: dict[str, str], workers: int = 2):
        self.port = port
        self.workspace = tempfile.mkdtemp(prefix="mcp-process-")
        environment = dict(os.environ)
        environment.update({"LOG_FORMAT": "json", "LOG_LEVEL": "info", "ACCESS_LOG": "false", "GRACEFUL_TIMEOUT": "10"})
        environment.update(env)
        self.log_lines: list[dict] = []
        self.process = subprocess.Popen(
            [binary, "serve", "--workers", str(workers), "--port", str(port), "--workspace", self.workspace,
             "--env-file", "/dev/null"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        try:
            self.wait_ready(workers)
        except BaseException:
            self.stop()  # the caller never gets the object, so it could not stop the processes
            raise

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                self.log_lines.append(json.loads(line))
            except json.JSONDecodeError:
                self.log_lines.append({"message": line.rstrip()})

    def messages(self, text: str) -> list[dict]:
        return [entry for entry in list(self.log_lines) if entry.get("message") == text]

    def wait_ready(self, workers: int, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.messages("worker ready")) >= workers and self.get("/health")[0] == 200:
                return
            time.sleep(0.05)
        raise RuntimeError(f"server did not get ready; log: {self.log_lines[-20:]}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    def post(self, body: dict, headers: dict[str, str], timeout: float = 30,
             path: str = "/mcp") -> tuple[int, dict | None, dict]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, None, dict(error.headers)

    def metric(self, name: str) -> float:
        _, text = self.get("/metrics")
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name) and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def zombies(self) -> int:
        output = subprocess.run(["ps", "-o", "stat=", "--ppid", str(self.process.pid)], capture_output=True, text=True).stdout
        return sum(1 for state in output.split() if state.startswith("Z"))

    def stop(self) -> int:
        status = terminate(self.process, timeout=30)
        shutil.rmtree(self.workspace, ignore_errors=True)
        return status


def run_checks(checks: dict, label: str) -> None:
    """Runs `checks` (name -> function of the binary) chosen with --only, reports, exits 1 on a failure."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", nargs="*")
    arguments = parser.parse_args()
    for name in arguments.only or list(checks):
        try:
            checks[name](arguments.binary)
        except Exception as error:  # a check that crashes is a failed check
            report(name, False, f"error: {error!r}")
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{label}: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)
