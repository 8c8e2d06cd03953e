import HTTPTypes
package import Hummingbird
import Logging

/// CORS for the origins configured in `CORS_ORIGINS` only: never a reflected origin that is not
/// on the list, unless the list is `*` (the Python original's default), which answers every
/// origin. Exposes `Mcp-Session-Id` so browser clients can read it.
package struct CORSPolicy: RouterMiddleware {
    /// The request context of the MCP HTTP server.
    package typealias Context = MCPRequestContext

    let origins: Set<String>
    let anyOrigin: Bool

    /// CORS for `origins` (compared case-insensitively); `*` among them answers every origin.
    package init(origins: [String]) {
        self.origins = Set(origins.map { $0.lowercased() })
        self.anyOrigin = origins.contains("*")
    }

    /// Adds the CORS headers for an allowed `Origin` and answers its preflights; other requests pass unchanged.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers.value(of: .origin), anyOrigin || origins.contains(origin.lowercased())
        else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options {
            response = HTTPMessages.empty(.noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] =
                "Content-Type, Accept, Authorization, X-API-Key, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, X-Request-ID"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = "Mcp-Session-Id, X-Request-ID"
        response.headers[.vary] = "Origin"
        return response
    }
}
