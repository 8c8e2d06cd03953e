"""Amplification: every tool, resource and prompt of the example server with adversarial
arguments at the body limit, against the release binary (one worker), printing how much each
request raised the worker's peak RSS. The acceptance (issue 10): no request under MAX_BODY_SIZE
raises a worker's RSS by more than MAX_RESULT_SIZE x a small factor.

The peak is the kernel's high-water mark (VmHWM), reset before each request through
/proc/<pid>/clear_refs, so short spikes between samples are seen too.

Usage:
    python3 Tests/Process/amplification.py --binary .build/release/mcp-server [--factor 24]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time

from checklib import ENVELOPE, MODERN_HEADERS, Server, free_port

MIB = 1024 * 1024
BODY = 4 * MIB
RESULT = 1 * MIB


def status_kib(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def request(port: int, method: str, params: dict) -> tuple[int, bytes, str]:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": dict(params, _meta=ENVELOPE)},
                      ensure_ascii=False, separators=(",", ":")).encode()
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": method})
    if "name" in params:
        headers["Mcp-Name"] = params["name"]
    elif "uri" in params:
        headers["Mcp-Name"] = params["uri"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", "/mcp", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
    except OSError as error:
        return len(body), b"", f"connection closed: {error!r}"
    finally:
        connection.close()
    outcome = f"HTTP {response.status}"
    try:
        parsed = json.loads(answer)
        if "error" in parsed:
            outcome = f"error {parsed['error']['code']}: {parsed['error']['message'][:60]}"
        elif parsed.get("result", {}).get("isError"):
            outcome = "tool error: " + parsed["result"]["content"][0]["text"][:60]
        else:
            outcome = f"ok, {len(answer)} bytes"
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return len(body), answer, outcome


def fill(unit: str, size: int) -> str:
    """`unit` repeated to `size` bytes of UTF-8 (less a little room for the envelope)."""
    room = size - 600
    count = room // len(unit.encode())
    return unit * count


def cases() -> list[tuple[str, str, dict]]:
    words = fill("a ", BODY)
    unique = " ".join(f"w{index}" for index in range(420_000))[: BODY - 600]
    combining = fill("e\u0301", BODY)
    just_under = fill("Ab ", RESULT // 2 - 2000)
    emails = fill("a@b.cc ", MIB - 600)
    urls = fill("http://x.y/ ", MIB - 600)
    numbers = [0] * ((BODY - 600) // 2)
    nested: object = [1] * 100_000
    for _ in range(60):
        nested = [nested]
    objects = [{"a": 1}] * ((BODY - 600) // 8)
    tool = lambda name, arguments: ("tools/call", name, {"name": name, "arguments": arguments})
    listed = [
        ("tools/list", "tools/list", {}),
        tool("add", {"a": 1e308, "b": 1e308}),
        tool("divide", {"a": 1, "b": 3}),
        tool("power", {"a": 2, "b": 1000}),
        tool("calculate", {"expression": "(" * 60 + "1" + ")" * 60}),
        tool("average", {"numbers": numbers}),
        tool("calculate_bmi", {"weight_kg": 70, "height_m": 1e-300}),
        tool("percentage", {"value": 1e308, "percentage": 1e308}),
        tool("sqrt", {"x": 1e308}),
        tool("subtract", {"a": -1e308, "b": 1e308}),
        tool("multiply", {"a": 1e308, "b": 1e308}),
        tool("count_words", {"text": words}),
        tool("count_words", {"text": combining}),
        tool("text_statistics", {"text": words}),
        tool("text_statistics", {"text": unique}),
        tool("clean_text", {"text": words}),
        tool("clean_text", {"text": just_under}),
        tool("convert_case", {"text": words, "case_type": "upper"}),
        tool("convert_case", {"text": just_under, "case_type": "title"}),
        tool("generate_slug", {"text": combining}),
        tool("generate_slug", {"text": just_under}),
        tool("extract_emails", {"text": emails}),
        tool("extract_urls", {"text": urls}),
        tool("replace_text", {"text": "a" * 201 * 1024, "pattern": "a", "replacement": "b" * 2000}),
        tool("replace_text", {"text": fill("a", BODY), "pattern": "a", "replacement": ""}),
        tool("replace_text", {"text": "a" * 201 * 1024, "pattern": "a", "replacement": "b" * 2000, "use_regex": True}),
        tool("replace_text", {"text": fill("a", MIB), "pattern": "a*", "replacement": "xy", "use_regex": True}),
        tool("replace_text", {"text": "a" * 5000 + "!", "pattern": "(a|aa)+$", "replacement": "x", "use_regex": True}),
        tool("write_text_file", {"file_path": "big.txt", "content": fill("x", BODY), "overwrite": True}),
        tool("write_text_file", {"file_path": "half.txt", "content": fill("x", RESULT // 2), "overwrite": True}),
        tool("write_json_file", {"file_path": "nested.json", "data": nested, "indent": 8, "overwrite": True}),
        tool("write_json_file", {"file_path": "objects.json", "data": objects, "indent": 8, "overwrite": True}),
        tool("write_json_file", {"file_path": "small.json", "data": objects[:60_000], "indent": 0, "overwrite": True}),
        tool("read_text_file", {"file_path": "big.txt"}),
        tool("read_text_file", {"file_path": "half.txt"}),
        tool("read_json_file", {"file_path": "small.json"}),
        tool("list_directory", {"directory_path": "."}),
        tool("file_info", {"file_path": "x/" * 2000 + "y"}),
        tool("create_directory", {"directory_path": "d/" * 400 + "e"}),
        # The URI travels in the Mcp-Name header too, so MAX_HEADER_BYTES (16 KiB) bounds it.
        ("resources/read", "config://user/{id}", {"uri": "config://user/" + "u" * 15_000}),
    ]
    for uri in ["system://info", "system://memory", "system://cpu", "system://disk", "system://processes",
                "system://network", "config://app", "config://version", "config://capabilities",
                "config://environment"]:
        listed.append(("resources/read", uri, {"uri": uri}))
    for name, arguments in [
        ("code_review", {"code": fill("x", BODY - 2000), "language": "python"}),
        ("code_review", {"code": "x", "language": fill("y", RESULT // 3 - 2000)}),
        ("bug_analysis", {"error_message": fill("e", RESULT // 2), "code_context": fill("c", RESULT // 2 - 4000)}),
        ("code_optimization", {"code": fill("x", RESULT - 4000)}),
        ("architecture_review", {"description": fill("s", RESULT - 4000)}),
        ("data_analysis", {"data_description": fill("d", RESULT - 4000)}),
        ("statistical_analysis", {"hypothesis": fill("h", RESULT // 2), "data_info": fill("d", RESULT // 2 - 4000)}),
        ("predictive_modeling", {"target_variable": fill("t", RESULT // 2), "features_description": "f"}),
        ("data_quality_assessment", {"dataset_info": fill("q", RESULT - 4000)}),
    ]:
        listed.append(("prompts/get", name, {"name": name, "arguments": arguments}))
    return listed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--factor", type=float, default=32,
                        help="pass when no request raises peak RSS by more than MAX_RESULT_SIZE x this")
    arguments = parser.parse_args()
    port = free_port()
    server = Server(arguments.binary, port,
                    {"MAX_BODY_SIZE": str(BODY), "MAX_RESULT_SIZE": str(RESULT), "TOOL_TIMEOUT": "60",
                     "WORKER_TIMEOUT": "60"}, workers=1)
    rows = []
    try:
        worker = server.workers()[0]
        for method, name, params in cases():
            with open(f"/proc/{worker}/clear_refs", "w") as handle:
                handle.write("5")
            before = status_kib(worker, "VmRSS")
            started = time.time()
            body, _, outcome = request(port, method, params)
            took = time.time() - started
            peak = status_kib(worker, "VmHWM")
            after = status_kib(worker, "VmRSS")
            rows.append((method, name, body, outcome, before, peak, after, took))
            if server.workers() != [worker]:
                rows.append((method, name, body, "WORKER DIED", before, peak, after, took))
                break
    finally:
        server.stop()
    print(f"{'request':52} {'body':>9} {'RSS before':>10} {'peak':>9} {'rise':>9} {'rise/limit':>10} {'time':>6}  answer")
    worst = 0.0
    for method, name, body, outcome, before, peak, after, took in rows:
        rise = max(0, peak - before) / 1024
        worst = max(worst, rise)
        label = f"{method} {name}"[:52]
        print(f"{label:52} {body / MIB:8.2f}M {before / 1024:9.1f}M {peak / 1024:8.1f}M {rise:8.1f}M "
              f"{rise / (RESULT / MIB):9.1f}x {took:5.2f}s  {outcome}")
    died = any(row[3] == "WORKER DIED" for row in rows)
    ok = worst <= RESULT / MIB * arguments.factor and not died
    print(f"{'PASS' if ok else 'FAIL'} amplification: {len(rows)} requests at the {BODY // MIB} MiB body limit; "
          f"worst peak-RSS rise {worst:.1f} MiB = {worst / (RESULT / MIB):.1f} x MAX_RESULT_SIZE "
          f"(bound: {arguments.factor:g} x); worker died: {died}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
