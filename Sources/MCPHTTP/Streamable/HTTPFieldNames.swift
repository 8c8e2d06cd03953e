public import HTTPTypes

extension HTTPField.Name {
    public static let mcpProtocolVersion = HTTPField.Name("MCP-Protocol-Version")!
    public static let mcpMethod = HTTPField.Name("Mcp-Method")!
    public static let mcpName = HTTPField.Name("Mcp-Name")!
    public static let mcpSessionID = HTTPField.Name("Mcp-Session-Id")!
    public static let lastEventID = HTTPField.Name("Last-Event-ID")!
    public static let requestID = HTTPField.Name("X-Request-ID")!
    public static let apiKey = HTTPField.Name("X-API-Key")!
    public static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
