import Foundation
public import Logging
public import MCPCore
public import MCPHTTP
import MCPStdio
import NIOCore
import NIOPosix
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs an MCP server built from a ``Registry`` on the transport the settings choose: stdio,
/// one HTTP process, or one worker of a multi-process server (see ``Supervisor``).
///
/// ```swift
/// let settings = try ServerSettings(reading: .layered(flags: [:]))
/// let app = MCPApplication(settings: settings)
/// app.bootstrapLogging()
/// try await app.run(registry: registry)
/// ```
public struct MCPApplication: Sendable {
    public let settings: ServerSettings

    public init(settings: ServerSettings) {
        self.settings = settings
    }

    /// Installs the console log handler: stderr for stdio (stdout carries the protocol there),
    /// stdout otherwise. Workers add their number to every line. Call once, before anything logs.
    public func bootstrapLogging(worker: Int? = nil) {
        let stream: ConsoleLogHandler.Stream = settings.transport == .stdio ? .standardError : .standardOutput
        let level = settings.logLevel.level
        let format = settings.logFormat
        LoggingSystem.bootstrap { label in
            var handler = ConsoleLogHandler(label: label, level: level, format: format, stream: stream)
            if let worker { handler.metadata["worker"] = "\(worker)" }
            return handler
        }
    }

