public import Logging

/// Every setting of the server, read once at start-up from flags, the environment and `.env`
/// (in that order of precedence), with the defaults below. `env.example` documents each key.
public struct ServerSettings: Sendable {
    public enum Transport: String, Sendable, CaseIterable {
        case stdio
        case streamableHTTP = "streamable-http"
        case sse
    }

    public enum Environment: String, Sendable, CaseIterable {
        case development, testing, production
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        public var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    // Identity
    public var appName = "Awesome MCP Server"
    public var appVersion = "1.0.0"
    public var environment = Environment.development

    // Transport
    public var transport = Transport.streamableHTTP
    public var host = "127.0.0.1"
    public var port = 8000
    public var mcpPath = "/mcp"
    /// Serve the handshake era without server-side sessions (production default).
    public var statelessHTTP = true

    // Logging
    public var logLevel = LogLevel.info
    public var logFormat = LogFormat.text

    // Tools and limits
    public var workspaceDirectory = "./workspace"
    public var maxFileSize = 10 * 1024 * 1024
    public var maxBodySize = 4 * 1024 * 1024
    public var maxJSONDepth = 64
    /// Seconds an `async` tool may run; 0 for no limit.
    public var toolTimeout = 60.0
    /// Seconds a user-supplied regular expression may run.
    public var regexTimeout = 1.0
    /// Seconds in-flight work may take to finish after SIGTERM.
    public var gracefulTimeout = 30.0
    /// Offer the demo tools (`long_task`) as well.
    public var enableDemoTools = false

    // Secrets: never logged, reported only as set or not set.
    public var apiKey: String?
    public var secretKey: String?

    public init() {}

    /// Reads every setting; the first invalid one is reported.
    public init(reading settings: SettingsReader) throws(ConfigurationError) {
        appName = settings.string("APP_NAME", default: appName)
        appVersion = settings.string("APP_VERSION", default: appVersion)
        environment = try settings.choice("ENVIRONMENT", default: environment)
        transport = try settings.choice("TRANSPORT", default: transport)
        host = settings.string("HOST", default: host)
        port = try settings.int("PORT", default: port, in: 0...65535)
        mcpPath = settings.string("MCP_PATH", default: mcpPath)
        guard mcpPath.hasPrefix("/") else { throw ConfigurationError(key: "MCP_PATH", value: mcpPath, allowed: "a path starting with /") }
        statelessHTTP = try settings.bool("STATELESS_HTTP", default: statelessHTTP)
        let defaultLevel: LogLevel = environment == .development ? .debug : .info
        logLevel = try settings.choice("LOG_LEVEL", default: defaultLevel)
        logFormat = try settings.choice("LOG_FORMAT", default: environment == .production ? .json : .text)
        workspaceDirectory = settings.string("WORKSPACE_DIR", default: workspaceDirectory)
        maxFileSize = try settings.int("MAX_FILE_SIZE", default: maxFileSize, in: 1...(1 << 30))
        maxBodySize = try settings.int("MAX_BODY_SIZE", default: maxBodySize, in: 1024...(1 << 30))
        maxJSONDepth = try settings.int("MAX_JSON_DEPTH", default: maxJSONDepth, in: 4...512)
        toolTimeout = try settings.double("TOOL_TIMEOUT", default: toolTimeout, in: 0...86_400)
        regexTimeout = try settings.double("REGEX_TIMEOUT", default: regexTimeout, in: 0.01...60)
        gracefulTimeout = try settings.double("GRACEFUL_TIMEOUT", default: gracefulTimeout, in: 0...3600)
        enableDemoTools = try settings.bool("ENABLE_DEMO_TOOLS", default: enableDemoTools)
        apiKey = settings.secret("API_KEY")
        secretKey = settings.secret("SECRET_KEY")
    }

    /// The names of the secret settings with whether each has a value.
    public var secretsPresent: [String: Bool] {
        ["API_KEY": apiKey != nil, "SECRET_KEY": secretKey != nil]
    }
}
