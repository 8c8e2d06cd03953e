"""The benchmark driver (bench/run.sh builds what it needs and calls this).

Loads each configuration with the same wrk workload on loopback, alternating every measured run
of our server with a run of the Hummingbird ceiling (the same HTTP stack answering a fixed
body), REPS times, and appends one JSON line per run to OUT/results.jsonl:

    python3 bench/bench.py --server BIN --ceiling BIN --python VENV_PYTHON --out DIR
        [--duration S] [--warmup S] [--reps N] [--connections C]
        [--only CONFIG,...] [--workloads NAME,...] [--sweep] [--baseline BIN [--baseline-label TEXT]]
        [--oauth-server BIN] [--order rotate|reverse]

Configurations (--only takes their names; `peers` selects every Python peer):
  production          the headline: what the Dockerfile runs (its ENV, the image entrypoint,
                      stdout into a pipe that a collector drains to a file, as a container
                      runtime collects logs)
  production-file     the same with stdout redirected to a regular file
  tuned-warning       production with LOG_LEVEL=warning (no access lines)        [tuned]
  tuned-no-access-log production with ACCESS_LOG=false                          [tuned]
  tuned-no-metrics    production with ENABLE_METRICS=false                       [tuned]
  two-workers         production with WORKERS=2 (two accepting workers, the default before
                      2026-12-07; on two CPUs the default is one worker)     [tuned]
  sessions            production with STATELESS_HTTP=false, for the session call
  single              one process (no supervisor), production logging and metrics
  peer-sdk, peer-sdk-json, peer-fastmcp-json   the Python peers, 2 uvicorn workers
  baseline            with --baseline BIN: the production row's tools/call workloads on an
                      earlier build, and again on this one (production-again), the two
                      measured rep by rep in turn, first one then the other (a change's before/after)
  production-oauth    only when --only names it: the production default with OAuth on
                      (OAUTH_ISSUER = a Glewlwyd started with Tests/OAuth/start.sh, PUBLIC_URL),
                      every wrk request carrying a token: `production-oauth` with scope mcp:read
                      (the write tools hidden), `production-oauth-write` with mcp:read mcp:write,
                      against `production-oauth-off`, the same binary and settings without
                      OAUTH_ISSUER and without a token; the three measured rep by rep in turn,
                      each after a ceiling run, then the medians and the on/off ratio printed.
                      Before and after the runs: OAuth is on (metadata, 401 without a token) and
                      only the mcp:write token's tools/list shows write_text_file.
                      The binary is --oauth-server (default --server); it needs the OAuth trait.
production, tuned-no-access-log and tuned-no-metrics are up at once while their 2026-07-28
tools/call runs rep by rep in turn (PAIRED), so what the access log and metrics cost is measured
seconds apart, not minutes; their other workloads follow one row at a time.
Rows measured in turn (PAIRED, baseline, the OAuth rows) change places every rep (--order
rotate, the default: each rep starts one row later, so over as many reps as rows each row runs
once in each place); --order reverse is the order before 2026-12-08 (every other rep reversed,
which leaves the middle row of three in the middle every rep).
With --sweep, the topology rows instead: workers x event-loop threads (see TOPOLOGIES).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import psutil

from workloads import WORKLOADS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WRK_SCRIPT = os.path.join(HERE, "wrk", "mcp.lua")

# The Dockerfile's ENV (PORT and WORKSPACE_DIR set per run).
DOCKER_ENV = {"ENVIRONMENT": "production", "HOST": "0.0.0.0", "GRACEFUL_TIMEOUT": "8"}

CONFIGS = {
    "production": dict(env={}, title="production default (Dockerfile: ENVIRONMENT=production, logs into a pipe)",
                       workloads=["call_add_2026", "list_tools_2026", "read_resource_2026", "get_prompt_2026",
                                  "call_add", "list_tools"]),
    "production-file": dict(env={}, logs="file", title="production default, logs into a file",
                            workloads=["call_add_2026"]),
    "tuned-warning": dict(env={"LOG_LEVEL": "warning"}, tuned=True, title="tuned: LOG_LEVEL=warning (no access log)",
                          workloads=["call_add_2026", "list_tools_2026"]),
    "tuned-no-access-log": dict(env={"ACCESS_LOG": "false"}, tuned=True, title="tuned: ACCESS_LOG=false",
                                workloads=["call_add_2026", "list_tools_2026"]),
    "tuned-no-metrics": dict(env={"ENABLE_METRICS": "false"}, tuned=True, title="tuned: ENABLE_METRICS=false",
                             workloads=["call_add_2026"]),
    "two-workers": dict(env={"WORKERS": "2"}, tuned=True,
                        title="tuned: WORKERS=2 (two accepting workers, the default before 2026-12-07)",
                        workloads=["call_add_2026", "list_tools_2026"]),
    "sessions": dict(env={"STATELESS_HTTP": "false"}, title="production with sessions (STATELESS_HTTP=false)",
                     workloads=["session_call"]),
    "single": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "info", "ACCESS_LOG": "true"},
                   entrypoint=False, tuned=True, title="one process, no supervisor (JSON access log, metrics)",
                   workloads=["call_add_2026", "list_tools_2026"]),
    # opt-in (only when --only names it): see Bench.run_oauth
    "production-oauth": dict(env={}, opt_in=True, title="production default with OAuth",
                             workloads=["list_tools_2026", "call_add_2026"]),
}
# Rows whose shared workload is measured rep by rep in turn, each run after a ceiling run, so
# the on/off checks (access log, metrics) compare runs seconds apart, not minutes: the machine's
# speed drifts within minutes. Each row's other workloads follow as usual.
PAIRED = ["production", "tuned-no-access-log", "tuned-no-metrics"]
PAIRED_WORKLOAD = "call_add_2026"
PEERS = {
    "peer-sdk": dict(module="sdk_server", json="0", title="Python: official SDK FastMCP + uvicorn, SSE (its default)"),
    "peer-sdk-json": dict(module="sdk_server", json="1", title="Python: official SDK FastMCP + uvicorn, JSON answers"),
    "peer-fastmcp-json": dict(module="fastmcp_server", json="1", title="Python: fastmcp 4 + uvicorn, JSON answers"),
}
PEER_WORKLOADS = ["call_add", "list_tools"]

# --sweep: (workers, event-loop threads per worker); 0 workers = one process, no supervisor.
TOPOLOGIES = [(0, None), (1, None), (1, 1), (2, None), (2, 1), (3, 1), (4, 1), (4, None)]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


class Tree:
    """A started server: its root process, the pids of its tree, and how to stop it."""

    def __init__(self, process: subprocess.Popen, port: int, cleanup=None):
        self.process = process
        self.port = port
        self.cleanup = cleanup

    def processes(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.process.pid)
            return [root] + root.children(recursive=True)
        except psutil.Error:
            return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the tree has used so far, workers already reaped included
        (they are in the root's children times)."""
        total = 0.0
        for index, process in enumerate(self.processes()):
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
            if index == 0:
                total += times.children_user + times.children_system
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.cleanup:
            self.cleanup()


