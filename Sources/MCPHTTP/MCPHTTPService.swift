import HTTPTypes
import Hummingbird
import HummingbirdCore
public import Logging
public import MCPCore
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The HTTP side of an MCP server: Streamable HTTP at `/mcp` for both eras, the deprecated
/// HTTP+SSE transport when enabled, the REST side door, and the edge policies in front of them.
///
/// ```swift
/// let http = MCPHTTPService(server: server, configuration: configuration, logger: logger)
/// // As a service: serves until the group shuts down gracefully (SIGTERM), then drains.
/// try await ServiceGroup(services: [http], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public final class MCPHTTPService: Service, Sendable {
    /// SSE streams open in this process now (the `mcp_sse_streams_active` gauge).
    package static var openSSEStreams: Int { HTTPMetrics.openStreams.load(ordering: .relaxed) }

    /// The protocol engine the service serves.
    public let server: MCPServer
    /// The message router every transport of the service routes through.
    public let router: MessageRouter
    /// How long a graceful shutdown waits for open connections before closing them.
    public let drainTimeout: Duration
    /// The HTTP settings the service was made with.
    public let configuration: HTTPConfiguration
    /// Readiness and counters, as `/health`, `/ready` and `/info` report them.
    package let status: ServerStatus
    /// The handshake-era sessions of Streamable HTTP: sealed ids, their changing state, replay buffers.
    package let sessions: SessionManager
    let logger: Logger
    let accessLog: Bool
    let http: HTTPServer
    private let background = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - server: the MCP server to serve.
    ///   - configuration: where to listen and the HTTP limits, sessions and security.
    ///   - logger: the service's log.
    ///   - accessLog: write one `mcp.access` log line per request.
    ///   - sessionRegistry: where the changing state of handshake-era sessions lives (shared by
    ///     all workers of a multi-process server); this process's memory by default.
    ///   - metrics: serves `/metrics` with what it returns (Prometheus text) and records request
    ///     metrics through swift-metrics; nil turns both off.
    ///   - eventLoopGroup: the SwiftNIO event loops connections are served on; NIO's shared
    ///     singleton group (one loop per CPU) by default.
    ///   - drainTimeout: how long a graceful shutdown waits for open connections (`GRACEFUL_TIMEOUT`).
    ///   - router: the message router to serve through; a new one for `server` by default.
    ///   - sessionRevocations: where sessions ended by DELETE are remembered (shared by all
    ///     workers, and kept across restarts in `RUNTIME_DIR`); this process's memory by default.
    public init(
        server: MCPServer, configuration: HTTPConfiguration, logger: Logger, accessLog: Bool = false,
        sessionRegistry: (any SessionRegistry)? = nil, metrics: MetricsEndpoint? = nil,
        eventLoopGroup: (any EventLoopGroup)? = nil, router: MessageRouter? = nil,
        drainTimeout: Duration = .seconds(30),
        sessionRevocations: (any SessionRevocations)? = nil
    ) {
        self.server = server
        self.drainTimeout = drainTimeout
        let router = router ?? MessageRouter(server: server)
        self.router = router
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
        let routes = Self.makeRouter(
            messageRouter: router, configuration: configuration, status: status, sessions: sessions,
            metrics: metrics, logger: logger)
        let seat = BalanceSeatHolder()
        let responder = HTTPResponderGlue(
            responder: routes.buildResponder(), configuration: configuration, status: status, seat: seat,
            logger: logger, accessLog: accessLog && logger.logLevel <= .info, metrics: metrics != nil)
        self.http = HTTPServer(
            configuration: configuration, responder: responder.respond,
            eventLoopGroup: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton, logger: logger, seatHolder: seat)
    }

    /// Where the server listens, once started.
    public var localAddress: SocketAddress? { http.localAddress }

    /// The service: binds (or adopts the inherited socket), serves every connection in one
    /// structured task group, and when the service group shuts down gracefully (SIGTERM, or a
    /// worker asked to recycle) drains lazily: unready, no new connections, `Connection: close`
    /// on each open connection's next answer, streams ended. It returns when the last
    /// connection has closed, or closes what is left at `drainTimeout`.
    ///
    /// - Parameter onReady: runs once the socket is served (a worker warms up and reports ready).
    public func run(onReady: @Sendable () async -> Void = {}) async throws {
        try await http.start()
        status.phase = .ready
        await onReady()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.http.serve() }
            group.addTask {
                do { try await gracefulShutdown() } catch { return }
                self.logger.info("draining", metadata: ["connections": "\(self.openConnections)"])
                await self.beginDraining()
                // Cancelled when every connection closed first: a clean drain, nothing to say.
                do { try await Task.sleep(for: self.drainTimeout) } catch { return }
                self.logger.warning(
                    "graceful timeout reached; closing", metadata: ["connections": "\(self.openConnections)"])
            }
            await group.next()  // every connection closed, or the timeout passed
            group.cancelAll()
        }
    }

    /// The service without a readiness hook: ``run(onReady:)``.
    public func run() async throws { try await run(onReady: {}) }

    /// Goes unready and stops accepting; open connections finish what they are doing.
    func beginDraining() async {
        status.phase = .draining
        await http.stopAccepting()
        sessions.hub.finishStandaloneStreams()
        server.subscriptions.closeAll()
    }

    /// Starts listening and serving in a task of its own, for code that does not run this as a
    /// ``Service`` (tests, embedding); end it with ``shutdown()``.
    public func start() async throws {
        try await http.start()
        status.phase = .ready
        let http = http
        background.withLock { $0 = Task { await http.serve() } }
    }

    /// Ends what ``start()`` began: unready, no new connections, idle ones closed; returns once
    /// requests in flight are answered and every connection has closed.
    public func shutdown() async {
        status.phase = .draining
        server.subscriptions.closeAll()
        await http.closeIdleConnections()
        await background.withLock { $0 }?.value
    }

    /// Connections open right now.
    package var openConnections: Int { http.openConnections }

    /// Forgets the streams of expired sessions; call now and then.
    package func sweepSessions() { sessions.sweep() }

    static func makeRouter(
        messageRouter: MessageRouter, configuration: HTTPConfiguration, status: ServerStatus,
        sessions: SessionManager, metrics: MetricsEndpoint?, logger: Logger
    ) -> Router<MCPRequestContext> {
        let server = messageRouter.server
        let router = Router(context: MCPRequestContext.self)
        router.add(middleware: RouteLabel())
        if !configuration.corsOrigins.isEmpty { router.add(middleware: CORSPolicy(origins: configuration.corsOrigins)) }
        router.add(
            middleware: OriginPolicy(
                allowedOrigins: configuration.allowedOrigins + configuration.corsOrigins,
                allowedHosts: configuration.allowedHosts,
                loopbackOnly: configuration.bindsLoopbackOnly))
        let openToEveryone = configuration.inspector ? InspectorRoutes.paths : []
        if let resource = configuration.protectedResource {
            router.add(
                middleware: BearerAuth(
                    resource: resource, mcpPath: configuration.mcpPath, apiKey: configuration.apiKey,
                    metricsRequireAuth: configuration.metricsRequireAuth, openPaths: openToEveryone))
            ProtectedResourceRoutes(resource: resource, mcpPath: configuration.mcpPath).register(on: router)
        } else if let apiKey = configuration.apiKey {
            router.add(
                middleware: APIKeyAuth(
                    apiKey: apiKey, metricsRequireAuth: configuration.metricsRequireAuth,
                    openPaths: openToEveryone))
        }
        if configuration.rateLimitRequests > 0 {
            router.add(
                middleware: RateLimiter(
                    limit: configuration.rateLimitRequests, windowSeconds: configuration.rateLimitWindowSeconds,
                    proxies: configuration.trustedProxies))
        }
        let disconnects = DisconnectWatchers()
        let endpoint = StreamableHTTPEndpoint(
            router: messageRouter, configuration: configuration, sessions: sessions, disconnects: disconnects,
            status: status, logger: logger)
        let path = RouterPath(configuration.mcpPath)
        router.post(path) { request, context in await endpoint.post(request, context: context) }
        router.get(path) { request, context in await endpoint.get(request, context: context) }
        router.delete(path) { request, context in endpoint.delete(request, context: context) }
        for method in [HTTPRequest.Method.put, .patch, .head] {
            router.on(path, method: method) { _, _ in
                HTTPMessages.problem(
                    .methodNotAllowed, "use POST, GET or DELETE", headers: [.allow: "GET, POST, DELETE"])
            }
        }
        RESTRoutes(server: server, configuration: configuration, status: status).register(on: router)
        if configuration.inspector {
            InspectorRoutes(serverName: server.configuration.info.name, mcpPath: configuration.mcpPath)
                .register(on: router)
        }
        if let metrics {
            HTTPMetrics.registerSeriesThatStartAtZero()
            router.get(RouterPath(metrics.path)) { _, _ in
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
            LegacySSETransport(
                router: messageRouter, configuration: configuration, disconnects: disconnects, logger: logger
            ).register(on: router)
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
    /// The path to serve the metrics at; default `/metrics`.
    public var path: String
    /// Produces the Prometheus text exposition for one scrape.
    public var render: @Sendable () async -> [UInt8]

    /// An endpoint at `path` answering with what `render` returns.
    public init(path: String = "/metrics", render: @escaping @Sendable () async -> [UInt8]) {
        self.path = path
        self.render = render
    }
}
