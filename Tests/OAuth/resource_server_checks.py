#!/usr/bin/env python3
"""Process-level checks of the server as an OAuth 2.1 resource server, against a real
authorization server (Glewlwyd from Debian, run by setup.sh / start.sh / stop.sh /
rotate-key.sh in this folder) and, for one check, the committed nginx configuration.

What it proves, one line per check (PASS/FAIL with figures):

 1  the protected-resource metadata (both well-known paths) names our resource and the issuer,
    a request without a token gets 401 + `WWW-Authenticate: Bearer resource_metadata=...`,
    /health and /ready stay open, and without PUBLIC_URL (development) the resource is
    http://HOST:PORT/mcp;
 2  a client_credentials token for our resource calls `add` in both eras (a 2026-07-28
    stateless request; a handshake-era initialize + tools/call), and API_KEY still works beside it;
 3  refused with 401 + error="invalid_token": a malformed token, a token for another resource,
    one signed by a key the authorization server does not have (new kid, and the AS's kid),
    `alg: none`, HS256 keyed with the AS's public key, a tampered payload, an expired token
    (from a second Glewlwyd with 2-second tokens and a server with OAUTH_CLOCK_SKEW=0), and,
    signed with the AS's own private key from its state folder (Glewlwyd never issues these),
    a token not yet valid (`nbf` in an hour) and one naming another issuer — the same token
    re-signed unchanged is accepted first;
    403 + error="insufficient_scope" for a token without a required scope;
 4  after rotate-key.sh, a token signed with the new key validates without a restart, and one
    minted before the rotation still does; 16 concurrent requests with the new kid reaching a
    server that has not fetched it yet are all answered (none refused while the keys load);
 5  with STATELESS_HTTP=false a session belongs to its subject: another subject's token (the
    test user, through PKCE + automated consent) gets 404 with its id, the creator's gets 200;
 6  the official Python client (mcp 2.3 OAuthClientProvider) finds everything from the 401
    (metadata, AS discovery, dynamic registration, authorization with automated consent,
    token) and calls a tool, in 2026-07-28 and legacy mode, directly and through nginx
    (deploy/nginx/nginx.conf rendered as Tests/Deploy/nginx_check.py does; PUBLIC_URL = nginx);
 7  with --workers 2, 200 requests all succeed while the workers fetch the JWKS once each; after
    a rotation, new-kid tokens reaching each worker cost at most one more fetch per worker;
 8  ENVIRONMENT=production with OAUTH_ISSUER and no PUBLIC_URL exits 2 with a one-line error;
 9  scopes per declaration (the example catalogue's write_text_file, write_json_file,
    create_directory and delete_file need mcp:write):
    9a tools/list of an `mcp:read` token lacks exactly those four against an `mcp:read mcp:write`
       token, in both eras, each caller's list the same bytes on every call, `cacheScope: private`
       (2026-07-28), and an API_KEY caller sees everything;
    9b calling write_text_file with the `mcp:read` token is the unknown-tool error (that of a made-up
       name, name substituted) in both eras and writes nothing; with the full token it writes the file;
    9c REST: GET /api/v1/tools counts 4 fewer for the `mcp:read` token, POST /api/v1/tools/write_text_file
       with it is the 404 of an unknown tool;
    9d with OAUTH_INSUFFICIENT_SCOPE=challenge (a server of its own): 403 + `WWW-Authenticate: Bearer
       resource_metadata=..., scope="mcp:read mcp:write", error="insufficient_scope", ...` and a JSON-RPC
       error for the `mcp:read` token, in both eras, and the same 403 from the REST side door;
       made-up names stay the unknown-tool error;
    9e the official client, its user consenting to `mcp:read` only, lists no write_text_file; consenting
       to everything asked, it does (the client itself asks for what the 401 names: see check_sdk_scopes);
    9f the official client's step-up on the challenge server: its user agrees to `mcp:read` first; it
       lists (no write tools), calls write_text_file, gets the 403, is authorized again for
       `mcp:read mcp:write` (the user agreeing now), and the retried call writes the file;
10 introspection (OAUTH_INTROSPECT=always, OAUTH_INTROSPECTION_CACHE=1): a token that worked is
   revoked at the authorization server and refused 401 invalid_token by the next request (its JWT
   still verifies: only introspection sees the revocation); an opaque token nobody issued is 401.

The server refetches keys for an unknown kid at most every 30 s (so made-up kids cannot make
it hammer the authorization server); checks 4 and 7b therefore run last, once 30 s have passed
since the servers fetched their keys, after one rotation (checks 5 to 10 run in that wait).
The whole run takes about 45 s.

Usage (root, as CI runs it; MCP_PYTHON is the venv with mcp==2.3.0):
    "$MCP_PYTHON" Tests/OAuth/resource_server_checks.py --binary .build/debug/mcp-server

The binary must be built with the OAuth trait. Needs glewlwyd (setup.sh installs it), nginx,
openssl. Everything it starts (two Glewlwyd instances, eight servers, nginx) is stopped at the end,
also on failure. Exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path[:0] = [os.path.join(ROOT, "Tests", "Process"), os.path.join(ROOT, "Tests", "Deploy"), HERE]

warnings.filterwarnings("ignore", category=DeprecationWarning)

import httpx2 as httpx  # noqa: E402
import jwt  # noqa: E402
from jwt.algorithms import RSAAlgorithm  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.auth import OAuthClientProvider  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared.auth import OAuthClientMetadata  # noqa: E402
import mcp_types  # noqa: E402

from checklib import ENVELOPE, MODERN_HEADERS, RESULTS, Server, free_port, report, terminate  # noqa: E402
from mcp_client_flow import REDIRECT_URI, HeadlessBrowser, MemoryStorage, read_env  # noqa: E402
from nginx_check import render as render_nginx_config  # noqa: E402

SCOPES = "mcp:read mcp:write"
MCP_PATH = "/mcp"
API_KEY = "resource-server-checks-api-key-0123456789"
USER_AGENT = "resource-server-checks"
MODERN_META = dict(ENVELOPE, **{"io.modelcontextprotocol/clientInfo": {"name": USER_AGENT, "version": "1"}})
HANDSHAKE_VERSION = "2025-11-25"
KEY_REFETCH_SECONDS = 30  # the server's limit on refetching the JWKS for an unknown kid
# Settings the servers here must not inherit from the caller's environment.
INHERITED = ("OAUTH_", "PUBLIC_URL", "API_KEY", "ENVIRONMENT", "STATELESS_HTTP", "WORKERS", "SECRET_KEY", "HOST",
             "PORT", "MCP_PATH", "ALLOWED_HOSTS", "METRICS_REQUIRE_AUTH")


# --- plain HTTP ---------------------------------------------------------------------------------

class Reply(NamedTuple):
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: dict | None  # JSON, or the first JSON event of an SSE body
    text: str


def request(method: str, url: str, body: dict | None = None, headers: dict[str, str] | None = None,
            timeout: float = 20) -> Reply:
    """One request on its own connection (so that any worker may take it)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                           body=None if body is None else json.dumps(body).encode(),
                           headers=dict({"User-Agent": USER_AGENT}, **(headers or {})))
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        collected: dict[str, str] = {}
        for name, value in response.getheaders():
            name = name.lower()
            collected[name] = f"{collected[name]}, {value}" if name in collected else value
        return Reply(response.status, collected, parse_body(text), text)
    finally:
        connection.close()


def parse_body(text: str) -> dict | None:
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        pass
    for line in text.splitlines():  # an SSE body: the first data line that is a JSON-RPC message
        if line.startswith("data:"):
            try:
                return json.loads(line[5:])
            except ValueError:
                continue
    return None


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def challenge(reply: Reply) -> dict[str, str]:
    """The parameters of a `WWW-Authenticate: Bearer k="v", ...` header ({} when there is none)."""
    value = reply.headers.get("www-authenticate", "")
    if not value.lower().startswith("bearer"):
        return {}
    return dict(re.findall(r'(\w+)="([^"]*)"', value))


def tool_result(reply: Reply) -> object:
    try:
        return reply.body["result"]["structuredContent"]["result"]
    except (TypeError, KeyError):
        return None


