import Foundation
import Logging
public import MCPCore
import MCPHTTP
import MCPPlatform
import MCPStdio
import MCPStore
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs an MCP server built from a ``Registry`` in one process: on stdio, over HTTP, or as one
/// worker of a multi-process server (see ``Supervisor``). Every long-running part is a
/// `Service` under one `ServiceGroup`, which SIGTERM and SIGINT shut down gracefully.
///
/// Most servers never call this directly: ``MCPApplication/main(_:commands:)`` gives them the
/// whole command line (serve, worker, healthcheck, dev, workers).
public struct MCPApplication: Sendable {
    /// The settings the application runs with.
    public let settings: ServerSettings

    /// An application that runs with `settings`.
    public init(settings: ServerSettings) {
        self.settings = settings
    }

    /// Installs the console log handler: stderr for stdio (stdout carries the protocol there),
    /// stdout otherwise. Workers add their number to every line. Call once, before anything logs.
    public func bootstrapLogging(worker: Int? = nil) {
        let stream: ConsoleLogHandler.Stream = settings.transport == .stdio ? .standardError : .standardOutput
        let level = settings.logging.level.loggerLevel
        let format = settings.logging.format
        LoggingSystem.bootstrap { label in
            var handler = ConsoleLogHandler(label: label, level: level, format: format, stream: stream)
            if let worker { handler.metadata["worker"] = "\(worker)" }
            return handler
        }
    }

    /// Logs what reading the settings noticed (the original's names, unknown keys, the default
    /// workspace's fallback), once per server: the supervisor or the single process, not each worker.
    public func logSettingNotices() {
        let logger = Logger(label: "mcp.settings")
        for notice in settings.notices { logger.warning("\(notice)") }
    }

