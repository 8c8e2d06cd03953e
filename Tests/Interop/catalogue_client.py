"""Drive the whole example catalogue through the official Python MCP SDK client (mcp 2.3.0).

Usage:
    python catalogue_client.py stdio-modern  COMMAND [ARGS...]
    python catalogue_client.py stdio-legacy  COMMAND [ARGS...]
    python catalogue_client.py http-modern   URL
    python catalogue_client.py http-legacy   URL
    python catalogue_client.py http-auto     URL
    python catalogue_client.py sse-legacy    URL      (deprecated HTTP+SSE, e.g. http://127.0.0.1:8000/sse)

Lists all tools, calls every tool with a good and a bad input, reads every resource and the
template, gets every prompt and completes an argument. Prints one line per check; exits 1 if
any check failed.
"""

from __future__ import annotations

import asyncio

import anyio
import json
import os
import sys
import uuid
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=".*deprecated.*")
warnings.filterwarnings("ignore", message=".*removed as of.*")

from mcp import Client, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.shared.exceptions import MCPError
import mcp_types as types

RUN = uuid.uuid4().hex[:8]
# The catalogue's tools in order: the Swift test that runs this script passes them (it reads
# them from the catalogue), so adding a tool does not mean editing a list here.
EXPECTED_TOOLS = [name for name in os.environ.get("MCP_EXPECTED_TOOLS", "").split(",") if name]
EXPECTED_PROMPTS = [
    "code_review", "bug_analysis", "code_optimization", "architecture_review", "data_analysis", "statistical_analysis",
    "predictive_modeling", "data_quality_assessment",
]
# tool -> (good arguments, substring of the good answer's text, bad arguments)
CALLS = {
    "add": ({"a": 2, "b": 3}, "5", {"a": "two", "b": 3}),
    "subtract": ({"a": 5, "b": 3}, "2", {"a": 1}),
    "multiply": ({"a": 4, "b": 2.5}, "10", {"a": 1e308, "b": 10}),
    "divide": ({"a": 7, "b": 2}, "3.5", {"a": 1, "b": 0}),
    "power": ({"a": 2, "b": 10}, "1024", {"a": 0, "b": -1}),
    "sqrt": ({"x": 16}, "4", {"x": -4}),
    "calculate_bmi": ({"weight_kg": 70, "height_m": 1.75}, "Normal weight", {"weight_kg": 0, "height_m": 1.75}),
    "percentage": ({"value": 200, "percentage": 15}, "30", {"value": 200}),
    "average": ({"numbers": [1, 2, 3, 4]}, "2.5", {"numbers": []}),
    "calculate": ({"expression": "2+3*4"}, "14", {"expression": "__import__('os')"}),
    "count_words": ({"text": "Hello world! This is a test."}, '"words":6', {"text": 5}),
    "convert_case": ({"text": "hello", "case_type": "upper"}, "HELLO", {"text": "x", "case_type": "sideways"}),
    "extract_emails": ({"text": "mail a@example.com now"}, "a@example.com", {}),
    "extract_urls": ({"text": "see https://example.com/x."}, "https://example.com/x", {"text": None}),
    "replace_text": (
        {"text": "2024-01-15", "pattern": r"(\d+)-(\d+)-(\d+)", "replacement": r"\3/\2/\1", "use_regex": True},
        "15/01/2024",
        {"text": "a" * 40 + "!", "pattern": "(a+)+$", "replacement": "x", "use_regex": True},
    ),
    "clean_text": ({"text": "  a \t b  "}, "a b", {"text": ["x"]}),
    "generate_slug": ({"text": "Hello World!"}, "hello-world", {"texts": "x"}),
    "text_statistics": ({"text": "One. Two!"}, "total_sentences", {}),
    "list_directory": ({"directory_path": "."}, "directories", {"directory_path": "../.."}),
    "write_text_file": ({"file_path": f"interop-{RUN}/a.txt", "content": "hi\nthere"}, "Successfully wrote", {"file_path": "/etc/passwd", "content": "x"}),
    "read_text_file": ({"file_path": f"interop-{RUN}/a.txt"}, "hi\\nthere", {"file_path": "../../../etc/passwd"}),
    "write_json_file": ({"file_path": f"interop-{RUN}/d.json", "data": {"k": [1, 2]}}, "Successfully wrote JSON", {"file_path": "x.json", "data": {}, "indent": 99}),
    "read_json_file": ({"file_path": f"interop-{RUN}/d.json"}, '"k"', {"file_path": f"interop-{RUN}/a.txt"}),
    "file_info": ({"file_path": f"interop-{RUN}/a.txt"}, '"type":"file"', {"file_path": "nope/nothing"}),
    "create_directory": ({"directory_path": f"interop-{RUN}/sub/deeper"}, "created", {"directory_path": "../outside"}),
    # Ask the client: the elicitation callback confirms (files named keep-* are refused), the
    # sampling callback writes the summary.
    "delete_file": ({"file_path": f"interop-{RUN}/d.json"}, '"deleted":true', {"file_path": "../outside.txt"}),
    "summarize_text": ({"text": "A long text about servers."}, f"SUMMARY-{RUN}", {"text": ""}),
    # Demo tools (ENABLE_DEMO_TOOLS=true in these runs).
    "long_task": ({"steps": 1, "step_ms": 1}, '"steps":1', {"steps": 0}),
    "set_enabled": ({"kind": "prompt", "name": "code_review", "enabled": True}, "shown", {"kind": "tool", "name": "nope", "enabled": True}),
}
# Tools that need the client's answer: without a session to ask through, a clear tool error.
ASKING_TOOLS = {"delete_file", "summarize_text"}
ELICITED: list[str] = []
SAMPLED: list[str] = []


