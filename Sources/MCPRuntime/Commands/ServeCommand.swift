import ArgumentParser
import Foundation
import Logging

/// `serve`: one process in development; a supervisor with worker processes in production or
/// with `--workers`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Run the server (the default command). In production, or with --workers, a supervisor runs worker processes."
    )

    @OptionGroup var options: SettingOptions

    func run() async throws {
        let definition = CurrentServer.definition
        let settings = try await options.settings()
        let app = MCPApplication(settings: settings)
        app.bootstrapLogging()
        app.logSettingNotices()
        guard settings.usesWorkers else {
            app.prepareEventLoops()
            try await app.run(registry: try definition.registry(settings), instructions: definition.instructions)
            return
        }
        _ = try definition.registry(settings)  // fail fast on a bad catalogue before starting workers
        let logger = Logger(label: "mcp.supervisor")
        app.warnIfExposedWithoutKey(logger: logger)
        app.warnIfKeysAreMadeUp(logger: logger)
        let options = options
        let configuration = Self.supervisorConfiguration(settings, budget: CPUBudget.detect(), options: options)
        logger.info(
            "starting workers",
            metadata: ["workers": "\(configuration.workers)", "cpus": "\(CPUBudget.detect().cpus)"])
        let status = try await Supervisor.runOnThread(configuration: configuration, logger: logger) {
            // SIGHUP: read the settings again (the .env file may have changed).
            guard let fresh = try? await options.settings() else { return nil }
            return Self.supervisorConfiguration(fresh, budget: CPUBudget.detect(), options: options)
        }
        throw ExitCode(status)
    }

    /// The supervisor's configuration: workers run this executable's `worker` command with the
    /// same options.
    static func supervisorConfiguration(
        _ settings: ServerSettings, budget: CPUBudget, options: SettingOptions
    ) -> Supervisor.Configuration {
        Supervisor.Configuration(
            executable: Supervisor.executablePath(), workerArguments: [WorkerCommand.name] + options.arguments,
            environment: ProcessInfo.processInfo.environment, host: settings.http.host, port: settings.http.port,
            workers: settings.workerCount(budget: budget), gracefulTimeout: settings.processes.gracefulTimeout,
            workerTimeout: settings.processes.workerTimeout, maxSessions: settings.sessions.maxSessions,
            sessionIdleTTL: settings.sessions.idleTTL, runtimeDirectory: settings.processes.runtimeDirectory)
    }
}

extension ServeCommand {
    /// The options of `serve`, for the top-level `--help`: `serve` is what runs without a
    /// subcommand, so its options are the ones people look for there.
    static var optionsForTopLevelHelp: String {
        // 80 columns: the root's help wraps its discussion there, and would break longer lines.
        let help = helpMessage(includeHidden: false, columns: 80)
        guard let options = help.range(of: "OPTIONS:") else { return "" }
        let lines = help[options.upperBound...].split(separator: "\n").filter { !$0.contains("--help") }
        return "Without a subcommand, serve runs; its options:\n" + lines.joined(separator: "\n")
    }
}

/// `worker`: one worker process of a supervisor (started by it, not by hand).
struct WorkerCommand: AsyncParsableCommand {
    static let name = "worker"
    static let configuration = CommandConfiguration(
        commandName: name, abstract: "Serve as a worker of a supervisor (internal).", shouldDisplay: false)

    @OptionGroup var options: SettingOptions

    func run() async throws {
        let definition = CurrentServer.definition
        let settings = try await options.settings()
        let app = MCPApplication(settings: settings)
        app.prepareEventLoops()
        app.bootstrapLogging(
            worker: ProcessInfo.processInfo.environment[WorkerChannel.workerIDVariable].flatMap(Int.init))
        try await app.runWorker(registry: try definition.registry(settings), instructions: definition.instructions)
    }
}
