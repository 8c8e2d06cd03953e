"""The same benchmark peer on the `fastmcp` package (4.x): stateless Streamable HTTP at /mcp.

    PEER_JSON=1 uvicorn fastmcp_server:create_app --factory ...   # JSON answers
"""
import os

from fastmcp import FastMCP

from tools import register


def create_app():
    server = register(FastMCP("bench-fastmcp"))
    return server.http_app(path="/mcp", stateless_http=True, json_response=os.environ.get("PEER_JSON") == "1")