async def on_elicit(context, params: types.ElicitRequestParams) -> types.ElicitResult:
    ELICITED.append(params.message)
    return types.ElicitResult(action="accept", content={"confirm": "keep-" not in params.message})


NOTIFIED: list[object] = []


async def on_message(message) -> None:
    NOTIFIED.append(message)


async def wait_for(predicate, seconds: float = 15.0) -> bool:
    with anyio.move_on_after(seconds):
        while not any(predicate(item) for item in NOTIFIED):
            await anyio.sleep(0.05)
        return True
    return False


async def on_sample(context, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
    SAMPLED.append(json.dumps(params.model_dump(by_alias=True, exclude_none=True))[:200])
    return types.CreateMessageResult(
        role="assistant", content=types.TextContent(type="text", text=f"SUMMARY-{RUN}"), model="interop-model",
        stop_reason="endTurn")
RESOURCES = [
    "system://info", "system://memory", "system://cpu", "system://disk", "system://processes", "system://network",
    "config://app", "config://version", "config://capabilities", "config://environment",
]
PROMPT_ARGS = {
    "code_review": {"code": "print(1)", "language": "python"},
    "bug_analysis": {"error_message": "KeyError", "code_context": "d['x']"},
    "code_optimization": {"code": "x = [i for i in range(10)]"},
    "architecture_review": {"description": "three tiers"},
    "data_analysis": {"data_description": "sales"},
    "statistical_analysis": {"hypothesis": "A > B", "data_info": "two groups"},
    "predictive_modeling": {"target_variable": "churn", "features_description": "usage"},
    "data_quality_assessment": {"dataset_info": "crm export"},
}

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def text_of(result: types.CallToolResult) -> str:
    parts = []
    for block in result.content:
        dumped = block.model_dump(by_alias=True, exclude_none=True)
        parts.append(dumped.get("text", json.dumps(dumped)))
    if result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, separators=(",", ":")))
    return "\n".join(parts)


def make_client(kind: str, argv: list[str]) -> Client:
    info = types.Implementation(name="scaffold-interop", version="1.0")
    common = dict(
        client_info=info, read_timeout_seconds=30, elicitation_callback=on_elicit, sampling_callback=on_sample,
        message_handler=on_message)
    if kind in ("stdio-modern", "stdio-legacy"):
        env = dict(os.environ)
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=env)
        return Client(params, mode="2026-07-28" if kind == "stdio-modern" else "legacy", **common)
    if kind == "http-modern":
        return Client(argv[0], mode="2026-07-28", **common)
    if kind == "http-legacy":
        return Client(argv[0], mode="legacy", **common)
    if kind == "http-auto":
        return Client(argv[0], mode="auto", **common)
    if kind == "sse-legacy":
        return Client(sse_client(argv[0]), mode="legacy", **common)
    raise SystemExit(f"unknown kind {kind}")


