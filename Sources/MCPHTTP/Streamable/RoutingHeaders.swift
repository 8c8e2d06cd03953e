import Foundation
public import HTTPTypes
public import MCPCore

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

/// The 2026-07-28 routing headers checked against the body, in the order of MCP-REQUIREMENTS
/// ENV-2: duplicates, required `_meta` keys, header agreement, version type, version support.
public enum RoutingHeaders {
    /// Runs the ladder for one modern request; returns its envelope.
    public static func validate(_ request: JSONRPCRequest, headers: HTTPFields) throws(JSONRPCError) -> Envelope {
        for name in [HTTPField.Name.mcpProtocolVersion, .mcpMethod, .mcpName] where headers[values: name].count > 1 {
            throw .headerMismatch("\(name) appears more than once")
        }
        let meta = try Envelope.requireKeys(in: request.params)
        guard let version = headers[.mcpProtocolVersion] else {
            throw .headerMismatch("MCP-Protocol-Version header is required")
        }
        guard meta[Envelope.protocolVersionKey] == .string(version) else {
            throw .headerMismatch("MCP-Protocol-Version header does not match _meta")
        }
        guard let method = headers[.mcpMethod] else { throw .headerMismatch("Mcp-Method header is required") }
        guard method == request.method else { throw .headerMismatch("Mcp-Method header does not match the method") }
        if let nameKey = nameKey(for: request.method) {
            let expected = request.params?[nameKey]?.stringValue
            let header = headers[.mcpName].map(decode)
            if request.method.hasPrefix("tasks/") {
                // Lenient for tasks (MCP-REQUIREMENTS §22 item 5): absent is fine, different is not.
                if let header, header != expected { throw .headerMismatch("Mcp-Name header does not match") }
            } else {
                guard let header else { throw .headerMismatch("Mcp-Name header is required for \(request.method)") }
                guard header == expected else { throw .headerMismatch("Mcp-Name header does not match the body") }
            }
        }
        return try Envelope.validate(meta: meta)
    }

    /// The params key `Mcp-Name` mirrors for `method`, if any.
    static func nameKey(for method: String) -> String? {
        switch method {
        case "tools/call", "prompts/get": return "name"
        case "resources/read": return "uri"
        case "tasks/get", "tasks/update", "tasks/cancel": return "taskId"
        default: return nil
        }
    }

    /// Decodes `=?base64?…?=` values (HTTP-M-4); a broken payload becomes a value that matches nothing.
    static func decode(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: payload), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        return text
    }
}
