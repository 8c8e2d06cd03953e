"""The original scaffold's stack as a benchmark peer: the official MCP Python SDK's FastMCP server
(`mcp` 2.x calls it MCPServer), stateless Streamable HTTP at /mcp, served by uvicorn.

    PEER_JSON=1 uvicorn sdk_server:create_app --factory ...   # JSON answers
    PEER_JSON=0 ...                                           # SSE answers, the SDK's default

Logging stays at the SDK's default unless PEER_LOG_LEVEL is set.
"""
import os

from tools import register

try:  # mcp >= 2
    from mcp.server.mcpserver import MCPServer as Server
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as Server


def create_app():
    level = os.environ.get("PEER_LOG_LEVEL")
    server = register(Server("bench-sdk", log_level=level) if level else Server("bench-sdk"))
    return server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=os.environ.get("PEER_JSON") == "1")
