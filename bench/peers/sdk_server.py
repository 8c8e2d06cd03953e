"""The original scaffold's stack as a benchmark peer: the official MCP Python SDK's FastMCP server
(`mcp` 2.x calls it MCPServer), stateless Streamable HTTP at /mcp, served by uvicorn.

    PEER_JSON=1 uvicorn sdk_server:create_app --factory ...   # JSON answers
    PEER_JSON=0 ...                                           # SSE answers, the SDK's default

Tools `add` and `count_words`; `GET /health` answers {"status":"ok"}. Logging stays at the SDK's
default unless PEER_LOG_LEVEL is set.
"""
import os

from starlette.requests import Request
from starlette.responses import JSONResponse

try:  # mcp >= 2
    from mcp.server.mcpserver import MCPServer as Server
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as Server


def build():
    level = os.environ.get("PEER_LOG_LEVEL")
    server = Server("bench-sdk", log_level=level) if level else Server("bench-sdk")

    @server.tool()
    def add(a: float, b: float) -> float:
        """Add two numbers."""
        return a + b

    @server.tool()
    def count_words(text: str) -> dict:
        """Count the words and characters of a text."""
        return {"words": len(text.split()), "chars": len(text)}

    @server.custom_route("/health", methods=["GET"])
    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return server


def create_app():
    return build().streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=os.environ.get("PEER_JSON") == "1")
