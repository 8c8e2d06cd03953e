import ArgumentParser
import ExampleServer
import Foundation
import Logging
import MCPCore
import MCPRuntime

/// `mcp-server`: the example MCP server.
@main
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "The Awesome MCP Scaffold example server (MCP 2026-07-28 and the handshake era).",
        subcommands: [Serve.self, Worker.self, HealthCheckCommand.self, Dev.self, Workers.self],
        defaultSubcommand: Serve.self
    )
}

/// Settings on the command line; each also reads from the environment and `.env` (see env.example).
struct SettingOptions: ParsableArguments {
    @Option(help: "stdio, streamable-http or sse (TRANSPORT).") var transport: String?
    @Option(help: "Address to bind (HOST).") var host: String?
    @Option(help: "Port to bind (PORT).") var port: String?
    @Option(
        name: [.customLong("env"), .customLong("environment")],
        help: "development, testing or production (ENVIRONMENT).")
    var environment: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (LOG_LEVEL).") var logLevel: String?
    @Option(help: "text or json (LOG_FORMAT).") var logFormat: String?
    @Option(help: "Folder the file tools are confined to (WORKSPACE_DIR).") var workspace: String?
    @Option(help: "Worker processes; runs a supervisor (WORKERS).") var workers: String?
    @Option(help: "Path of an environment file to read (default .env).") var envFile: String?

    /// The options given, by their environment name.
    var flags: [String: String] {
        var values: [String: String] = [:]
        values["TRANSPORT"] = transport
        values["HOST"] = host
        values["PORT"] = port
        values["ENVIRONMENT"] = environment
        values["LOG_LEVEL"] = logLevel
        values["LOG_FORMAT"] = logFormat
        values["WORKSPACE_DIR"] = workspace
        values["WORKERS"] = workers
        return values
    }

    /// The same options as command-line arguments (for the workers a supervisor starts).
    var arguments: [String] {
        var list: [String] = []
        for (flag, value) in [
            ("--transport", transport), ("--host", host), ("--port", port), ("--env", environment),
            ("--log-level", logLevel),
            ("--log-format", logFormat), ("--workspace", workspace), ("--workers", workers), ("--env-file", envFile),
        ] {
            if let value { list += [flag, value] }
        }
        return list
    }

    /// Reads every setting; an invalid one prints one line and exits with status 2.
    func settings() async throws -> ServerSettings {
        do {
            let reader = try await SettingsReader.layered(flags: flags, dotEnvPath: envFile ?? ".env")
            return try ServerSettings(reading: reader)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}

/// The example catalogue for a configuration.
func exampleRegistry(_ settings: ServerSettings) throws -> Registry {
    var appSettings = AppSettings()
    appSettings.appName = settings.appName
    appSettings.version = settings.appVersion
    appSettings.environment = settings.environment.rawValue
    appSettings.host = settings.host
    appSettings.port = settings.port
    appSettings.transport = settings.transport.rawValue
    appSettings.mcpPath = settings.mcpPath
    appSettings.statelessHTTP = settings.statelessHTTP
    appSettings.logLevel = settings.logLevel.rawValue
    appSettings.secretsPresent = settings.secretsPresent
    let workspace = try Workspace(
        path: settings.workspaceDirectory, maxReadBytes: settings.maxFileSize, maxWriteBytes: settings.maxFileSize,
        maxTotalBytes: settings.workspaceMaxBytes > 0 ? settings.workspaceMaxBytes : nil)
    return try ExampleCatalogue.registry(
        settings: appSettings, workspace: workspace, regexTimeout: .milliseconds(Int(settings.regexTimeout * 1000)),
        demoTools: settings.enableDemoTools)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the server (the default command). In production, or with --workers, a supervisor runs worker processes."
    )

    @OptionGroup var options: SettingOptions

    func run() async throws {
        let settings = try await options.settings()
        let app = MCPApplication(settings: settings)
        app.bootstrapLogging()
        guard settings.usesWorkers else {
            try await app.run(registry: try exampleRegistry(settings), instructions: ExampleCatalogue.instructions)
            return
        }
        _ = try exampleRegistry(settings)  // fail fast on a bad catalogue before starting workers
        let budget = CPUBudget.detect()
        let logger = Logger(label: "mcp.supervisor")
        app.warnIfExposedWithoutKey(logger: logger)
        let options = options
        let configuration = supervisorConfiguration(settings, budget: budget, options: options)
        logger.info(
            "starting workers",
            metadata: [
                "workers": "\(configuration.workers)", "cpus": "\(budget.cpus)", "cpu.source": "\(budget.source)",
            ])
        let status = try await Supervisor.runOnThread(configuration: configuration, logger: logger) {
            // SIGHUP: read the settings again (the .env file may have changed).
            guard let fresh = try? await options.settings() else { return nil }
            return supervisorConfiguration(fresh, budget: CPUBudget.detect(), options: options)
        }
        throw ExitCode(status)
    }
}

func supervisorConfiguration(
    _ settings: ServerSettings, budget: CPUBudget, options: SettingOptions
) -> Supervisor.Configuration {
    Supervisor.Configuration(
        executable: Supervisor.executablePath(), workerArguments: ["worker"] + options.arguments,
        environment: ProcessInfo.processInfo.environment, host: settings.host, port: settings.port,
        workers: settings.transport == .sse ? 1 : settings.workerCount(budget: budget),
        gracefulTimeout: settings.gracefulTimeout,
        workerTimeout: settings.workerTimeout, maxSessions: settings.maxSessions,
        sessionIdleTTL: settings.sessionIdleTTL, runtimeDirectory: settings.runtimeDirectory)
}

/// One worker process of a supervisor (started by it, not by hand).
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve as a worker of a supervisor (internal).", shouldDisplay: false)

