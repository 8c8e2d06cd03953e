import HTTPTypes
import Hummingbird
import HummingbirdCore
public import Logging
public import MCPCore
public import NIOCore
import NIOPosix

/// The HTTP side of an MCP server: Streamable HTTP at `/mcp` for both eras, the deprecated
/// HTTP+SSE transport when enabled, the REST side door, and the edge policies in front of them.
///
/// ```swift
/// let http = MCPHTTPService(server: server, configuration: configuration, logger: logger)
/// try await http.start()
/// // … on SIGTERM:
/// await http.shutdown()
/// ```
public final class MCPHTTPService: Sendable {
    public let server: MCPServer
    public let configuration: HTTPConfiguration
    public let status: ServerStatus
    public let sessions: SessionManager
    let logger: Logger
    let accessLog: Bool
    let http: HTTPServer

    /// - Parameters:
    ///   - accessLog: write one `mcp.access` log line per request.
    ///   - sessionRegistry: where the changing state of handshake-era sessions lives (shared by
    ///     all workers of a multi-process server); this process's memory by default.
    public init(
        server: MCPServer, configuration: HTTPConfiguration, logger: Logger, accessLog: Bool = false,
        sessionRegistry: (any SessionRegistry)? = nil, eventLoopGroup: (any EventLoopGroup)? = nil
    ) {
        self.server = server
        self.configuration = configuration
        self.logger = logger
        self.accessLog = accessLog
        let status = ServerStatus()
        self.status = status
        let registry = sessionRegistry ?? LocalSessionRegistry(capacity: configuration.maxSessions, idleTTL: configuration.sessionIdleTTL)
        let sessions = SessionManager(
            sealer: SessionSealer(key: configuration.sessionKey), registry: registry, replayBufferSize: configuration.replayBufferSize)
        self.sessions = sessions
        let router = Self.makeRouter(server: server, configuration: configuration, status: status, sessions: sessions, logger: logger)
        let responder = HTTPResponderGlue(
            responder: router.buildResponder(), configuration: configuration, status: status, logger: logger, accessLog: accessLog)
        self.http = HTTPServer(
            configuration: configuration, responder: responder.respond,
            eventLoopGroup: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    /// Where the server listens, once started.
    public var localAddress: SocketAddress? { http.localAddress }

    /// Starts listening and reports ready.
    public func start() async throws {
        try await http.start()
        status.phase = .ready
    }

    /// Goes unready, stops accepting, and returns once requests in flight are answered.
    public func shutdown() async {
        status.phase = .draining
        await http.shutdownGracefully()
    }

    /// Forgets the streams of expired sessions; call now and then.
    public func sweepSessions() { sessions.sweep() }

    static func makeRouter(
        server: MCPServer, configuration: HTTPConfiguration, status: ServerStatus, sessions: SessionManager, logger: Logger
    ) -> Router<MCPRequestContext> {
        let router = Router(context: MCPRequestContext.self)
        if !configuration.corsOrigins.isEmpty { router.add(middleware: CORSPolicy(origins: configuration.corsOrigins)) }
        router.add(
            middleware: OriginPolicy(
                allowedOrigins: configuration.allowedOrigins + configuration.corsOrigins, allowedHosts: configuration.allowedHosts,
                loopbackOnly: configuration.bindsLoopbackOnly))
        if let apiKey = configuration.apiKey {
            router.add(middleware: APIKeyAuth(apiKey: apiKey, metricsRequireAuth: configuration.metricsRequireAuth))
        }
        if configuration.rateLimitRequests > 0 {
            router.add(middleware: RateLimiter(limit: configuration.rateLimitRequests, windowSeconds: configuration.rateLimitWindowSeconds))
        }
        let endpoint = StreamableHTTPEndpoint(
            server: server, configuration: configuration, sessions: sessions, disconnects: DisconnectWatchers(), status: status,
            logger: logger)
        let path = RouterPath(configuration.mcpPath)
        router.post(path) { request, context in
            context.record.update { $0.route = configuration.mcpPath }
            return await endpoint.post(request, context: context)
        }
        router.get(path) { request, context in
            context.record.update { $0.route = configuration.mcpPath }
            return await endpoint.get(request, context: context)
        }
        router.delete(path) { request, context in
            context.record.update { $0.route = configuration.mcpPath }
            return endpoint.delete(request, context: context)
        }
        for method in [HTTPRequest.Method.put, .patch, .head] {
            router.on(path, method: method) { _, context in
                context.record.update { $0.route = configuration.mcpPath }
                return HTTPMessages.problem(.methodNotAllowed, "use POST, GET or DELETE", headers: [.allow: "GET, POST, DELETE"])
            }
        }
        RESTRoutes(server: server, configuration: configuration, status: status).register(on: router)
        if configuration.legacySSE {
            LegacySSETransport(server: server, configuration: configuration, logger: logger).register(on: router)
        }
        return router
    }
}

extension HTTPConfiguration {
    /// True when the listener is a loopback address, so Host headers must name loopback too.
    var bindsLoopbackOnly: Bool {
        if case .bind(let host, _) = listener { return OriginPolicy.isLoopback(host.lowercased()) }
        return false
    }
}