# --- the two MCP eras over raw HTTP -------------------------------------------------------------

def modern_request(url: str, token: str | None, method: str, params: dict, name: str | None = None,
                   headers: dict[str, str] | None = None) -> Reply:
    """A 2026-07-28 request (stateless: everything the server needs rides on the request)."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": dict(params, _meta=MODERN_META)}
    sent = dict(MODERN_HEADERS, **{"Mcp-Method": method}, **({"Mcp-Name": name} if name else {}), **bearer(token),
                **(headers or {}))
    return request("POST", url, body, sent)


def modern_add(url: str, token: str | None, a: float, b: float, headers: dict[str, str] | None = None) -> Reply:
    return modern_request(url, token, "tools/call", {"name": "add", "arguments": {"a": a, "b": b}}, "add", headers)


HANDSHAKE_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def handshake_initialize(url: str, token: str | None) -> tuple[Reply, str | None]:
    """initialize (+ notifications/initialized); the session id when the server keeps sessions."""
    init = request("POST", url, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": HANDSHAKE_VERSION, "capabilities": {}, "clientInfo": {"name": USER_AGENT, "version": "1"}}},
        dict(HANDSHAKE_HEADERS, **bearer(token)))
    session = init.headers.get("mcp-session-id")
    if init.status == 200:
        request("POST", url, {"jsonrpc": "2.0", "method": "notifications/initialized"},
                handshake_headers(token, session))
    return init, session


def handshake_headers(token: str | None, session: str | None) -> dict[str, str]:
    headers = dict(HANDSHAKE_HEADERS, **bearer(token), **{"MCP-Protocol-Version": HANDSHAKE_VERSION})
    if session:
        headers["Mcp-Session-Id"] = session
    return headers


def handshake_request(url: str, token: str | None, session: str | None, method: str, params: dict) -> Reply:
    return request("POST", url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                   handshake_headers(token, session))


def handshake_add(url: str, token: str | None, session: str | None, a: float, b: float) -> Reply:
    return handshake_request(url, token, session, "tools/call", {"name": "add", "arguments": {"a": a, "b": b}})


# --- tokens: the AS's, and forged ones ----------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_part(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def unsigned_jwt(header: dict, claims: dict) -> str:
    """`header.claims` (the signing input), compact JSON."""
    return ".".join(b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))


def forge_none(genuine: str) -> str:
    """The genuine token's claims and kid under `alg: none`, with an empty signature."""
    header = dict(jwt_part(genuine, 0), alg="none")
    return unsigned_jwt(header, jwt_part(genuine, 1)) + "."


def forge_hs256_with_public_key(genuine: str, jwks: dict) -> str:
    """The algorithm-confusion attack: HS256 keyed with the AS's public key (its PEM text)."""
    header = jwt_part(genuine, 0)
    key = next(k for k in jwks["keys"] if k.get("kid") == header["kid"])
    pem = RSAAlgorithm.from_jwk(json.dumps(key)).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = unsigned_jwt(dict(header, alg="HS256"), jwt_part(genuine, 1))
    return signing_input + "." + b64url(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())


