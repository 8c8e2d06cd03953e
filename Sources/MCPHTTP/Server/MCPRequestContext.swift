package import Hummingbird
package import Logging
package import MCPCore
package import NIOCore
import Synchronization

/// Where a request context comes from: the connection's channel, the request logger, and the
/// per-request record the access log and metrics read after the response is written.
package struct MCPContextSource: RequestContextSource {
    /// The connection's channel.
    package let channel: any Channel
    /// The logger for this request, with its request id.
    package let logger: Logger
    /// The record the access log and metrics read after the response.
    package let record: RequestRecord
    /// The largest request body accepted, in bytes (`maxBodySize`).
    package let maxUploadSize: Int
}

/// Hummingbird's per-request context: what every route and middleware of the HTTP side receives.
/// Not the ``MCPCore/HandlerContext`` a tool, resource or prompt function receives: the server
/// builds that one for each JSON-RPC request, with the ``caller`` found here as its principal.
package struct MCPRequestContext: Hummingbird.RequestContext {
    /// Contexts are made from an ``MCPContextSource``.
    package typealias Source = MCPContextSource

    /// Hummingbird's storage for the request (logger, route path, parameters).
    package var coreContext: CoreRequestContextStorage
    /// The connection's channel.
    package let channel: any Channel
    /// Filled in by the routes: what the access log and metrics report about this request.
    package let record: RequestRecord
    /// The largest request body accepted, in bytes (`maxBodySize`).
    package let maxUploadSize: Int
    /// Who the authentication middleware let in (an API key's holder, an access token's subject);
    /// nil when authentication is off.
    package var caller: Principal?
    /// A stable, non-secret identifier of the credential that authenticated the request.
    package var principal: String? { caller?.id }

    /// A context for the request `source` describes.
    package init(source: MCPContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
        record = source.record
        maxUploadSize = source.maxUploadSize
    }
}

/// Facts about one request gathered while it is served, read after the response is written.
package final class RequestRecord: Sendable {
    /// What is known about the request so far.
    package struct Values: Sendable {
        /// The request's id (`X-Request-ID`); empty until set.
        package var requestID = ""
        /// The route template (`/mcp`, `/api/v1/tools/{name}`) the router matched, never the raw path.
        package var route = "unmatched"
        /// The JSON-RPC method of an MCP request; nil for other requests.
        package var mcpMethod: String?
        /// The era an MCP request was served under; nil for other requests.
        package var era: RequestEra?
        /// The tool a `tools/call` named; nil for other requests.
        package var toolName: String?
        /// True when the called tool reported a tool error.
        package var toolFailed = false
        /// A fingerprint of the handshake-era session id; nil without a session.
        package var sessionID: String?
        /// True when the rate limiter refused the request.
        package var rateLimited = false
        /// Bytes of response body written so far.
        package var bytesOut = 0
        /// A `subscriptions/listen` stream: it lasts as long as the client listens, so its
        /// duration says nothing about latency and stays out of the duration histogram.
        package var isSubscription = false
    }

    private let storage = Mutex(Values())

    /// An empty record.
    package init() {}

    /// A snapshot of the record.
    package var values: Values { storage.withLock { $0 } }

    /// Changes the record under its lock.
    package func update(_ change: (inout Values) -> Void) {
        storage.withLock { change(&$0) }
    }
}

/// Records the route template the router matched (`context.endpointPath`), for the access log
/// and metrics: no route names it by hand.
struct RouteLabel: RouterMiddleware {
    typealias Context = MCPRequestContext

    func handle(
        _ request: Request, context: MCPRequestContext, next: (Request, MCPRequestContext) async throws -> Response
    ) async throws -> Response {
        // The router names the matched path while routing, so it is read afterwards.
        defer {
            if let path = context.endpointPath, path != "NotFound" { context.record.update { $0.route = path } }
        }
        return try await next(request, context)
    }
}
