"""What both Python peers serve, registered the same way on either framework (the official SDK's
FastMCP and the fastmcp package share the decorator API): tools `add` and `count_words`, and
`GET /health`."""

from starlette.requests import Request
from starlette.responses import JSONResponse


def register(server):
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
