"""Writes the release build's function order: the functions the server runs, hottest first, so
the code each process keeps resident sits on few pages instead of all over the ~34 MB of code.

    .build-bench/venv/bin/python bench/code_order.py --server .build/release/mcp-server \
        --map /tmp/mcp-server.map [--requests 150] [--out deploy/docker/code-order.txt]

The release build (Makefile RELEASE_FLAGS, the Dockerfile) compiles every function into a
section of its own (`-function-sections`) and links with lld, which lays the functions this file
names out first, in its order (`--symbol-ordering-file`); the rest follows as before. The list
comes from valgrind's callgrind, run on the production default (supervisor + one worker,
`--trace-children=yes`), in three phases:

  serving    what runs while the worker answers every stateless workload of bench/workloads.py
             (both protocol eras, errors, /health, /ready, /metrics) and the supervisor watches
             it: the pages every process keeps resident under load;
  start-up   what only start-up runs (argument parsing, settings, the catalogue, binding, the
             warm-up): the pages a starting worker faults in and hands back once it is ready;
  shutdown   what only the drain and exit run.

Within a phase, functions come in order of the instructions they ran, the hottest first. Parts of
the static stdlib, Foundation and ICU are compiled without function sections, so naming one of
their functions moves its object's whole `.text`; with --map (a map of a release link: add
`-Xlinker -Map=/tmp/mcp-server.map` to the build once) those come after each phase's own
functions instead of splitting them. A name the binary no longer has is skipped, and a function
missing from the list is only placed after the listed ones: a stale list costs memory, never
correctness (Tests/Deploy/code_layout_check.py, in CI, says when it is stale). Regenerate it
after a large change to the request path or start-up, then relink: SwiftPM does not see the file
change, so `rm .build/release/mcp-server && make build`.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind import free_port, send, wait_ready  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = ("# Function order for the release build's linker (lld --symbol-ordering-file), written by\n"
          "# bench/code_order.py from callgrind runs of the production default: serving, start-up, shutdown.\n")
DEFINITION = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def self_costs(path: str) -> dict[str, int]:
    """Instructions each function ran itself (not in its callees), from one callgrind dump."""
    names: dict[str, str] = {}
    costs: dict[str, int] = {}
    current = None
    after_call = False
    with open(path, errors="replace") as handle:
        for line in handle:
            if line.startswith(("fn=", "cfn=")):
                match = DEFINITION.match(line.rstrip("\n"))
                if not match:
                    continue
                number, name = match.groups()
                if name:
                    names[number] = name
                if line.startswith("fn="):
                    current = names.get(number)
                after_call = False
            elif line.startswith("calls="):
                after_call = True
            elif line[:1].isdigit() or line[:1] in ("+", "-", "*"):
                if after_call:  # the inclusive cost of the call just named: the callee's, not this one's
                    after_call = False
                    continue
                fields = line.split()
                if current and len(fields) >= 2 and fields[1].isdigit():
                    costs[current] = costs.get(current, 0) + int(fields[1])
    return costs


def phase_costs(directory: str) -> list[dict[str, int]]:
    """Per phase (start-up, serving, shutdown), self costs summed over the processes. A dump says
    what triggered it (`desc: Trigger: Client Request: <phase>`); the one at exit is shutdown."""
    phases: list[dict[str, int]] = [{}, {}, {}]
    for path in glob.glob(os.path.join(directory, "callgrind.out.*")):
        with open(path, errors="replace") as handle:
            trigger = next((line for line in handle if line.startswith("desc: Trigger:")), "")
        index = 0 if "start-up" in trigger else 1 if "serving" in trigger else 2
        for name, cost in self_costs(path).items():
            phases[index][name] = phases[index].get(name, 0) + cost
    return phases


def function_symbols(binary: str) -> set[str]:
    """The function symbols of the binary (the names its `.text.<name>` sections carry)."""
    listing = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    return {fields[2] for fields in (line.split() for line in listing.splitlines())
            if len(fields) == 3 and fields[1] in "tTWw"}


def shared_section_symbols(map_path: str) -> set[str]:
    """Symbols an lld map (`-Xlinker -Map=FILE`) shows in a code section with others: code
    compiled without `-function-sections` (parts of the static stdlib and Foundation, C). Ordering
    one of them moves its object's whole `.text`, which scatters the listed functions."""
    shared: set[str] = set()
    section, members = "", []

    def close() -> None:
        if not (len(members) == 1 and section == ".text." + members[0]):
            shared.update(members)

    # Columns: VMA, LMA, size, alignment, then the name, indented 0 (output section), 8 (input
    # section, `file:(name)`) or 16 (symbol) spaces.
    row = re.compile(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+ ( *)(\S.*)$")
    with open(map_path, errors="replace") as handle:
        for line in handle:
            match = row.match(line.rstrip("\n"))
            if not match:
                continue
            depth, text = len(match.group(1)), match.group(2)
            if depth < 16:
                close()
                section, members = (text[text.rindex(":(") + 2:-1] if depth == 8 and ":(" in text else ""), []
            elif section.startswith(".text"):
                members.append(text)
    close()
    return shared


def serve_everything(port: int, requests: int) -> None:
    for name, workload in WORKLOADS.items():
        # The production default is stateless: sessions (STATELESS_HTTP=false) are not its path.
        if not name.startswith("ceiling") and not workload.get("session"):
            send(port, workload, requests)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(max(1, requests // 10)):
        for method, path, body in (("GET", "/health", None), ("GET", "/ready", None), ("GET", "/metrics", None),
                                   ("POST", "/mcp", b"{not json"), ("GET", "/no-such-page", None),
                                   ("POST", "/mcp", b'{"jsonrpc":"2.0","id":1,"method":"no/such/method"}')):
            connection.request(method, path, body=body, headers={"Content-Type": "application/json",
                                                                  "Accept": "application/json, text/event-stream"})
            connection.getresponse().read()
    connection.close()


def dump(phase: str, env: dict) -> None:
    """Every process under callgrind writes what it ran so far and starts counting afresh. vgdb
    finds them by a pipe named after $USER and $HOST, so it runs with the server's values."""
    answer = subprocess.run(["callgrind_control", f"--dump={phase}"], capture_output=True, text=True, env=env)
    if answer.returncode != 0 or "OK." not in answer.stdout:
        raise RuntimeError(f"callgrind_control --dump={phase} failed: {answer.stdout}{answer.stderr}")
    print(answer.stdout.strip(), flush=True)


def profile(binary: str, requests: int, directory: str) -> None:
    workspace = tempfile.mkdtemp(prefix="code-order-workspace-")
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
           "ENVIRONMENT": "production", "WORKERS": "1", "WORKER_TIMEOUT": "600", "MAX_REQUESTS": "0",
           "HOST": "127.0.0.1", "PORT": str(port), "WORKSPACE_DIR": workspace, "TOOL_SLOW_CALL_MS": "1000"}
    env_file = os.path.join(workspace, "empty.env")
    open(env_file, "w").close()
    command = ["valgrind", "--tool=callgrind", "--demangle=no", "--trace-children=yes",
               f"--callgrind-out-file={directory}/callgrind.out.%p", binary, "serve", "--env-file", env_file]
    with open(os.path.join(directory, "stdout"), "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_ready(port, "/ready")
            time.sleep(2)  # the worker's warm-up and hand-back, after it first answers /ready
            dump("start-up", env)
            serve_everything(port, requests)
            dump("serving", env)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=600)
            shutil.rmtree(workspace, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.path.join(ROOT, ".build", "release", "mcp-server"))
    parser.add_argument("--requests", type=int, default=150, help="requests per workload (default 150)")
    parser.add_argument("--out", default=os.path.join(ROOT, "deploy", "docker", "code-order.txt"))
    parser.add_argument("--keep", help="keep callgrind's files in this folder")
    parser.add_argument("--map", help="an lld map of a release link (-Xlinker -Map=FILE): within each phase, the "
                                      "functions that share a section with others come after the rest")
    args = parser.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="code-order-")
    os.makedirs(directory, exist_ok=True)
    started = time.monotonic()
    print(f"profiling {args.server} under callgrind ({args.requests} requests per workload)…", flush=True)
    profile(args.server, args.requests, directory)
    start_up, serving, shutdown = phase_costs(directory)
    known = function_symbols(args.server)
    shared = shared_section_symbols(args.map) if args.map else set()
    order: list[str] = []
    seen: set[str] = set()
    for phase in (serving, start_up, shutdown):
        hottest_first = [name for name, _ in sorted(phase.items(), key=lambda item: (-item[1], item[0]))
                         if name in known and name not in seen]
        # A phase's own functions first, packed; then those that bring their object's whole
        # `.text` along, so those objects follow the phase's functions instead of splitting them.
        for name in [name for name in hottest_first if name not in shared] + [name for name in hottest_first
                                                                               if name in shared]:
            seen.add(name)
            order.append(name)
    with open(args.out, "w") as handle:
        handle.write(HEADER)
        handle.writelines(f"{name}\n" for name in order)
    counts = [sum(1 for name in phase if name in known) for phase in (serving, start_up, shutdown)]
    print(f"{len(order)} functions ({counts[0]} serving, {counts[1]} at start-up, {counts[2]} at shutdown, "
          f"overlaps listed once) -> {args.out} ({time.monotonic() - started:.0f} s)")
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
