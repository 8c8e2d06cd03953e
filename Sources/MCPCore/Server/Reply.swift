/// The answer to one request: the complete JSON-RPC response, ready to send.
public struct Reply: Sendable {
    /// What the answer is made of: the whole message, or a result encoded once and shared by
    /// every answer that sends it (a cached list page), with the envelope written around it
    /// only when the answer is written out.
    private enum Body: Sendable {
        case whole([UInt8])
        case sharedResult(id: JSONRPCID, result: [UInt8])
    }

    private var body: Body

    /// The encoded response message.
    public var bytes: [UInt8] {
        get {
            switch body {
            case .whole(let bytes): return bytes
            case .sharedResult(let id, let result): return JSONRPCEncoding.result(id: id, resultBytes: result)
            }
        }
        set { body = .whole(newValue) }
    }

    /// The message in pieces to copy one after the other, without joining them first:
    /// `head`, then `shared` (a result held by a cache) when there is one, then `tail`.
    /// A transport that copies the answer into its own buffer copies a large shared result
    /// once instead of twice.
    package var pieces: (head: [UInt8], shared: [UInt8]?, tail: StaticString) {
        switch body {
        case .whole(let bytes): return (bytes, nil, "")
        case .sharedResult(let id, let result): return (JSONRPCEncoding.resultHead(id: id), result, "}")
        }
    }
    /// The error's code when the response is a JSON-RPC error (transports map it to a status).
    public var errorCode: Int?
    /// For `tools/call`: the tool name and whether it reported a tool error (for logs and metrics).
    public var toolName: String?
    /// True when the tool reported a tool error (`isError: true`); false for other replies.
    public var toolFailed: Bool = false

    /// A reply of already encoded bytes, with what it says for logs and metrics.
    public init(bytes: [UInt8], errorCode: Int? = nil, toolName: String? = nil, toolFailed: Bool = false) {
        self.body = .whole(bytes)
        self.errorCode = errorCode
        self.toolName = toolName
        self.toolFailed = toolFailed
    }

    /// The result `result` (encoded JSON, held and shared by a cache) answering `id`.
    package init(id: JSONRPCID, sharedResult result: [UInt8]) {
        body = .sharedResult(id: id, result: result)
    }

    /// A JSON-RPC error response to `id` (`null` when nil), with ``errorCode`` set.
    package static func error(_ error: JSONRPCError, id: JSONRPCID?) -> Reply {
        Reply(bytes: JSONRPCEncoding.error(id: id, error: error), errorCode: error.code)
    }
}
