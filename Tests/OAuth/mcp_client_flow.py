#!/usr/bin/env python3
"""Drive the official MCP Python client's OAuth flow (mcp.client.auth.OAuthClientProvider)
against the Glewlwyd test authorization server, headless, up to the point where it holds an
access token and retries its request to the MCP server with it.

There is no MCP server here. The only stand-in is the resource server's *edge*, answered
in-process for requests to the resource origin: a 401 with `WWW-Authenticate: Bearer
resource_metadata=...` on the first POST, the RFC 9728 protected-resource metadata document
naming Glewlwyd as authorization server, and, once the client retries with a Bearer token,
an echo of that token so we can show what the client obtained. Every request to the
authorization server (discovery, registration, authorize, token) is real HTTP to Glewlwyd.

The "browser" is the redirect handler: it logs the test user in through Glewlwyd's login
API, records the user's consent for the freshly registered client through Glewlwyd's grant
API, requests the authorization URL the SDK built (adding `g_continue`, as Glewlwyd's own
login page does) and keeps the redirect; the callback handler hands code, state and iss back.

usage: mcp_client_flow.py --state STATE_DIR [--resource http://127.0.0.1:8000/mcp]
exit 0 when the client ended up sending `Authorization: Bearer <jwt>` whose aud is the resource.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import shlex
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse, urlsplit, urlunsplit

import httpx2 as httpx

from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider, TokenStorage
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

REDIRECT_URI = "http://127.0.0.1:33418/callback"
SCOPES = "mcp:read mcp:write"


def read_env(state: Path) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in (state / "env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = shlex.split(value)[0] if value else ""
    return env


def jwt_part(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class MemoryStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class HeadlessBrowser:
    """Plays the user: login, consent, follow the authorization URL to the redirect.

    `consent` is what the user agrees to, one entry per authorization (the last one repeats;
    None: whatever the client asks). Glewlwyd then issues the scopes both asked and agreed to,
    as when a person unticks a scope on the consent page. `asked` records what each
    authorization URL asked for."""

    def __init__(self, env: dict[str, str], log, consent: list[str | None] | None = None) -> None:
        self.env = env
        self.log = log
        self.redirect: str | None = None
        self.consent = list(consent or [None])
        self.asked: list[str] = []

    async def redirect_handler(self, authorization_url: str) -> None:
        query = parse_qs(urlparse(authorization_url).query)
        client_id = query["client_id"][0]
        asked = query.get("scope", [""])[0]
        self.asked.append(asked)
        agreed = self.consent[min(len(self.asked), len(self.consent)) - 1]
        scope = asked if agreed is None else agreed
        self.log(f"redirect_handler: authorize URL params: "
                 f"{ {k: v[0] for k, v in query.items() if k not in ('code_challenge', 'state')} }")
        async with httpx.AsyncClient(follow_redirects=False, timeout=10) as browser:
            r = await browser.post(self.env["OAUTH_AS_LOGIN"], json={
                "username": self.env["OAUTH_AS_USER"], "password": self.env["OAUTH_AS_USER_PASSWORD"]})
            r.raise_for_status()
            # glewlwyd 2.7.5 splits the granted list on spaces
            r = await browser.put(f"{self.env['OAUTH_AS_GRANT_PREFIX']}{client_id}/", json={"scope": scope})
            r.raise_for_status()
            parts = urlsplit(authorization_url)
            url = urlunsplit(parts._replace(query=parts.query + "&g_continue"))
            r = await browser.get(url)
            if r.status_code != 302:
                raise RuntimeError(f"authorization endpoint answered {r.status_code}: {r.text[:200]}")
            self.redirect = r.headers["location"]
            self.log(f"redirect_handler: consent given for {client_id}; AS redirected to "
                     f"{self.redirect.split('?')[0]}?{'&'.join(k + '=…' for k in parse_qs(urlparse(self.redirect).query))}")

    async def callback_handler(self) -> AuthorizationCodeResult:
        assert self.redirect is not None
        q = parse_qs(urlparse(self.redirect).query)
        if "error" in q:
            raise RuntimeError(f"authorization error: {q}")
        return AuthorizationCodeResult(code=q["code"][0], state=q.get("state", [None])[0],
                                       iss=q.get("iss", [None])[0])


class ResourceEdge(httpx.AsyncBaseTransport):
    """Answers requests to the resource origin in-process (see module docstring); passes
    everything else to the network."""

    def __init__(self, resource: str, issuer: str, log) -> None:
        self.resource = resource
        self.origin = "{0.scheme}://{0.netloc}".format(urlparse(resource))
        self.prm_url = f"{self.origin}/.well-known/oauth-protected-resource{urlparse(resource).path}"
        self.issuer = issuer
        self.log = log
        self.net = httpx.AsyncHTTPTransport()
        self.bearer: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if not url.startswith(self.origin + "/"):
            self.log(f"  -> AS  {request.method} {url.split('?')[0]}")
            response = await self.net.handle_async_request(request)
            self.log(f"  <- AS  {response.status_code}")
            return response
        if url.startswith(self.prm_url):
            self.log(f"  -> RS* GET {url} (protected-resource metadata, stand-in)")
            return httpx.Response(200, json={
                "resource": self.resource,
                "authorization_servers": [self.issuer],
                "scopes_supported": SCOPES.split(),
                "bearer_methods_supported": ["header"],
            })
        if "/.well-known/" in url:
            return httpx.Response(404)
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            self.log(f"  -> RS* {request.method} {url} without token -> 401 (stand-in)")
            return httpx.Response(401, headers={"WWW-Authenticate":
                f'Bearer resource_metadata="{self.prm_url}", scope="{SCOPES}"'})
        self.bearer = auth.split(" ", 1)[1]
        self.log(f"  -> RS* {request.method} {url} with Bearer token: this is where the MCP server "
                 f"would validate it; the stand-in answers 200")
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": 1, "result": {"stand_in": True}})

    async def aclose(self) -> None:
        await self.net.aclose()


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True, type=Path)
    ap.add_argument("--resource", default="http://127.0.0.1:8000/mcp")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    log = (lambda *_: None) if args.quiet else (lambda m: print(m, flush=True))

    env = read_env(args.state)
    storage = MemoryStorage()
    browser = HeadlessBrowser(env, log)
    provider = OAuthClientProvider(
        server_url=args.resource,
        client_metadata=OAuthClientMetadata(
            client_name="mcp_client_flow.py",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        storage=storage,
        redirect_handler=browser.redirect_handler,
        callback_handler=browser.callback_handler,
    )
    edge = ResourceEdge(args.resource, env["OAUTH_AS_ISSUER"], log)
    async with httpx.AsyncClient(auth=provider, transport=edge, timeout=15) as client:
        response = await client.post(args.resource, json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "mcp_client_flow", "version": "0"}}},
            headers={"Accept": "application/json, text/event-stream"})

    ok = True
    info = storage.client_info
    print(f"registered client: {info.client_id if info else None} "
          f"(token_endpoint_auth_method={info.token_endpoint_auth_method if info else None})")
    if storage.tokens is None or edge.bearer is None:
        print("no token obtained")
        return 1
    claims = jwt_part(storage.tokens.access_token, 1)
    print(f"final response from the (stand-in) resource: {response.status_code}")
    print(f"token: type={storage.tokens.token_type} scope={storage.tokens.scope} "
          f"refresh_token={'yes' if storage.tokens.refresh_token else 'no'}")
    print("access token header: " + json.dumps(jwt_part(storage.tokens.access_token, 0)))
    print("access token claims: " + json.dumps(claims, indent=2))
    for label, good in [
        ("retried request carried that token", edge.bearer == storage.tokens.access_token),
        ("aud == resource", claims.get("aud") == args.resource),
        ("iss == issuer", claims.get("iss") == env["OAUTH_AS_ISSUER"]),
        ("client_id == dynamically registered client", info is not None and claims.get("client_id") == info.client_id),
    ]:
        print(f"{'ok  ' if good else 'FAIL'} {label}")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
