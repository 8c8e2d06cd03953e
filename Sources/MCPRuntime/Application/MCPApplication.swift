#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
public import MCPCore
public import MCPHTTP
import MCPStdio
import NIOCore
import UnixSignals

/// Runs an MCP server built from a ``Registry`` on the transport the settings choose.
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
    /// stdout otherwise. Call once, before anything logs.
    public func bootstrapLogging() {
        let stream: ConsoleLogHandler.Stream = settings.transport == .stdio ? .standardError : .standardOutput
        let level = settings.logLevel.level
        let format = settings.logFormat
        LoggingSystem.bootstrap { label in
            ConsoleLogHandler(label: label, level: level, format: format, stream: stream)
        }
    }

    /// The protocol-level configuration these settings imply.
    public func serverConfiguration(instructions: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            info: ServerInfo(name: settings.appName, version: settings.appVersion), instructions: instructions)
        configuration.maxJSONDepth = settings.maxJSONDepth
        configuration.toolTimeout = settings.toolTimeout > 0 ? .milliseconds(Int(settings.toolTimeout * 1000)) : nil
        return configuration
    }

    /// Serves `registry` until end of input (stdio) or a termination signal.
    public func run(registry: Registry, instructions: String? = nil) async throws {
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "mcp.server")
        let server = MCPServer(registry: registry, configuration: serverConfiguration(instructions: instructions))
        switch settings.transport {
        case .stdio:
            try await runStdio(server, logger: logger)
        case .streamableHTTP, .sse:
            try await runHTTP(server, logger: logger, listener: .bind(host: settings.host, port: settings.port))
        }
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
        http.apiKey = settings.apiKey
        http.metricsRequireAuth = settings.metricsRequireAuth
        http.rateLimitRequests = settings.rateLimitRequests
        http.rateLimitWindowSeconds = settings.rateLimitWindow
        http.maxBodySize = settings.maxBodySize
        http.maxHeaderBytes = settings.maxHeaderBytes
        http.maxHeaderCount = settings.maxHeaderCount
        http.keepAliveTimeout = settings.keepAliveTimeout
        http.sseKeepAliveInterval = settings.sseKeepAliveInterval
        http.sessionIdleTTL = settings.sessionIdleTTL
        http.maxSessions = settings.maxSessions
        http.replayBufferSize = settings.replayBufferSize
        http.sessionKey = settings.secretKey.map(SessionSealer.key(fromSecret:))
        http.tlsCertificateFile = settings.tlsCertificateFile
        http.tlsKeyFile = settings.tlsKeyFile
        http.environmentName = settings.environment.rawValue
        http.transportName = settings.transport.rawValue
        return http
    }

    private func runHTTP(_ server: MCPServer, logger: Logger, listener: HTTPConfiguration.Listener) async throws {
        let configuration = httpConfiguration(listener: listener)
        if case .bind(let host, _) = listener, !["127.0.0.1", "localhost", "::1"].contains(host), settings.apiKey == nil {
            logger.warning(
                "listening on a non-loopback address without API_KEY: anyone who can reach this port can call every tool",
                metadata: ["host": "\(host)"])
        }
        let http = MCPHTTPService(server: server, configuration: configuration, logger: logger, accessLog: settings.accessLog)
        try await http.start()
        logger.info(
            "serving MCP over HTTP",
            metadata: [
                "address": "\(http.localAddress.map { "\($0)" } ?? "?")", "path": "\(settings.mcpPath)",
                "transport": "\(settings.transport.rawValue)", "stateless": "\(settings.statelessHTTP)",
                "tools": "\(server.registry.tools.count)", "environment": "\(settings.environment.rawValue)",
            ])
        let graceful = settings.gracefulTimeout
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
                    logger.info("signal received; draining", metadata: ["signal": "\(signal)"])
                    await withTaskGroup(of: Void.self) { drain in
                        drain.addTask { await http.shutdown() }
                        drain.addTask { try? await Task.sleep(for: .milliseconds(Int(graceful * 1000))) }
                        await drain.next()
                        drain.cancelAll()
                    }
                    return
                }
            }
            await group.next()
            group.cancelAll()
        }
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
