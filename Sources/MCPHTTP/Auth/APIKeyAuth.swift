import Crypto
import HTTPTypes
package import Hummingbird
import Logging
import MCPCore

/// Optional API-key authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>`,
/// compared in constant time. Missing or wrong keys get 401 with `WWW-Authenticate`. Keys in
/// query strings or cookies are never accepted. Health and readiness stay open; `/metrics` is
/// open unless configured otherwise; `openPaths` adds static answers that hold no data (the
/// inspector's page, which asks for the key itself).
package struct APIKeyAuth: RouterMiddleware {
    /// The request context of the MCP HTTP server.
    package typealias Context = MCPRequestContext

    let expected: [UInt8]
    let principal: Principal
    let openPaths: Set<String>

    /// Requires `apiKey` on every path but `/health`, `/ready`, `/`, `openPaths` and (unless `metricsRequireAuth`)
    /// `/metrics`; `OPTIONS` preflights pass too.
    package init(apiKey: String, metricsRequireAuth: Bool, openPaths extra: [String] = []) {
        expected = Array(apiKey.utf8)
        principal = Principal(id: Self.principal(of: apiKey))
        var open: Set<String> = Set(["/health", "/ready", "/"] + extra)
        if !metricsRequireAuth { open.insert("/metrics") }
        openPaths = open
    }

    /// A stable, non-secret name for a key: sessions are bound to it.
    static func principal(of key: String) -> String {
        "key:" + SHA256.hash(data: Array(key.utf8)).prefix(8).map { String($0, radix: 16) }.joined()
    }

    /// Passes open paths and requests with the right key to `next`; answers anything else with 401.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if openPaths.contains(request.uri.path) || request.method == .options {
            return try await next(request, context)
        }
        let bearer = request.headers[values: .authorization]
        let headerKeys = request.headers[values: .apiKey]
        guard bearer.count + headerKeys.count == 1 else { return unauthorized(request) }
        let presented: String?
        if let authorization = bearer.first {
            presented = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : nil
        } else {
            presented = headerKeys.first
        }
        guard let presented, Self.constantTimeEqual(Array(presented.utf8), expected) else {
            return unauthorized(request)
        }
        var context = context
        context.caller = principal
        return try await next(request, context)
    }

    func unauthorized(_ request: Request) -> Response {
        HTTPMessages.problem(
            .unauthorized, "missing or invalid API key", headers: [.wwwAuthenticate: #"Bearer realm="mcp""#])
    }

    /// Compares every byte whatever the first difference, so timing does not reveal the key.
    /// The length difference is kept whole (a difference of 256 bytes must not fold to zero).
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = left.count ^ right.count
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= Int(a ^ b)
        }
        return difference == 0
    }
}