    /// The protocol-level configuration these settings imply.
    public func serverConfiguration(instructions: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            info: ServerInfo(name: settings.appName, version: settings.appVersion), instructions: instructions)
        configuration.maxJSONDepth = settings.maxJSONDepth
        configuration.toolTimeout = settings.toolTimeout > 0 ? .milliseconds(Int(settings.toolTimeout * 1000)) : nil
        settings.applyLimits(to: &configuration)
        return configuration
    }

    /// Serves `registry` in this process until end of input (stdio) or a termination signal.
    public func run(registry: Registry, instructions: String? = nil) async throws {
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "mcp.server")
        let server = MCPServer(registry: registry, configuration: serverConfiguration(instructions: instructions))
        switch settings.transport {
        case .stdio:
            try await runStdio(server, logger: logger)
        case .streamableHTTP, .sse:
            let metrics = settings.enableMetrics ? MetricsStore(directory: nil, worker: nil) : nil
            metrics?.bootstrap()
            let http = MCPHTTPService(
                server: server,
                configuration: httpConfiguration(listener: .bind(host: settings.host, port: settings.port)),
                logger: logger, accessLog: settings.accessLog, metrics: metrics.map { metricsEndpoint($0) },
                eventLoopGroup: eventLoopGroup, sessionRevocations: try settings.sessionRevocations())
            try await serve(http, logger: logger, worker: nil)
        }
    }

    /// The event loops HTTP runs on: `WORKER_THREADS` of them, or one per CPU.
    var eventLoopGroup: any EventLoopGroup {
        guard let threads = settings.workerThreads else { return MultiThreadedEventLoopGroup.singleton }
        return MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    func metricsEndpoint(_ store: MetricsStore) -> MetricsEndpoint {
        MetricsEndpoint(path: settings.metricsPath) { store.renderAll() }
    }

    /// The HTTP settings these server settings imply, listening as `listener` says.
    public func httpConfiguration(listener: HTTPConfiguration.Listener) -> HTTPConfiguration {
        var http = HTTPConfiguration()
        http.listener = listener
        http.mcpPath = settings.mcpPath
        http.legacySSE = settings.transport == .sse
        http.statelessHTTP = settings.statelessHTTP
        http.allowedOrigins = settings.allowedOrigins
        http.allowedHosts = settings.allowedHosts
        http.corsOrigins = settings.corsOrigins
        http.trustedProxies = (try? TrustedProxies(settings.forwardedAllowIPs)) ?? .none
        http.apiKey = settings.apiKey
        http.metricsRequireAuth = settings.metricsRequireAuth
        http.rateLimitRequests = settings.rateLimitRequests
        http.rateLimitWindowSeconds = settings.rateLimitWindow
        http.maxBodySize = settings.maxBodySize
        http.maxHeaderBytes = settings.maxHeaderBytes
        http.maxHeaderCount = settings.maxHeaderCount
        http.keepAliveTimeout = settings.keepAliveTimeout
        http.maxConnections = settings.maxConnections
        http.bodyReadTimeout = .milliseconds(Int(settings.bodyTimeout * 1000))
        http.sseKeepAliveInterval = settings.sseKeepAliveInterval
        http.sessionIdleTTL = settings.sessionIdleTTL
        http.maxSessions = settings.maxSessions
        http.replayBufferSize = settings.replayBufferSize
        http.sessionKey = settings.secretKey.map(SessionSealer.key(fromSecret:))
        settings.applySessionLifetime(to: &http)
        http.tlsCertificateFile = settings.tlsCertificateFile
        http.tlsKeyFile = settings.tlsKeyFile
        http.environmentName = settings.environment.rawValue
        http.transportName = settings.transport.rawValue
        return http
    }

    /// Starts `http`, serves until SIGTERM/SIGINT (or, for a worker, until its supervisor says
    /// so or goes away), then drains lazily until `GRACEFUL_TIMEOUT`.
    /// Warns once per server (the supervisor, or a single process) when it listens beyond
    /// loopback with no API key.
    public func warnIfExposedWithoutKey(logger: Logger) {
        guard !["127.0.0.1", "localhost", "::1"].contains(settings.host), settings.apiKey == nil else { return }
        logger.warning(
            "listening on a non-loopback address without API_KEY: anyone who can reach this port can call every tool",
            metadata: ["host": "\(settings.host)"])
    }

    func serve(_ http: MCPHTTPService, logger: Logger, worker: WorkerHooks?) async throws {
        let descriptors = DescriptorLimit.raiseToHard()
        if descriptors < settings.maxConnections + 64 {
            logger.warning(
                "the open-file limit is below MAX_CONNECTIONS: connections beyond it are refused",
                metadata: ["limit": "\(descriptors)", "max_connections": "\(settings.maxConnections)"])
        }
        if case .bind = http.configuration.listener { warnIfExposedWithoutKey(logger: logger) }
        try await http.start()
        if let worker { await worker.warmUp(http) }
        logger.info(
            "serving MCP over HTTP",
            metadata: [
                "address": "\(http.localAddress.map { "\($0)" } ?? "\(settings.host):\(settings.port)")",
                "path": "\(settings.mcpPath)",
                "transport": "\(settings.transport.rawValue)", "stateless": "\(settings.statelessHTTP)",
                "tools": "\(http.server.registry.tools.count)", "environment": "\(settings.environment.rawValue)",
            ])
        worker?.reportReady()
        let stop = AsyncStream.makeStream(of: String.self)
        worker?.watch(http, stop: stop.continuation)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(30))
                    http.sweepSessions()
                }
            }
            group.addTask {
                let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                for await signal in signals {
                    stop.continuation.yield("\(signal)")
                    return
                }
            }
            var reason = "stop"
            for await next in stop.stream {
                reason = next
                break
            }
            logger.info("draining", metadata: ["reason": "\(reason)", "connections": "\(http.openConnections)"])
            let deadline = ContinuousClock.now + .milliseconds(Int(settings.gracefulTimeout * 1000))
            let left = await http.drain(until: deadline)
            if left > 0 { logger.warning("graceful timeout reached; closing", metadata: ["connections": "\(left)"]) }
            group.cancelAll()
        }
        worker?.finish()
        logger.info("stopped")
    }

    private func runStdio(_ server: MCPServer, logger: Logger) async throws {
        let stdio = StdioServer(server: server, logger: logger, maxLineBytes: settings.maxBodySize)
        logger.info(
            "serving MCP on stdio",
            metadata: ["tools": "\(server.registry.tools.count)", "environment": "\(settings.environment.rawValue)"])
        let graceful = settings.gracefulTimeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                for await signal in signals {
                    logger.info("signal received; finishing in-flight requests", metadata: ["signal": "\(signal)"])
                    stdio.shutdown()
                    try? await Task.sleep(for: .milliseconds(Int(graceful * 1000)))
                    stdio.cancelAll()
                    return
                }
            }
            await stdio.run()
            group.cancelAll()
        }
    }
}
