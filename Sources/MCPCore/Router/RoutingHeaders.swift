/// The 2026-07-28 routing headers of one HTTP request, as plain values (MCP-REQUIREMENTS §2b):
/// the first value of `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name`, and which of them
/// came more than once, so the router can check them against the body without knowing HTTP.
public struct RoutingHeaders: Sendable {
    /// One of the three routing headers.
    public enum Header: String, Sendable {
        /// `MCP-Protocol-Version`: the protocol version the request speaks.
        case protocolVersion = "MCP-Protocol-Version"
        /// `Mcp-Method`: the JSON-RPC method of the body.
        case method = "Mcp-Method"
        /// `Mcp-Name`: the tool, prompt or resource the body names.
        case name = "Mcp-Name"
    }

    /// The first `MCP-Protocol-Version` value; nil when the header is absent.
    public var protocolVersion: String?
    /// The first `Mcp-Method` value; nil when the header is absent.
    public var method: String?
    /// The first `Mcp-Name` value; nil when the header is absent.
    public var name: String?
    /// The headers that appeared more than once (HTTP-M-7); empty almost always.
    public var repeated: [Header] = []

    /// Headers with the given first values and none repeated.
    public init(protocolVersion: String? = nil, method: String? = nil, name: String? = nil) {
        self.protocolVersion = protocolVersion
        self.method = method
        self.name = name
    }

    /// Takes one more field: the first value of each header counts, a second one is noted.
    public mutating func add(_ header: Header, _ value: String) {
        switch header {
        case .protocolVersion: protocolVersion == nil ? (protocolVersion = value) : repeated.append(header)
        case .method: method == nil ? (method = value) : repeated.append(header)
        case .name: name == nil ? (name = value) : repeated.append(header)
        }
    }

    /// Runs ENV-2's ladder for one modern request: duplicates, required `_meta` keys, header
    /// agreement, version type, version support. Returns the request's envelope.
    func validate(_ request: JSONRPCRequest) throws(JSONRPCError) -> Envelope {
        if let header = repeated.first { throw .headerMismatch("\(header.rawValue) appears more than once") }
        let meta = try Envelope.requireKeys(in: request.params)
        guard let version = protocolVersion else {
            throw .headerMismatch("MCP-Protocol-Version header is required")
        }
        guard meta[Envelope.protocolVersionKey] == .string(version) else {
            throw .headerMismatch("MCP-Protocol-Version header does not match _meta")
        }
        guard let method else { throw .headerMismatch("Mcp-Method header is required") }
        guard method == request.method else { throw .headerMismatch("Mcp-Method header does not match the method") }
        if let nameKey = Self.nameKey(for: request.method) {
            let expected = request.params?[nameKey]?.stringValue
            let header = name.map(Self.decode)
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
        var payload = Substring(value.dropFirst(9).dropLast(2))
        while payload.last == "=" { payload = payload.dropLast() }
        let urlSafe = String(payload).replacing("+", with: "-").replacing("/", with: "_")
        guard let bytes = Base64URL.decode(urlSafe) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
