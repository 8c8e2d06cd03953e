package import HTTPTypes

extension HTTPField.Name {
    /// The protocol revision a request speaks (2025-06-18 and later; the 2026-07-28 routing header).
    package static let mcpProtocolVersion = HTTPField.Name("MCP-Protocol-Version")!
    /// 2026-07-28 routing header: the JSON-RPC method of the body.
    package static let mcpMethod = HTTPField.Name("Mcp-Method")!
    /// 2026-07-28 routing header: the tool, prompt or resource the body names.
    package static let mcpName = HTTPField.Name("Mcp-Name")!
    /// The handshake-era session id, minted on `initialize` and sent back on every request.
    package static let mcpSessionID = HTTPField.Name("Mcp-Session-Id")!
    /// The id of the last SSE event a client saw, to resume a stream after it.
    package static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// An id for the request, echoed in the response and the logs.
    package static let requestID = HTTPField.Name("X-Request-ID")!
    /// The API key, as an alternative to `Authorization: Bearer`.
    package static let apiKey = HTTPField.Name("X-API-Key")!
    /// `no`, sent on SSE streams so nginx does not buffer them.
    package static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
