"""`mcp-server new` as a new user meets it: generate a package, add a second tool the way its
README shows, build it, run its tests, and call both tools with the official Python MCP client
(mcp 2.3.0) in both protocol eras, over stdio and Streamable HTTP.

Usage: python new_server_check.py --binary PATH/mcp-server [--work DIR] [--scratch DIR]

The generated package depends on this checkout with `--local`, so it compiles the scaffold and
its dependencies itself, with no traits, as a new user's first build does. Its build folder
(`--scratch-path`) is DIR/build unless --scratch names another, and is reused by the next run on
the same machine; the package is generated anew each time. Exits 1 on any failure.

`.ci/run` passes its debug build's folder (`.build-debug`) as --scratch once that build is done: the
third-party modules are compiled with the same commands at the same paths, so only the scaffold's
modules (as a dependency) and the new package's are compiled — about a minute instead of a cold
build of every dependency (18 minutes on a slow CI host). The scaffold's test binary is already
linked by then, so `swift test --skip-build` afterwards runs what the debug build made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Process"))
from checklib import RESULTS, free_port, report, terminate  # noqa: E402

from mcp import Client, StdioServerParameters  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NAME = "demo-server"
MODULE = "DemoServer"


def run(command: list[str], cwd: str, what: str) -> float:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    tail = "\n".join(result.stdout.strip().splitlines()[-15:])
    report(what, result.returncode == 0, f"{elapsed:.0f} s" + ("" if result.returncode == 0 else "\n" + tail))
    if result.returncode != 0:
        summary_and_exit()
    return elapsed


def add_second_tool(project: str) -> None:
    """Insert the README's two snippets (the tool, its test) where the README says they go."""
    readme = open(os.path.join(project, "README.md"), encoding="utf-8").read()
    section = readme.split("## Add a tool", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```swift\n(.*?)```", section, re.S)
    lines = sum(len(block.strip("\n").splitlines()) for block in blocks[:2])
    report("README: a second tool with its test", len(blocks) >= 2 and lines <= 15, f"{lines} lines (at most 15)")
    for block, path in zip(blocks, [f"Sources/{MODULE}/{MODULE}Tools.swift", f"Tests/{MODULE}Tests/{MODULE}ToolsTests.swift"]):
        full = os.path.join(project, path)
        text = open(full, encoding="utf-8").read().rstrip()
        assert text.endswith("}"), path
        open(full, "w", encoding="utf-8").write(text[:-1].rstrip() + "\n\n" + block.rstrip() + "\n}\n")


async def call_both_tools(client: Client, what: str) -> None:
    async with client:
        era = client.protocol_version
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        greet = await client.call_tool("greet", {"name": "Ada"})
        add = await client.call_tool("add", {"a": 2, "b": 3})
        greet_text = greet.content[0].text if greet.content else ""
        ok = (
            tools == ["add", "greet"] and not greet.is_error and greet_text == "Hello, Ada!"
            and not add.is_error and add.structured_content == {"result": 5.0}
        )
        report(f"{what}: tools/call greet and add", ok, f"era {era}, tools {tools}, greet {greet_text!r}, add {add.structured_content}")


def summary_and_exit() -> None:
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", default=os.path.join(REPO, ".build-new-server"))
    parser.add_argument("--scratch", help="the build folder (default: WORK/build)")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    project = os.path.join(work, NAME)
    scratch = os.path.abspath(args.scratch) if args.scratch else os.path.join(work, "build")
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(work, exist_ok=True)

    run([args.binary, "new", NAME, "--local", REPO, "--output", project], work, f"mcp-server new {NAME} --local <repo>")
    add_second_tool(project)
    run(["swift", "build", "--build-tests", "--scratch-path", scratch], project, "swift build --build-tests (the new package)")
    run(["swift", "test", "--skip-build", "--scratch-path", scratch], project, "swift test (the new package)")
    binary = os.path.join(scratch, "debug", NAME)

    for mode in ("2026-07-28", "legacy"):
        params = StdioServerParameters(command=binary, args=["--transport", "stdio"], env=dict(os.environ))
        await call_both_tools(Client(params, mode=mode, read_timeout_seconds=30), f"stdio, mode={mode}")

    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port)], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        for mode in ("2026-07-28", "legacy"):
            url = f"http://127.0.0.1:{port}/mcp"
            await call_both_tools(Client(url, mode=mode, read_timeout_seconds=30), f"Streamable HTTP, mode={mode}")
    finally:
        report("HTTP server stops on SIGTERM", terminate(server) == 0, f"port {port}")
    summary_and_exit()


if __name__ == "__main__":
    asyncio.run(main())
