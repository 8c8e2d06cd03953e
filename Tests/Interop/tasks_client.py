"""Tasks through the official Python MCP SDK client (mcp 2.3.0), in both eras.

Usage:
    python tasks_client.py http-modern   URL [URL2]
    python tasks_client.py http-legacy   URL [URL2]
    python tasks_client.py stdio-modern  COMMAND [ARGS...]
    python tasks_client.py stdio-legacy  COMMAND [ARGS...]

2026-07-28 (`mode="2026-07-28"`): the client declares the `io.modelcontextprotocol/tasks`
extension through a `ClientExtension` whose `ResultClaim` takes `resultType: "task"` answers
to `tools/call`; its resolver polls `tasks/get` (a request class of ours, sent with
`session.send_request`, `Mcp-Name` = the task id) until the task is terminal and returns the
result, so `client.call_tool` hands back the finished report. mcp 2.3.0 has no tasks API of its
own for 2026-07-28, and its server implements none, so the field names are the extension's
schema (`ttlMs`, `pollIntervalMs`).

2025-11-25 (`mode="legacy"`, a session): `tools/call` with `params.task` (sent raw: the
client's own validation knows only `CallToolResult` for `tools/call`), then `tasks/get`,
`tasks/list`, `tasks/result` and `tasks/cancel` with `session.send_request`.

Both: one report is created, polled to completion with its progress seen in `statusMessage`,
and its result fetched; another is cancelled, and stays cancelled. With a second URL, the
tasks are created through the first and polled, fetched and cancelled through the second
(two replicas sharing one store). Prints one line per check; exits 1 if any check failed.
"""

from __future__ import annotations

import asyncio
import sys
import time
import warnings
from typing import Any, ClassVar, Literal

warnings.filterwarnings("ignore", category=DeprecationWarning)

import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.client.extension import ClaimContext, ClientExtension, ResultClaim
from pydantic import TypeAdapter

EXTENSION = "io.modelcontextprotocol/tasks"
RAW = TypeAdapter(dict[str, Any])
FAILURES: list[str] = []
TERMINAL = {"completed", "failed", "cancelled"}


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


class TaskIdParams(types.RequestParams):
    task_id: str


class TasksGet(types.Request[TaskIdParams, Literal["tasks/get"]]):
    method: Literal["tasks/get"] = "tasks/get"
    params: TaskIdParams
    name_param: ClassVar[str | None] = "taskId"


class TasksCancel(types.Request[TaskIdParams, Literal["tasks/cancel"]]):
    method: Literal["tasks/cancel"] = "tasks/cancel"
    params: TaskIdParams
    name_param: ClassVar[str | None] = "taskId"


class TasksResult(types.Request[TaskIdParams, Literal["tasks/result"]]):
    method: Literal["tasks/result"] = "tasks/result"
    params: TaskIdParams


class TasksList(types.Request[types.RequestParams, Literal["tasks/list"]]):
    method: Literal["tasks/list"] = "tasks/list"
    params: types.RequestParams


class CreateTaskResult(types.Result):
    """The extension's `CreateTaskResult`: `resultType: "task"` and the task's fields."""

    result_type: Literal["task"]
    task_id: str
    status: str
    created_at: str
    last_updated_at: str
    ttl_ms: int | None
    poll_interval_ms: int | None = None
    status_message: str | None = None


class Tasks(ClientExtension):
    """Declares the extension and finishes `resultType: "task"` answers by polling."""

    identifier = EXTENSION

    def __init__(self) -> None:
        self.created: list[CreateTaskResult] = []
        self.progress_seen: list[str] = []
        self.session: Any = None

    def claims(self) -> list[ResultClaim[Any]]:
        return [ResultClaim(result_type="task", model=CreateTaskResult, resolve=self.resolve)]

    async def resolve(self, created: CreateTaskResult, ctx: ClaimContext) -> types.CallToolResult:
        self.created.append(created)
        task = await poll(ctx.session, created.task_id, self.progress_seen, created.poll_interval_ms)
        if task["status"] != "completed":
            raise RuntimeError(f"task ended {task['status']}: {task.get('error')}")
        return types.CallToolResult.model_validate(task["result"])


async def get(session: Any, task_id: str) -> dict[str, Any]:
    return await session.send_request(TasksGet(params=TaskIdParams(task_id=task_id)), RAW)


async def poll(session: Any, task_id: str, seen: list[str], interval_ms: int | None) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        task = await get(session, task_id)
        if task.get("statusMessage"):
            seen.append(task["statusMessage"])
        if task["status"] in TERMINAL:
            return task
        await asyncio.sleep(min(interval_ms or 1000, 200) / 1000)
    raise RuntimeError(f"task {task_id} did not finish within 60 s")


def make_client(kind: str, target: list[str], extension: Tasks | None) -> Client:
    mode = "2026-07-28" if kind.endswith("modern") else "legacy"
    options: dict[str, Any] = dict(mode=mode, read_timeout_seconds=60)
    if extension is not None:
        options["extensions"] = [extension]
    if kind.startswith("stdio"):
        return Client(StdioServerParameters(command=target[0], args=target[1:], env=None), **options)
    return Client(target[0], **options)


