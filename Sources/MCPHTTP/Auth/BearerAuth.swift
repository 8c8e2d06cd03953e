import HTTPTypes
package import Hummingbird
import Logging
import MCPCore

/// OAuth 2.1 bearer authentication (MCP authorization, RFC 6750): every request to a protected
/// route carries `Authorization: Bearer <access token>`, validated on every request (no session
/// remembers it). With an API key configured too, that key is accepted as well (as a bearer
/// token or `X-API-Key`) for service-to-service callers, who are not limited by scopes.
///
/// - no credentials → 401 `WWW-Authenticate: Bearer resource_metadata="…"`
/// - a token that does not validate → 401 with `error="invalid_token"` (the reason logged once)
/// - a valid token without the required scopes → 403 `error="insufficient_scope"`
/// - the authorization server unreachable and the token's key not yet known → 503, `Retry-After`
///
/// Tokens in the query string or a cookie are never read. Health, readiness, the status page
/// and the protected-resource metadata stay open; `/metrics` unless configured otherwise.
package struct BearerAuth: RouterMiddleware {
    /// The request context of the MCP HTTP server.
    package typealias Context = MCPRequestContext

    let resource: ProtectedResource
    let mcpPath: String
    let apiKey: [UInt8]?
    let apiKeyHolder: Principal
    let openPaths: Set<String>

    /// Requires a valid bearer token for `resource` (or `apiKey`, when given) on every path but the open ones:
    /// `/health`, `/ready`, `/`, the metadata paths, `openPaths` and (unless `metricsRequireAuth`) `/metrics`.
    package init(
        resource: ProtectedResource, mcpPath: String, apiKey: String?, metricsRequireAuth: Bool,
        openPaths extra: [String] = []
    ) {
        self.resource = resource
        self.mcpPath = mcpPath
        self.apiKey = apiKey.map { Array($0.utf8) }
        self.apiKeyHolder = Principal(id: apiKey.map(APIKeyAuth.principal(of:)) ?? "")
        var open = Set(["/health", "/ready", "/"] + ProtectedResource.metadataPaths(mcpPath: mcpPath) + extra)
        if !metricsRequireAuth { open.insert("/metrics") }
        openPaths = open
    }

    /// Passes open paths and authenticated requests to `next` with their ``Principal``; answers the rest with
    /// a challenge (401, 403 or 503) as listed above.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if openPaths.contains(request.uri.path) || request.method == .options {
            return try await next(request, context)
        }
        let authorization = request.headers[values: .authorization]
        let keyHeaders = apiKey == nil ? [] : request.headers[values: .apiKey]
        if authorization.isEmpty && keyHeaders.isEmpty {
            return HTTPMessages.problem(
                .unauthorized, "this server needs an OAuth access token",
                headers: [.wwwAuthenticate: resource.challenge(mcpPath: mcpPath)])
        }
        guard authorization.count + keyHeaders.count == 1 else {
            return refuse(context, "more than one credential")
        }
        let presented: String
        if let header = authorization.first {
            guard let token = Self.token(header) else { return refuse(context, "not a bearer token") }
            presented = token
        } else {
            presented = keyHeaders[0]
        }
        var context = context
        if let apiKey, APIKeyAuth.constantTimeEqual(Array(presented.utf8), apiKey) {
            context.caller = apiKeyHolder
            return try await next(request, context)
        }
        guard !authorization.isEmpty else { return refuse(context, "wrong API key") }
        switch await resource.validator.validate(presented) {
        case .valid(let caller):
            guard caller.grants(resource.requiredScopes) else {
                context.logger.info(
                    "access token lacks the required scopes",
                    metadata: ["oauth.scopes": "\((caller.scopes ?? []).sorted())"])
                return HTTPMessages.problem(
                    .forbidden, "insufficient scope",
                    headers: [
                        .wwwAuthenticate: resource.challenge(
                            mcpPath: mcpPath, error: "insufficient_scope", description: "more scopes are needed",
                            scope: resource.requiredScopes)
                    ])
            }
            context.caller = caller
            return try await next(request, context)
        case .invalid(let reason):
            return refuse(context, reason)
        case .unavailable(let reason):
            context.logger.warning("cannot validate access tokens now", metadata: ["reason": "\(LogText.clip(reason))"])
            return HTTPMessages.problem(
                .serviceUnavailable, "the authorization server cannot be reached; retry later",
                headers: [.retryAfter: "5"])
        }
    }

    /// The token of `Bearer <token>`: the scheme in any case, one space, then token68
    /// characters only (RFC 6750 §2.1) and nothing after; at most 16 KiB. Runs on every request
    /// with a token of typically 1 kB, so it reads the bytes in place.
    static func token(_ header: String) -> String? {
        var header = header
        return header.withUTF8 { bytes -> String? in
            let scheme = 7  // "bearer "
            guard bytes.count > scheme, bytes.count - scheme <= 16_384 else { return nil }
            for (index, expected) in "bearer ".utf8.enumerated() {
                let byte = bytes[index]
                // ASCII letters compare without case; the space must be a space.
                guard byte == expected || (expected != 0x20 && byte | 0x20 == expected) else { return nil }
            }
            let token = UnsafeBufferPointer(rebasing: bytes[scheme...])
            let masks = Self.token68Masks
            let allToken68 = token.allSatisfy { byte in
                switch byte {
                case 0..<64: masks.low & (1 << UInt64(byte)) != 0
                case 64..<128: masks.high & (1 << UInt64(byte - 64)) != 0
                default: false
                }
            }
            guard allToken68 else { return nil }
            return String(decoding: token, as: UTF8.self)
        }
    }

    /// `A-Z a-z 0-9 - . _ ~ + / =` as two 64-bit masks, by byte value.
    private static let token68Masks: (low: UInt64, high: UInt64) = {
        var masks: (low: UInt64, high: UInt64) = (0, 0)
        for byte in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=".utf8 {
            if byte < 64 { masks.low |= 1 << UInt64(byte) } else { masks.high |= 1 << UInt64(byte - 64) }
        }
        return masks
    }()

    /// 401 `invalid_token`; the reason is logged once and never sent.
    func refuse(_ context: Context, _ reason: String) -> Response {
        context.logger.info("refused an access token", metadata: ["reason": "\(LogText.clip(reason))"])
        return HTTPMessages.problem(
            .unauthorized, "invalid access token",
            headers: [
                .wwwAuthenticate: resource.challenge(
                    mcpPath: mcpPath, error: "invalid_token", description: "the access token is not valid here")
            ])
    }
}
