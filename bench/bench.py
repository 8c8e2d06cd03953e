"""The benchmark driver (bench/run.sh builds what it needs and calls this).

Loads each configuration with the same wrk workload on loopback, alternating every measured run
of our server with a run of the Hummingbird ceiling (the same HTTP stack answering a fixed
body), REPS times, and appends one JSON line per run to OUT/results.jsonl:

    python3 bench/bench.py --server BIN --ceiling BIN --python VENV_PYTHON --out DIR
        [--duration S] [--warmup S] [--reps N] [--connections C]
        [--only CONFIG,...] [--workloads NAME,...] [--sweep] [--baseline BIN [--baseline-label TEXT]]

Configurations (--only takes their names; `peers` selects every Python peer):
  production          the headline: what the Dockerfile runs (its ENV, the image entrypoint,
                      stdout into a pipe that a collector drains to a file, as a container
                      runtime collects logs)
  production-file     the same with stdout redirected to a regular file
  tuned-warning       production with LOG_LEVEL=warning (no access lines)        [tuned]
  tuned-no-access-log production with ACCESS_LOG=false                          [tuned]
  tuned-no-metrics    production with ENABLE_METRICS=false                       [tuned]
  sessions            production with STATELESS_HTTP=false, for the session call
  single              one process (no supervisor), production logging and metrics
  peer-sdk, peer-sdk-json, peer-fastmcp-json   the Python peers, 2 uvicorn workers
  baseline            with --baseline BIN: the production row's tools/call workloads on an
                      earlier build, and again on this one (production-again), the two
                      measured rep by rep in turn, first one then the other (a change's before/after)
With --sweep, the topology rows instead: workers x event-loop threads (see TOPOLOGIES).
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
import threading
import time
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
    "sessions": dict(env={"STATELESS_HTTP": "false"}, title="production with sessions (STATELESS_HTTP=false)",
                     workloads=["session_call"]),
    "single": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "info", "ACCESS_LOG": "true"},
                   entrypoint=False, tuned=True, title="one process, no supervisor (JSON access log, metrics)",
                   workloads=["call_add_2026", "list_tools_2026"]),
}
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


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
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
    """Peak summed PSS and RSS of a process tree while a run lasts."""

    def __init__(self, tree: Tree):
        super().__init__(daemon=True)
        self.tree = tree
        self.stop_event = threading.Event()
        self.pss = self.rss = 0.0
        self.count = 0

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            pss = rss = 0
            processes = self.tree.processes()
            for process in processes:
                try:
                    info = process.memory_full_info()
                    pss += info.pss
                    rss += info.rss
                except psutil.Error:
                    pass
            if pss > self.pss * 2**20:
                self.pss, self.rss, self.count = pss / 2**20, rss / 2**20, len(processes)

    def finish(self) -> None:
        self.stop_event.set()
        self.join()


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


def start_ceiling(binary: str) -> Tree:
    port = free_port()
    process = subprocess.Popen([binary, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/health")
    return Tree(process, port)


def start_swift(binary: str, config: dict, out: str, name: str) -> Tree:
    """Starts the server the way the image does: the entrypoint script with the Dockerfile's ENV,
    stdout into a pipe drained by `cat` into a file (or straight into a file)."""
    port = free_port()
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
        wait_for(f"http://127.0.0.1:{port}/ready")
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


class Bench:
    def __init__(self, args):
        self.args = args
        self.results = open(os.path.join(args.out, "results.jsonl"), "a")
        self.ceiling: Tree | None = None

    def record(self, row: dict) -> None:
        self.results.write(json.dumps(row) + "\n")
        self.results.flush()

    def measure(self, tree: Tree, workload_name: str, session: str | None = None) -> tuple[dict, float, float]:
        workload = WORKLOADS[workload_name]
        url = f"http://127.0.0.1:{tree.port}/mcp"
        if self.args.warmup > 0:
            wrk(url, workload, self.args.warmup, self.args.connections, session)
        sampler = MemorySampler(tree)
        sampler.start()
        load = os.getloadavg()[0]
        cpu = tree.cpu_seconds()
        result = wrk(url, workload, self.args.duration, self.args.connections, session)
        cpu = tree.cpu_seconds() - cpu
        sampler.finish()
        # CPU time per answered request: what the server spends, whatever else the machine runs.
        result["cpu_us"] = round(cpu / result["requests"] * 1e6, 1) if result["requests"] else float("nan")
        result.update(pss_mib=round(sampler.pss, 1), rss_mib=round(sampler.rss, 1), processes=sampler.count,
                      load_before=round(load, 2))
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
                alternate: bool, session: str | None = None, label: str = "") -> None:
        """One measured run of `tree` (after one of the ceiling when `alternate`), recorded and logged."""
        ceiling = self.measure(self.ceiling, "ceiling")[0] if alternate and self.ceiling else None
        result = self.measure(tree, workload, session)[0]
        row = dict(config=name, title=title, kind=kind, tuned=tuned, workload=workload,
                   workload_title=WORKLOADS[workload]["title"], rep=rep, duration=self.args.duration,
                   connections=self.args.connections, **result)
        if ceiling:
            row.update(ceiling_rps=ceiling["rps"], ceiling_p99_ms=ceiling["p99_ms"],
                       ceiling_pss_mib=ceiling["pss_mib"], ceiling_cpu_us=ceiling["cpu_us"])
        self.record(row)
        share = f", {row['rps'] / row['ceiling_rps']:.0%} of the ceiling" if ceiling else ""
        log(f"  {label}{workload} #{rep}: {row['rps']:,.0f} req/s, p99 {row['p99_ms']:.2f} ms, "
            f"{row['cpu_us']} CPU µs/request, PSS {row['pss_mib']} MiB, bad {row['bad']}{share}")

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
                    order = list(trees) if rep % 2 else list(reversed(trees))
                    for name in order:
                        self.run_rep(name, titles[name], "swift", False, trees[name], workload, rep, alternate=True,
                                     label=f"{name} ")
        finally:
            for tree in trees.values():
                tree.stop()

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
            for name, config in CONFIGS.items():
                if args.only and name not in args.only:
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
    return parser.parse_args()


if __name__ == "__main__":
    Bench(parse()).main()