async def exercise(client: Client, kind: str) -> None:
    modern = client.protocol_version == "2026-07-28"
    expect_modern = kind in ("stdio-modern", "http-modern", "http-auto")
    check(modern == expect_modern, f"era: protocol {client.protocol_version} (modern expected: {expect_modern})")
    if kind == "http-auto":
        check(client.session.discover_result is not None, "auto mode adopted server/discover")
    cache = {"cache_mode": "bypass"} if modern else {}

    tools = (await client.list_tools(**cache)).tools
    names = [tool.name for tool in tools]
    check(names == EXPECTED_TOOLS, f"tools/list gives the {len(EXPECTED_TOOLS)} catalogue tools in order (got {len(names)})")
    for tool in tools:
        check(tool.input_schema.get("type") == "object", f"{tool.name}: inputSchema is an object schema")

    # Writes before reads, so the reads find the files.
    order = sorted(EXPECTED_TOOLS, key=lambda name: 0 if name.startswith(("write_", "create_")) else 1)
    stateless_legacy = os.environ.get("MCP_SERVER_STATELESS") == "1" and not modern
    for name in order:
        good, expected, bad = CALLS[name]
        result = await client.call_tool(name, good)
        text = text_of(result)
        if name in ASKING_TOOLS and stateless_legacy:
            check(bool(result.is_error) and "needs its client" in text, f"{name} without a session -> {text[:80]!r}")
            continue
        check(not result.is_error and expected in text, f"{name}{json.dumps(good)[:60]} -> {text[:80]!r}")
        try:
            failed = await client.call_tool(name, bad)
            check(bool(failed.is_error), f"{name} bad input -> tool error {text_of(failed)[:80]!r}")
        except Exception as error:  # a protocol error is an acceptable answer to a malformed call
            check(True, f"{name} bad input -> protocol error {error!s:.80}")

    if not stateless_legacy:
        kept = f"interop-{RUN}/keep-me.txt"
        await client.call_tool("write_text_file", {"file_path": kept, "content": "stay"})
        refused = await client.call_tool("delete_file", {"file_path": kept})
        check('"deleted":false' in text_of(refused), f"delete_file refused by the user -> {text_of(refused)[:80]!r}")
        still = await client.call_tool("read_text_file", {"file_path": kept})
        check(not still.is_error, "the refused file is still there")
        check(any("keep-me" in message for message in ELICITED), f"the elicitation callback was asked: {ELICITED}")
        check(len(SAMPLED) >= 1, "the sampling callback was asked")

    try:
        await client.call_tool("no_such_tool", {})
        check(False, "unknown tool is rejected")
    except Exception as error:
        check("no_such_tool" in str(error) or "Unknown tool" in str(error), f"unknown tool -> error {error!s:.80}")

    listed = [str(resource.uri) for resource in (await client.list_resources(**cache)).resources]
    check(listed == RESOURCES, f"resources/list gives {len(RESOURCES)} resources")
    templates = [template.uri_template for template in (await client.list_resource_templates(**cache)).resource_templates]
    check(templates == ["config://user/{user_id}", "file:///{+path}"], f"resources/templates/list gives {templates}")
    for uri in RESOURCES + ["config://user/alice"]:
        contents = (await client.read_resource(uri, **cache)).contents
        body = contents[0].text if contents else ""
        check(len(contents) == 1 and json.loads(body).get("timestamp") is not None, f"read {uri}")
    try:
        await client.read_resource("config://nothing", **cache)
        check(False, "unknown resource is rejected")
    except Exception as error:
        check(True, f"unknown resource -> error {error!s:.60}")

    prompts = [prompt.name for prompt in (await client.list_prompts(**cache)).prompts]
    check(prompts == EXPECTED_PROMPTS, "prompts/list gives the 8 prompts")
    for name in EXPECTED_PROMPTS:
        result = await client.get_prompt(name, PROMPT_ARGS[name])
        first = result.messages[0].content.model_dump(by_alias=True)
        check(result.messages[0].role == "user" and list(PROMPT_ARGS[name].values())[0] in first.get("text", ""), f"get prompt {name}")

    completion = await client.complete(types.PromptReference(type="ref/prompt", name="code_review"), {"name": "language", "value": "py"})
    check(completion.completion.values == ["python"], f"complete code_review.language 'py' -> {completion.completion.values}")
    users = await client.complete(types.ResourceTemplateReference(type="ref/resource", uri="config://user/{user_id}"), {"name": "user_id", "value": "a"})
    check(users.completion.values == ["admin", "alice"], f"complete config://user/{{user_id}} 'a' -> {users.completion.values}")
    if modern:
        # subscriptions/listen: the ack arrives first; this server's lists are fixed, so it honours
        # no list-changed kind. Leaving the block cancels the stream; the connection keeps working.
        watched = f"interop-{RUN}/watched.txt"
        uri = f"file:///{watched}"
        await client.call_tool("write_text_file", {"file_path": watched, "content": "one", "overwrite": True})
        async with client.listen(prompts_list_changed=True, resource_subscriptions=[uri]) as subscription:
            honored = subscription.honored.model_dump(exclude_none=True)
            check(honored.get("prompts_list_changed") is True and honored.get("resource_subscriptions") == [uri],
                  f"subscriptions/listen acknowledged, honoured {honored}")
            events = []

            async def collect() -> None:
                async for event in subscription:
                    events.append(event)

            async with anyio.create_task_group() as group:
                group.start_soon(collect)
                await client.call_tool("set_enabled", {"kind": "prompt", "name": "code_review", "enabled": False})
                await client.call_tool("set_enabled", {"kind": "prompt", "name": "code_review", "enabled": True})
                await anyio.sleep(1.1)  # the file's new modification time differs at the watcher's resolution
                await client.call_tool("write_text_file", {"file_path": watched, "content": "two", "overwrite": True})
                with anyio.move_on_after(15):
                    while not (any(type(e).__name__ == "PromptsListChanged" for e in events)
                               and any(getattr(e, "uri", None) == uri for e in events)):
                        await anyio.sleep(0.05)
                group.cancel_scope.cancel()
            names = [type(event).__name__ for event in events]
            check("PromptsListChanged" in names, f"listen: prompts list_changed after set_enabled ({names})")
            check(any(getattr(e, "uri", None) == uri for e in events), f"listen: resources/updated for {uri} ({names})")
        again = await client.call_tool("add", {"a": 1, "b": 1})
        check(not again.is_error, "requests after a cancelled listen still work")
    if not modern:
        watched = f"interop-{RUN}/watched.txt"
        uri = f"file:///{watched}"
        await client.call_tool("write_text_file", {"file_path": watched, "content": "one", "overwrite": True})
        if stateless_legacy:
            try:
                await client.subscribe_resource(uri)
                check(False, "resources/subscribe without a session is refused")
            except MCPError as error:
                check("needs a session" in error.message, f"resources/subscribe without a session: {error.message}")
        else:
            await client.subscribe_resource(uri)
            await client.call_tool("set_enabled", {"kind": "prompt", "name": "code_review", "enabled": False})
            await client.call_tool("set_enabled", {"kind": "prompt", "name": "code_review", "enabled": True})
            await anyio.sleep(1.1)
            await client.call_tool("write_text_file", {"file_path": watched, "content": "two", "overwrite": True})
            listed = await wait_for(lambda m: type(m).__name__ == "PromptListChangedNotification")
            check(listed, f"session: prompts list_changed after set_enabled ({[type(m).__name__ for m in NOTIFIED]})")
            updated = await wait_for(lambda m: type(m).__name__ == "ResourceUpdatedNotification" and m.params.uri == uri)
            check(updated, f"session: resources/updated for {uri} ({[type(m).__name__ for m in NOTIFIED]})")
        await client.send_ping()
        check(True, "ping")
        if os.environ.get("MCP_SERVER_STATELESS") == "1":
            # No session remembers a level, so the server says so instead of answering {} and never logging.
            try:
                await client.set_logging_level("info")
                check(False, "logging/setLevel without a session is refused")
            except MCPError as error:
                check("needs a session" in error.message, f"logging/setLevel without a session: {error.message}")
        else:
            await client.set_logging_level("info")
            check(True, "logging/setLevel")


async def main() -> None:
    kind, argv = sys.argv[1], sys.argv[2:]
    async with make_client(kind, argv) as client:
        await exercise(client, kind)
    print(f"{kind}: {len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    asyncio.run(main())
