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
