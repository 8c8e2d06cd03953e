"""The inspector page in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium, against the release binary started here with the demo tools on. Each check
prints PASS or FAIL; the script exits 1 if any failed. Screenshots go to the artifacts folder.

    python3 Tests/Process/inspector_check.py --binary .build/release/mcp-server --artifacts .ci/artifacts

- the page lists every tool the server's own tools/list returns (and its resources and prompts),
  with no Content-Security-Policy violation in the browser's console;
- the calculate_bmi form (weight 70, height 1.75) shows 22.86 and the category the tool returns;
- long_task shows progress notifications while the call runs, before its result;
- a resource reads and a prompt renders through the same page;
- with API_KEY set, the page asks for the key and lists the tools once it is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, free_port, report, terminate

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait


# Every server's workspace and log, kept only when a check failed.
SCRATCH = tempfile.mkdtemp(prefix="mcp-inspector-")


def start_server(binary: str, env: dict[str, str]) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    workspace = tempfile.mkdtemp(dir=SCRATCH)
    environment = dict(os.environ)
    environment.update({"ENVIRONMENT": "development", "ENABLE_DEMO_TOOLS": "true", "LOG_LEVEL": "info"})
    environment.update(env)
    log = open(os.path.join(workspace, "..", os.path.basename(workspace) + ".log"), "w")
    process = subprocess.Popen([binary, "serve", "--port", str(port), "--workspace", workspace, "--env-file", "/dev/null"],
                               stdout=log, stderr=subprocess.STDOUT, env=environment)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return process, base, log.name
        except OSError:
            time.sleep(0.05)
    terminate(process)
    raise RuntimeError(f"server did not answer /health; log in {log.name}")


def mcp(base: str, method: str, params: dict, name: str | None = None, key: str | None = None) -> dict:
    """One 2026-07-28 request without a progress token (so a JSON answer)."""
    headers = dict(MODERN_HEADERS, **{"Mcp-Method": method})
    if name is not None:
        headers["Mcp-Name"] = name
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": dict(params, _meta=ENVELOPE)}
    request = urllib.request.Request(base + "/mcp", data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def tool_names(base: str, key: str | None = None) -> list[str]:
    """Every tool, following nextCursor: the count the page must show comes from the server itself."""
    names, cursor = [], None
    while True:
        result = mcp(base, "tools/list", {"cursor": cursor} if cursor else {}, key=key)["result"]
        names += [tool["name"] for tool in result["tools"]]
        cursor = result.get("nextCursor")
        if not cursor:
            return names


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=ChromeService(executable_path="/usr/bin/chromedriver"), options=options)


def wait(driver: webdriver.Chrome, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, seconds, poll_frequency=0.02)


def select(driver: webdriver.Chrome, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'nav button[data-name="{name}"]').click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#detail h2").text == name)


def call(driver: webdriver.Chrome) -> None:
    driver.find_element(By.ID, "call").click()


def finished(driver: webdriver.Chrome) -> str:
    """Waits until the call has an outcome; returns the status line."""
    wait(driver, 30).until(
        lambda d: d.find_element(By.ID, "status").get_attribute("class") in ("ok", "error"))
    return driver.find_element(By.ID, "status").text


def csp_violations(driver: webdriver.Chrome) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]


def check_page(driver: webdriver.Chrome, base: str, artifacts: str) -> None:
    expected = tool_names(base)
    driver.get(base + "/inspector")
    wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "true")
    listed = [button.get_attribute("data-name") for button in driver.find_elements(By.CSS_SELECTOR, "#tool-list button")]
    count = driver.find_element(By.ID, "tools-count").text
    report("inspector lists every tool", sorted(listed) == sorted(expected) and count == f"({len(expected)})",
           f"{len(listed)} listed, {len(expected)} from tools/list, heading {count}")
    resources = driver.find_elements(By.CSS_SELECTOR, "#resource-list button")
    prompts = driver.find_elements(By.CSS_SELECTOR, "#prompt-list button")
    report("inspector lists resources and prompts", len(resources) > 0 and len(prompts) > 0,
           f"{len(resources)} resources and templates, {len(prompts)} prompts")

    select(driver, "calculate_bmi")
    driver.find_element(By.ID, "arg-weight_kg").send_keys("70")
    driver.find_element(By.ID, "arg-height_m").send_keys("1.75")
    call(driver)
    status = finished(driver)
    truth = mcp(base, "tools/call", {"name": "calculate_bmi", "arguments": {"weight_kg": 70, "height_m": 1.75}},
                name="calculate_bmi")["result"]["structuredContent"]
    result = driver.find_element(By.ID, "result").text
    structured = driver.find_element(By.ID, "structured").text
    raw = driver.find_element(By.ID, "raw").text
    shown = json.loads(structured) if structured.startswith("{") else {}
    report("calculate_bmi from its form", "22.86" in result and shown.get("bmi") == 22.86
           and shown.get("category") == truth["category"] and truth["category"] in result
           and '"weight_kg": 70' in raw and status.startswith("done"),
           f"status {status!r}, result {result!r}, structured {shown}, the tool says {truth}")
    driver.save_screenshot(os.path.join(artifacts, "inspector-calculate_bmi.png"))

    select(driver, "long_task")
    driver.find_element(By.ID, "arg-steps").send_keys("5")
    driver.find_element(By.ID, "arg-step_ms").send_keys("300")
    call(driver)
    progress_before_result = 0
    deadline = time.time() + 30
    while time.time() < deadline:
        progress = len(driver.find_elements(By.CSS_SELECTOR, "#events li.progress"))
        answered = driver.find_element(By.ID, "result").text != ""
        if not answered:
            progress_before_result = max(progress_before_result, progress)
        if answered:
            break
        time.sleep(0.02)
    status = finished(driver)
    events = [item.get_attribute("class") for item in driver.find_elements(By.CSS_SELECTOR, "#events li")]
    logs = driver.find_elements(By.CSS_SELECTOR, "#events li.log")
    bar = driver.find_element(By.ID, "progress")
    report("long_task streams progress before its result",
           progress_before_result >= 1 and events.count("progress") == 5 and events[-1] == "result"
           and len(logs) == 5 and bar.get_attribute("value") == "5" and status.startswith("done"),
           f"{progress_before_result} progress item(s) shown while the call ran; in the end {events}; status {status!r}")
    driver.save_screenshot(os.path.join(artifacts, "inspector.png"))

    driver.find_element(By.CSS_SELECTOR, 'nav button[data-name="config://app"]').click()
    call(driver)
    status = finished(driver)
    result = driver.find_element(By.ID, "result").text
    first_prompt = prompts[0].get_attribute("data-name")
    report("a resource reads through the page", status.startswith("done") and "Awesome MCP Server" in result,
           f"status {status!r}, {len(result)} characters")
    select(driver, first_prompt)
    for field in driver.find_elements(By.CSS_SELECTOR, "#call-form input[required]"):
        field.send_keys("x = 1")
    call(driver)
    status = finished(driver)
    result = driver.find_element(By.ID, "result").text
    report("a prompt renders through the page", status.startswith("done") and result.startswith("user:"),
           f"{first_prompt}: status {status!r}, {len(result)} characters")
    violations = csp_violations(driver)
    report("no Content-Security-Policy violations", not violations, "; ".join(violations[:3]) or "none in the console")


def check_api_key(driver: webdriver.Chrome, binary: str) -> None:
    key = "inspector-check-key"
    process, base, _ = start_server(binary, {"API_KEY": key})
    try:
        expected = len(tool_names(base, key=key))
        driver.get(base + "/inspector")
        wait(driver).until(lambda d: d.find_element(By.ID, "notice").is_displayed())
        asked = "API key" in driver.find_element(By.ID, "notice").text
        driver.find_element(By.ID, "api-key").send_keys(key)
        driver.find_element(By.CSS_SELECTOR, "#key-form button").click()
        wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "true")
        listed = len(driver.find_elements(By.CSS_SELECTOR, "#tool-list button"))
        report("with API_KEY the page asks for it, then lists the tools", asked and listed == expected,
               f"asked: {asked}; {listed} of {expected} tools listed after entering the key")
    finally:
        terminate(process)


def check_off_in_production(binary: str) -> None:
    process, base, _ = start_server(binary, {"ENVIRONMENT": "production", "WORKERS": "1"})
    try:
        try:
            urllib.request.urlopen(base + "/inspector", timeout=5)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        report("no inspector in production unless INSPECTOR=true", status == 404, f"GET /inspector: {status}")
    finally:
        terminate(process)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--artifacts", default=".ci/artifacts")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    driver = browser()
    try:
        process, base, log = start_server(args.binary, {})
        try:
            check_page(driver, base, args.artifacts)
        finally:
            terminate(process)
        check_api_key(driver, args.binary)
    finally:
        driver.quit()
    check_off_in_production(args.binary)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} of {len(RESULTS)} inspector checks passed; screenshots in {args.artifacts}")
    if failed:
        print(f"server logs kept in {SCRATCH}")
    else:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
