"""Real-component check of deploy/monitoring/: promtool validates the Prometheus config and the
alert rules (and unit-tests that the alerts fire), a real Prometheus runs the committed
configuration against a live 2-worker server, and every metric the alerts and the Grafana
dashboard query must be one the server really exports. Each check prints PASS or FAIL with its
figures; the script exits 1 if any check failed.

Usage:
    python3 Tests/Deploy/monitoring_check.py --binary .build/release/mcp-server

Needs prometheus and promtool (Debian package "prometheus") and PyYAML (pip install pyyaml).

The committed prometheus.yml is copied, with alerts.yml beside it, into a temporary folder;
the only substitution is the target address mcp-server-prod:8000 -> 127.0.0.1:<port>. The
listen address and storage path are given as flags.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Process"))
from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report, terminate  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MONITORING = os.path.join(ROOT, "deploy", "monitoring")
PROMETHEUS_YML = os.path.join(MONITORING, "prometheus.yml")
ALERTS_YML = os.path.join(MONITORING, "alerts.yml")
GRAFANA = os.path.join(MONITORING, "grafana")
DASHBOARD = os.path.join(GRAFANA, "dashboards", "mcp-server.json")
TARGET = "mcp-server-prod:8000"

# Each alert fed a series that should make it fire, and the labels it should then carry.
RULE_TESTS = """
rule_files: [{alerts}]
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
      - series: 'up{{job="mcp-server", instance="a:8000"}}'
        values: '0x10'
      - series: 'http_requests_total{{job="mcp-server", instance="a:8000", method="POST", route="/mcp", status="500"}}'
        values: '0+10x60'
      - series: 'http_requests_total{{job="mcp-server", instance="a:8000", method="POST", route="/mcp", status="200"}}'
        values: '0+10x60'
      - series: 'http_request_duration_seconds_bucket{{job="mcp-server", instance="a:8000", method="POST", route="/mcp", le="2.5"}}'
        values: '0x60'
      - series: 'http_request_duration_seconds_bucket{{job="mcp-server", instance="a:8000", method="POST", route="/mcp", le="5.0"}}'
        values: '0+10x60'
      - series: 'http_request_duration_seconds_bucket{{job="mcp-server", instance="a:8000", method="POST", route="/mcp", le="+Inf"}}'
        values: '0+10x60'
      - series: 'mcp_worker_restarts_total{{job="mcp-server", instance="a:8000", reason="crashed"}}'
        values: '0 0 1 1 1 1 1 1 1 1'
      - series: 'mcp_worker_restarts_total{{job="mcp-server", instance="a:8000", reason="recycled"}}'
        values: '0+5x10'
      - series: 'mcp_worker_resident_memory_bytes{{job="mcp-server", instance="a:8000", worker="0"}}'
        values: '600000000x60'
    alert_rule_test:
      - {{eval_time: 2m, alertname: MCPServerDown, exp_alerts: [{{exp_labels: {{severity: critical, job: mcp-server, instance: "a:8000"}}}}]}}
      - {{eval_time: 12m, alertname: MCPHighErrorRate, exp_alerts: [{{exp_labels: {{severity: warning, instance: "a:8000"}}}}]}}
      - {{eval_time: 14m, alertname: MCPHighLatencyP99, exp_alerts: [{{exp_labels: {{severity: warning, instance: "a:8000", route: /mcp}}}}]}}
      - {{eval_time: 2m, alertname: MCPWorkerRestarts, exp_alerts: [{{exp_labels: {{severity: warning, instance: "a:8000", reason: crashed}}}}]}}
      - {{eval_time: 12m, alertname: MCPWorkerMemoryHigh, exp_alerts: [{{exp_labels: {{severity: warning, instance: "a:8000", worker: "0"}}}}]}}
