import MCPCore

/// The headers of a 2026-07-28 request for `method` (and `name`), plus the JSON body.
enum Modern {
    static let accept = ("Accept", "application/json, text/event-stream")

    static func headers(_ method: String, name: String? = nil, version: String = "2026-07-28") -> [(String, String)] {
        var headers = [accept, ("MCP-Protocol-Version", version), ("Mcp-Method", method)]
        if let name { headers.append(("Mcp-Name", name)) }
        return headers
    }

    static func body(
        id: String = "1", _ method: String, _ params: String = "{}", version: String = "2026-07-28", meta: String = ""
    ) -> String {
        let envelope =
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"\#(version)","io.modelcontextprotocol/clientCapabilities":{}\#(meta)}"#
        let body = params == "{}" ? "{\(envelope)}" : String(params.dropLast()) + ",\(envelope)}"
        return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(body)}"#
    }
}
