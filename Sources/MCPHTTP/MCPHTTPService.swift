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
    ///   - metrics: serves `/metrics` with what it returns (Prometheus text) and records request
    ///     metrics through swift-metrics; nil turns both off.
    ///   - sessionRevocations: where sessions ended by DELETE are remembered (shared by all
    ///     workers, and kept across restarts in `RUNTIME_DIR`); this process's memory by default.
    public init(
        server: MCPServer, configuration: HTTPConfiguration, logger: Logger, accessLog: Bool = false,
        sessionRegistry: (any SessionRegistry)? = nil, metrics: MetricsEndpoint? = nil,
        eventLoopGroup: (any EventLoopGroup)? = nil, sessionRevocations: (any SessionRevocations)? = nil
    ) {
        self.server = server
        self.configuration = configuration
        self.logger = logger
        self.accessLog = accessLog
        let status = ServerStatus()
        self.status = status
        let registry =
            sessionRegistry
            ?? LocalSessionRegistry(capacity: configuration.maxSessions, idleTTL: configuration.sessionIdleTTL)
        let sessions = SessionManager(
            sealer: SessionSealer(key: configuration.sessionKey), registry: registry,
            replayBufferSize: configuration.replayBufferSize, revocations: sessionRevocations,
            maxAge: configuration.sessionMaxAge)
        self.sessions = sessions
        let router = Self.makeRouter(
            server: server, configuration: configuration, status: status, sessions: sessions, metrics: metrics,
            logger: logger)
        let responder = HTTPResponderGlue(
            responder: router.buildResponder(), configuration: configuration, status: status, logger: logger,
            accessLog: accessLog && logger.logLevel <= .info, metrics: metrics != nil)
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
        server.subscriptions.closeAll()
        await http.shutdownGracefully()
    }

    /// Lazy drain (a worker being recycled or stopped): goes unready and stops accepting; every
    /// open connection gets `Connection: close` on its next answer. Returns the connections still
    /// open at `deadline`.
    public func drain(until deadline: ContinuousClock.Instant) async -> Int {
        status.phase = .draining
        await http.stopAccepting()
        sessions.hub.finishStandaloneStreams()
        server.subscriptions.closeAll()
        return await http.waitForConnections(until: deadline)
    }

    /// Connections open right now.
    public var openConnections: Int { http.openConnections }

    /// Forgets the streams of expired sessions; call now and then.
    public func sweepSessions() { sessions.sweep() }

    static func makeRouter(
        server: MCPServer, configuration: HTTPConfiguration, status: ServerStatus, sessions: SessionManager,
        metrics: MetricsEndpoint?,
        logger: Logger
    ) -> Router<MCPRequestContext> {
        let router = Router(context: MCPRequestContext.self)
        if !configuration.corsOrigins.isEmpty { router.add(middleware: CORSPolicy(origins: configuration.corsOrigins)) }
        router.add(
            middleware: OriginPolicy(
                allowedOrigins: configuration.allowedOrigins + configuration.corsOrigins,
                allowedHosts: configuration.allowedHosts,
                loopbackOnly: configuration.bindsLoopbackOnly))
        if let apiKey = configuration.apiKey {
            router.add(middleware: APIKeyAuth(apiKey: apiKey, metricsRequireAuth: configuration.metricsRequireAuth))
        }
        if configuration.rateLimitRequests > 0 {
            router.add(
                middleware: RateLimiter(
                    limit: configuration.rateLimitRequests, windowSeconds: configuration.rateLimitWindowSeconds,
                    proxies: configuration.trustedProxies))
        }
        let endpoint = StreamableHTTPEndpoint(
            server: server, configuration: configuration, sessions: sessions, disconnects: DisconnectWatchers(),
            status: status,
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
                return HTTPMessages.problem(
                    .methodNotAllowed, "use POST, GET or DELETE", headers: [.allow: "GET, POST, DELETE"])
            }
        }
        RESTRoutes(server: server, configuration: configuration, status: status).register(on: router)
        if let metrics {
            HTTPMetrics.registerSeriesThatStartAtZero()
            router.get(RouterPath(metrics.path)) { _, context in
                context.record.update { $0.route = metrics.path }
                let body = await metrics.render()
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            }
            // HEAD answers like GET without the body (a probe that checks the endpoint is up).
            router.head(RouterPath(metrics.path)) { _, context in
                context.record.update { $0.route = metrics.path }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"])
            }
        }
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

/// How `/metrics` is served: the path, and the Prometheus text to answer with (in a
/// multi-process server, the sum over all workers).
public struct MetricsEndpoint: Sendable {
    public var path: String
    public var render: @Sendable () async -> [UInt8]

    public init(path: String = "/metrics", render: @escaping @Sendable () async -> [UInt8]) {
        self.path = path
        self.render = render
    }
}
