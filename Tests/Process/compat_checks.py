"""Where desktop users run the server, and what users of the Python original bring: the release
binary in real processes. Each check prints PASS or FAIL; the script exits 1 if any failed.

    python3 Tests/Process/compat_checks.py --binary .build/release/mcp-server

- a stdio client (the official Python SDK's) that starts the server with working directory / and
  a read-only HOME, as Claude Desktop does, gets a working server with a usable workspace;
- a WORKSPACE_DIR that cannot be created stops the server with one line naming the path and why;
- the Python original's .env (Tests/Fixtures/original-python.env) copied as .env starts the server
  with the settings it meant: its names renamed with one notice each, inline comments cut,
  CORS_ORIGINS="*", its LOG_FORMAT, its API key, two workers;
- a missing --env-file is one line and exit status 2;
- a port in use says which address.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from checklib import RESULTS, free_port, report, terminate

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "Fixtures", "original-python.env")
NOBODY = 65534


def as_unprivileged(command: list[str]) -> list[str]:
    """As root (CI), a read-only folder is only read-only to another user: run as nobody."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"] + command


def public_copy(binary: str) -> tuple[str, str]:
    """The binary where any user may run it (a clone under /root is not)."""
    folder = tempfile.mkdtemp(prefix="compat-bin-")
    os.chmod(folder, 0o755)
    copy = os.path.join(folder, "mcp-server")
    shutil.copy2(binary, copy)
    os.chmod(copy, 0o755)
    return folder, copy


