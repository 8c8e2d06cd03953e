/// The answer to one request: the complete JSON-RPC response, ready to send.
public struct Reply: Sendable {
    /// The encoded response message.
    public var bytes: [UInt8]
    /// The error's code when the response is a JSON-RPC error (transports map it to a status).
    public var errorCode: Int?
    /// For `tools/call`: the tool name and whether it reported a tool error (for logs and metrics).
    public var toolName: String?
    /// True when the tool reported a tool error (`isError: true`); false for other replies.
    public var toolFailed: Bool = false

    /// A reply of already encoded bytes, with what it says for logs and metrics.
    public init(bytes: [UInt8], errorCode: Int? = nil, toolName: String? = nil, toolFailed: Bool = false) {
        self.bytes = bytes
        self.errorCode = errorCode
        self.toolName = toolName
        self.toolFailed = toolFailed
    }

    /// A JSON-RPC error response to `id` (`null` when nil), with ``errorCode`` set.
    package static func error(_ error: JSONRPCError, id: JSONRPCID?) -> Reply {
        Reply(bytes: JSONRPCEncoding.error(id: id, error: error), errorCode: error.code)
    }
}