class MemorySampler(threading.Thread):
    """Peak summed PSS and RSS of a process tree while a run lasts, with where the peak's PSS
    lies (the server binary's own pages, heap and stacks, the rest), and how the clients'
    connections were spread over the tree's processes halfway through the run."""

    def __init__(self, tree: Tree, duration: float = 0):
        super().__init__(daemon=True)
        self.tree = tree
        self.stop_event = threading.Event()
        self.pss = self.rss = 0.0
        self.count = 0
        self.parts: dict[str, float] = {}
        self.halfway = time.monotonic() + duration / 2
        self.split: list[int] | None = None

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            pss = rss = 0
            parts: dict[str, int] = {}
            processes = self.tree.processes()
            for process in processes:
                try:
                    rss += process.memory_info().rss
                    for part, kib in pss_by_part(process.pid).items():
                        parts[part] = parts.get(part, 0) + kib
                except (psutil.Error, OSError):
                    pass
            pss = sum(parts.values()) * 1024
            if pss > self.pss * 2**20:
                self.pss, self.rss, self.count = pss / 2**20, rss / 2**20, len(processes)
                self.parts = {part: round(kib / 1024, 1) for part, kib in parts.items()}
            if self.split is None and time.monotonic() >= self.halfway:
                self.split = connections_per_process(processes, self.tree.port)

    def finish(self) -> None:
        self.stop_event.set()
        self.join()


