"""Checks of deploy/docker/docker-entrypoint.sh: shellcheck, worker sizing from fake cgroup trees
(compared with `mcp-server workers --cgroup-root` on the same tree), mode choice, pass-through,
exec semantics, and one run of the real server through it (/health 200, SIGTERM -> exit 0).
Prints PASS/FAIL lines with figures; exits 1 if any check failed.

Usage:
    python3 Tests/Deploy/entrypoint_check.py [--binary .build/debug/mcp-server]

Most runs put a fake `mcp-server` first on PATH: it records each call (argv, pid, environment)
and, for everything but `serve`, executes the real binary, so sizing is the binary's own.
Needs shellcheck (Debian package "shellcheck"). About 10 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "Tests", "Process"))
from checklib import RESULTS, free_port, report  # noqa: E402

ENTRYPOINT = os.path.join(REPO, "deploy", "docker", "docker-entrypoint.sh")
CORES = os.sysconf("SC_NPROCESSORS_ONLN")

FAKE = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({"argv": sys.argv[1:], "pid": os.getpid(), "env": dict(os.environ)}) + "\\n")
if sys.argv[1:2] == ["serve"]:
    sys.exit(0)
os.execv(os.environ["REAL_MCP_SERVER"], ["mcp-server"] + sys.argv[1:])
"""


