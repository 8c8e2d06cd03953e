import Foundation
import Logging
public import MCPCore
import MCPHTTP
import NIOCore
import NIOPosix

/// What makes an HTTP process a worker of a ``Supervisor``: it warms up before reporting ready,
/// beats every second through an event loop and the concurrency pool (a hung worker stops
/// beating), publishes its metrics for its siblings, asks to be replaced at its request quota,
/// and drains when the supervisor signals it or goes away.
struct WorkerHooks: Sendable {
    let id: Int
    /// Requests after which this worker asks to be replaced; nil for no limit.
    let quota: Int?
    let metrics: MetricsStore?
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// Runs the hot path once in process, so the first real request is not the one that pays
    /// for cold caches (the original's `--preload`).
    func warmUp(_ http: MCPHTTPService) async {
        let envelope: JSONValue = [Envelope.protocolVersionKey: "2026-07-28", Envelope.clientCapabilitiesKey: [:]]
        let messages: [JSONValue] = [
            ["jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": ["_meta": envelope]],
            ["jsonrpc": "2.0", "id": 2, "method": "server/discover", "params": ["_meta": envelope]],
        ]
        for message in messages {
            // Through the same steps a request takes: encode, parse, decode, validate, serve.
            guard let parsed = try? JSONParser.parse(JSONWriter.bytes(message)),
                case .success(.request(let request)) = JSONRPCMessage.decode(parsed),
                let envelope = try? Envelope.parse(params: request.params)
            else { continue }
            _ = await http.server.serve(request, era: .modern(envelope), logger: logger)
        }
    }

    func reportReady() {
        WorkerChannel.send(.ready)
        // Start-up (argument parsing, settings, the catalogue) is over; the pages of code the
        // request path uses come back on first use.
        StartupCode.release()
    }

    /// Starts the worker's background duties; yields a reason into `stop` when it must drain.
    func watch(_ http: MCPHTTPService, stop: AsyncStream<String>.Continuation) {
        WorkerChannel.watchSupervisor { stop.yield("supervisor gone") }
        let eventLoops = eventLoopGroup
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                // The beat goes through an event loop and the concurrency pool: if either is stuck,
                // no beat, and the supervisor replaces this worker after WORKER_TIMEOUT.
                try? await eventLoops.next().submit {}.get()
                if !WorkerChannel.send(.beat) { return }
            }
        }
        if let metrics {
            Task {
                while !Task.isCancelled {
                    metrics.writeSnapshot()
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        if let quota {
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(50))
                    if http.status.requests >= quota {
                        logger.info(
                            "request quota reached; asking to be replaced",
                            metadata: ["requests": "\(http.status.requests)"])
                        WorkerChannel.send(.max)
                        return
                    }
                }
            }
        }
    }

    /// Last words: the final metrics snapshot, so the supervisor folds exact totals.
    func finish() {
        metrics?.writeSnapshot()
    }
}

extension MCPApplication {
    /// Runs this process as worker `id` of a supervisor: serves the inherited socket (fd 3),
    /// shares sessions and metrics through the supervisor's runtime folder.
    public func runWorker(registry: Registry, instructions: String? = nil) async throws {
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        guard let id = environment[WorkerChannel.workerIDVariable].flatMap(Int.init),
            let directory = environment[WorkerChannel.runtimeDirectoryVariable]
        else { throw RuntimeError("a worker is started by the supervisor (mcp-server serve --workers N)") }
        let runtime = try RuntimeDirectory.adopt(
            path: directory, persistent: environment[WorkerChannel.persistentDirectoryVariable])
        var logger = Logger(label: "mcp.server")
        logger[metadataKey: "worker"] = "\(id)"
        let server = MCPServer(registry: registry, configuration: serverConfiguration(instructions: instructions))
        var configuration = httpConfiguration(listener: .inheritedSocket(WorkerChannel.listeningSocket))
        if configuration.sessionKey == nil {
            configuration.sessionKey = environment[WorkerChannel.sessionKeyVariable].flatMap(
                WorkerChannel.bytes(fromHex:))
        }
        let sessions = try SharedSessionRegistry(
            path: runtime.sessionTable, capacity: settings.maxSessions, idleTTL: settings.sessionIdleTTL)
        let metrics = settings.enableMetrics ? MetricsStore(directory: runtime.metrics, worker: id) : nil
        metrics?.bootstrap()
        let group = eventLoopGroup
        let revocations = try SharedSessionRevocations(path: runtime.revokedSessions)
        let http = MCPHTTPService(
            server: server, configuration: configuration, logger: logger, accessLog: settings.accessLog,
            sessionRegistry: sessions,
            metrics: metrics.map { metricsEndpoint($0) }, eventLoopGroup: group, sessionRevocations: revocations)
        let hooks = WorkerHooks(
            id: id, quota: settings.requestQuota(), metrics: metrics, eventLoopGroup: group, logger: logger)
        try await serve(http, logger: logger, worker: hooks)
    }
}
