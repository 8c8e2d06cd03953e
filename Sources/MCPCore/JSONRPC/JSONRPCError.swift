/// A JSON-RPC error object, with the codes both MCP eras use.
///
/// Errors render themselves: ``code``, ``message`` and optional ``data`` go on the wire as is,
/// so a message must never carry internals (paths, stack traces, `localizedDescription`).
public struct JSONRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error code: a JSON-RPC standard code, an MCP code or one of this server's (see the constants below).
    public var code: Int
    /// A short sentence the client sees as it is.
    public var message: String
    /// Structured detail for the client (a missing capability, the supported versions); nil for none.
    public var data: JSONValue?

    /// An error with any code; prefer the named factories below.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `JSON-RPC error <code>: <message>`, for logs.
    public var description: String { "JSON-RPC error \(code): \(message)" }

    /// The error object as it goes on the wire: `code`, `message` and `data` when present.
    public var json: JSONValue {
        var object: JSONObject = ["code": .int(code), "message": .string(message)]
        if let data { object.append("data", data) }
        return .object(object)
    }

    // MARK: Standard JSON-RPC 2.0 codes

    /// -32700: the text is not JSON.
    public static let parseErrorCode = -32700
    /// -32600: the JSON is not a valid JSON-RPC request.
    public static let invalidRequestCode = -32600
    /// -32601: no such method (or not in this era or state).
    public static let methodNotFoundCode = -32601
    /// -32602: the method's parameters are missing or wrong.
    public static let invalidParamsCode = -32602
    /// -32603: the server failed; the message says no more than it must.
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
    /// The caller has as many tasks in progress as it may have: retry once one ends (HTTP 429).
    public static let tooManyTasksCode = -32011

    /// A parse error (-32700): `Parse error: <detail>`.
    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    /// An invalid-request error (-32600): `Invalid Request: <detail>`.
    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }

    /// A method-not-found error (-32601) naming `method`, clipped to 100 characters.
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(LogSafe.clip(method, to: 100))")
    }

    /// An invalid-params error (-32602): `Invalid params: <detail>`, with optional `data`.
    public static func invalidParams(_ detail: String, data: JSONValue? = nil) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)", data: data)
    }

    /// An internal error (-32603): `Internal error: <detail>`, or `Internal error` without one;
    /// `detail` must not carry internals.
    public static func internalError(_ detail: String? = nil) -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: detail.map { "Internal error: \($0)" } ?? "Internal error")
    }

    /// Resource not found (-32002, handshake era), with the URI in `data.uri`.
    public static func resourceNotFound(uri: String) -> JSONRPCError {
        JSONRPCError(code: resourceNotFoundCode, message: "Resource not found", data: ["uri": .string(uri)])
    }

    /// A routing header is missing or disagrees with the body (-32020): `Header mismatch: <detail>`.
    package static func headerMismatch(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: headerMismatchCode, message: "Header mismatch: \(detail)")
    }

    /// The request needs client capabilities it did not declare (-32021); `data.requiredCapabilities` lists them.
    package static func missingRequiredClientCapability(_ capabilities: JSONObject) -> JSONRPCError {
        JSONRPCError(
            code: missingRequiredClientCapabilityCode,
            message: "Missing required client capability",
            data: ["requiredCapabilities": .object(capabilities)]
        )
    }

    /// The server is at its limit of concurrent work; `data.retryAfterSeconds` says when to retry.
    package static func serverBusy(retryAfter seconds: Int = 1) -> JSONRPCError {
        JSONRPCError(
            code: serverBusyCode, message: "Server busy: too many calls in progress; retry later",
            data: ["retryAfterSeconds": .int(seconds)])
    }

    /// The caller's tasks in progress are at `limit` (-32011): a quota of this caller, not a fault
    /// of the server; `data` has `limit` and `retryAfterSeconds`.
    package static func tooManyTasks(limit: Int, retryAfter seconds: Int = 1) -> JSONRPCError {
        JSONRPCError(
            code: tooManyTasksCode,
            message: "Too many tasks in progress for this caller (limit \(limit)); retry when one has ended",
            data: ["limit": .int(limit), "retryAfterSeconds": .int(seconds)])
    }

    /// The requested protocol version is not served here (-32022); `data` has `supported` and `requested`.
    package static func unsupportedProtocolVersion(requested: JSONValue, supported: [String]) -> JSONRPCError {
        JSONRPCError(
            code: unsupportedProtocolVersionCode,
            message: "Unsupported protocol version",
            data: ["supported": .array(supported.map { .string($0) }), "requested": requested]
        )
    }
}