class Run:
    """One entrypoint run with the fake binary: its output, status and the calls it made."""

    def __init__(self, fake_dir: str, args: list[str], env: dict[str, str], files: dict[str, str] | None = None):
        self.cwd = tempfile.mkdtemp(prefix="entrypoint-cwd-")
        for name, text in (files or {}).items():
            with open(os.path.join(self.cwd, name), "w") as handle:
                handle.write(text)
        log = os.path.join(self.cwd, "calls.jsonl")
        environment = {"PATH": f"{fake_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "FAKE_LOG": log,
                       "REAL_MCP_SERVER": os.environ["REAL_MCP_SERVER"]}
        environment.update(env)
        process = subprocess.Popen([ENTRYPOINT, *args], cwd=self.cwd, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = process.communicate(timeout=30)
        self.pid, self.status = process.pid, process.returncode
        self.calls = []
        if os.path.exists(log):
            with open(log) as handle:
                self.calls = [json.loads(line) for line in handle]
        shutil.rmtree(self.cwd, ignore_errors=True)

    def serve(self) -> dict | None:
        return next((call for call in self.calls if call["argv"][:1] == ["serve"]), None)

    def summary(self) -> dict[str, str]:
        """The configuration summary (JSON or logfmt) the entrypoint printed on stderr."""
        for line in self.stderr.splitlines():
            if line.startswith("{") and '"container configuration"' in line:
                return json.loads(line)
            if line.startswith("docker-entrypoint: container configuration:"):
                return dict(field.split("=", 1) for field in shlex.split(line.split(":", 2)[2]))
        return {}


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def cgroup_tree(root: str, files: dict[str, str]) -> str:
    os.makedirs(root)
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
        with open(os.path.join(root, name), "w") as handle:
            handle.write(text + "\n")
    return root


def rule(cpus: float, env: dict[str, str]) -> int:
    """The documented rule (env.example), to state the expected figure independently."""
    raw = math.ceil(min(cpus, CORES) * float(env.get("WORKERS_PER_CPU", 0.5))) + int(env.get("WORKERS_EXTRA", 0))
    return max(int(env.get("WORKERS_MIN", 1)), min(int(env.get("WORKERS_MAX", 8)), raw))


def check_sizing(fake_dir: str, binary: str, scratch: str) -> None:
    cases = [  # name, cgroup files, env, CPUs the tree means
        ("v2 2 CPUs", {"cpu.max": "200000 100000"}, {}, 2.0),
        ("v2 2 CPUs one per CPU", {"cpu.max": "200000 100000"}, {"WORKERS_PER_CPU": "1", "WORKERS_MIN": "2"}, 2.0),
        ("v2 no quota", {"cpu.max": "max 100000"}, {}, CORES),
        ("v2 1.5 CPUs", {"cpu.max": "150000 100000"}, {}, 1.5),
        ("v2 1.5 CPUs min 3", {"cpu.max": "150000 100000"}, {"WORKERS_MIN": "3"}, 1.5),
        ("v2 0.5 CPU", {"cpu.max": "50000 100000"}, {}, 0.5),
        ("v2 1.5 CPUs x2 +1", {"cpu.max": "150000 100000"}, {"WORKERS_PER_CPU": "2", "WORKERS_EXTRA": "1"}, 1.5),
        ("v2 8 CPUs max 1", {"cpu.max": "800000 100000"}, {"WORKERS_MAX": "1"}, 8.0),
        ("v1 1 CPU", {"cpu,cpuacct/cpu.cfs_quota_us": "100000", "cpu,cpuacct/cpu.cfs_period_us": "100000"},
         {}, 1.0),
        ("v1 no quota", {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}, {}, CORES),
        ("no cgroup files", {}, {}, CORES),
    ]
    for index, (name, files, env, cpus) in enumerate(cases):
        root = cgroup_tree(os.path.join(scratch, f"cgroup-{index}"), files)
        env = {"ENVIRONMENT": "production", **env}
        run = Run(fake_dir, [], {**env, "CGROUP_ROOT": root})
        truth = subprocess.run([binary, "workers", "--cgroup-root", root, "--env-file", "/dev/null"],
                               env={**os.environ, **env}, capture_output=True, text=True).stdout.strip()
        serve = run.serve()
        exported = serve["env"].get("WORKERS") if serve else None
        printed = run.summary().get("workers")
        expected = str(rule(cpus, env))
        ok = run.status == 0 and exported == printed == truth == expected
        report(f"sizing {name}", ok, f"exported {exported}, printed {printed}, `workers --cgroup-root` {truth}, "
                                     f"rule {expected}, source {run.summary().get('workers.source')!r}")

    root = cgroup_tree(os.path.join(scratch, "cgroup-explicit"), {"cpu.max": "200000 100000"})
    run = Run(fake_dir, [], {"ENVIRONMENT": "production", "WORKERS": "5", "CGROUP_ROOT": root})
    serve = run.serve()
    report("explicit WORKERS wins", run.status == 0 and serve is not None and serve["env"].get("WORKERS") == "5"
           and run.summary().get("workers") == "5",
           f"WORKERS=5 over a 2-CPU quota: exported {serve and serve['env'].get('WORKERS')}, summary {run.summary().get('workers')}")
    run = Run(fake_dir, ["--workers", "3"], {"ENVIRONMENT": "production", "CGROUP_ROOT": root})
    serve = run.serve()
    report("--workers flag wins", run.status == 0 and serve is not None and "WORKERS" not in serve["env"]
           and serve["argv"] == ["serve", "--workers", "3"] and run.summary().get("workers") == "3",
           f"argv {serve and serve['argv']}, WORKERS exported {serve and serve['env'].get('WORKERS')}, summary {run.summary().get('workers')}")


def check_modes(fake_dir: str) -> None:
    run = Run(fake_dir, [], {"ENVIRONMENT": "development"})
    serve = run.serve()
    summary = run.summary()
    report("development: one process", run.status == 0 and serve is not None and "WORKERS" not in serve["env"]
           and not any(call["argv"][:1] == ["workers"] for call in run.calls) and summary.get("mode") == "single process"
           and summary.get("log_format") == "text", f"calls {[call['argv'] for call in run.calls]}, summary {summary}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "production"})
    summary = run.summary()
    report("production: supervisor", run.status == 0 and summary.get("mode") == "supervisor"
           and summary.get("log_format") == "json" and run.serve() is not None and "WORKERS" in run.serve()["env"],
           f"summary mode {summary.get('mode')}, format {summary.get('log_format')}, workers {summary.get('workers')}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "development", "WORKERS": "2"})
    report("development with WORKERS: supervisor", run.status == 0 and run.summary().get("mode") == "supervisor",
           f"summary mode {run.summary().get('mode')}")
    for name, args, env, files in [
        ("TRANSPORT=stdio", [], {"ENVIRONMENT": "production", "TRANSPORT": "stdio"}, None),
        ("--transport stdio", ["--transport", "stdio"], {"ENVIRONMENT": "production"}, None),
        (".env TRANSPORT=stdio", [], {"ENVIRONMENT": "production"}, {".env": "TRANSPORT = stdio\n"}),
    ]:
        run = Run(fake_dir, args, env, files)
        serve = run.serve()
        report(f"stdio via {name}: stdout untouched", run.status == 0 and run.stdout == "" and serve is not None
               and "WORKERS" not in serve["env"] and run.summary().get("transport") == "stdio",
               f"stdout {len(run.stdout)} bytes, summary on stderr transport={run.summary().get('transport')}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "production", "API_KEY": "s3cr3t-value", "LOG_FORMAT": "text"})
    report("secrets only as set/unset", run.summary().get("api_key") == "set" and run.summary().get("secret_key") == "unset"
           and "s3cr3t-value" not in run.stderr + run.stdout, f"api_key={run.summary().get('api_key')}, "
           f"secret_key={run.summary().get('secret_key')}, value never printed")


def check_pass_through(fake_dir: str) -> None:
    run = Run(fake_dir, ["mcp-server", "--help"], {})
    report("`mcp-server --help` as is", run.status == 0 and [c["argv"] for c in run.calls] == [["--help"]]
           and "SUBCOMMANDS" in run.stdout and run.summary() == {}, f"calls {[c['argv'] for c in run.calls]}")
    run = Run(fake_dir, ["echo", "hi"], {})
    report("`echo hi` passes through", run.status == 0 and run.stdout == "hi\n" and run.calls == [],
           f"stdout {run.stdout!r}, mcp-server calls {len(run.calls)}")
    run = Run(fake_dir, ["--port", "9000", "--log-level", "debug"], {"ENVIRONMENT": "development"})
    serve = run.serve()
    report("options go to serve", serve is not None and serve["argv"] == ["serve", "--port", "9000", "--log-level", "debug"]
           and run.summary().get("address") == "127.0.0.1:9000" and run.summary().get("log_level") == "debug",
           f"argv {serve and serve['argv']}, summary address {run.summary().get('address')}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "development"})
    report("no arguments: serve", run.serve() is not None and run.serve()["argv"] == ["serve"], f"calls {[c['argv'] for c in run.calls]}")
    run = Run(fake_dir, ["mcp-server", "serve", "--port=9001"], {"ENVIRONMENT": "development"})
    report("`mcp-server serve` (the CMD)", run.serve() is not None and run.serve()["argv"] == ["serve", "--port=9001"]
           and run.summary().get("address") == "127.0.0.1:9001", f"calls {[c['argv'] for c in run.calls]}")
    run = Run(fake_dir, ["healthcheck", "--url", "http://127.0.0.1:9/health"], {})
    report("subcommand healthcheck", [c["argv"] for c in run.calls] == [["healthcheck", "--url", "http://127.0.0.1:9/health"]]
           and run.status == 1 and "unhealthy" in run.stdout, f"status {run.status}, stdout {run.stdout.strip()!r}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "development"})
    serve = run.serve()
    report("exec: server has the entrypoint's pid", serve is not None and serve["pid"] == run.pid, f"entrypoint {run.pid}, server {serve and serve['pid']}")
    run = Run(fake_dir, ["sh", "-c", "echo $$"], {})
    report("exec: pass-through has the entrypoint's pid", run.stdout.strip() == str(run.pid), f"entrypoint {run.pid}, sh {run.stdout.strip()}")


def check_flag_list(binary: str) -> None:
    """The entrypoint reads serve's setting options for its summary; a new option must be added there."""
    help_text = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
    options = set(re.findall(r"(--[a-z][a-z-]*)", help_text.split("OPTIONS:")[-1])) - {"--help", "--version"}
    script = open(ENTRYPOINT).read()
    body = script[script.index("parse_flags() {"):script.index("parse_flags \"$@\"")]
    known = set(re.findall(r"(--[a-z][a-z-]*)\)|(--[a-z][a-z-]*) \|", body))
    known = {name for pair in known for name in pair if name}
    report("entrypoint knows every serve option", options == known, f"serve --help: {sorted(options)}; unknown to the entrypoint: "
           f"{sorted(options - known)}; extra: {sorted(known - options)}")


def check_failures(fake_dir: str) -> None:
    for name, env, key in [("WORKERS=0", {"WORKERS": "0"}, "WORKERS"), ("PORT=http", {"PORT": "http"}, "PORT"),
                           ("WORKERS_MAX < WORKERS_MIN", {"WORKERS_MIN": "4", "WORKERS_MAX": "2"}, "WORKERS_MAX")]:
        run = Run(fake_dir, [], {"ENVIRONMENT": "production", **env})
        report(f"invalid {name}: exit 2 before serving", run.status == 2 and key in run.stderr and run.serve() is None,
               f"status {run.status}, stderr {run.stderr.strip()[-100:]!r}")
    run = Run(fake_dir, [], {"ENVIRONMENT": "production", "CGROUP_ROOT": "/nonexistent/cgroup"})
    report("missing CGROUP_ROOT: exit 2", run.status == 2 and "CGROUP_ROOT" in run.stderr and run.serve() is None,
           f"status {run.status}, stderr {run.stderr.strip()!r}")


def check_real_server(real_dir: str, scratch: str) -> None:
    """The real binary through the entrypoint: production, 2-CPU fake quota -> one worker (a worker per two CPUs)."""
    root = cgroup_tree(os.path.join(scratch, "cgroup-real"), {"cpu.max": "200000 100000"})
    port = free_port()
    workspace = tempfile.mkdtemp(prefix="entrypoint-ws-")
    env = {"PATH": f"{real_dir}:/usr/bin:/bin", "HOME": "/tmp", "ENVIRONMENT": "production", "HOST": "127.0.0.1",
           "PORT": str(port), "WORKSPACE_DIR": workspace, "GRACEFUL_TIMEOUT": "5", "CGROUP_ROOT": root}
    started = time.time()
    process = subprocess.Popen([ENTRYPOINT], cwd=workspace, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    status = 0
    while time.time() - started < 30 and status != 200 and process.poll() is None:
        time.sleep(0.1)
        status = http_status(f"http://127.0.0.1:{port}/health")
    ready = time.time() - started
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout.split()
    comm = open(f"/proc/{process.pid}/comm").read().strip() if process.poll() is None else "-"
    process.send_signal(signal.SIGTERM)
    stopping = time.time()
    try:
        stdout, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    stopped = time.time() - stopping
    shutil.rmtree(workspace, ignore_errors=True)
    logs = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    start = next((entry for entry in logs if entry.get("message") == "starting workers"), {})
    leftovers = [pid for pid in children if os.path.exists(f"/proc/{pid}")]
    report("real server: /health 200 through the entrypoint", status == 200 and comm == "mcp-server",
           f"ready in {ready:.2f} s, pid {process.pid} is {comm}")
    report("real server: supervisor sized by the entrypoint", start.get("workers") == "1" and len(children) == 1
           and start.get("pid") == process.pid, f"workers {start.get('workers')}, children {len(children)}, "
           f"supervisor pid {start.get('pid')} = entrypoint pid {process.pid}")
    report("real server: SIGTERM -> exit 0", process.returncode == 0 and stopped < 8 and not leftovers
           and any(entry.get("message") == "supervisor stopped" for entry in logs),
           f"status {process.returncode} after {stopped:.2f} s, leftover children {leftovers}, stderr {stderr.strip()[:80]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = next((path for path in [os.environ.get("MCP_SERVER_BIN", ""), os.path.join(REPO, ".build/debug/mcp-server"),
                                      os.path.join(REPO, ".build/release/mcp-server")] if path and os.path.exists(path)), None)
    parser.add_argument("--binary", default=default, help="the real mcp-server (default: .build/debug/mcp-server)")
    binary = parser.parse_args().binary
    if not binary or not os.access(binary, os.X_OK):
        print(f"FAIL setup: no mcp-server binary ({binary}); pass --binary")
        return 1
    binary = os.path.abspath(binary)
    started = time.time()
    scratch = tempfile.mkdtemp(prefix="entrypoint-check-")
    try:
        shellcheck = shutil.which("shellcheck")
        if shellcheck:
            result = subprocess.run([shellcheck, "-s", "sh", ENTRYPOINT], capture_output=True, text=True)
            report("shellcheck", result.returncode == 0, (result.stdout.strip() or "clean")[:400])
        else:
            report("shellcheck", False, "shellcheck not installed (apt-get install -y shellcheck)")
        fake_dir, real_dir = os.path.join(scratch, "fake"), os.path.join(scratch, "real")
        os.makedirs(fake_dir)
        os.makedirs(real_dir)
        with open(os.path.join(fake_dir, "mcp-server"), "w") as handle:
            handle.write(FAKE)
        os.chmod(os.path.join(fake_dir, "mcp-server"), 0o755)
        os.symlink(binary, os.path.join(real_dir, "mcp-server"))
        os.environ["REAL_MCP_SERVER"] = binary
        check_flag_list(binary)
        check_sizing(fake_dir, binary, scratch)
        check_modes(fake_dir)
        check_pass_through(fake_dir)
        check_failures(fake_dir)
        check_real_server(real_dir, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    failed = sum(1 for _, ok, _ in RESULTS if not ok)
    print(f"entrypoint_check took {time.time() - started:.1f} s")
    print(f"entrypoint_check: {len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
