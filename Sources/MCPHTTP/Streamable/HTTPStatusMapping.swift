package import HTTPTypes
import MCPCore

/// The HTTP status of a JSON response carrying a JSON-RPC error (MCP-REQUIREMENTS HTTP-10):
/// shape, params and the 2026 routing/version/capability errors are 400, an unknown method is
/// 404, "busy, retry" is 503 and a caller's task quota 429 (both with `Retry-After`, see
/// ``HTTPMessages``), anything else travels in a 200.
package enum HTTPStatusMapping {
    /// The status for a response whose JSON-RPC error code is `code`; 200 when it is nil (no error).
    package static func status(forErrorCode code: Int?) -> HTTPResponse.Status {
        guard let code else { return .ok }
        switch code {
        case -32700, -32600, -32602, -32020, -32021, -32022: return .badRequest
        case -32601: return .notFound
        case JSONRPCError.serverBusyCode: return .serviceUnavailable
        case JSONRPCError.tooManyTasksCode: return .tooManyRequests
        default: return .ok
        }
    }
}