    /// The protocol-level configuration these settings imply.
    func serverConfiguration(instructions: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            info: ServerInfo(name: settings.appName, version: settings.appVersion), instructions: instructions)
        configuration.maxJSONDepth = settings.http.maxJSONDepth
        configuration.toolTimeout = settings.tools.timeout > 0 ? .milliseconds(Int(settings.tools.timeout * 1000)) : nil
        settings.tools.applyLimits(to: &configuration)
        configuration.keyRing = keyRing
        configuration.requestStateTTL = .milliseconds(Int(settings.keys.requestStateTTL * 1000))
        configuration.insufficientScope = settings.oauth.insufficientScope
        return configuration
    }

    /// The sealing keys: `SECRET_KEY`, else (a worker) the key its supervisor made up, else one
    /// made up here.
    var keyRing: KeyRing {
        let madeUp = ProcessInfo.processInfo.environment[WorkerChannel.sessionKeyVariable].flatMap(
            WorkerChannel.bytes(fromHex:))
        return settings.keys.keyRing(madeUp: madeUp)
    }

    /// Says once, at start-up, when sealed state only this server can open: without
    /// `SECRET_KEY` a session id or a `requestState` that reaches another replica is refused.
    func warnIfKeysAreMadeUp(logger: Logger) {
        guard settings.keys.secretKey == nil else { return }
        logger.notice(
            """
            SECRET_KEY is not set: session ids and requestState are sealed with a key made up at start-up, which \
            only this server's own processes share; set SECRET_KEY on every replica behind one proxy
            """)
    }

    /// Serves `registry` in this process until end of input (stdio) or a termination signal.
    public func run(registry: Registry, instructions: String? = nil) async throws {
        Signals.ignore(Signals.brokenPipe)
        let logger = Logger(label: "mcp.server")
        // This process's own runtime folder (a supervisor's workers share the supervisor's).
        // A private folder (mkdtemp, 0700) like a supervisor's, so nobody can plant the store.
        let runtime = try RuntimeDirectory.create(in: nil)
        defer { runtime.remove() }
        let folder = runtime.path
        let (router, tasks) = try await makeRouter(
            registry: registry, instructions: instructions, runtimeFolder: folder, sharedFolder: false, logger: logger)
        switch settings.transport {
        case .stdio:
            let stdio = StdioServer(router: router, logger: logger, maxLineBytes: settings.http.maxBodySize)
            logger.info(
                "serving MCP on stdio",
                metadata: [
                    "tools": "\(registry.tools.count)", "environment": "\(settings.environment.rawValue)",
                ])
            try await runGroup(
                Self.taskServices(tasks) + [
                    .init(service: ChangeService(server: router.server)),
                    .init(
                        service: StdioService(stdio: stdio, gracefulTimeout: gracefulTimeout, logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: logger)
        case .streamableHTTP, .sse:
            let metrics = settings.metrics.enabled ? MetricsStore(directory: nil, worker: nil) : nil
            metrics?.bootstrap()
            observeWork(of: router, in: metrics)
            let configuration = httpConfiguration(listener: .bind(host: settings.http.host, port: settings.http.port))
            warmUpOAuth(configuration, logger: logger)
            let http = httpService(
                router, configuration: configuration, sessions: nil, revocations: try settings.sessionRevocations(),
                metrics: metrics, logger: logger)
            checkDescriptorLimit(logger: logger)
            warnIfExposedWithoutKey(logger: logger)
            warnIfKeysAreMadeUp(logger: logger)
            try await runGroup(
                Self.taskServices(tasks) + [
                    .init(service: ChangeService(server: router.server)), .init(service: SessionSweeper(http: http)),
                    .init(
                        service: ServingHTTP(
                            http: http, settings: settings, logger: logger, onDrain: tasks?.drainBegan)),
                ],
                logger: logger)
        }
    }

    /// Runs this process as worker `id` of a supervisor: serves the inherited socket (fd 3),
    /// shares sessions and metrics through the supervisor's runtime folder.
    func runWorker(registry: Registry, instructions: String? = nil) async throws {
        Signals.ignore(Signals.brokenPipe)
        let environment = ProcessInfo.processInfo.environment
        guard let id = environment[WorkerChannel.workerIDVariable].flatMap(Int.init),
            let directory = environment[WorkerChannel.runtimeDirectoryVariable]
        else { throw RuntimeError("a worker is started by its supervisor (serve --workers N), not by hand") }
        let runtime = try RuntimeDirectory.adopt(
            path: directory, persistent: environment[WorkerChannel.persistentDirectoryVariable])
        var logger = Logger(label: "mcp.server")
        logger[metadataKey: "worker"] = "\(id)"
        // Handshake-era sessions land on any worker: answers and cancellations reach the right one.
        let relay = WorkerRelay(folder: runtime.relay, logger: logger)
        defer { relay?.close() }
        let (router, tasks) = try await makeRouter(
            registry: registry, instructions: instructions, runtimeFolder: directory, sharedFolder: true,
            relay: relay, logger: logger)
        relay?.start { [router] message in router.receive(relayed: message) }
        let sessions = try SharedSessionRegistry(
            path: runtime.sessionTable, capacity: settings.sessions.maxSessions, idleTTL: settings.sessions.idleTTL)
        let metrics = settings.metrics.enabled ? MetricsStore(directory: runtime.metrics, worker: id) : nil
        metrics?.bootstrap()
        observeWork(of: router, in: metrics)
        var listener = httpConfiguration(listener: .inheritedSocket(WorkerChannel.listeningSocket))
        switch settings.processes.acceptingWorkers {
        case .one: listener.acceptLockPath = runtime.acceptTurn
        case .all: listener.acceptBalancePath = runtime.acceptBalance
        }
        if listener.sessionKey == nil {
            listener.sessionKey = environment[WorkerChannel.sessionKeyVariable].flatMap(WorkerChannel.bytes(fromHex:))
        }
        warmUpOAuth(listener, logger: logger)
        let http = httpService(
            router, configuration: listener, sessions: sessions,
            revocations: try SharedSessionRevocations(path: runtime.revokedSessions), metrics: metrics, logger: logger)
        let duties = WorkerDuties(
            http: http, quota: settings.processes.requestQuota(), metrics: metrics, eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        checkDescriptorLimit(logger: logger)
        try await runGroup(
            [
                // First in, last out: it beats while the HTTP service drains.
                .init(service: duties, successTerminationBehavior: .gracefullyShutdownGroup)
            ] + Self.taskServices(tasks) + [
                .init(service: ChangeService(server: router.server)), .init(service: SessionSweeper(http: http)),
                .init(
                    service: ServingHTTP(
                        http: http, settings: settings, logger: logger, worker: true, onDrain: tasks?.drainBegan)),
            ], logger: logger)
    }

    /// The router over `registry`, on the store `TASK_STORE` names (by default SQLite in
    /// `runtimeFolder`): tasks with the service that keeps them when a tool is task-capable, and
    /// the store as the server's change feed when other processes share it (`sharedFolder`: the
    /// folder is a supervisor's, which its workers share; a named store may be shared by other
    /// servers and replicas). No store, no tasks, no service with `TASK_STORE=off`.
    func makeRouter(
        registry: Registry, instructions: String?, runtimeFolder: String, sharedFolder: Bool,
        relay: (any SiblingRelay)? = nil, logger: Logger
    ) async throws -> (MessageRouter, TaskService?) {
        var configuration = serverConfiguration(instructions: instructions)
        let location = settings.tasks.store
        guard
            let store = try await location.open(
                runtimeFolder: runtimeFolder, origin: TaskRunner.instance, logger: logger)
        else {
            return (
                MessageRouter(server: MCPServer(registry: registry, configuration: configuration), relay: relay), nil
            )
        }
        if sharedFolder || location != .runtimeFolder { configuration.changeFeed = store }
        guard registry.tools.contains(where: { $0.taskSupport != .forbidden }) else {
            return (
                MessageRouter(server: MCPServer(registry: registry, configuration: configuration), relay: relay), nil
            )
        }
        let runner = TaskRunner(
            store: store, configuration: settings.tasks.configuration, logger: Logger(label: "mcp.tasks"))
        logger.info("tasks on \(location.logDescription)", metadata: ["mcp.task.owner": "\(runner.owner)"])
        let server = MCPServer(registry: registry, configuration: configuration, tasks: runner)
        return (
            MessageRouter(server: server, relay: relay), TaskService(runner: runner, gracefulTimeout: gracefulTimeout)
        )
    }

    /// The task service, when there is one, listed before the transports so it stops after them.
    static func taskServices(_ tasks: TaskService?) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        tasks.map { [.init(service: $0)] } ?? []
    }

    /// Runs `services` until they end, shutting them down gracefully on SIGTERM or SIGINT.
    func runGroup(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        try await ServiceGroup(configuration: configuration).run()
        logger.info("stopped")
    }

    var gracefulTimeout: Duration { .milliseconds(Int(settings.processes.gracefulTimeout * 1000)) }

    func httpService(
        _ router: MessageRouter, configuration: HTTPConfiguration, sessions: (any SessionRegistry)?,
        revocations: (any SessionRevocations)?, metrics: MetricsStore?, logger: Logger
    ) -> MCPHTTPService {
        MCPHTTPService(
            server: router.server, configuration: configuration, logger: logger, accessLog: settings.logging.accessLog,
            sessionRegistry: sessions, metrics: metrics.map { metricsEndpoint($0) }, eventLoopGroup: eventLoopGroup,
            router: router, drainTimeout: gracefulTimeout, sessionRevocations: revocations)
    }

    /// The event loops HTTP runs on (``EventLoopSetup/group(threads:)``).
    var eventLoopGroup: any EventLoopGroup { EventLoopSetup.group(threads: settings.processes.workerThreads) }

    /// The gauges that show work ending: tool calls running, requests waiting for a client's
    /// answer and SSE streams open (back to 0 once cancelled, abandoned or timed-out work is
    /// released), each read when the metrics are published.
    func observeWork(of router: MessageRouter, in metrics: MetricsStore?) {
        metrics?.observe(gauge: "mcp_tool_calls_running") { router.server.toolCallsRunning }
        metrics?.observe(gauge: "mcp_client_requests_waiting") { router.clientRequests.waiting }
        metrics?.observe(gauge: "mcp_sse_streams_active") { MCPHTTPService.openSSEStreams }
    }

    func metricsEndpoint(_ store: MetricsStore) -> MetricsEndpoint {
        MetricsEndpoint(path: settings.metrics.path) { store.renderAll() }
    }

    /// Warns once per server (the supervisor, or a single process) when it listens beyond
    /// loopback with no API key.
    func warnIfExposedWithoutKey(logger: Logger) {
        guard !["127.0.0.1", "localhost", "::1"].contains(settings.http.host), settings.apiKey == nil else { return }
        logger.warning(
            "listening on a non-loopback address without API_KEY: anyone who can reach this port can call every tool",
            metadata: ["host": "\(settings.http.host)"])
    }

    func checkDescriptorLimit(logger: Logger) {
        let descriptors = Descriptors.raiseOpenFileLimit()
        if descriptors < settings.http.maxConnections + 64 {
            logger.warning(
                "the open-file limit is below MAX_CONNECTIONS: connections beyond it are refused",
                metadata: ["limit": "\(descriptors)", "max_connections": "\(settings.http.maxConnections)"])
        }
    }
}

/// The HTTP service with what the runtime adds around it: the log line once it serves, and
/// for a worker the warm-up and the ready report. Described by name only: the service group
/// logs a failing service's description, and the settings hold secrets.
struct ServingHTTP: Service, CustomStringConvertible {
    let http: MCPHTTPService
    let settings: ServerSettings
    let logger: Logger
    var worker = false
    /// Called when the graceful shutdown begins (tasks measure their drain from then).
    var onDrain: (@Sendable () -> Void)?

    var description: String { "ServingHTTP" }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: { [onDrain] in
            onDrain?()
        }
    }

    private func serve() async throws {
        try await http.run { [http, settings, logger, worker] in
            if worker { await WorkerStartup.warmUpAndReport(http, logger: logger) }
            logger.info(
                "serving MCP over HTTP",
                metadata: [
                    "address": "\(http.localAddress.map { "\($0)" } ?? "\(settings.http.host):\(settings.http.port)")",
                    "path": "\(settings.http.mcpPath)", "transport": "\(settings.transport.rawValue)",
                    "stateless": "\(settings.http.statelessHTTP)", "tools": "\(http.server.registry.tools.count)",
                    "environment": "\(settings.environment.rawValue)", "tasks": "\(EventLoopSetup.tasksRunOn)",
                ])
        }
    }
}
