import ExampleServer
import MCPCore
import MCPRuntime

/// The example catalogue for a configuration: the runtime's settings as the catalogue's own.
@Sendable
func exampleRegistry(_ settings: ServerSettings) throws -> Registry {
    var appSettings = AppSettings()
    appSettings.appName = settings.appName
    appSettings.version = settings.appVersion
    appSettings.environment = settings.environment.rawValue
    appSettings.host = settings.http.host
    appSettings.port = settings.http.port
    appSettings.transport = settings.transport.rawValue
    appSettings.mcpPath = settings.http.mcpPath
    appSettings.statelessHTTP = settings.http.statelessHTTP
    appSettings.logLevel = settings.logging.level.rawValue
    appSettings.secretsPresent = settings.secretsPresent
    let workspace = try Workspace(
        path: settings.tools.workspaceDirectory, maxReadBytes: settings.tools.maxFileSize,
        maxWriteBytes: settings.tools.maxFileSize,
        maxTotalBytes: settings.tools.workspaceMaxBytes > 0 ? settings.tools.workspaceMaxBytes : nil)
    return try ExampleCatalogue.registry(
        settings: appSettings, workspace: workspace,
        regexTimeout: .milliseconds(Int(settings.tools.regexTimeout * 1000)),
        demoTools: settings.tools.enableDemoTools)
}