def pss_by_part(pid: int) -> dict[str, int]:
    """One process's PSS in KiB from /proc/PID/smaps: `binary` (the mappings of its executable:
    code, read-only data, relocated data), `anon` (heap, stacks, anonymous maps) and `other`
    (shared libraries, the run folder's shared tables)."""
    executable = os.path.realpath(f"/proc/{pid}/exe")
    parts = {"binary": 0, "anon": 0, "other": 0}
    part = "other"
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            if line.startswith("Pss:"):
                parts[part] += int(line.split()[1])
            elif not line[0].isupper():
                fields = line.split(maxsplit=5)
                path = fields[5].strip() if len(fields) > 5 else ""
                part = "binary" if path == executable else "anon" if not path or path.startswith("[") else "other"
    return parts


def connections_per_process(processes: list[psutil.Process], port: int) -> list[int]:
    """Established client connections to `port` held by each process that holds any (each
    worker under a supervisor), largest first."""
    counts = []
    for process in processes:
        try:
            held = sum(1 for c in process.net_connections(kind="tcp")
                       if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port)
        except (psutil.Error, OSError):
            continue
        if held:
            counts.append(held)
    return sorted(counts, reverse=True)


def describe_memory(row: dict) -> str:
    """` (binary 24.1, anon 9.3, other 2.6; connections 32/32)` for a run's log line."""
    parts = row.get("pss_parts_mib") or {}
    text = ", ".join(f"{part} {mib}" for part, mib in parts.items())
    split = row.get("connections_split")
    if split and len(split) > 1:
        text += ("; " if text else "") + "connections " + "/".join(str(count) for count in split)
    return f" ({text})" if text else ""