def forge_rs256(genuine: str, kid: str) -> str:
    """The genuine claims, RS256-signed with a key made here, naming `kid`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(jwt_part(genuine, 1), key, algorithm="RS256", headers={"kid": kid, "typ": "at+jwt"})


def resign_with_issuer_key(genuine: str, state: str, **changes) -> str:
    """The genuine token's header and claims with `changes`, signed again with the authorization
    server's own private key (from its state folder, which our scripts wrote): a token the AS
    could have issued, for the claims Glewlwyd never puts in one (a future `nbf`, another `iss`)."""
    header = jwt_part(genuine, 0)
    with open(os.path.join(state, "keys.jwks")) as handle:
        key = next(k for k in json.load(handle)["keys"] if k.get("kid") == header["kid"])
    private = RSAAlgorithm.from_jwk(json.dumps(key))
    claims = dict(jwt_part(genuine, 1), **changes)
    return jwt.encode(claims, private, algorithm=header["alg"], headers={k: v for k, v in header.items() if k != "alg"})


def tamper(genuine: str) -> str:
    """The genuine token with one claim changed (more scope) and the original signature."""
    header, payload, signature = genuine.split(".")
    claims = jwt_part(genuine, 1)
    claims["scope"] = claims.get("scope", "") + " mcp:admin"
    return ".".join([header, b64url(json.dumps(claims, separators=(",", ":")).encode()), signature])


class AuthServer:
    """One Glewlwyd instance with its own state folder (start.sh, stop.sh, rotate-key.sh)."""

    def __init__(self, resources: list[str], ttl: int = 3600):
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix="oauth-rs-check-as-")
        self.resources = resources
        self.script_env = dict(os.environ, OAUTH_AS_STATE=self.state, OAUTH_AS_RESOURCES=" ".join(resources),
                               OAUTH_AS_TOKEN_TTL=str(ttl))
        self.env: dict[str, str] = {}
        self.http = httpx.Client(timeout=15, follow_redirects=False)

    def script(self, name: str, *args: str) -> str:
        run = subprocess.run(["bash", os.path.join(HERE, name), *args], env=self.script_env, capture_output=True,
                             text=True, timeout=60, stdin=subprocess.DEVNULL)
        if run.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} exited {run.returncode}: {run.stderr.strip()[-500:]}")
        return run.stdout.strip()

    def start(self) -> None:
        self.script("start.sh", str(self.port))
        self.env = read_env(Path(self.state))

    @property
    def issuer(self) -> str:
        return self.env["OAUTH_AS_ISSUER"]

    def stop(self) -> None:
        self.http.close()
        try:
            self.script("stop.sh")
        finally:
            shutil.rmtree(self.state, ignore_errors=True)

    def rotate(self) -> str:
        return self.script("rotate-key.sh", str(self.port))

    def jwks(self) -> dict:
        return self.http.get(self.env["OAUTH_AS_JWKS"]).raise_for_status().json()

    def client_token(self, resource: str, scope: str = SCOPES) -> str:
        """client_credentials with the static client (sub = mcp-test-client)."""
        answer = self.http.post(self.env["OAUTH_AS_TOKEN"], auth=(self.env["OAUTH_AS_CLIENT_ID"],
                                self.env["OAUTH_AS_CLIENT_SECRET"]),
                                data={"grant_type": "client_credentials", "scope": scope, "resource": resource})
        if answer.status_code != 200:
            raise RuntimeError(f"token endpoint answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()["access_token"]

    def user_token(self, resource: str, scope: str = SCOPES) -> str:
        """Authorization code + PKCE for the test user with the static client, the user's part
        played over Glewlwyd's login and grant APIs (the recipe in NOTES.md)."""
        verifier = secrets.token_urlsafe(48)
        state = secrets.token_hex(8)
        client = self.env["OAUTH_AS_CLIENT_ID"]
        query = urlencode({
            "response_type": "code", "client_id": client, "redirect_uri": REDIRECT_URI, "scope": scope,
            "state": state, "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256", "resource": resource})
        with httpx.Client(timeout=15, follow_redirects=False) as browser:
            browser.post(self.env["OAUTH_AS_LOGIN"], json={
                "username": self.env["OAUTH_AS_USER"], "password": self.env["OAUTH_AS_USER_PASSWORD"]}).raise_for_status()
            browser.put(f"{self.env['OAUTH_AS_GRANT_PREFIX']}{client}/", json={"scope": scope}).raise_for_status()
            redirect = browser.get(f"{self.env['OAUTH_AS_AUTHORIZE']}?{query}&g_continue")
        location = parse_qs(urlsplit(redirect.headers.get("location", "")).query)
        if redirect.status_code != 302 or location.get("state") != [state] or "code" not in location:
            raise RuntimeError(f"authorization answered {redirect.status_code} {redirect.headers.get('location')}")
        answer = self.http.post(self.env["OAUTH_AS_TOKEN"], auth=(client, self.env["OAUTH_AS_CLIENT_SECRET"]), data={
            "grant_type": "authorization_code", "code": location["code"][0], "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier, "resource": resource})
        if answer.status_code != 200:
            raise RuntimeError(f"token endpoint answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()["access_token"]


# --- our server ---------------------------------------------------------------------------------

def wait_for_binary(path: str, seconds: float = 120) -> None:
    """The binary may be rebuilt in place now and then: wait while it is missing."""
    deadline = time.monotonic() + seconds
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} is missing or not executable")
        time.sleep(1)


class MCPServer(Server):
    """The binary (supervisor + workers, JSON logs captured) with OAuth on, ready once every
    worker has loaded the authorization server's keys."""

    KEYS_LOADED = "OAuth: the authorization server's keys are loaded"

    def __init__(self, binary: str, issuer: str, env: dict[str, str], workers: int = 1, port: int | None = None,
                 public_url: str | None = None):
        self.port = port or free_port()
        self.public_url = public_url or f"http://127.0.0.1:{self.port}"
        self.resource = self.public_url + MCP_PATH
        self.local_origin = f"http://127.0.0.1:{self.port}"
        self.url = self.local_origin + MCP_PATH
        settings = {"ENVIRONMENT": "development", "HOST": "127.0.0.1", "OAUTH_ISSUER": issuer,
                    "ENABLE_METRICS": "true", "OAUTH_SCOPES_SUPPORTED": "mcp:read,mcp:write"}
        if public_url:
            settings["PUBLIC_URL"] = public_url
        settings.update(env)
        self.worker_count = workers
        for attempt in range(3):
            wait_for_binary(binary)
            try:
                super().__init__(binary, self.port, settings, workers)
                break
            except OSError:  # replaced while we started it (ETXTBSY, ENOENT): once more
                if attempt == 2:
                    raise
                time.sleep(2)
        try:
            self.wait_for(self.KEYS_LOADED, workers)
        except BaseException:
            self.stop()
            raise
        self.started = time.monotonic()  # every worker has fetched the keys by now

    def wait_ready(self, workers: int, timeout: float = 30) -> None:
        """checklib's wait, but a server that exits (a configuration error) fails at once."""
        deadline = time.monotonic() + timeout
        while len(self.messages("worker ready")) < workers or request_status("GET", f"{self.local_origin}/health") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.2)  # the reader thread catches up with the last lines
                tail = [entry.get("message", "")[:300] for entry in self.log_lines[-8:]]
                state = f"exited with {self.process.returncode}" if self.process.poll() is not None else "not ready"
                raise RuntimeError(f"server {state}; last log lines: {tail}")
            time.sleep(0.05)

    def wait_for(self, message: str, count: int, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages(message)) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                tail = [entry.get("message", "")[:160] for entry in self.log_lines[-12:]]
                raise RuntimeError(f"{count} x {message!r} not logged; last lines: {tail}")
            time.sleep(0.05)

    def refusals_since(self, index: int, wait: float = 1.0) -> list[str]:
        """Reasons logged for refused tokens after log line `index` (waits a little for them),
        with the worker's pid when there are several workers."""
        deadline = time.monotonic() + wait
        while True:
            found = [(f"pid {entry.get('pid')}: " if self.worker_count > 1 else "") + entry.get("reason", "?")
                     for entry in self.log_lines[index:] if entry.get("message") == "refused an access token"]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def jwks_fetches(self, settle: bool = True) -> float:
        """The JWKS fetches of all workers. Each worker publishes its counters twice a second, so by
        default this first waits until a fetch just made is published."""
        if settle:
            time.sleep(1.2)
        return self.metric('mcp_oauth_jwks_fetches_total{outcome="ok"}')

    def access_pids(self, since: int) -> list[int]:
        """pid of every access-log line of a tools/call after log line `since` (ACCESS_LOG=true)."""
        return [entry.get("pid") for entry in self.log_lines[since:]
                if entry.get("message") == "access" and entry.get("user_agent.original") == USER_AGENT
                and entry.get("url.path") == MCP_PATH]


# --- the run: what every check shares -----------------------------------------------------------

def distinct_free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class Setup:
    """Two authorization servers, eight servers and (in check 6) nginx, all on free ports."""

    def __init__(self, binary: str):
        self.binary = binary
        self.cleanup: list = []
        ports = distinct_free_ports(10)
        self.nginx_port, self.main_port, self.scope_port, self.session_port = ports[:4]
        self.edge_port, self.workers_port, self.expiry_port, self.challenge_port = ports[4:8]
        self.other_resource = f"http://127.0.0.1:{ports[8]}/other"
        self.introspection_port = ports[9]
        self.last_unknown_kid = 0.0  # when the main server last saw a kid it did not know
        self.scope_tokens: dict[int, tuple[str, str]] = {}  # check 9: port -> (mcp:read, full) tokens

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}{MCP_PATH}"

    def start(self) -> None:
        subprocess.run(["bash", os.path.join(HERE, "setup.sh")], check=True, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=600)
        resources = [self.url(port) for port in (self.main_port, self.scope_port, self.session_port,
                                                 self.workers_port, self.nginx_port, self.challenge_port,
                                                 self.introspection_port)]
        resources.append(self.other_resource)
        self.auth = self.own(AuthServer(resources))
        self.auth.start()
        self.short = self.own(AuthServer([self.url(self.expiry_port)], ttl=2))
        self.short.start()
        issuer = self.auth.issuer
        self.main = self.own(MCPServer(self.binary, issuer, {"API_KEY": API_KEY, "OAUTH_CLOCK_SKEW": "0"},
                                       port=self.main_port, public_url=f"http://127.0.0.1:{self.main_port}"))
        self.workers = self.own(MCPServer(self.binary, issuer, {"ACCESS_LOG": "true"}, workers=2,
                                          port=self.workers_port, public_url=f"http://127.0.0.1:{self.workers_port}"))
        self.scoped = self.own(MCPServer(self.binary, issuer, {"OAUTH_REQUIRED_SCOPES": "mcp:read,mcp:write"},
                                         port=self.scope_port, public_url=f"http://127.0.0.1:{self.scope_port}"))
        # no PUBLIC_URL: the resource falls back to http://HOST:PORT
        self.sessions = self.own(MCPServer(self.binary, issuer, {"STATELESS_HTTP": "false"}, port=self.session_port))
        self.expiry = self.own(MCPServer(self.binary, self.short.issuer, {"OAUTH_CLOCK_SKEW": "0"},
                                         port=self.expiry_port, public_url=f"http://127.0.0.1:{self.expiry_port}"))
        # behind nginx (check 6): the public origin is nginx's
        self.edge = self.own(MCPServer(self.binary, issuer, {"STATELESS_HTTP": "false", "SECRET_KEY": secrets.token_hex(32)},
                                       port=self.edge_port, public_url=f"http://127.0.0.1:{self.nginx_port}"))
        # check 9d, 9f: a hidden declaration named anyway gets a scope challenge (step-up)
        self.challenge = self.own(MCPServer(self.binary, issuer, {"OAUTH_INSUFFICIENT_SCOPE": "challenge"},
                                            port=self.challenge_port,
                                            public_url=f"http://127.0.0.1:{self.challenge_port}"))
        # check 10: every token introspected (OAUTH_INTROSPECT=always), answers remembered 1 s
        self.introspecting = self.own(MCPServer(self.binary, issuer, {
            "OAUTH_INTROSPECTION_URL": self.auth.env["OAUTH_AS_INTROSPECT"],
            "OAUTH_CLIENT_ID": self.auth.env["OAUTH_AS_CLIENT_ID"],
            "OAUTH_CLIENT_SECRET": self.auth.env["OAUTH_AS_CLIENT_SECRET"],
            "OAUTH_INTROSPECT": "always", "OAUTH_INTROSPECTION_CACHE": "1"},
            port=self.introspection_port, public_url=f"http://127.0.0.1:{self.introspection_port}"))
        # minted before any rotation: its kid is the one every server loaded at start-up
        self.first_token = self.auth.client_token(self.main.resource)
        self.first_workers_token = self.auth.client_token(self.workers.resource)

    def own(self, thing):
        self.cleanup.append(thing)
        return thing

    def stop(self) -> None:
        for thing in reversed(self.cleanup):
            try:
                thing.stop()
            except Exception as error:  # keep stopping the rest
                print(f"cleanup: {type(thing).__name__}: {error!r}", flush=True)