    @OptionGroup var options: SettingOptions

    func run() async throws {
        let settings = try await options.settings()
        let app = MCPApplication(settings: settings)
        let worker = ProcessInfo.processInfo.environment["MCP_WORKER_ID"].flatMap(Int.init)
        app.bootstrapLogging(worker: worker)
        try await app.runWorker(registry: try exampleRegistry(settings), instructions: ExampleCatalogue.instructions)
    }
}

/// `mcp-server healthcheck`: exit 0 when `/health` answers healthy (container HEALTHCHECK without curl).
struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Exit 0 when the server's /health answers healthy.")

    @Option(
        help: "URL to check (default: /health on HOST:PORT, loopback for 0.0.0.0 and ::; https with TLS).")
    var url: String?
    @Option(help: "Seconds to wait for the answer.") var timeout: Double = 3
    @OptionGroup var options: SettingOptions

    func run() async throws {
        var target = url
        if target == nil {
            let settings = try await options.settings()
            if settings.transport == .stdio {
                // A stdio server has no endpoint; its client notices when it stops answering.
                print("healthy: nothing to probe (TRANSPORT=stdio)")
                return
            }
            target = HealthCheck.url(host: settings.host, port: settings.port, tls: settings.tlsCertificateFile != nil)
        }
        let healthy = await HealthCheck.check(url: target!, timeout: .milliseconds(Int(timeout * 1000)))
        print(healthy.message)
        throw ExitCode(healthy.ok ? 0 : 1)
    }
}

/// `mcp-server workers`: how many workers this configuration runs here (for the container entrypoint).
struct Workers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print how many worker processes would run here, from WORKERS or the CPU budget.")

    @Option(help: "Root of the cgroup file system to read CPU quotas from.") var cgroupRoot = "/sys/fs/cgroup"
    @Flag(help: "Explain where the number comes from.") var explain = false
    @OptionGroup var options: SettingOptions

    func run() async throws {
        let settings = try await options.settings()
        let budget = CPUBudget.detect(cgroupRoot: cgroupRoot)
        let count = settings.transport == .sse ? 1 : settings.workerCount(budget: budget)
        if explain {
            let rule =
                settings.workers.map { "WORKERS=\($0)" }
                ?? "ceil(\(budget.cpus) CPUs x \(settings.workersPerCPU)) + \(settings.workersExtra), within \(settings.workersMin)..\(settings.workersMax)"
            print("\(count) workers: \(rule) (CPUs from \(budget.source))")
        } else {
            print(count)
        }
    }
}

/// `mcp-server dev`: rebuild and restart on every change under Sources/ (the original's `--reload`).
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Development mode: rebuild and restart when Sources/ changes.")

    @Option(help: "Seconds between checks for changes.") var interval: Double = 1
    @OptionGroup var options: SettingOptions

    func run() async throws {
        try await DevReloader(arguments: ["serve"] + options.arguments, interval: interval).run()
    }
}
