import ArgumentParser
import ExampleServer
import Foundation
import MCPCore
import MCPRuntime

/// `mcp-server`: the example MCP server.
@main
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "The Awesome MCP Scaffold example server (MCP 2026-07-28 and the handshake era).",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )
}

/// Settings on the command line; each also reads from the environment and `.env` (see env.example).
struct SettingOptions: ParsableArguments {
    @Option(help: "stdio, streamable-http or sse (TRANSPORT).") var transport: String?
    @Option(help: "Address to bind (HOST).") var host: String?
    @Option(help: "Port to bind (PORT).") var port: String?
    @Option(name: [.customLong("env"), .customLong("environment")], help: "development, testing or production (ENVIRONMENT).")
    var environment: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (LOG_LEVEL).") var logLevel: String?
    @Option(help: "text or json (LOG_FORMAT).") var logFormat: String?
    @Option(help: "Folder the file tools are confined to (WORKSPACE_DIR).") var workspace: String?
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
        return values
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default command).")

    @OptionGroup var options: SettingOptions

    func run() async throws {
        let settings: ServerSettings
        do {
            let reader = try await SettingsReader.layered(flags: options.flags, dotEnvPath: options.envFile ?? ".env")
            settings = try ServerSettings(reading: reader)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        let app = MCPApplication(settings: settings)
        app.bootstrapLogging()
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
        let workspace = try Workspace(path: settings.workspaceDirectory, maxReadBytes: settings.maxFileSize, maxWriteBytes: settings.maxFileSize)
        let registry = try ExampleCatalogue.registry(
            settings: appSettings, workspace: workspace, regexTimeout: .milliseconds(Int(settings.regexTimeout * 1000)),
            demoTools: settings.enableDemoTools)
        do {
            try await app.run(registry: registry, instructions: ExampleCatalogue.instructions)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