REPORT = {"topic": "Tasks", "sections": 4, "section_ms": 150}
SLOW = {"topic": "Slow", "sections": 50, "section_ms": 2000}


class Same:
    """Stands for the second client where there is one server process (stdio)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def __aenter__(self) -> Client:
        return self.client

    async def __aexit__(self, *_: Any) -> None:
        return None


def second_client(kind: str, client: Client, target: list[str] | None, extension: Tasks | None) -> Any:
    return Same(client) if target is None else make_client(kind, target, extension)


async def modern(kind: str, first: list[str], second: list[str] | None) -> None:
    creator, poller = Tasks(), Tasks()
    async with make_client(kind, first, creator) as client, second_client(kind, client, second, poller) as other:
        check(client.protocol_version == "2026-07-28", f"{kind}: speaks 2026-07-28")
        result = await client.call_tool("generate_report", REPORT)
        check(len(creator.created) == 1, f"{kind}: tools/call answered resultType task (a task was created)")
        check(not result.is_error and "Conclusions of Tasks" in str(result.structured_content),
              f"{kind}: the finished report came back through tasks/get")
        check(any("Wrote section" in message for message in creator.progress_seen),
              f"{kind}: progress seen while polling ({sorted(set(creator.progress_seen))[:3]})")
        # Another task, held as a task: polled and cancelled through the other connection.
        created = await client.session.call_tool("generate_report", SLOW, allow_claimed=True)
        check(isinstance(created, CreateTaskResult) and created.status == "working", f"{kind}: a second task is working")
        task_id = created.task_id
        seen = await get(other.session, task_id)
        check(seen["status"] == "working" and seen["ttlMs"] > 0, f"{kind}: polled through the other client")
        ack = await other.session.send_request(TasksCancel(params=TaskIdParams(task_id=task_id)), RAW)
        check(ack.get("resultType") == "complete", f"{kind}: tasks/cancel acknowledged")
        task = await poll(client.session, task_id, [], 100)
        check(task["status"] == "cancelled", f"{kind}: the cancelled task stays cancelled")


async def legacy(kind: str, first: list[str], second: list[str] | None) -> None:
    async with make_client(kind, first, None) as client, second_client(kind, client, second, None) as other:
        session = client.session
        check(client.protocol_version == "2025-11-25", f"{kind}: a 2025-11-25 session")
        tasks_capability = client.server_capabilities.model_dump(by_alias=True, exclude_none=True).get("tasks", {})
        check("call" in tasks_capability.get("requests", {}).get("tools", {}), f"{kind}: the tasks capability covers tools/call")
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        execution = tools["generate_report"].model_dump(by_alias=True, exclude_none=True).get("execution", {})
        check(execution.get("taskSupport") == "optional", f"{kind}: generate_report says execution.taskSupport optional")

        async def create(arguments: dict[str, Any]) -> dict[str, Any]:
            # Raw: the client validates tools/call answers as CallToolResult only.
            params = {"name": "generate_report", "arguments": arguments, "task": {"ttl": 600000}}
            return await session._dispatcher.send_raw_request("tools/call", params, {"timeout": 30})

        created = (await create(REPORT))["task"]
        check(created["status"] == "working" and created["ttl"] == 600000, f"{kind}: CreateTaskResult with the asked ttl")
        seen: list[str] = []
        task = await poll(other.session, created["taskId"], seen, created.get("pollInterval"))
        check(task["status"] == "completed", f"{kind}: polled to completed through the other client")
        check(any("Wrote section" in message for message in seen), f"{kind}: progress seen while polling")
        result = await other.session.send_request(TasksResult(params=TaskIdParams(task_id=created["taskId"])), RAW)
        check("Conclusions of Tasks" in str(result.get("structuredContent")), f"{kind}: tasks/result gives the report")
        related = result.get("_meta", {}).get("io.modelcontextprotocol/related-task", {})
        check(related.get("taskId") == created["taskId"], f"{kind}: tasks/result names its task")
        listed = await session.send_request(TasksList(params=types.RequestParams()), RAW)
        check(any(item["taskId"] == created["taskId"] for item in listed["tasks"]), f"{kind}: tasks/list lists it")
        slow = (await create(SLOW))["task"]
        cancelled = await other.session.send_request(TasksCancel(params=TaskIdParams(task_id=slow["taskId"])), RAW)
        check(cancelled["status"] == "cancelled", f"{kind}: tasks/cancel answers the cancelled task")
        later = await get(session, slow["taskId"])
        check(later["status"] == "cancelled", f"{kind}: it stays cancelled")


async def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    kind = sys.argv[1]
    rest = sys.argv[2:]
    # stdio: one server process, one client (each stdio server has its own store).
    first, second = ([rest[0]], [rest[-1]]) if kind.startswith("http") else (rest, None)
    await (modern if kind.endswith("modern") else legacy)(kind, first, second)
    print(f"{len(FAILURES)} failed" if FAILURES else "all tasks checks passed")
    if FAILURES:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
