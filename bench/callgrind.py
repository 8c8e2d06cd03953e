"""Instructions per request, counted by valgrind's callgrind: a figure that does not drift with
the machine's load, for watching the hot path while optimising.

    python3 bench/callgrind.py --server .build/release/mcp-server --ceiling .build/release/HBCeiling
        [--low 500] [--high 2500] [--workloads call_add_2026,list_tools_2026] [--systems single,production,ceiling]
        [--label NAME] [--json RESULTS.json] [--doc docs/PERFORMANCE.md]

For each system and workload the server runs twice under `valgrind --tool=callgrind`, once
answering LOW requests and once HIGH (over the same keep-alive connection, one at a time, each
answer checked); instructions per request = (total(HIGH) - total(LOW)) / (HIGH - LOW), so
start-up and shutdown cancel out. SWIFT_DETERMINISTIC_HASHING=1 keeps dictionary work identical
between runs. --json accumulates rows (one per system, workload and --label) across calls, so
two binaries (say, before and after a change) land in one table; --doc writes that table between
`<!-- bench:callgrind:start -->` and `<!-- bench:callgrind:end -->`.

Systems:
  single      mcp-server as one process with the production logging and metrics: JSON access log
              on (stdout into a pipe), ENABLE_METRICS on — the code a worker runs per request
  production  the production default: supervisor + WORKERS=1 (valgrind follows the worker);
              background work (heartbeats, metrics snapshots twice a second) adds a little per
              second, so this one drifts with how long valgrind takes
  single-no-access-log, single-no-metrics, single-bare
              the same without the access log, without metrics, without either (and at
              LOG_LEVEL=warning): what each costs is the difference to `single`
  single-oauth, single-oauth-read
              `single` with OAuth on (OAUTH_ISSUER = a Glewlwyd started with Tests/OAuth/start.sh,
              as bench.py's production-oauth rows do) and a token on every request, scope
              `mcp:read mcp:write` (the same tools listed as `single`) or `mcp:read`: what a
              token costs per request is the difference to `single`. Needs the OAuth trait.
  ceiling     the Hummingbird ceiling (fixed body)
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workloads import WORKLOADS  # noqa: E402

SYSTEMS = {
    "single": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "info", "ACCESS_LOG": "true",
                        "ENABLE_METRICS": "true"}, children=False),
    "single-no-access-log": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
                                      "ACCESS_LOG": "false", "ENABLE_METRICS": "true"}, children=False),
    "single-no-metrics": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
                                   "ACCESS_LOG": "true", "ENABLE_METRICS": "false"}, children=False),
    "single-bare": dict(env={"ENVIRONMENT": "testing", "LOG_FORMAT": "json", "LOG_LEVEL": "warning",
                             "ACCESS_LOG": "false", "ENABLE_METRICS": "false"}, children=False),
    "production": dict(env={"ENVIRONMENT": "production", "WORKERS": "1", "WORKER_TIMEOUT": "600",
                            "MAX_REQUESTS": "0"}, children=True),
}
# OAuth systems: `single` plus an issuer and a token of these scopes on every request (measure()).
OAUTH_SYSTEMS = {"single-oauth": "mcp:read mcp:write", "single-oauth-read": "mcp:read"}
SYSTEMS.update({name: SYSTEMS["single"] for name in OAUTH_SYSTEMS})
# The resource the tokens are minted for; the server says it is this URL (PUBLIC_URL) whatever
# port it listens on, so one token serves every run.
OAUTH_PUBLIC_URL = "http://127.0.0.1:9"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(port: int, path: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"port {port} not ready")


def send(port: int, workload: dict, count: int) -> None:
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    for line in workload["headers"].splitlines():
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        connection.request("POST", "/mcp", body=workload["body"].encode(), headers=headers)
        answer = connection.getresponse()
        body = answer.read().decode()
        if answer.status != 200 or workload["expect"] not in body or (workload.get("reject") and workload["reject"] in body):
            raise RuntimeError(f"wrong answer: {answer.status} {body[:200]}")
    connection.close()


def total_instructions(directory: str) -> int:
    total = 0
    for path in glob.glob(os.path.join(directory, "callgrind.out.*")):
        with open(path) as handle:
            for line in handle:
                if line.startswith(("summary:", "totals:")):
                    total += int(line.split()[1])
                    break
    return total


def run_once(command: list[str], env: dict, children: bool, port: int, workload: dict, count: int,
             ready_path: str, keep: str | None = None) -> int:
    directory = keep or tempfile.mkdtemp(prefix="callgrind-")
    os.makedirs(directory, exist_ok=True)
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={directory}/callgrind.out.%p",
                f"--trace-children={'yes' if children else 'no'}"]
    with open(os.path.join(directory, "stdout"), "wb") as log:
        # stdout into a pipe drained by cat, as a container runtime collects it.
        collector = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=log)
        process = subprocess.Popen(valgrind + command, env=env, stdout=collector.stdin, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        collector.stdin.close()
        try:
            wait_ready(port, ready_path)
            send(port, workload, count)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=300)
            collector.wait(timeout=60)
    total = total_instructions(directory)
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
    return total


def measure(system: str, args, workload_name: str, oauth: dict | None = None) -> float:
    workload = dict(WORKLOADS["ceiling" if system == "ceiling" else workload_name])
    if system in OAUTH_SYSTEMS:
        workload["headers"] += f"\nAuthorization: Bearer {oauth['tokens'][system]}"
    totals = []
    for count in (args.low, args.high):
        port = free_port()
        workspace = None
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
               "SWIFT_DETERMINISTIC_HASHING": "1"}
        if system == "ceiling":
            command, children, ready = [args.ceiling, str(port)], False, "/health"
        else:
            workspace = tempfile.mkdtemp(prefix="callgrind-workspace-")
            env.update(SYSTEMS[system]["env"], HOST="127.0.0.1", PORT=str(port), WORKSPACE_DIR=workspace)
            # Everything runs some 50 times slower under valgrind: with the native 2 ms, a cheap
            # tool's first calls count as slow and every call then takes the hop to the tool
            # threads, which natively it does not. (Builds before TOOL_SLOW_CALL_MS ignore it.)
            env["TOOL_SLOW_CALL_MS"] = "1000"
            if system in OAUTH_SYSTEMS:
                env.update(OAUTH_ISSUER=oauth["issuer"], PUBLIC_URL=OAUTH_PUBLIC_URL)
            # An empty env file, not /dev/null: older builds cannot read a device as one.
            env_file = os.path.join(workspace, "empty.env")
            open(env_file, "w").close()
            command, children, ready = [args.server, "serve", "--env-file", env_file], SYSTEMS[system][
                "children"], "/ready"
        started = time.monotonic()
        keep = os.path.join(args.keep, f"{system}-{workload_name}-{count}") if args.keep else None
        try:
            totals.append(run_once(command, env, children, port, workload, count, ready, keep))
        finally:
            if workspace:
                shutil.rmtree(workspace, ignore_errors=True)
        print(f"  {system} {workload_name}: {count} requests -> {totals[-1]:,} instructions "
              f"({time.monotonic() - started:.0f} s)", flush=True)
    return (totals[1] - totals[0]) / (args.high - args.low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    parser.add_argument("--ceiling")
    parser.add_argument("--low", type=int, default=500)
    parser.add_argument("--high", type=int, default=2500)
    parser.add_argument("--workloads", default="call_add_2026")
    parser.add_argument("--systems", default="single,ceiling")
    parser.add_argument("--keep", help="keep the callgrind files in KEEP/<system>-<workload>-<count>/ "
                        "(for bench/callgrind_diff.py)")
    parser.add_argument("--label", default="", help="names the server binary in the output (before, after, ...)")
    parser.add_argument("--json")
    parser.add_argument("--doc")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is missing: apt-get install valgrind")
    rows = []
    systems = args.systems.split(",")
    oauth, authorization_server = None, None
    if any(system in OAUTH_SYSTEMS for system in systems):
        from bench import AuthorizationServer  # Glewlwyd through Tests/OAuth/start.sh

        authorization_server = AuthorizationServer([OAUTH_PUBLIC_URL + "/mcp"])
        authorization_server.start()
        oauth = dict(issuer=authorization_server.issuer, tokens={
            system: authorization_server.token(OAUTH_PUBLIC_URL + "/mcp", scope) for system, scope in OAUTH_SYSTEMS.items()})
    try:
        measure_all(args, systems, rows, oauth)
        # Each row keeps the ceiling measured beside it, so its ratio stays that of its own day.
        ceiling = next((r["per_request"] for r in rows if r["system"] == "ceiling"), None)
        for row in rows:
            row.setdefault("ceiling", ceiling)
    finally:
        if authorization_server:
            authorization_server.stop()
    if args.json:
        previous = {}
        if os.path.exists(args.json):
            with open(args.json) as handle:
                previous = json.load(handle)
        kept = [r for r in previous.get("rows", []) if (r["system"], r["workload"]) not in
                {(n["system"], n["workload"]) for n in rows}]
        # A "before" run measured without the ceiling (`--systems single`) is paired with the
        # ceiling that the "after" run of the same day measures: pin it, so a later ceiling
        # does not change that row's ratio.
        for row in kept:
            if row.get("ceiling") is None and ceiling and row.get("date") == time.strftime("%Y-%m-%d", time.gmtime()):
                row["ceiling"] = ceiling
        rows = kept + rows
        with open(args.json, "w") as handle:
            json.dump(dict(low=args.low, high=args.high, rows=rows), handle, indent=1)
    if args.doc:
        write_doc(args.doc, rows, args)


def measure_all(args, systems: list[str], rows: list[dict], oauth: dict | None) -> None:
    for system in systems:
        if system == "ceiling" and not args.ceiling:
            continue
        for workload in args.workloads.split(",") if system != "ceiling" else ["ceiling"]:
            per_request = measure(system, args, workload, oauth)
            name = system if system == "ceiling" else f"mcp-server {system}" + (f" ({args.label})" if args.label else "")
            rows.append(dict(system=name, workload=workload, per_request=per_request, low=args.low, high=args.high,
                             date=time.strftime("%Y-%m-%d", time.gmtime())))
            print(f"{name} {workload}: {per_request:,.0f} instructions per request", flush=True)


def write_doc(path: str, rows: list[dict], args) -> None:
    lines = ["`python3 bench/callgrind.py`: instructions per request = (total at HIGH requests − total at LOW) / "
             "(HIGH − LOW), one request at a time on one keep-alive connection; each row against the ceiling "
             "measured beside it.", "",
             "| system (binary) | workload | instructions per request | against the ceiling | LOW / HIGH | date |",
             "| --- | --- | ---: | ---: | --- | --- |"]
    latest = next((r["per_request"] for r in rows if r["system"] == "ceiling"), None)
    for row in rows:
        ceiling = row.get("ceiling") or latest
        times = f"{row['per_request'] / ceiling:.2f}×" if ceiling else "–"
        lines.append(f"| {row['system']} | {row['workload']} | {row['per_request']:,.0f} | {times} "
                     f"| {row.get('low', '?')} / {row.get('high', '?')} | {row.get('date', '?')} |")
    from report import replace_section

    replace_section(path, "callgrind", "\n".join(lines))


if __name__ == "__main__":
    main()
