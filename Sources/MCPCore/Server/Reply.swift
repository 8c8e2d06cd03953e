/// The answer to one request: the complete JSON-RPC response, ready to send.
public struct Reply: Sendable {
    /// The encoded response message.
    public var bytes: [UInt8]
    /// The error's code when the response is a JSON-RPC error (transports map it to a status).
    public var errorCode: Int?
    /// For `tools/call`: the tool name and whether it reported a tool error (for logs and metrics).
    public var toolName: String?
    public var toolFailed: Bool = false

    public init(bytes: [UInt8], errorCode: Int? = nil, toolName: String? = nil, toolFailed: Bool = false) {
        self.bytes = bytes
        self.errorCode = errorCode
        self.toolName = toolName
        self.toolFailed = toolFailed
    }

    public static func error(_ error: JSONRPCError, id: JSONRPCID?) -> Reply {
        Reply(bytes: JSONRPCEncoding.error(id: id, error: error), errorCode: error.code)
    }
}
