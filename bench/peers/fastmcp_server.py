"""The same benchmark peer on the `fastmcp` package (4.x): stateless Streamable HTTP at /mcp.

    PEER_JSON=1 uvicorn fastmcp_server:create_app --factory ...   # JSON answers
"""
import os

from fastmcp import FastMCP
from starlette.requests import Request
from starlette.responses import JSONResponse


def build():
    server = FastMCP("bench-fastmcp")

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
    return build().http_app(path="/mcp", stateless_http=True, json_response=os.environ.get("PEER_JSON") == "1")