# --- checks -------------------------------------------------------------------------------------

def check_metadata(run: Setup) -> None:
    server = run.main
    documents = {path: request("GET", f"http://127.0.0.1:{server.port}{path}")
                 for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")}
    expected = {"resource": server.resource, "authorization_servers": [run.auth.issuer],
                "scopes_supported": ["mcp:read", "mcp:write"], "bearer_methods_supported": ["header"]}
    good = [path for path, reply in documents.items() if reply.status == 200 and reply.body == expected]
    report("1a metadata at both well-known paths", len(good) == 2,
           "; ".join(f"GET {path} -> {reply.status} {reply.text[:200]}" for path, reply in documents.items()))

    reply = modern_add(server.url, None, 1, 2)
    params = challenge(reply)
    metadata_url = f"{server.public_url}/.well-known/oauth-protected-resource/mcp"
    ok = reply.status == 401 and params.get("resource_metadata") == metadata_url and "error" not in params
    report("1b 401 challenge without a token", ok and params.get("scope") == SCOPES,
           f"POST /mcp -> {reply.status}, WWW-Authenticate: {reply.headers.get('www-authenticate')}")

    open_routes = {path: request("GET", f"http://127.0.0.1:{server.port}{path}").status for path in ("/health", "/ready")}
    report("1c health and readiness stay open", all(status == 200 for status in open_routes.values()),
           ", ".join(f"GET {path} -> {status}" for path, status in open_routes.items()))

    fallback = run.sessions
    document = request("GET", f"http://127.0.0.1:{fallback.port}/.well-known/oauth-protected-resource/mcp")
    params = challenge(modern_add(fallback.url, None, 1, 2))
    expected_resource = f"http://127.0.0.1:{fallback.port}/mcp"
    ok = (document.body or {}).get("resource") == expected_resource and params.get("resource_metadata") == (
        f"http://127.0.0.1:{fallback.port}/.well-known/oauth-protected-resource/mcp")
    report("1d resource without PUBLIC_URL (development)", ok,
           f"HOST=127.0.0.1 PORT={fallback.port}: resource {(document.body or {}).get('resource')}, "
           f"challenge names {params.get('resource_metadata')}")


def check_calls(run: Setup) -> None:
    server, token = run.main, run.first_token
    claims, header = jwt_part(token, 1), jwt_part(token, 0)
    modern = modern_add(server.url, token, 2, 3)
    report("2a client_credentials token, 2026-07-28 tools/call", modern.status == 200 and tool_result(modern) == 5,
           f"token sub={claims.get('sub')} aud={claims.get('aud')} scope={claims.get('scope')!r} kid={header.get('kid')}; "
           f"add(2, 3) -> HTTP {modern.status}, result {tool_result(modern)}")

    init, session = handshake_initialize(server.url, token)
    version = ((init.body or {}).get("result") or {}).get("protocolVersion")
    call = handshake_add(server.url, token, session, 20, 22)
    report("2b client_credentials token, handshake-era initialize + tools/call",
           init.status == 200 and version == HANDSHAKE_VERSION and call.status == 200 and tool_result(call) == 42,
           f"initialize -> HTTP {init.status}, protocolVersion {version}, session id {session or 'none (stateless)'}; "
           f"add(20, 22) -> HTTP {call.status}, result {tool_result(call)}")

    as_bearer = modern_add(server.url, API_KEY, 1, 1)
    as_header = modern_add(server.url, None, 1, 1, {"X-API-Key": API_KEY})
    wrong = modern_add(server.url, None, 1, 1, {"X-API-Key": API_KEY + "x"})
    report("2c API_KEY beside OAuth", as_bearer.status == 200 and as_header.status == 200 and wrong.status == 401,
           f"Bearer <API_KEY> -> {as_bearer.status}, X-API-Key -> {as_header.status}, wrong X-API-Key -> {wrong.status}")


def expect_invalid_token(server: MCPServer, name: str, token: str) -> None:
    """One refused token: 401 with error="invalid_token" and the metadata URL, reason from the log."""
    mark = len(server.log_lines)
    reply = modern_add(server.url, token, 1, 2)
    params = challenge(reply)
    reasons = server.refusals_since(mark) if reply.status == 401 else []
    ok = reply.status == 401 and params.get("error") == "invalid_token" and params.get("resource_metadata", "").startswith(
        server.public_url)
    report(f"3 refused: {name}", ok, f"HTTP {reply.status}, WWW-Authenticate: {reply.headers.get('www-authenticate')}"
           + (f"; logged reason: {reasons[0]!r}" if reasons else "") + (f"; body {reply.text[:200]}" if not ok else ""))


def check_rejections(run: Setup) -> None:
    server, genuine = run.main, run.first_token
    # the expired case comes from the 2-second authorization server: mint now, show it works,
    # and present it again once it has expired (the other cases run meanwhile)
    short_token = run.short.client_token(run.expiry.resource)
    fresh = modern_add(run.expiry.url, short_token, 1, 2)

    expect_invalid_token(server, "malformed token", "this-is-not-a-jwt")
    expect_invalid_token(server, f"token for another resource ({run.other_resource})",
                         run.auth.client_token(run.other_resource))
    run.last_unknown_kid = time.monotonic()
    expect_invalid_token(server, "RS256 with a key and kid the AS does not have",
                         forge_rs256(genuine, f"forged-{secrets.token_hex(4)}"))
    expect_invalid_token(server, "RS256 with a key the AS does not have, naming the AS's kid",
                         forge_rs256(genuine, jwt_part(genuine, 0)["kid"]))
    expect_invalid_token(server, "alg none", forge_none(genuine))
    expect_invalid_token(server, "HS256 keyed with the AS's public key (PEM)",
                         forge_hs256_with_public_key(genuine, run.auth.jwks()))
    expect_invalid_token(server, "tampered payload (scope widened, signature kept)", tamper(genuine))
    # Signed with the AS's own key: first the claims unchanged (accepted, so the signing is
    # genuine), then the two claims Glewlwyd will not put in a token for us.
    same = modern_add(server.url, resign_with_issuer_key(genuine, run.auth.state), 1, 2)
    report("3 control: the genuine claims signed again with the AS's own key are accepted", same.status == 200,
           f"HTTP {same.status}")
    expect_invalid_token(server, "not yet valid (nbf in an hour, signed with the AS's key)",
                         resign_with_issuer_key(genuine, run.auth.state, nbf=int(time.time()) + 3600))
    expect_invalid_token(server, "wrong issuer (iss of another server, signed with the AS's key)",
                         resign_with_issuer_key(genuine, run.auth.state, iss="http://127.0.0.1:9/other-issuer"))

    expiry = jwt_part(short_token, 1)["exp"]
    time.sleep(max(0.0, expiry + 1.2 - time.time()))
    mark = len(run.expiry.log_lines)
    late = modern_add(run.expiry.url, short_token, 1, 2)
    params = challenge(late)
    reasons = run.expiry.refusals_since(mark) if late.status == 401 else []
    report("3 refused: expired token (OAUTH_CLOCK_SKEW=0)",
           fresh.status == 200 and late.status == 401 and params.get("error") == "invalid_token",
           f"2-second token from a second Glewlwyd: fresh -> HTTP {fresh.status}; "
           f"{time.time() - expiry:.1f} s after exp -> HTTP {late.status}, WWW-Authenticate: "
           f"{late.headers.get('www-authenticate')}" + (f"; logged reason: {reasons[0]!r}" if reasons else ""))

    scoped = run.scoped
    read_only = run.auth.client_token(scoped.resource, scope="mcp:read")
    lacking = modern_add(scoped.url, read_only, 1, 2)
    params = challenge(lacking)
    full = modern_add(scoped.url, run.auth.client_token(scoped.resource), 1, 2)
    ok = (lacking.status == 403 and params.get("error") == "insufficient_scope" and params.get("scope") == SCOPES
          and params.get("resource_metadata") == f"{scoped.public_url}/.well-known/oauth-protected-resource/mcp"
          and full.status == 200)
    report("3 insufficient scope (OAUTH_REQUIRED_SCOPES=mcp:read,mcp:write)", ok,
           f"token with scope 'mcp:read' -> HTTP {lacking.status}, WWW-Authenticate: "
           f"{lacking.headers.get('www-authenticate')}; token with '{SCOPES}' -> HTTP {full.status}")


def check_sessions(run: Setup) -> None:
    server = run.sessions
    token_a = run.auth.client_token(server.resource)
    token_b = run.auth.user_token(server.resource)
    sub_a, sub_b = jwt_part(token_a, 1)["sub"], jwt_part(token_b, 1)["sub"]
    init, session = handshake_initialize(server.url, token_a)
    other = handshake_add(server.url, token_b, session, 1, 2)
    owner = handshake_add(server.url, token_a, session, 2, 2)
    ok = init.status == 200 and bool(session) and sub_a != sub_b and other.status == 404 and (
        owner.status == 200 and tool_result(owner) == 4)
    report("5 session bound to its subject (STATELESS_HTTP=false)", ok,
           f"initialize as A (sub {sub_a}, client_credentials) -> HTTP {init.status}, session "
           f"{'issued' if session else 'missing'}; tools/call with that id as B (sub {sub_b}, PKCE user) -> "
           f"HTTP {other.status}; as A -> HTTP {owner.status}, add(2, 2) = {tool_result(owner)}")


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to the network and notes `METHOD path -> status`."""

    def __init__(self) -> None:
        self.net = httpx.AsyncHTTPTransport()
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.net.handle_async_request(request)
        path = request.url.path
        token = request.headers.get("authorization", "").lower().startswith("bearer ")
        self.seen.append(f"{request.method} {path}{' (Bearer)' if token else ''} -> {response.status_code}")
        return response

    async def aclose(self) -> None:
        await self.net.aclose()


async def sdk_flow(url: str, auth: AuthServer, mode: str, consent: list[str | None] | None = None,
                   act=None) -> dict:
    """The official client, OAuth from nothing: a fresh token store, so it registers and asks the
    user (headless) again; then one tools/call of add, or `act(client)` (its value is "acted").
    `consent`: what the user agrees to at each authorization (HeadlessBrowser)."""
    storage = MemoryStorage()
    browser = HeadlessBrowser(auth.env, lambda _: None, consent)
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(client_name=USER_AGENT, redirect_uris=[REDIRECT_URI],
                                            grant_types=["authorization_code", "refresh_token"],
                                            response_types=["code"]),
        storage=storage, redirect_handler=browser.redirect_handler, callback_handler=browser.callback_handler)
    transport = RecordingTransport()
    info = mcp_types.Implementation(name=USER_AGENT, version="1")
    async with httpx.AsyncClient(auth=provider, transport=transport, timeout=20) as http_client:
        async with Client(streamable_http_client(url, http_client=http_client), mode=mode, client_info=info,
                          read_timeout_seconds=20) as client:
            if act is None:
                result = await client.call_tool("add", {"a": 2, "b": 40})
                outcome = {"result": result.structured_content, "is_error": bool(result.is_error)}
            else:
                outcome = {"acted": await act(client)}
            protocol = client.protocol_version
    claims = jwt_part(storage.tokens.access_token, 1) if storage.tokens else {}
    return dict(outcome, protocol=protocol, claims=claims, seen=transport.seen, redirect=browser.redirect or "",
                client_id=storage.client_info.client_id if storage.client_info else None, asked=browser.asked)


def report_sdk(name: str, url: str, resource: str, auth: AuthServer, mode: str) -> None:
    started = time.monotonic()
    try:
        flow = asyncio.run(sdk_flow(url, auth, mode))
    except Exception as error:
        report(name, False, f"error: {error!r}")
        return
    seen = flow["seen"]

    def saw(pattern: str) -> bool:
        return any(re.fullmatch(pattern, line) for line in seen)

    steps = {
        "401 from /mcp": saw(r"POST /mcp -> 401"),
        "metadata": saw(r"GET /\.well-known/oauth-protected-resource/mcp -> 200"),
        "AS discovery": saw(r"GET /api/oidc/\.well-known/openid-configuration -> 200"),
        "registration": saw(r"POST /api/oidc/register -> 201|POST /api/oidc/register -> 200"),
        "authorization with consent": "code=" in flow["redirect"],
        "token": saw(r"POST /api/oidc/token -> 200"),
        "tools/call with the token": saw(r"POST /mcp \(Bearer\) -> 200"),
    }
    claims = flow["claims"]
    ok = (all(steps.values()) and flow["result"] == {"result": 42.0} and not flow["is_error"]
          and claims.get("aud") == resource and claims.get("iss") == auth.issuer
          and claims.get("client_id") == flow["client_id"])
    missing = [step for step, found in steps.items() if not found]
    report(name, ok, f"protocol {flow['protocol']}, add(2, 40) = {flow['result']}; token aud {claims.get('aud')}, "
           f"client_id {flow['client_id']} (registered); "
           + (f"missing steps: {missing}; requests: {seen}" if missing else f"{len(seen)} requests, all steps seen")
           + f" ({time.monotonic() - started:.1f} s)")


def check_sdk_direct(run: Setup) -> None:
    server = run.main
    for mode in ("2026-07-28", "legacy"):
        report_sdk(f"6 official client OAuth flow, mode {mode}", server.url, server.resource, run.auth, mode)


def check_sdk_nginx(run: Setup) -> None:
    prefix = tempfile.mkdtemp(prefix="oauth-rs-check-nginx-")
    nginx = None
    try:
        cert, key = os.path.join(prefix, "server.crt"), os.path.join(prefix, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        # every upstream of the committed file points at the one server
        config = render_nginx_config(prefix, [run.edge.port] * 3, run.nginx_port, free_port(), cert, key)
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        error_log = os.path.join(prefix, "error.log")
        with open(error_log, "w") as errors:
            nginx = subprocess.Popen([binary, "-e", "stderr", "-p", prefix, "-c", config, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{run.nginx_port}{MCP_PATH}"
        deadline = time.monotonic() + 10
        while request_status("GET", f"http://127.0.0.1:{run.nginx_port}/health") != 200:
            if time.monotonic() > deadline or nginx.poll() is not None:
                raise RuntimeError(f"nginx did not come up: {open(error_log).read()[-400:]}")
            time.sleep(0.05)
        metadata = request("GET", f"http://127.0.0.1:{run.nginx_port}/.well-known/oauth-protected-resource/mcp")
        params = challenge(modern_add(url, None, 1, 2))
        ok = ((metadata.body or {}).get("resource") == url and params.get("resource_metadata")
              == f"http://127.0.0.1:{run.nginx_port}/.well-known/oauth-protected-resource/mcp")
        report("6 via nginx: metadata and challenge name nginx's address", ok,
               f"resource {(metadata.body or {}).get('resource')}, challenge {params.get('resource_metadata')}")
        for mode in ("2026-07-28", "legacy"):
            report_sdk(f"6 official client OAuth flow via nginx, mode {mode}", url, run.edge.resource, run.auth, mode)
    finally:
        if nginx is not None:
            terminate(nginx, timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)


def request_status(method: str, url: str) -> int:
    try:
        return request(method, url, timeout=2).status
    except OSError:
        return 0


def calls_in_parallel(server: MCPServer, token: str, count: int, threads: int = 8) -> list[Reply]:
    """`count` calls of add(index, 1), `threads` at a time, each on a new connection."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda index: modern_add(server.url, token, index, 1), range(count)))


def check_workers_load(run: Setup) -> None:
    server = run.workers
    loaded = len(server.messages(MCPServer.KEYS_LOADED))
    mark = len(server.log_lines)
    started = time.monotonic()
    replies = calls_in_parallel(server, run.first_workers_token, 200)
    took = time.monotonic() - started
    good = sum(1 for index, reply in enumerate(replies) if reply.status == 200 and tool_result(reply) == index + 1)
    fetches = server.jwks_fetches()
    pids = sorted(set(server.access_pids(mark)))
    report("7a --workers 2: 200 requests, JWKS fetched once per worker", good == 200 and fetches <= 2,
           f"{good}/200 answered correctly in {took:.1f} s, served by worker pids {pids}; "
           f"'keys are loaded' logged {loaded}x; mcp_oauth_jwks_fetches_total{{outcome=\"ok\"}} = {fetches:g}")


def check_production(run: Setup) -> None:
    wait_for_binary(run.binary)
    env = {key: value for key, value in os.environ.items() if not key.startswith(INHERITED)}
    env.update({"ENVIRONMENT": "production", "OAUTH_ISSUER": run.auth.issuer, "PORT": str(free_port()),
                "SECRET_KEY": secrets.token_hex(32), "API_KEY": API_KEY})
    workspace = tempfile.mkdtemp(prefix="oauth-rs-check-prod-")
    process = subprocess.Popen([run.binary, "serve", "--env-file", "/dev/null", "--workspace", workspace], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        terminate(process)
        out, err = process.communicate()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    ok = process.returncode == 2 and len(lines) == 1 and "PUBLIC_URL" in lines[0]
    report("8 production without PUBLIC_URL refuses to start", ok,
           f"exit {process.returncode}; output ({len(lines)} line(s)): {' | '.join(lines)[:300]}")


def wait_out_key_refetch_limit(run: Setup) -> float:
    """Until the servers of checks 4 and 7b may refetch keys for a new kid (30 s after their
    last fetch attempt: start-up, or a probe with a made-up kid). Returns the seconds waited."""
    due = max(run.main.started, run.last_unknown_kid, run.workers.started, run.scoped.started) + KEY_REFETCH_SECONDS + 1
    waited = max(0.0, due - time.monotonic())
    time.sleep(waited)
    return waited


def check_rotation(run: Setup, rotated: str, waited: float, pids_before: tuple, fetches_before: float) -> None:
    server = run.main
    old_token = run.first_token
    new_token = run.auth.client_token(server.resource)
    old_kid, new_kid = jwt_part(old_token, 0)["kid"], jwt_part(new_token, 0)["kid"]
    mark = len(server.log_lines)
    new_reply = modern_add(server.url, new_token, 3, 4)
    old_reply = modern_add(server.url, old_token, 5, 6)
    reasons = server.refusals_since(mark, wait=0.2)
    same_processes = (server.process.pid, sorted(server.workers())) == pids_before
    ok = (new_kid != old_kid and new_reply.status == 200 and tool_result(new_reply) == 7 and old_reply.status == 200
          and tool_result(old_reply) == 11 and same_processes)
    report("4 key rotation without restart", ok,
           f"{rotated}; token after rotation (kid {new_kid}) -> HTTP {new_reply.status}, token from before (kid "
           f"{old_kid}) -> HTTP {old_reply.status}; same supervisor and worker pids: {same_processes}; JWKS fetches "
           f"{fetches_before:g} -> {server.jwks_fetches():g}; waited {waited:.1f} s for the refetch limit first"
           + (f"; refusals logged: {reasons}" if reasons else ""))


def check_rotation_burst(run: Setup) -> None:
    """Clients do not wait for each other: right after a rotation several requests with the new
    kid reach a server that has not seen it yet. Each must be answered once the keys are in."""
    server = run.scoped
    token = run.auth.client_token(server.resource)
    before = server.jwks_fetches(settle=False)  # quiet since start-up
    mark = len(server.log_lines)
    replies = calls_in_parallel(server, token, 16, threads=16)
    good = sum(1 for index, reply in enumerate(replies) if reply.status == 200 and tool_result(reply) == index + 1)
    statuses = sorted({reply.status for reply in replies})
    refused = server.refusals_since(mark, wait=0.2) if good < len(replies) else []
    report("4b 16 concurrent requests with the new kid right after rotation (1 worker)", good == len(replies),
           f"{good}/16 answered 200 (statuses {statuses}); JWKS fetches {before:g} -> {server.jwks_fetches():g}"
           + (f"; refusals logged: {refused}" if refused else ""))


def check_workers_rotation(run: Setup) -> None:
    server = run.workers
    before = server.jwks_fetches(settle=False)  # quiet since check 7a
    token = run.auth.client_token(server.resource)
    mark = len(server.log_lines)
    replies: list[Reply] = []
    # one request at a time, each on a new connection (the kernel picks the worker), until both
    # workers have served the new kid
    while len(replies) < 40 and len(set(server.access_pids(mark))) < 2:
        replies.append(modern_add(server.url, token, len(replies), 1))
        time.sleep(0.02)  # the access line is written after the answer
    good = sum(1 for index, reply in enumerate(replies) if reply.status == 200 and tool_result(reply) == index + 1)
    pids = sorted(set(server.access_pids(mark)))
    after = server.jwks_fetches()
    refused = server.refusals_since(mark, wait=0.2) if good < len(replies) else []
    report("7b --workers 2 after rotation: new kid on each worker, at most one more fetch per worker",
           good == len(replies) and after <= 4 and len(pids) == 2,
           f"{good}/{len(replies)} requests with the new kid ({jwt_part(token, 0)['kid']}, one at a time on new "
           f"connections) answered 200, served by worker pids {pids}; "
           f"mcp_oauth_jwks_fetches_total{{outcome=\"ok\"}} {before:g} -> {after:g}"
           + (f"; refusals logged: {refused}" if refused else ""))


# --- check 9: scopes per declaration -----------------------------------------------------------

WRITE_TOOLS = {"write_text_file", "write_json_file", "create_directory", "delete_file"}  # need mcp:write
READ_SCOPE = "mcp:read"


def scope_tokens(run: Setup, server: MCPServer) -> tuple[str, str]:
    """client_credentials tokens for `server`: (scope mcp:read, scope mcp:read mcp:write), minted once."""
    if server.port not in run.scope_tokens:
        run.scope_tokens[server.port] = (run.auth.client_token(server.resource, scope=READ_SCOPE),
                                         run.auth.client_token(server.resource))
    return run.scope_tokens[server.port]


def rpc_error(reply: Reply) -> dict | None:
    return (reply.body or {}).get("error") if isinstance(reply.body, dict) else None


def rpc_result(reply: Reply) -> dict:
    return ((reply.body or {}).get("result") or {}) if isinstance(reply.body, dict) else {}


def tool_list(fetch) -> tuple[list[str], str, list[Reply]]:
    """Every page of one tools/list (`fetch(params)` sends one request): names, bodies joined, replies."""
    names: list[str] = []
    replies: list[Reply] = []
    cursor = None
    while len(replies) < 20:
        reply = fetch({"cursor": cursor} if cursor else {})
        replies.append(reply)
        result = rpc_result(reply)
        names += [tool.get("name") for tool in result.get("tools", [])]
        cursor = result.get("nextCursor")
        if not cursor:
            break
    return names, "\n".join(reply.text for reply in replies), replies


def era_callers(server: MCPServer, token: str) -> dict:
    """era -> send(method, params, name): a 2026-07-28 request, or a handshake-era one after initialize."""
    session = handshake_initialize(server.url, token)[1]
    return {
        "2026-07-28": lambda method, params, name=None: modern_request(server.url, token, method, params, name),
        "handshake": lambda method, params, name=None: handshake_request(server.url, token, session, method, params),
    }


def check_scoped_lists(run: Setup) -> None:
    server = run.main
    read, full = scope_tokens(run, server)
    callers = {READ_SCOPE: era_callers(server, read), SCOPES: era_callers(server, full)}
    for era in ("2026-07-28", "handshake"):
        seen: dict[str, dict] = {}
        for label, send in callers.items():
            calls = [tool_list(lambda params, send=send[era]: send("tools/list", params)) for _ in range(3)]
            replies = [reply for call in calls for reply in call[2]]
            seen[label] = dict(names=calls[0][0], stable=len({call[1] for call in calls}) == 1,
                               ok=all(reply.status == 200 for reply in replies), pages=len(calls[0][2]),
                               cache={rpc_result(reply).get("cacheScope") for reply in replies})
        hidden = set(seen[SCOPES]["names"]) - set(seen[READ_SCOPE]["names"])
        extra = set(seen[READ_SCOPE]["names"]) - set(seen[SCOPES]["names"])
        cache_ok = era != "2026-07-28" or all(entry["cache"] == {"private"} for entry in seen.values())
        ok = (hidden == WRITE_TOOLS and not extra and cache_ok
              and all(entry["ok"] and entry["stable"] for entry in seen.values()))
        report(f"9a tools/list by scope, {era}", ok,
               f"token '{READ_SCOPE}': {len(seen[READ_SCOPE]['names'])} tools, token '{SCOPES}': "
               f"{len(seen[SCOPES]['names'])}; listed only with mcp:write: {sorted(hidden)}"
               + (f", only without it: {sorted(extra)}" if extra else "")
               + "; same bytes on 3 calls each: " + ", ".join(f"'{label}' {entry['stable']}" for label, entry in seen.items())
               + ("; cacheScope " + ", ".join(f"'{label}': {sorted(map(str, entry['cache']))}" for label, entry in seen.items())
                  if era == "2026-07-28" else ""))
        if era == "2026-07-28":
            full_names = seen[SCOPES]["names"]
    by_key = tool_list(lambda params: modern_request(server.url, API_KEY, "tools/list", params))[0]
    report("9a API_KEY caller is not limited by scopes", by_key == full_names and WRITE_TOOLS <= set(by_key),
           f"Bearer <API_KEY> lists {len(by_key)} tools, the '{SCOPES}' token {len(full_names)}; "
           f"same list: {by_key == full_names}")


def check_scoped_call(run: Setup) -> None:
    server = run.main
    read, full = scope_tokens(run, server)
    refused = {"file_path": "9b-refused.txt", "content": "refused"}
    made_up = "no_such_tool_9b"
    ok, figures = True, []
    for era, send in era_callers(server, read).items():
        hidden = send("tools/call", {"name": "write_text_file", "arguments": refused}, "write_text_file")
        unknown = send("tools/call", {"name": made_up, "arguments": refused}, made_up)
        hidden_error, unknown_error = rpc_error(hidden), rpc_error(unknown)
        same = (hidden.status == unknown.status and hidden_error is not None and unknown_error is not None
                and json.dumps(hidden_error, sort_keys=True)
                == json.dumps(unknown_error, sort_keys=True).replace(made_up, "write_text_file"))
        ok = ok and same and hidden_error.get("code") == -32602
        figures.append(f"{era}: write_text_file -> HTTP {hidden.status} {json.dumps(hidden_error)}, {made_up} -> "
                       f"HTTP {unknown.status} {json.dumps(unknown_error)}")
    refused_file = os.path.exists(os.path.join(server.workspace, refused["file_path"]))
    content = "written with mcp:write"
    written = modern_request(server.url, full, "tools/call", {"name": "write_text_file", "arguments": {
        "file_path": "9b-written.txt", "content": content}}, "write_text_file")
    path = os.path.join(server.workspace, "9b-written.txt")
    on_disk = open(path).read() if os.path.exists(path) else None
    wrote = written.status == 200 and rpc_result(written).get("isError") is False and on_disk == content
    report("9b write_text_file: unknown to an mcp:read token, writes with mcp:write", ok and wrote and not refused_file,
           "token 'mcp:read': " + "; ".join(figures) + f"; {refused['file_path']} in the workspace: {refused_file}; "
           f"token '{SCOPES}': HTTP {written.status}, isError {rpc_result(written).get('isError')}, file "
           f"{'holds the content' if on_disk == content else repr(on_disk)}"
           + ("" if wrote else f"; body {written.text[:300]}"))


def check_scoped_rest(run: Setup) -> None:
    server = run.main
    read, full = scope_tokens(run, server)
    base = server.local_origin
    listed = {label: request("GET", f"{base}/api/v1/tools", headers=bearer(token))
              for label, token in ((READ_SCOPE, read), (SCOPES, full))}
    counts = {label: (reply.body or {}).get("count") for label, reply in listed.items()}
    names = {label: {tool.get("name") for tool in (reply.body or {}).get("tools", [])} for label, reply in listed.items()}
    over_rpc = set(tool_list(lambda params: modern_request(server.url, read, "tools/list", params))[0])
    headers = dict(bearer(read), **{"Content-Type": "application/json"})
    body = {"file_path": "9c-refused.txt", "content": "refused"}
    hidden = request("POST", f"{base}/api/v1/tools/write_text_file", body, headers)
    unknown = request("POST", f"{base}/api/v1/tools/no_such_tool_9c", body, headers)
    refused_file = os.path.exists(os.path.join(server.workspace, body["file_path"]))
    difference = (counts[SCOPES] - counts[READ_SCOPE]) if None not in counts.values() else None
    ok = (all(reply.status == 200 for reply in listed.values()) and difference == len(WRITE_TOOLS)
          and names[SCOPES] - names[READ_SCOPE] == WRITE_TOOLS and names[READ_SCOPE] == over_rpc
          and hidden.status == 404 and hidden.text == unknown.text and unknown.status == 404 and not refused_file)
    report("9c REST by scope", ok,
           f"GET /api/v1/tools: count {counts[READ_SCOPE]} for '{READ_SCOPE}', {counts[SCOPES]} for '{SCOPES}' "
           f"(difference {difference}: {sorted(names[SCOPES] - names[READ_SCOPE])}); same names as tools/list: "
           f"{names[READ_SCOPE] == over_rpc}; POST /api/v1/tools/write_text_file with '{READ_SCOPE}' -> {hidden.status} "
           f"{hidden.text[:100]}, a made-up tool -> {unknown.status} {unknown.text[:100]}; file written: {refused_file}")


def check_scope_challenge(run: Setup) -> None:
    server = run.challenge
    read, full = scope_tokens(run, server)
    expected = {"resource_metadata": f"{server.public_url}/.well-known/oauth-protected-resource/mcp",
                "scope": f"{READ_SCOPE} mcp:write", "error": "insufficient_scope",
                "error_description": "more scopes are needed"}
    refused = {"file_path": "9d-refused.txt", "content": "refused"}
    for era, send in era_callers(server, read).items():
        reply = send("tools/call", {"name": "write_text_file", "arguments": refused}, "write_text_file")
        body = reply.body if isinstance(reply.body, dict) else {}
        ok = (reply.status == 403 and challenge(reply) == expected and rpc_error(reply) is not None
              and body.get("jsonrpc") == "2.0" and body.get("id") == 1)
        report(f"9d scope challenge (OAUTH_INSUFFICIENT_SCOPE=challenge), {era}", ok,
               f"write_text_file with an '{READ_SCOPE}' token -> HTTP {reply.status}, WWW-Authenticate: "
               f"{reply.headers.get('www-authenticate')}; body {reply.text[:200]}")
    made_up = modern_request(server.url, read, "tools/call", {"name": "no_such_tool_9d", "arguments": refused},
                             "no_such_tool_9d")
    # the same request to the main server (OAUTH_INSUFFICIENT_SCOPE left at unknown)
    plain = modern_request(run.main.url, scope_tokens(run, run.main)[0], "tools/call",
                           {"name": "no_such_tool_9d", "arguments": refused}, "no_such_tool_9d")
    listed = set(tool_list(lambda params: modern_request(server.url, read, "tools/list", params))[0])
    rest = request("POST", f"{server.local_origin}/api/v1/tools/write_text_file", refused,
                   dict(bearer(read), **{"Content-Type": "application/json"}))
    content = "written after asking for mcp:write"
    written = modern_request(server.url, full, "tools/call", {"name": "write_text_file", "arguments": {
        "file_path": "9d-written.txt", "content": content}}, "write_text_file")
    path = os.path.join(server.workspace, "9d-written.txt")
    on_disk = open(path).read() if os.path.exists(path) else None
    refused_file = os.path.exists(os.path.join(server.workspace, refused["file_path"]))
    ok = (made_up.status == plain.status and rpc_error(plain) is not None and rpc_error(made_up) == rpc_error(plain)
          and "www-authenticate" not in made_up.headers and listed and not listed & WRITE_TOOLS
          and written.status == 200 and on_disk == content and not refused_file
          and rest.status == 403 and challenge(rest) == expected)
    report("9d challenge server otherwise: made-up names unknown, lists still filtered, mcp:write writes", ok,
           f"no_such_tool_9d with '{READ_SCOPE}' -> HTTP {made_up.status} {json.dumps(rpc_error(made_up))} (as on the "
           f"main server: {made_up.status == plain.status and rpc_error(made_up) == rpc_error(plain)}); "
           f"tools/list for '{READ_SCOPE}' shows write tools: {sorted(listed & WRITE_TOOLS)}; write_text_file with "
           f"'{SCOPES}' -> HTTP {written.status}, file {'written' if on_disk == content else repr(on_disk)}; "
           f"refused file written: {refused_file}; REST POST /api/v1/tools/write_text_file with '{READ_SCOPE}' -> "
           f"{rest.status}, WWW-Authenticate: {rest.headers.get('www-authenticate')}")


def check_introspection(run: Setup) -> None:
    """10: a revoked token is refused through introspection (RFC 7662) while its JWT still verifies."""
    server, auth = run.introspecting, run.auth
    token = auth.client_token(server.resource)
    before = modern_add(server.url, token, 1, 2)
    service = auth.http.post(auth.env["OAUTH_AS_TOKEN"], auth=(auth.env["OAUTH_AS_CLIENT_ID"],
                             auth.env["OAUTH_AS_CLIENT_SECRET"]),
                             data={"grant_type": "client_credentials", "scope": "mcp:introspect"})
    revoked = auth.http.post(auth.env["OAUTH_AS_REVOKE"], headers=bearer(service.json()["access_token"]),
                             data={"token": token, "token_type_hint": "access_token"})
    time.sleep(1.3)  # OAUTH_INTROSPECTION_CACHE=1: the remembered "active" answer ages out
    index = len(server.log_lines)
    after = modern_add(server.url, token, 1, 2)
    reasons = server.refusals_since(index)
    opaque = modern_add(server.url, "an-opaque-token-nobody-issued", 1, 2)
    ok = (before.status == 200 and revoked.status_code == 200 and after.status == 401
          and challenge(after).get("error") == "invalid_token" and any("inactive" in r for r in reasons)
          and opaque.status == 401)
    report("10 introspection: a revoked token is refused at once (OAUTH_INTROSPECT=always)", ok,
           f"before revocation -> HTTP {before.status}; revoke -> {revoked.status_code}; after -> HTTP {after.status}, "
           f"WWW-Authenticate: {after.headers.get('www-authenticate')}; logged reasons: {reasons}; "
           f"an opaque token nobody issued -> HTTP {opaque.status}")


async def sdk_tool_names(client) -> list[str]:
    names: list[str] = []
    cursor = None
    for _ in range(20):
        page = await client.list_tools(cursor=cursor)
        names += [tool.name for tool in page.tools]
        cursor = page.next_cursor
        if not cursor:
            break
    return names


def check_sdk_scopes(run: Setup) -> None:
    """The official client asks for the scopes the 401 names (it overwrites client_metadata.scope
    with them: the MCP scope-selection order), so what it may do is narrowed where a person would
    narrow it: on the consent page. The user here agrees to `mcp:read` only, or to everything."""
    server = run.main
    for consent in (READ_SCOPE, None):
        started = time.monotonic()
        label = f"9e official client, user consents to {consent!r} only" if consent else             "9e official client, user consents to everything asked"
        try:
            flow = asyncio.run(sdk_flow(server.url, run.auth, "2026-07-28", consent=[consent], act=sdk_tool_names))
        except Exception as error:
            report(label, False, f"error: {error!r}")
            continue
        names = set(flow["acted"])
        granted = set(str(flow["claims"].get("scope", "")).split())
        if consent:
            ok = granted == {READ_SCOPE} and bool(names) and not names & WRITE_TOOLS
        else:
            ok = granted == set(SCOPES.split()) and WRITE_TOOLS <= names
        report(label, ok, f"asked for {flow['asked']}, token scope {flow['claims'].get('scope')!r}; list_tools(): "
               f"{len(names)} tools, write_text_file listed: {'write_text_file' in names}, write tools listed: "
               f"{sorted(names & WRITE_TOOLS)} (protocol {flow['protocol']}, {time.monotonic() - started:.1f} s)")


def check_sdk_step_up(run: Setup) -> None:
    server = run.challenge
    content = "written after the official client's step-up"
    file_path = "9f-step-up.txt"

    async def write(client) -> dict:
        # a request with the first token first: the client steps up on a 403 to a request that
        # went out with a token, not on the retry that follows its first authorization
        listed = await sdk_tool_names(client)
        result = await client.call_tool("write_text_file", {"file_path": file_path, "content": content})
        return {"listed": listed, "is_error": bool(result.is_error)}

    started = time.monotonic()
    flow = asyncio.run(sdk_flow(server.url, run.auth, "2026-07-28", consent=[READ_SCOPE, None], act=write))
    path = os.path.join(server.workspace, file_path)
    on_disk = open(path).read() if os.path.exists(path) else None
    bearer_posts = [line for line in flow["seen"] if line.startswith("POST /mcp (Bearer)")]
    forbidden = [index for index, line in enumerate(flow["seen"]) if line == "POST /mcp (Bearer) -> 403"]
    retried = bool(forbidden) and "POST /mcp (Bearer) -> 200" in flow["seen"][forbidden[0]:]
    granted = set(str(flow["claims"].get("scope", "")).split())
    listed_first = set(flow["acted"]["listed"])
    ok = (len(flow["asked"]) == 2 and "mcp:write" in flow["asked"][1].split() and retried
          and granted == set(SCOPES.split()) and not flow["acted"]["is_error"] and on_disk == content
          and bool(listed_first) and not listed_first & WRITE_TOOLS)
    report("9f official client step-up on the challenge server", ok,
           f"authorizations asked for {flow['asked']} (user agreed to '{READ_SCOPE}', then to everything); "
           f"list_tools() before: {len(listed_first)} tools, write tools {sorted(listed_first & WRITE_TOOLS)}; "
           f"POSTs with a token: {[line.split('-> ')[1] for line in bearer_posts]}; final token scope "
           f"{flow['claims'].get('scope')!r}; write_text_file isError {flow['acted']['is_error']}, file "
           f"{'written' if on_disk == content else repr(on_disk)} ({time.monotonic() - started:.1f} s)")


# --- main ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    arguments = parser.parse_args()
    for key in [key for key in os.environ if key.startswith(INHERITED)]:
        del os.environ[key]
    # a CI timeout's SIGTERM still stops everything started here (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    binary = os.path.abspath(arguments.binary)
    began = time.monotonic()
    run = Setup(binary)
    try:
        run.start()
        print(f"setup: Glewlwyd {run.auth.issuer} (+ 2-second tokens at {run.short.issuer}), "
              f"{len(run.cleanup) - 2} servers started in {time.monotonic() - began:.1f} s", flush=True)
        steps = [
            ("1", check_metadata), ("2", check_calls), ("3", check_rejections), ("5", check_sessions),
            ("6", check_sdk_direct), ("6 nginx", check_sdk_nginx), ("7a", check_workers_load), ("8", check_production),
            ("9a", check_scoped_lists), ("9b", check_scoped_call), ("9c", check_scoped_rest),
            ("9d", check_scope_challenge), ("9e", check_sdk_scopes), ("9f", check_sdk_step_up),
            ("10", check_introspection),
        ]
        for name, check in steps:
            attempt(name, lambda: check(run))
        waited = wait_out_key_refetch_limit(run)
        pids_before = (run.main.process.pid, sorted(run.main.workers()))
        fetches_before = run.main.jwks_fetches(settle=False)  # quiet while we waited
        rotated = run.auth.rotate()  # one rotation for checks 4, 4b and 7b
        attempt("4", lambda: check_rotation(run, rotated, waited, pids_before, fetches_before))
        attempt("4b", lambda: check_rotation_burst(run))
        attempt("7b", lambda: check_workers_rotation(run))
    except Exception as error:  # setup (or the rotation) failed: report it, still clean up
        report("setup or rotation", False, f"error: {error!r}")
    finally:
        run.stop()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"resource server checks: {len(RESULTS) - len(failed)} passed, {len(failed)} failed "
          f"({time.monotonic() - began:.1f} s)", flush=True)
    sys.exit(1 if failed or not RESULTS else 0)


def attempt(name: str, check) -> None:
    """A check that crashes is a failed check."""
    try:
        check()
    except Exception as error:
        report(name, False, f"error: {error!r}")


if __name__ == "__main__":
    main()
