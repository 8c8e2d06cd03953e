/// A JSON-RPC error object, with the codes both MCP eras use.
///
/// Errors render themselves: ``code``, ``message`` and optional ``data`` go on the wire as is,
/// so a message must never carry internals (paths, stack traces, `localizedDescription`).
public struct JSONRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "JSON-RPC error \(code): \(message)" }

    public var json: JSONValue {
        var object: JSONObject = ["code": .int(code), "message": .string(message)]
        if let data { object.append("data", data) }
        return .object(object)
    }

    // MARK: Standard JSON-RPC 2.0 codes

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603

    // MARK: MCP codes

    /// Handshake era only: the resource does not exist.
    public static let resourceNotFoundCode = -32002
    /// 2026-07-28: a routing header is missing or disagrees with the body.
    public static let headerMismatchCode = -32020
    /// 2026-07-28: the request needs a client capability it did not declare.
    public static let missingRequiredClientCapabilityCode = -32021
    /// 2026-07-28: the `_meta` protocol version is not served here.
    public static let unsupportedProtocolVersionCode = -32022

    // MARK: Codes of this server (JSON-RPC's implementation-defined range)

    /// Every thread for tool work is busy and the wait queue is full: retry later (HTTP 503).
    public static let serverBusyCode = -32010

    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }

    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(LogSafe.clip(method, to: 100))")
    }

    public static func invalidParams(_ detail: String, data: JSONValue? = nil) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)", data: data)
    }

    public static func internalError(_ detail: String = "internal error") -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: "Internal error: \(detail)")
    }

    public static func resourceNotFound(uri: String) -> JSONRPCError {
        JSONRPCError(code: resourceNotFoundCode, message: "Resource not found", data: ["uri": .string(uri)])
    }

    public static func headerMismatch(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: headerMismatchCode, message: "Header mismatch: \(detail)")
    }

    public static func missingRequiredClientCapability(_ capabilities: JSONObject) -> JSONRPCError {
        JSONRPCError(
            code: missingRequiredClientCapabilityCode,
            message: "Missing required client capability",
            data: ["requiredCapabilities": .object(capabilities)]
        )
    }

    /// The server is at its limit of concurrent work; `data.retryAfterSeconds` says when to retry.
    public static func serverBusy(retryAfter seconds: Int = 1) -> JSONRPCError {
        JSONRPCError(
            code: serverBusyCode, message: "Server busy: too many calls in progress; retry later",
            data: ["retryAfterSeconds": .int(seconds)])
    }

    public static func unsupportedProtocolVersion(requested: JSONValue, supported: [String]) -> JSONRPCError {
        JSONRPCError(
            code: unsupportedProtocolVersionCode,
            message: "Unsupported protocol version",
            data: ["supported": .array(supported.map { .string($0) }), "requested": requested]
        )
    }
}
