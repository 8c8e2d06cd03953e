import ExampleServer
import Foundation
import Logging
import MCPCore
import MCPHTTP
import NIOCore

/// An in-process HTTP server with the example catalogue, on an ephemeral port.
final class HTTPHarness: Sendable {
    let service: MCPHTTPService
    let workspace: String
    let port: Int

    static func start(
        demoTools: Bool = false, _ configure: (inout HTTPConfiguration) -> Void = { _ in },
        server configureServer: (inout ServerConfiguration) -> Void = { _ in }, metrics: MetricsEndpoint? = nil,
        revocations: (any SessionRevocations)? = nil
    ) async throws -> HTTPHarness {
        var configuration = HTTPConfiguration()
        configuration.listener = .bind(host: "127.0.0.1", port: 0)
        configuration.sseKeepAliveInterval = 0.2
        configure(&configuration)
        let workspace = NSTemporaryDirectory() + "mcp-http-" + UUID().uuidString
        let registry = try ExampleCatalogue.registry(
            settings: AppSettings(), workspace: try Workspace(path: workspace), regexTimeout: .milliseconds(300),
            demoTools: demoTools)
        var serverConfiguration = ServerConfiguration(info: ServerInfo(name: "test-server", version: "9.9.9"))
        serverConfiguration.toolTimeout = .seconds(30)
        configureServer(&serverConfiguration)
        let server = MCPServer(registry: registry, configuration: serverConfiguration)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = MCPHTTPService(
            server: server, configuration: configuration, logger: logger, accessLog: false, metrics: metrics,
            sessionRevocations: revocations)
        try await service.start()
        return HTTPHarness(service: service, workspace: workspace, port: service.localAddress?.port ?? 0)
    }

    private init(service: MCPHTTPService, workspace: String, port: Int) {
        self.service = service
        self.workspace = workspace
        self.port = port
    }

    var client: TestHTTPClient { TestHTTPClient(port: port) }
    var url: String { "http://127.0.0.1:\(port)/mcp" }

    func stop() async {
        await service.shutdown()
        try? FileManager.default.removeItem(atPath: workspace)
    }
}

/// Runs `body` against a fresh server and stops it afterwards.
func withServer(
    demoTools: Bool = false, _ configure: (inout HTTPConfiguration) -> Void = { _ in },
    server configureServer: (inout ServerConfiguration) -> Void = { _ in }, metrics: MetricsEndpoint? = nil,
    revocations: (any SessionRevocations)? = nil,
    _ body: (HTTPHarness) async throws -> Void
) async throws {
    let harness = try await HTTPHarness.start(
        demoTools: demoTools, configure, server: configureServer, metrics: metrics, revocations: revocations)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}
