#!/usr/bin/env python3
"""In-process TLS (the `TLS` trait, which `make build` and the Dockerfile switch on).

A self-signed certificate made with openssl; the release binary serves it with TLS_CERT_FILE and
TLS_KEY_FILE, once as one process binding its own socket and once as supervisor + 2 workers
(the workers accept on the inherited socket). In each: curl, trusting only that certificate,
gets /health and a 2026-07-28 `tools/call`; a plain-HTTP request to the same port gets no HTTP
answer; a TLS 1.1-only client is refused; `mcp-server healthcheck` probes over https.
A certificate without its key stops the server with exit status 2.

    python3 Tests/Process/tls_check.py --binary .build/release/mcp-server
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
import warnings

from checklib import ENVELOPE, free_port, report, run_checks, terminate


def certificate(folder: str) -> tuple[str, str]:
    cert, key = os.path.join(folder, "server.crt"), os.path.join(folder, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def curl(port: int, cert: str, path: str, body: dict | None = None) -> tuple[int, str]:
    command = ["curl", "-sS", "--max-time", "10", "--cacert", cert, "-o", "-", "-w", "\n%{http_code}",
               f"https://127.0.0.1:{port}{path}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream",
                    "-H", "MCP-Protocol-Version: 2026-07-28", "-H", "Mcp-Method: tools/call", "-H", "Mcp-Name: add",
                    "--data-binary", json.dumps(body)]
    done = subprocess.run(command, capture_output=True, text=True)
    text, _, status = done.stdout.rpartition("\n")
    return int(status or 0), text or done.stderr


def plain_http_answer(port: int) -> bytes:
    """What a plain-HTTP request to the TLS port gets back (no HTTP status line is the point)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            return connection.recv(200)
        except OSError:
            return b""


def handshake(port: int, version: ssl.TLSVersion) -> bool:
    """Whether a client that speaks only `version` completes a handshake."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version
        context.maximum_version = version
    if version < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("ALL:@SECLEVEL=0")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with context.wrap_socket(raw):
                return True
    except (ssl.SSLError, OSError):
        return False


def serve(binary: str, env: dict[str, str], arguments: list[str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = dict(os.environ, PORT=str(port), LOG_LEVEL="warning", **env)
    process = subprocess.Popen([binary, "serve", "--env-file", "/dev/null", *arguments], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return process, port


def wait_https(port: int, cert: str, process: subprocess.Popen) -> bool:
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        if curl(port, cert, "/health")[0] == 200:
            return True
        time.sleep(0.2)
    return False


def check_topology(binary: str, name: str, arguments: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="mcp-tls-") as folder:
        cert, key = certificate(folder)
        workspace = os.path.join(folder, "workspace")
        env = {"TLS_CERT_FILE": cert, "TLS_KEY_FILE": key, "WORKSPACE_DIR": workspace}
        process, port = serve(binary, env, arguments)
        try:
            if not wait_https(port, cert, process):
                report(f"{name}: serves https", False, f"no https answer; stderr: {process.stderr.read()[-400:]}"
                       if process.poll() is not None else "no https answer in 30 s")
                return
            status, text = curl(port, cert, "/health")
            report(f"{name}: /health over https (curl, the certificate trusted)", status == 200 and "healthy" in text,
                   f"HTTP {status}")
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": "add", "arguments": {"a": 2, "b": 3}, "_meta": ENVELOPE}}
            status, text = curl(port, cert, "/mcp", body)
            ok = status == 200 and '"structuredContent":{"result":5' in text
            report(f"{name}: tools/call over https", ok, f"HTTP {status}, {text[:120]}")
            answer = plain_http_answer(port)
            report(f"{name}: plain HTTP on the TLS port gets no HTTP answer", not answer.startswith(b"HTTP/"),
                   f"{answer[:40]!r}")
            tls12, tls11 = handshake(port, ssl.TLSVersion.TLSv1_2), handshake(port, ssl.TLSVersion.TLSv1_1)
            report(f"{name}: TLS 1.2 accepted, a TLS 1.1-only client refused", tls12 and not tls11,
                   f"TLS 1.2 {'ok' if tls12 else 'refused'}, TLS 1.1 {'ok' if tls11 else 'refused'}")
            probe = subprocess.run([binary, "healthcheck", "--env-file", "/dev/null"],
                                   env=dict(os.environ, PORT=str(port), **env), capture_output=True, text=True,
                                   timeout=30)
            report(f"{name}: `mcp-server healthcheck` probes over https", probe.returncode == 0,
                   f"exit {probe.returncode} {probe.stdout.strip()[:80]}{probe.stderr.strip()[:200]}")
        finally:
            terminate(process)


def single(binary: str) -> None:
    check_topology(binary, "one process", [])


def workers(binary: str) -> None:
    check_topology(binary, "supervisor + 2 workers", ["--workers", "2"])


def half_configured(binary: str) -> None:
    with tempfile.TemporaryDirectory(prefix="mcp-tls-") as folder:
        cert, _ = certificate(folder)
        process, _ = serve(binary, {"TLS_CERT_FILE": cert, "WORKSPACE_DIR": os.path.join(folder, "w")}, [])
        try:
            status = process.wait(timeout=30)
        finally:
            terminate(process)
        message = process.stderr.read()
        report("a certificate without its key stops the server (exit 2, names the key)",
               status == 2 and "TLS_KEY_FILE" in message, f"exit {status}: {message.strip()[:160]}")


if __name__ == "__main__":
    run_checks({"single": single, "workers": workers, "half-configured": half_configured}, "TLS checks")
