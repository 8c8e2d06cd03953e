import ExampleServer
import Foundation
import Logging
import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1

/// An in-process HTTP server with the example catalogue, on an ephemeral port.
final class HTTPHarness: Sendable {
    let service: MCPHTTPService
    let workspace: String
    let port: Int

    /// - Parameter catalogues: serve these instead of the example catalogue.
    static func start(
        demoTools: Bool = false, catalogues: [any Catalogue]? = nil,
        _ configure: (inout HTTPConfiguration) -> Void = { _ in },
        server configureServer: (inout ServerConfiguration) -> Void = { _ in }, metrics: MetricsEndpoint? = nil,
        revocations: (any SessionRevocations)? = nil
    ) async throws -> HTTPHarness {
        var configuration = HTTPConfiguration()
        configuration.listener = .bind(host: "127.0.0.1", port: 0)
        configuration.sseKeepAliveInterval = 0.2
        // Generous: a loaded test machine may take seconds between connecting and sending.
        configuration.keepAliveTimeout = 60
        configure(&configuration)
        let workspace = NSTemporaryDirectory() + "mcp-http-" + UUID().uuidString
        let registry =
            try catalogues.map { try Registry(catalogues: $0) }
            ?? ExampleCatalogue.registry(
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
        // What the runtime's change service does: look at subscribed resources now and then.
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await server.checkWatchedResources()
            }
        }
        return HTTPHarness(
            service: service, workspace: workspace, port: service.localAddress?.port ?? 0, watcher: watcher)
    }

    let watcher: Task<Void, Never>

    private init(service: MCPHTTPService, workspace: String, port: Int, watcher: Task<Void, Never>) {
        self.service = service
        self.workspace = workspace
        self.port = port
        self.watcher = watcher
    }

    var client: HTTPTestClient { HTTPTestClient(port: port) }
    /// How many tools the catalogue offers (tests count against it, not a number of their own).
    var toolCount: Int { service.server.registry.tools.count }
    var url: String { "http://127.0.0.1:\(port)/mcp" }

    func stop() async {
        watcher.cancel()
        await service.shutdown()
        try? FileManager.default.removeItem(atPath: workspace)
    }
}

/// Runs `body` against a fresh server and stops it afterwards.
func withServer(
    demoTools: Bool = false, catalogues: [any Catalogue]? = nil,
    _ configure: (inout HTTPConfiguration) -> Void = { _ in },
    server configureServer: (inout ServerConfiguration) -> Void = { _ in }, metrics: MetricsEndpoint? = nil,
    revocations: (any SessionRevocations)? = nil,
    _ body: (HTTPHarness) async throws -> Void
) async throws {
    let harness = try await HTTPHarness.start(
        demoTools: demoTools, catalogues: catalogues, configure, server: configureServer, metrics: metrics,
        revocations: revocations)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

extension HTTPHarness {
    /// Opens a GET stream at `path` and returns its status; the stream stays open until
    /// `holder` is cancelled (the client going away).
    func openStream(
        _ path: String, headers: [(String, String)]
    ) async throws -> (
        status: Int, holder: Task<Void, any Error>
    ) {
        let stream = try await client.stream("GET", path, headers: headers)
        let (statuses, gotStatus) = AsyncStream.makeStream(of: Int.self)
        let holder = Task {
            for try await part in stream {
                if case .head(let head) = part { gotStatus.yield(Int(head.status.code)) }
            }
        }
        for await status in statuses { return (status, holder) }
        return (0, holder)
    }

    /// True when a new stream at `path` gets 200 within about a second.
    func streamReopens(_ path: String, headers: [(String, String)]) async throws -> Bool {
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(20))
            let (again, holder) = try await openStream(path, headers: headers)
            holder.cancel()
            if again == 200 { return true }
        }
        return false
    }
}