def milliseconds(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, workload: dict, seconds: float, connections: int, session: str | None = None) -> dict:
    env = dict(os.environ, BENCH_BODY=workload["body"], BENCH_EXPECT=workload["expect"],
               BENCH_REJECT=workload.get("reject", ""), BENCH_HEADERS=workload["headers"])
    if session:
        env["BENCH_HEADERS"] += f"\nMcp-Session-Id: {session}"
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s", "--latency",
               "-s", WRK_SCRIPT, url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60).stdout
    result = {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "requests": 0, "bad": -1, "non2xx": 0,
              "errors": ""}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif parts[:1] == ["50%"]:
            result["p50_ms"] = milliseconds(parts[1])
        elif parts[:1] == ["99%"]:
            result["p99_ms"] = milliseconds(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.startswith("bad="):
            result["bad"] = int(line[4:])
        elif line.startswith("first_bad="):
            result["first_bad"] = line[10:]
        elif "Non-2xx" in line:
            result["non2xx"] = int(parts[-1])
        elif "Socket errors" in line:
            result["errors"] = line.split(":", 1)[1].strip()
    return result


def binary_with_settings(spec: str) -> tuple[str, dict[str, str]]:
    """`PATH[,KEY=VALUE...]` (the form perf_stat.py, cpu_by_thread.py and wakeups.py take): the
    binary and the environment settings given on top of a row's."""
    path, *settings = spec.split(",")
    return path, dict(setting.split("=", 1) for setting in settings)


def start_ceiling(binary: str) -> Tree:
    port = free_port()
    process = subprocess.Popen([binary, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/health")
    return Tree(process, port)


def start_swift(binary: str, config: dict, out: str, name: str, port: int | None = None) -> Tree:
    """Starts the server the way the image does: the entrypoint script with the Dockerfile's ENV,
    stdout into a pipe drained by `cat` into a file (or straight into a file)."""
    port = port or free_port()
    workspace = tempfile.mkdtemp(prefix="bench-workspace-")
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(DOCKER_ENV)
    env.update(PORT=str(port), WORKSPACE_DIR=workspace)
    env.update(config.get("env", {}))
    # The entrypoint runs `mcp-server` from PATH: a link of that name to the binary under test.
    bin_dir = os.path.join(workspace, ".bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(binary), os.path.join(bin_dir, "mcp-server"))
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    # No .env is read (an earlier build may predate --env-file: the workspace has none anyway).
    no_env_file = ["--env-file", "/dev/null"] if config.get("env_file_flag", True) else []
    if config.get("entrypoint", True):
        command = ["sh", os.path.join(ROOT, "deploy", "docker", "docker-entrypoint.sh"), "mcp-server", "serve",
                   *no_env_file]
    else:
        command = [binary, "serve", *no_env_file]
    logfile = open(os.path.join(out, f"log-{name}.jsonl"), "wb")
    collector = None
    if config.get("logs", "pipe") == "pipe":
        collector = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=logfile)
        stdout = collector.stdin
    else:
        stdout = logfile
    process = subprocess.Popen(command, env=env, cwd=workspace, stdout=stdout, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    if collector:
        collector.stdin.close()

    def cleanup() -> None:
        if collector:
            collector.wait(timeout=30)
        logfile.close()
        shutil.rmtree(workspace, ignore_errors=True)

    tree = Tree(process, port, cleanup)
    try:
        wait_for(f"http://127.0.0.1:{port}/ready", process=process)
    except RuntimeError:
        tree.stop()
        raise
    return tree


def start_peer(python: str, peer: dict, out: str, name: str) -> Tree:
    port = free_port()
    env = dict(os.environ, PEER_JSON=peer["json"], FASTMCP_LOG_LEVEL="WARNING")
    logfile = open(os.path.join(out, f"log-{name}.txt"), "wb")
    process = subprocess.Popen(
        [python, "-m", "uvicorn", f"{peer['module']}:create_app", "--factory", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "2", "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
         "--no-access-log"],
        cwd=os.path.join(HERE, "peers"), env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
    tree = Tree(process, port, logfile.close)
    wait_for(f"http://127.0.0.1:{port}/health", seconds=90)
    return tree


def open_session(port: int) -> str:
    body = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=body.encode(), method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        session = answer.headers["Mcp-Session-Id"]
    notify = urllib.request.Request(
        f"http://127.0.0.1:{port}/mcp", data=b'{"jsonrpc":"2.0","method":"notifications/initialized"}',
        method="POST", headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                                "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"})
    urllib.request.urlopen(notify, timeout=5).close()
    return session


def with_token(workload_name: str, token: str | None) -> dict:
    """The workload's request, carrying `token` (Authorization: Bearer) when one is given."""
    workload = dict(WORKLOADS[workload_name])
    if token:
        workload["headers"] += f"\nAuthorization: Bearer {token}"
    return workload


def answer_bytes(port: int, workload: dict) -> int:
    """The length of one answer of `port`'s server to `workload` (what a sized ceiling run sends)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    headers.update(line.split(": ", 1) for line in workload["headers"].splitlines() if line)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=workload["body"].encode(), method="POST",
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return len(answer.read())


# --- production-oauth --------------------------------------------------------------------------

OAUTH_DIR = os.path.join(ROOT, "Tests", "OAuth")
# row -> the scopes of the token its requests carry (production-oauth-off carries none)
OAUTH_SCOPES = {"production-oauth": "mcp:read", "production-oauth-write": "mcp:read mcp:write"}


class AuthorizationServer:
    """A Glewlwyd of its own (Tests/OAuth/start.sh and stop.sh, state in a temporary folder)."""

    def __init__(self, resources: list[str]):
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix="bench-oauth-as-")
        self.env = dict(os.environ, OAUTH_AS_STATE=self.state, OAUTH_AS_RESOURCES=" ".join(resources),
                        OAUTH_AS_LOG_LEVEL="WARNING")
        self.facts: dict[str, str] = {}
        self.started = False

    def script(self, name: str, *args: str) -> None:
        run = subprocess.run(["bash", os.path.join(OAUTH_DIR, name), *args], env=self.env, capture_output=True,
                             text=True, timeout=120, stdin=subprocess.DEVNULL)
        if run.returncode != 0:
            raise RuntimeError(f"Tests/OAuth/{name} exited {run.returncode}: {run.stderr.strip()[-400:]}")

    def start(self) -> None:
        self.started = True
        self.script("start.sh", str(self.port))
        with open(os.path.join(self.state, "env")) as handle:
            for line in handle:
                if "=" in line and not line.startswith("#"):
                    key, value = line.rstrip("\n").split("=", 1)
                    self.facts[key] = shlex.split(value)[0] if value else ""

    @property
    def issuer(self) -> str:
        return self.facts["OAUTH_AS_ISSUER"]

    def token(self, resource: str, scope: str) -> str:
        """client_credentials with the static test client."""
        credentials = base64.b64encode(
            f"{self.facts['OAUTH_AS_CLIENT_ID']}:{self.facts['OAUTH_AS_CLIENT_SECRET']}".encode()).decode()
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": scope, "resource": resource})
        request = urllib.request.Request(self.facts["OAUTH_AS_TOKEN"], data=form.encode(), method="POST", headers={
            "Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())["access_token"]

    def stop(self) -> None:
        try:
            if self.started:
                self.script("stop.sh")
        finally:
            shutil.rmtree(self.state, ignore_errors=True)


def post_list(port: int, token: str | None) -> tuple[int, str]:
    workload = WORKLOADS["list_tools_2026"]
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    for line in workload["headers"].splitlines():
        name, value = line.split(":", 1)
        headers[name] = value.strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=workload["body"].encode(), method="POST",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def check_oauth(port: int, resource: str, tokens: dict[str, str]) -> None:
    """Before measuring: OAuth is really on (metadata, 401 without a token), and tools/list differs
    between the two tokens as the scopes say."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/oauth-protected-resource/mcp",
                                    timeout=5) as answer:
            metadata = json.loads(answer.read())
    except (OSError, ValueError) as error:
        raise RuntimeError(f"no protected-resource metadata ({error}): is the binary built with the OAuth trait?")
    anonymous = post_list(port, None)[0]
    listed = {scope: post_list(port, token) for scope, token in tokens.items()}
    shows_write = {scope: '"name":"write_text_file"' in text for scope, (_, text) in listed.items()}
    ok = (metadata.get("resource") == resource and anonymous == 401
          and all(status == 200 for status, _ in listed.values())
          and shows_write == {"mcp:read": False, "mcp:read mcp:write": True})
    log(f"production-oauth: metadata resource {metadata.get('resource')}; tools/list without a token -> {anonymous}; "
        + "; ".join(f"token {scope!r} -> {status}, write_text_file listed: {shows_write[scope]}"
                    for scope, (status, _) in listed.items()))
    if not ok:
        raise RuntimeError("the OAuth server does not answer as expected (see the line above)")


def summarise_oauth(workload: str, runs: dict[str, list[dict]]) -> None:
    """Medians per row and the ratio of each OAuth row to the row without OAuth."""
    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows) if rows else float("nan")

    off = runs["production-oauth-off"]
    base = median(off, "rps")
    for name, rows in runs.items():
        ratio = f", {median(rows, 'rps') / base:.1%} of OAuth off" if name != "production-oauth-off" and base else ""
        shares = [row["rps"] / row["ceiling_rps"] for row in rows if row.get("ceiling_rps")]
        share = f", {statistics.median(shares):.0%} of the ceiling" if shares else ""
        log(f"  {workload} {name} (median of {len(rows)}): {median(rows, 'rps'):,.0f} req/s, p50 "
            f"{median(rows, 'p50_ms'):.2f} ms, p99 {median(rows, 'p99_ms'):.2f} ms, "
            f"{median(rows, 'cpu_us')} CPU µs/request{share}{ratio}")


class Bench:
    def __init__(self, args):
        self.args = args
        self.results = open(os.path.join(args.out, "results.jsonl"), "a")
        self.ceiling: Tree | None = None

    def record(self, row: dict) -> None:
        self.results.write(json.dumps(row) + "\n")
        self.results.flush()

    def measure(self, tree: Tree, workload_name: str, session: str | None = None,
                token: str | None = None, path: str = "/mcp") -> tuple[dict, float, float]:
        """One measured run; `token` rides on every request (Authorization: Bearer)."""
        workload = with_token(workload_name, token)
        url = f"http://127.0.0.1:{tree.port}{path}"
        if self.args.warmup > 0:
            wrk(url, workload, self.args.warmup, self.args.connections, session)
        sampler = MemorySampler(tree, self.args.duration)
        sampler.start()
        load = os.getloadavg()[0]
        cpu = tree.cpu_seconds()
        result = wrk(url, workload, self.args.duration, self.args.connections, session)
        cpu = tree.cpu_seconds() - cpu
        sampler.finish()
        # CPU time per answered request: what the server spends, whatever else the machine runs.
        result["cpu_us"] = round(cpu / result["requests"] * 1e6, 1) if result["requests"] else float("nan")
        result.update(pss_mib=round(sampler.pss, 1), rss_mib=round(sampler.rss, 1), processes=sampler.count,
                      pss_parts_mib=sampler.parts, connections_split=sampler.split, load_before=round(load, 2))
        return result, sampler.pss, sampler.rss

    def run_config(self, name: str, title: str, start, workloads: list[str], tuned: bool, alternate: bool,
                   kind: str) -> None:
        workloads = [w for w in workloads if not self.args.workloads or w in self.args.workloads]
        if not workloads:
            return
        log(f"{name}: starting ({title})")
        tree = start()
        try:
            time.sleep(1)
            session = open_session(tree.port) if "session_call" in workloads else None
            for workload in workloads:
                for rep in range(1, self.args.reps + 1):
                    self.run_rep(name, title, kind, tuned, tree, workload, rep, alternate,
                                 session if WORKLOADS[workload].get("session") else None)
        finally:
            tree.stop()

    def run_rep(self, name: str, title: str, kind: str, tuned: bool, tree: Tree, workload: str, rep: int,
                alternate: bool, session: str | None = None, label: str = "", token: str | None = None) -> dict:
        """One measured run of `tree` (after one of the ceiling when `alternate`), recorded, logged, returned."""
        ceiling = self.measure(self.ceiling, "ceiling")[0] if alternate and self.ceiling else None
        sized, size = None, 0
        if ceiling and WORKLOADS[workload].get("sized_ceiling"):
            # The same stack sending as many bytes as this answer has: how much of the gap is size.
            size = answer_bytes(tree.port, with_token(workload, token))
            sized = self.measure(self.ceiling, "ceiling_sized", path=f"/mcp/sized/{size}")[0]
        result = self.measure(tree, workload, session, token)[0]
        row = dict(config=name, title=title, kind=kind, tuned=tuned, workload=workload,
                   workload_title=WORKLOADS[workload]["title"], rep=rep, duration=self.args.duration,
                   connections=self.args.connections, **result)
        if ceiling:
            row.update(ceiling_rps=ceiling["rps"], ceiling_p99_ms=ceiling["p99_ms"],
                       ceiling_pss_mib=ceiling["pss_mib"], ceiling_cpu_us=ceiling["cpu_us"])
        if sized:
            row.update(sized_ceiling_rps=sized["rps"], sized_ceiling_bytes=size, sized_ceiling_p99_ms=sized["p99_ms"],
                       sized_ceiling_cpu_us=sized["cpu_us"], sized_ceiling_bad=sized["bad"])
        self.record(row)
        share = f", {row['rps'] / row['ceiling_rps']:.0%} of the ceiling" if ceiling else ""
        if sized:
            share += f", {row['rps'] / sized['rps']:.0%} of the ceiling sending {size:,} bytes"
        log(f"  {label}{workload} #{rep}: {row['rps']:,.0f} req/s, p99 {row['p99_ms']:.2f} ms, "
            f"{row['cpu_us']} CPU µs/request, PSS {row['pss_mib']} MiB{describe_memory(row)}, bad {row['bad']}{share}")
        return row

    def run_paired(self, names: list[str]) -> None:
        """PAIRED_WORKLOAD on `names`, all started at once and measured rep by rep in turn (the
        order reversed every other rep); then each row's other workloads, as run_config runs them."""
        args = self.args
        trees: dict[str, Tree] = {}
        copies = tempfile.mkdtemp(prefix="bench-binaries-")
        try:
            for name in names:
                log(f"{name}: starting ({CONFIGS[name]['title']}; {PAIRED_WORKLOAD} in turn with {', '.join(names)})")
                # A copy of its own per tree: trees running one file would share its code pages,
                # and each tree's PSS would drop below what it is when it runs alone.
                binary = os.path.join(copies, name, "mcp-server")
                os.makedirs(os.path.dirname(binary))
                shutil.copy2(args.server, binary)
                trees[name] = start_swift(binary, CONFIGS[name], args.out, name)
            time.sleep(1)
            for rep in range(1, args.reps + 1):
                for name in turn_order(names, rep, args.order):
                    config = CONFIGS[name]
                    self.run_rep(name, config["title"], "swift", config.get("tuned", False), trees[name],
                                 PAIRED_WORKLOAD, rep, alternate=True, label=f"{name} ")
            for name in names:
                config = CONFIGS[name]
                for workload in config["workloads"]:
                    if workload == PAIRED_WORKLOAD or (args.workloads and workload not in args.workloads):
                        continue
                    for rep in range(1, args.reps + 1):
                        self.run_rep(name, config["title"], "swift", config.get("tuned", False), trees[name],
                                     workload, rep, alternate=True, label=f"{name} ")
        finally:
            for tree in trees.values():
                tree.stop()
            shutil.rmtree(copies, ignore_errors=True)

    def run_before_after(self, config: dict) -> None:
        """The production row's `tools/call` workloads on this build and on an earlier one, both
        servers up at once and measured rep by rep in turn (ceiling, this build, ceiling, the
        earlier build), so neither always runs first on a machine whose speed drifts."""
        args = self.args
        title = f"production default, earlier build ({args.baseline_label})"
        log(f"before/after: {title}")
        trees = {"production-again": start_swift(args.server, config, args.out, "production-again"),
                 "baseline": start_swift(args.baseline, dict(config, env_file_flag=False), args.out, "baseline")}
        titles = {"production-again": config["title"] + ", measured in turn with the earlier build",
                  "baseline": title}
        try:
            time.sleep(1)
            for workload in [w for w in ("call_add_2026", "call_add") if not args.workloads or w in args.workloads]:
                for rep in range(1, args.reps + 1):
                    for name in turn_order(list(trees), rep, args.order):
                        self.run_rep(name, titles[name], "swift", False, trees[name], workload, rep, alternate=True,
                                     label=f"{name} ")
        finally:
            for tree in trees.values():
                tree.stop()

    def run_oauth(self, config: dict) -> None:
        """The production default with OAuth on against the same without it (see the module doc):
        one Glewlwyd, two servers from the same binary, three rows measured rep by rep in turn."""
        args = self.args
        workloads = [w for w in config["workloads"] if not args.workloads or w in args.workloads]
        if not workloads:
            return
        binary = args.oauth_server or args.server
        port = free_port()
        resource = f"http://127.0.0.1:{port}/mcp"
        auth = AuthorizationServer([resource])
        trees: dict[str, Tree] = {}
        try:
            auth.start()
            tokens = {scope: auth.token(resource, scope) for scope in OAUTH_SCOPES.values()}
            log(f"production-oauth: Glewlwyd {auth.issuer} (Tests/OAuth/start.sh), tokens for {resource} with "
                f"scopes {list(tokens)}; binary {binary}")
            trees["production-oauth-off"] = start_swift(binary, config, args.out, "production-oauth-off")
            on_env = dict(config["env"], OAUTH_ISSUER=auth.issuer, PUBLIC_URL=f"http://127.0.0.1:{port}")
            try:
                trees["production-oauth"] = start_swift(binary, dict(config, env=on_env), args.out,
                                                        "production-oauth", port=port)
            except RuntimeError as error:
                raise RuntimeError(f"{error}: with OAUTH_ISSUER set; is {binary} built with the OAuth trait? "
                                   f"(see {os.path.join(args.out, 'log-production-oauth.jsonl')})") from None
            trees["production-oauth-write"] = trees["production-oauth"]
            time.sleep(1)
            # Which tools each token sees is checked here, before and after the runs, not on every
            # answer: wrk shares the machine, and scanning each 20 kB list for a name would cost
            # one row more client CPU than another.
            check_oauth(trees["production-oauth"].port, resource, tokens)
            titles = {name: f"{config['title']}, " + (f"token with scope {OAUTH_SCOPES[name]}" if name in OAUTH_SCOPES
                                                      else "OAuth off (same binary, no OAUTH_ISSUER, no token)")
                      for name in trees}
            for workload in workloads:
                runs: dict[str, list[dict]] = {name: [] for name in trees}
                for rep in range(1, args.reps + 1):
                    for name in turn_order(list(trees), rep, args.order):
                        scope = OAUTH_SCOPES.get(name)
                        runs[name].append(self.run_rep(
                            name, titles[name], "swift", False, trees[name], workload, rep, alternate=True,
                            label=f"{name} ", token=tokens.get(scope)))
                summarise_oauth(workload, runs)
                check_oauth(trees["production-oauth"].port, resource, tokens)  # the lists still differ
        finally:
            for tree in {id(tree): tree for tree in trees.values()}.values():
                tree.stop()
            auth.stop()

    def main(self) -> None:
        args = self.args
        if args.ceiling:
            self.ceiling = start_ceiling(args.ceiling)
            log(f"ceiling: Hummingbird fixed body on port {self.ceiling.port}")
        try:
            if args.sweep:
                for workers, threads in TOPOLOGIES:
                    env = {"LOG_LEVEL": "info"}
                    config = dict(env=env)
                    if workers == 0:
                        config = dict(CONFIGS["single"])
                        config["env"] = dict(config["env"])
                    else:
                        env["WORKERS"] = str(workers)
                    if threads:
                        config["env"]["WORKER_THREADS"] = str(threads)
                    name = f"sweep-w{workers}-t{threads or 'auto'}"
                    title = (f"{workers} worker(s)" if workers else "one process") + \
                        f", {threads or 'one per core'} event-loop thread(s)"
                    self.run_config(name, title, lambda c=config, n=name: start_swift(args.server, c, args.out, n),
                                    ["call_add_2026"], tuned=True, alternate=True, kind="sweep")
                return
            paired = [name for name in PAIRED if not args.only or name in args.only]
            if len(paired) < 2 or (args.workloads and PAIRED_WORKLOAD not in args.workloads):
                paired = []
            if paired:
                self.run_paired(paired)
                if "production" in paired and args.baseline:
                    self.run_before_after(CONFIGS["production"])
            for name, config in CONFIGS.items():
                if name in paired or ((args.only or config.get("opt_in")) and name not in args.only):
                    continue
                if name == "production-oauth":
                    self.run_oauth(config)
                    continue
                self.run_config(name, config["title"],
                                lambda c=config, n=name: start_swift(args.server, c, args.out, n),
                                config["workloads"], tuned=config.get("tuned", False), alternate=True, kind="swift")
                if name == "production" and args.baseline:
                    self.run_before_after(config)
            for name, peer in PEERS.items():
                if args.only and name not in args.only and "peers" not in args.only:
                    continue
                self.run_config(name, peer["title"], lambda p=peer, n=name: start_peer(args.python, p, args.out, n),
                                PEER_WORKLOADS, tuned=False, alternate=False, kind="peer")
        finally:
            if self.ceiling:
                self.ceiling.stop()


def turn_order(names: list[str], rep: int, order: str) -> list[str]:
    """The order in which rows measured in turn run in rep `rep` (from 1): `rotate` starts each
    rep one row later (with three rows P A M, A M P, M P A), `reverse` reverses every other rep
    (P A M, M A P). With two rows the two are the same."""
    if order == "reverse":
        return list(names) if rep % 2 else list(reversed(names))
    shift = (rep - 1) % len(names)
    return names[shift:] + names[:shift]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    parser.add_argument("--ceiling")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--out", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", type=lambda text: [x for x in text.split(",") if x], default=[])
    parser.add_argument("--workloads", type=lambda text: [x for x in text.split(",") if x], default=[])
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--baseline", help="an earlier build of the server, measured as the production row is")
    parser.add_argument("--baseline-label", default="baseline", help="what names the earlier build in the table")
    parser.add_argument("--oauth-server", help="the binary of the production-oauth rows (built with the OAuth trait; "
                        "default --server)")
    parser.add_argument("--order", choices=["rotate", "reverse"], default="rotate",
                        help="how rows measured in turn change places from rep to rep (see the module doc)")
    return parser.parse_args()


if __name__ == "__main__":
    Bench(parse()).main()
