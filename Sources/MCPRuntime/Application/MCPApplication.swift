#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
public import MCPCore
import MCPStdio
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
            throw ConfigurationError(
                key: "TRANSPORT", value: settings.transport.rawValue,
                allowed: "stdio (the HTTP transports are not available in this build)")
        }
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