def check_stdio_from_root_with_read_only_home(binary: str) -> None:
    from mcp import Client, StdioServerParameters

    home = tempfile.mkdtemp(prefix="compat-home-")
    scratch = tempfile.mkdtemp(prefix="compat-tmp-")
    os.chmod(home, 0o555)
    os.chmod(scratch, 0o1777)
    errors = tempfile.TemporaryFile(mode="w+")
    command = as_unprivileged([binary, "--transport", "stdio"])
    params = StdioServerParameters(
        command=command[0], args=command[1:], cwd="/",
        env={"HOME": home, "TMPDIR": scratch, "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    outcome: dict = {}

    async def run() -> None:
        from mcp.client.stdio import stdio_client
        async with Client(params, mode="legacy", read_timeout_seconds=30) as client:
            outcome["tools"] = len((await client.list_tools()).tools)
            written = await client.call_tool("write_text_file", {"file_path": "hello.txt", "content": "from /"})
            read = await client.call_tool("read_text_file", {"file_path": "hello.txt"})
            outcome["written"] = not written.is_error
            outcome["read"] = json.dumps(read.structured_content or {})

    try:
        # The SDK's Client sends the server's stderr to sys.stderr; capture it by swapping fd 2.
        saved = os.dup(2)
        os.dup2(errors.fileno(), 2)
        try:
            asyncio.run(asyncio.wait_for(run(), 60))
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        errors.seek(0)
        log = errors.read()
        expected = os.path.join(scratch, f"mcp-server-user-{NOBODY if os.geteuid() == 0 else os.geteuid()}",
                                "workspace")
        on_disk = os.path.exists(os.path.join(expected, "hello.txt"))
        notice = [line for line in log.splitlines() if "WORKSPACE_DIR is not set" in line]
        report("stdio from / with a read-only HOME works", outcome.get("tools", 0) > 0 and outcome.get("written")
               and "from /" in outcome.get("read", "") and on_disk and len(notice) == 1 and home in notice[0],
               f"{outcome.get('tools')} tools, write {outcome.get('written')}, read {outcome.get('read', '')[:60]}, "
               f"file in {expected}: {on_disk}; notice: {notice[0][:160] if notice else 'none'}")
    except Exception as error:  # the client could not talk to the server at all
        errors.seek(0)
        report("stdio from / with a read-only HOME works", False, f"{error!r}; stderr: {errors.read()[-500:]}")
    finally:
        os.chmod(home, 0o755)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def check_uncreatable_workspace(binary: str) -> None:
    parent = tempfile.mkdtemp(prefix="compat-locked-")
    os.chmod(parent, 0o555)
    target = os.path.join(parent, "deeper", "workspace")
    try:
        run = subprocess.run(as_unprivileged([binary, "--transport", "stdio", "--workspace", target]),
                             cwd="/", stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                             env={"HOME": parent, "PATH": os.environ.get("PATH", "")})
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        named = lines and os.path.join(parent, "deeper") in lines[-1] and "Permission denied" in lines[-1]
        report("an uncreatable workspace is one line naming the path and the reason",
               run.returncode != 0 and len(lines) == 1 and bool(named),
               f"exit {run.returncode}; stderr {lines}")
    finally:
        os.chmod(parent, 0o755)
        shutil.rmtree(parent, ignore_errors=True)


def http(port: int, path: str, body: dict | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {},
                                     data=json.dumps(body).encode() if body is not None else None,
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def check_original_env_file(binary: str) -> None:
    folder = tempfile.mkdtemp(prefix="compat-env-")
    shutil.copy(FIXTURE, os.path.join(folder, ".env"))
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key not in ("ENVIRONMENT", "LOG_FORMAT")}
    environment.update({"PORT": str(port), "WORKSPACE_DIR": os.path.join(folder, "workspace")})
    output = open(os.path.join(folder, "server.log"), "w+")
    process = subprocess.Popen([binary], cwd=folder, env=environment, stdin=subprocess.DEVNULL, stdout=output,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            output.seek(0)
            if output.read().count("worker ready") >= 2:
                break
            time.sleep(0.1)
        output.seek(0)
        log = output.read().splitlines()
        health = json.loads(http(port, "/health")[2] or "{}")
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        accept = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        without_key = http(port, "/mcp", body, accept)[0]
        with_key = http(port, "/mcp", body, dict(accept, Authorization="Bearer your-api-key-here"))
        cors = http(port, "/mcp", body, dict(accept, Authorization="Bearer your-api-key-here",
                                             Origin="https://app.example"))[1]
        renamed = {old: sum(1 for line in log if f"{old} in .env is the Python original's name" in line)
                   for old in ["VERSION", "MCP_MOUNT_PATH", "UVICORN_WORKERS", "UVICORN_MAX_REQUESTS",
                               "UVICORN_MAX_REQUESTS_JITTER", "UVICORN_KEEPALIVE"]}
        text_logs = not any(line.startswith("{") for line in log)
        ready = sum(1 for line in log if "worker ready" in line)
        debug = sum(1 for line in log if " debug " in line.lower()[:60])
        ok = (health.get("version") == "1.0.0" and health.get("environment") == "development" and without_key == 401
              and with_key[0] == 200 and cors.get("Access-Control-Allow-Origin") == "https://app.example"
              and all(count == 1 for count in renamed.values()) and text_logs and ready == 2 and debug == 0
              and any("ignored in .env: ALLOWED_FILE_TYPES" in line for line in log))
        report("the original's .env starts the server as it meant", ok,
               f"health {health.get('version')}/{health.get('environment')}, /mcp {without_key} without the key and "
               f"{with_key[0]} with it, CORS {cors.get('Access-Control-Allow-Origin')}, renamed {renamed}, "
               f"text logs {text_logs}, {ready} workers ready, {debug} debug lines")
    finally:
        terminate(process)
        shutil.rmtree(folder, ignore_errors=True)


def check_missing_env_file(binary: str) -> None:
    run = subprocess.run([binary, "--env-file", "/nonexistent/.env", "--transport", "stdio"], cwd="/",
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    lines = run.stderr.splitlines()
    report("a missing --env-file is one line and exit 2",
           run.returncode == 2 and len(lines) == 1 and "/nonexistent/.env" in lines[0],
           f"exit {run.returncode}; stderr {lines}")


def check_port_in_use(binary: str) -> None:
    """A port someone else holds: the error names the address, and the process that gives up
    leaves no runtime folder behind (its TMPDIR is a folder of its own, checked after)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    temporary = tempfile.mkdtemp(prefix="compat-port-tmp-")
    try:
        for label, arguments in [("single process", []), ("supervisor", ["--workers", "1"])]:
            run = subprocess.run([binary, "--port", str(port), "--env-file", "/dev/null", "--workspace",
                                  tempfile.gettempdir() + "/compat-port-ws"] + arguments,
                                 stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                                 env=dict(os.environ, TMPDIR=temporary))
            output = (run.stdout + run.stderr).strip().splitlines()
            said = [line for line in output if f"127.0.0.1:{port}" in line and "in use" in line.lower()]
            left = sorted(os.listdir(temporary))
            report(f"a port in use says which address ({label})", run.returncode != 0 and bool(said) and not left,
                   f"exit {run.returncode}; {said[0][:200] if said else output[-3:]}; left in TMPDIR: {left or 'nothing'}")
    finally:
        holder.close()
        shutil.rmtree(temporary, ignore_errors=True)


def check_killed_run_folder_is_swept(binary: str) -> None:
    """A server killed with SIGKILL (the OOM killer, `docker kill`) cannot remove its runtime folder:
    the next run on the machine does, once no process of the killed run is left and the folder is
    more than a minute old (backdated here). A live run's folder is never touched."""
    temporary = tempfile.mkdtemp(prefix="compat-sweep-tmp-")
    environment = dict(os.environ, TMPDIR=temporary, LOG_LEVEL="warning")
    workspace = tempfile.gettempdir() + "/compat-sweep-ws"

    def start(arguments: list[str]) -> tuple[subprocess.Popen, int]:
        port = free_port()
        process = subprocess.Popen([binary, "--port", str(port), "--env-file", "/dev/null", "--workspace", workspace]
                                   + arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=environment, start_new_session=True)
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2):
                    return process, port
            except OSError:
                time.sleep(0.1)
        terminate(process)
        raise RuntimeError(f"not ready: {arguments}")

    try:
        killed, _ = start(["--workers", "1"])
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        time.sleep(2)  # its worker sees the supervisor gone and exits
        killed_single, _ = start([])
        killed_single.send_signal(signal.SIGKILL)
        killed_single.wait()
        left = sorted(os.listdir(temporary))
        live, _ = start(["--workers", "1"])
        live_folders = sorted(set(os.listdir(temporary)) - set(left))
        for name in os.listdir(temporary):  # every folder more than a minute old now
            os.utime(os.path.join(temporary, name), (time.time() - 120, time.time() - 120))
        swept_by, _ = start([])
        after = sorted(os.listdir(temporary))
        terminate(swept_by)
        terminate(live)
        at_end = sorted(os.listdir(temporary))
        ok = len(left) == 2 and len(live_folders) == 1 and not set(left) & set(after) and \
            live_folders[0] in after and not at_end
        report("a killed run's folder is removed by the next run", ok,
               f"left by SIGKILL (supervisor, single process): {left}; a live run's {live_folders}; after the next "
               f"start: {after}; after both stop: {at_end or 'nothing'}")
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(workspace, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    folder, binary = public_copy(os.path.abspath(args.binary))
    try:
        check_stdio_from_root_with_read_only_home(binary)
        check_uncreatable_workspace(binary)
        check_original_env_file(binary)
        check_missing_env_file(binary)
        check_port_in_use(binary)
        check_killed_run_folder_is_swept(binary)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} of {len(RESULTS)} compatibility checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
