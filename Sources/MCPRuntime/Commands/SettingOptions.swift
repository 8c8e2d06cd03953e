public import ArgumentParser
import Foundation

/// Settings on the command line; each also reads from the environment and `.env` (see env.example).
public struct SettingOptions: ParsableArguments, Sendable {
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
    @Option(help: "Path of an environment file to read (default .env, when there is one).") var envFile: String?

    /// No options given; ArgumentParser fills them in.
    public init() {}

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
            ("--log-level", logLevel), ("--log-format", logFormat), ("--workspace", workspace),
            ("--workers", workers), ("--env-file", envFile),
        ] {
            if let value { list += [flag, value] }
        }
        return list
    }

    /// Reads every setting; an invalid one, or an `--env-file` that is not there, prints one
    /// line and exits with status 2.
    public func settings() async throws -> ServerSettings {
        do {
            if let envFile, !FileManager.default.fileExists(atPath: envFile) {
                FileHandle.standardError.write(Data("error: --env-file \(envFile): no such file\n".utf8))
                throw ExitCode(2)
            }
            let reader = try await SettingsReader.layered(
                flags: flags, dotEnvPath: envFile ?? ".env", defaults: CurrentServer.defaults)
            return try ServerSettings(reading: reader, name: CurrentServer.name ?? "mcp-server")
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
