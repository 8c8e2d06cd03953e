"""The requests the benchmark sends (bench.py with wrk, callgrind.py with its own client)."""

ENVELOPE = (
    '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
    '"io.modelcontextprotocol/clientCapabilities":{}}'
)


def modern(method: str, params: str, name: str | None = None) -> dict:
    headers = f"MCP-Protocol-Version: 2026-07-28\nMcp-Method: {method}"
    if name:
        headers += f"\nMcp-Name: {name}"
    body = f'{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{{{params}{"," if params else ""}{ENVELOPE}}}}}'
    return {"body": body, "headers": headers}


# Every workload: its request, and what each answer must (and must not) contain. With
# `sized_ceiling`, bench.py also runs the ceiling answering as many bytes as this workload's answer
# (`ceiling_sized`, its /mcp/sized/N), for answers far larger than the ceiling's 36 bytes.
WORKLOADS = {
    "call_add_2026": dict(
        modern("tools/call", '"name":"add","arguments":{"a":2,"b":3}', "add"), expect='"result":', reject='"isError":true',
        title="tools/call add (2026-07-28)"),
    "list_tools_2026": dict(modern("tools/list", ""), expect='"tools":[', title="tools/list (2026-07-28)",
                            sized_ceiling=True),
    "read_resource_2026": dict(
        modern("resources/read", '"uri":"config://version"', "config://version"), expect='"contents":[',
        title="resources/read config://version (2026-07-28)"),
    "get_prompt_2026": dict(
        modern("prompts/get", '"name":"code_review","arguments":{"code":"print(1)"}', "code_review"),
        expect='"messages":[', title="prompts/get code_review (2026-07-28)"),
    "call_add": dict(
        body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}',
        headers="MCP-Protocol-Version: 2025-06-18", expect='"isError":false', title="tools/call add (2025-06-18, stateless)"),
    "list_tools": dict(
        body='{"jsonrpc":"2.0","id":1,"method":"tools/list"}', headers="MCP-Protocol-Version: 2025-06-18",
        expect='"tools":[', title="tools/list (2025-06-18, stateless)", sized_ceiling=True),
    "session_call": dict(
        body='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}',
        headers="MCP-Protocol-Version: 2025-06-18", expect='"isError":false', session=True,
        title="tools/call add in a handshake-era session (Mcp-Session-Id)"),
    "ceiling": dict(body='{"jsonrpc":"2.0","id":1,"method":"tools/call"}', headers="", expect='"result":{}',
                    title="ceiling: fixed body"),
    "ceiling_sized": dict(body='{"jsonrpc":"2.0","id":1,"method":"tools/list"}', headers="",
                          expect='"result":{"pad":"', title="ceiling: a body of a given size"),
}