"""

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
                "offset", "inf", "nan", "le"}


# --- PromQL metric names ----------------------------------------------------------------------

def selectors(expression: str) -> list[tuple[str, list[str]]]:
    """(metric name, label names in its matchers) for every series selector in a PromQL
    expression. Enough PromQL for these files: strings, ranges, grouping clauses and function
    calls are told apart from metric names."""
    text = expression.replace("$__rate_interval", "5m").replace("$__interval", "1m")
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    found = []
    for match in re.finditer(r'([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})?(\s*\()?', text):
        name, matchers, call = match.groups()
        if call or name in PROMQL_WORDS or _inside_braces(text, match.start()):
            continue
        labels = re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)', re.sub(r'"(?:[^"\\]|\\.)*"', '""', matchers or ""))
        found.append((name, labels))
    return found


def _inside_braces(text: str, index: int) -> bool:
    depth = 0
    quoted = False
    for char in text[:index]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "{":
            depth += 1
        elif not quoted and char == "}":
            depth -= 1
    return depth > 0 or quoted


def exported(metrics_text: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Metric families the server exports (name -> type) and the label names seen per name."""
    types: dict[str, str] = {}
    labels: dict[str, set[str]] = {}
    for line in metrics_text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            types[name] = kind
        elif line and not line.startswith("#"):
            match = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{([^}]*)\})?", line)
            names = set(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="', match.group(3) or ""))
            labels.setdefault(match.group(1), set()).update(names)
    return types, labels


def family(name: str, types: dict[str, str]) -> str | None:
    """The exported family a queried name belongs to (histogram series map to their base)."""
    if name in types:
        return name
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return None


# --- checks -----------------------------------------------------------------------------------

def check_promtool(promtool: str, scratch: str) -> None:
    config = subprocess.run([promtool, "check", "config", PROMETHEUS_YML], capture_output=True, text=True)
    report("promtool check config", config.returncode == 0, " | ".join(
        line.strip() for line in (config.stdout + config.stderr).splitlines() if line.strip()))
    rules = subprocess.run([promtool, "check", "rules", ALERTS_YML], capture_output=True, text=True)
    report("promtool check rules", rules.returncode == 0, " | ".join(
        line.strip() for line in (rules.stdout + rules.stderr).splitlines() if line.strip()))
    # promtool compares annotations too; their templates are checked above, so the unit test
    # runs on a copy without them and looks at what fires, when, with which labels.
    rules = yaml.safe_load(open(ALERTS_YML))
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    bare = os.path.join(scratch, "alerts_bare.yml")
    with open(bare, "w") as file:
        yaml.safe_dump(rules, file)
    tests = os.path.join(scratch, "alerts_test.yml")
    with open(tests, "w") as file:
        file.write(RULE_TESTS.format(alerts=json.dumps(bare)))
    unit = subprocess.run([promtool, "test", "rules", tests], capture_output=True, text=True)
    report("promtool test rules", unit.returncode == 0,
           "each of the 5 alerts fires on a series built to trip it (and not on routine recycling): "
           + " | ".join(line.strip() for line in (unit.stdout + unit.stderr).splitlines() if line.strip())[-600:])


def exercise(server: Server) -> None:
    """Calls that make every metric family appear: tools that succeed and fail, an SSE call,
    a handshake-era session, and enough REST calls to trip the server's own rate limiter."""
    tool_headers = dict(MODERN_HEADERS, **{"Mcp-Method": "tools/call"})
    for name, arguments, meta in (("add", {"a": 1, "b": 2}, ENVELOPE), ("divide", {"a": 1, "b": 0}, ENVELOPE),
                                  ("long_task", {"steps": 2, "step_ms": 50}, dict(ENVELOPE, progressToken="p"))):
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments, "_meta": meta}}
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/mcp", data=json.dumps(body).encode(),
                                         headers=dict(tool_headers, **{"Mcp-Name": name}), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:  # JSON, or SSE for long_task
            response.read()
    server.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "monitoring-check", "version": "1"}}},
        {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    for _ in range(60):
        server.get("/api/v1/tools")


def check_prometheus(prometheus: str, server: Server, scratch: str, expressions: list[str]) -> None:
    folder = os.path.join(scratch, "prometheus")
    os.makedirs(folder)
    text = open(PROMETHEUS_YML).read()
    if text.count(TARGET) != 1:
        report("prometheus", False, f"expected one {TARGET} in prometheus.yml, found {text.count(TARGET)}")
        return
    with open(os.path.join(folder, "prometheus.yml"), "w") as file:
        file.write(text.replace(TARGET, f"127.0.0.1:{server.port}"))
    shutil.copy(ALERTS_YML, folder)
    port = free_port()
    process = subprocess.Popen([prometheus, f"--config.file={folder}/prometheus.yml", f"--storage.tsdb.path={folder}/data",
                                f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def api(path: str) -> dict:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/{path}", timeout=5) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            # While it starts, Prometheus answers 503 with a text body: not an answer yet.
            try:
                return json.load(error)
            except ValueError:
                return {"status": f"HTTP {error.code}"}
        except (OSError, ValueError):
            return {"status": "unreachable"}

    def query(expression: str) -> dict:
        return api("query?query=" + urllib.parse.quote(expression))

    def value(expression: str) -> float | None:
        result = query(expression).get("data", {}).get("result", [])
        return float(result[0]["value"][1]) if result else None

    def wait(condition, timeout: float) -> float:
        started = time.time()
        while not condition() and time.time() - started < timeout:
            time.sleep(0.5)
        return time.time() - started

    try:
        up_after = wait(lambda: value('up{job="mcp-server"}') == 1.0, 40)
        up = value('up{job="mcp-server"}')
        workers = value('sum(mcp_workers{job="mcp-server"})')
        report("prometheus scrapes the server", up == 1.0 and workers == 2.0,
               f'committed prometheus.yml: up{{job="mcp-server"}} = {up} after {up_after:.1f} s; '
               f"sum(mcp_workers) = {workers}")

        def rules_evaluated() -> list[dict]:
            groups = api("rules").get("data", {}).get("groups", [])
            return [rule for group in groups for rule in group["rules"]]

        wait(lambda: (rules := rules_evaluated()) and all(rule.get("health") == "ok" for rule in rules), 40)
        rules = rules_evaluated()
        report("alert rules evaluate", len(rules) == 5 and all(rule.get("health") == "ok" for rule in rules),
               ", ".join(f"{rule['name']}: {rule.get('health')} ({rule.get('state')})" for rule in rules)
               or "no rules loaded")

        # rate() needs two scrapes: wait until the request rate shows, then run every query.
        rate_after = wait(lambda: value('sum(rate(http_requests_total{job="mcp-server"}[1m]))') is not None, 40)
        failures, empty = [], 0
        for expression in expressions:
            answer = query(expression.replace("$__rate_interval", "1m"))
            if answer.get("status") != "success":
                failures.append(f"{expression[:60]}...: {answer.get('error', answer.get('status'))}")
            elif not answer["data"]["result"]:
                empty += 1
        report("alert and dashboard queries run", not failures,
               f"{len(expressions)} expressions through the HTTP API ({rate_after:.1f} s until rates had two "
               f"samples): {len(expressions) - len(failures)} without error, {empty} with no series yet (alerts "
               f"that do not fire, histograms without slow requests)" + (f"; errors: {failures}" if failures else ""))
    finally:
        terminate(process)


def check_grafana() -> list[str]:
    """Provisioning and dashboard structure; returns the dashboard's query expressions."""
    datasources = yaml.safe_load(open(os.path.join(GRAFANA, "provisioning", "datasources", "prometheus.yml")))
    providers = yaml.safe_load(open(os.path.join(GRAFANA, "provisioning", "dashboards", "dashboards.yml")))
    dashboard = json.load(open(DASHBOARD))
    source = datasources["datasources"][0]
    provider = providers["providers"][0]
    panels = dashboard["panels"]
    targets = [target for panel in panels for target in panel.get("targets", [])]
    uids = {ref["uid"] for item in panels + targets for ref in [item.get("datasource", {})]}
    ids = [panel["id"] for panel in panels]
    ok = (source["uid"] == "prometheus" and source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
          and provider["type"] == "file" and provider["options"]["path"] == "/var/lib/grafana/dashboards"
          and uids == {"prometheus"} and len(set(ids)) == len(ids) and all(target.get("expr") for target in targets)
          and all(panel.get("targets") for panel in panels))
    report("grafana provisioning", ok, f"datasource uid {source['uid']!r} -> {source['url']}; provider "
           f"{provider['type']} at {provider['options']['path']}; dashboard {dashboard['uid']!r}: {len(panels)} panels, "
           f"{len(targets)} queries, datasource uids {sorted(uids)}")
    return [target["expr"] for target in targets]


def check_names(server: Server, dashboard: list[str], alerts: list[str]) -> None:
    _, text = server.get("/metrics")
    types, labels = exported(text)
    missing, bad_labels, checked = [], [], set()
    for where, expressions in (("dashboard", dashboard), ("alerts", alerts)):
        for expression in expressions:
            for name, used in selectors(expression):
                if name == "up":  # Prometheus's own series for every target
                    checked.add(name)
                    continue
                base = family(name, types)
                if base is None:
                    missing.append(f"{where}: {name}")
                    continue
                checked.add(base)
                known = labels.get(name, set()) | {"job", "instance"}  # the two Prometheus adds
                bad_labels += [f"{where}: {name}{{{label}}}" for label in used if label not in known]
    report("queried metrics exist", not missing and not bad_labels and len(checked) > 1,
           f"{len(checked)} metric families checked against the live /metrics ({', '.join(sorted(checked))}); "
           f"missing: {missing or 'none'}; unknown matcher labels: {bad_labels or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    parser.add_argument("--promtool", default=shutil.which("promtool") or "/usr/bin/promtool")
    arguments = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="monitoring-check-")
    server = None
    try:
        check_promtool(arguments.promtool, scratch)
        alert_expressions = [rule["expr"] for group in yaml.safe_load(open(ALERTS_YML))["groups"] for rule in group["rules"]]
        dashboard_expressions = check_grafana()
        server = Server(arguments.binary, free_port(), {
            "ENABLE_DEMO_TOOLS": "true", "STATELESS_HTTP": "false", "RATE_LIMIT_REQUESTS": "20"}, workers=2)
        exercise(server)
        time.sleep(1.5)  # workers publish their counters to the supervisor's /metrics shortly after
        check_names(server, dashboard_expressions, alert_expressions)
        check_prometheus(arguments.prometheus, server, scratch, alert_expressions + dashboard_expressions)
    except Exception as error:  # a check that crashes is a failed check
        report("monitoring", False, f"error: {error!r}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"monitoring checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
