package import MCPHTTP

/// Every setting of the server, read once at start-up from flags, the environment and `.env`
/// (in that order of precedence), with the defaults below. `env.example` documents each key.
///
/// Each concern is a settings type of its own that reads and documents its keys (``http``,
/// ``logging``, ``tools``, ``edge``, ``sessions``, ``metrics``, ``processes``, ``keys``,
/// ``oauth``, ``tasks``); this type reads the server's identity and the checks that span them:
///
/// | key | meaning |
/// | --- | --- |
/// | `APP_NAME`, `APP_VERSION` | name and version reported in `serverInfo`, `/health` and `config://app` |
/// | `ENVIRONMENT` | `development` (default), `testing` or `production`: the defaults of the log, the inspector, the workers and OAuth depend on it |
/// | `TRANSPORT` | `stdio`, `streamable-http` (default) or `sse` (the deprecated 2024-11-05 HTTP+SSE transport) |
/// | `INSPECTOR` | serve the inspector page at `/inspector` (default: in development only) |
/// | `API_KEY` | require this key on MCP and REST routes; a secret, never logged |
public struct ServerSettings: Sendable {
    /// How clients reach the server.
    public enum Transport: String, Sendable, CaseIterable {
        /// Messages on stdin and stdout, for a client that starts the server.
        case stdio
        /// Streamable HTTP at `MCP_PATH`, for both eras.
        case streamableHTTP = "streamable-http"
        /// The deprecated 2024-11-05 HTTP+SSE transport.
        case sse
    }

    /// Which set of defaults applies.
    public enum Environment: String, Sendable, CaseIterable {
        /// Local work (debug log, inspector), tests, or production (JSON log, workers, `PUBLIC_URL` for OAuth).
        case development, testing, production
    }

    // Identity
    /// The name reported in `serverInfo`, `/health` and `config://app` (`APP_NAME`).
    public var appName = "Awesome MCP Server"
    /// The version reported beside it (`APP_VERSION`).
    public var appVersion = "1.0.0"
    /// Which defaults apply (`ENVIRONMENT`): production logs JSON, runs workers and recycles them.
    public var environment = Environment.development
    /// How clients reach the server (`TRANSPORT`).
    public var transport = Transport.streamableHTTP
    /// Serve the inspector page at `/inspector` (default: in development only).
    public var inspector = false

    /// Where HTTP listens and the limits of each connection and request.
    public var http = HTTPSettings()
    /// Log level, format and the access log.
    public var logging = LoggingSettings()
    /// The workspace and the limits of each tool, resource and prompt call.
    public var tools = ToolSettings()
    /// Origin, host, CORS and proxy policies, and the rate limit.
    public var edge = EdgeSettings()
    /// Handshake-era sessions.
    public var sessions = SessionSettings()
    /// Prometheus metrics.
    public var metrics = MetricsSettings()
    /// Worker processes, their recycling, shutdown and the runtime folder.
    public var processes = ProcessSettings()

    // Secrets: never logged, reported only as set or not set.
    /// The key MCP and REST routes require (`API_KEY`); nil for none.
    public var apiKey: String?
    /// Sealing keys, request-state lifetime, replicas.
    public var keys = KeySettings()
    /// OAuth: the authorization server, this server's public URL, scopes.
    public var oauth = OAuthSettings()
    /// Where tasks live and their limits.
    public var tasks = TaskSettings()

    /// What reading the settings noticed, one line each, for the log: the Python original's
    /// names and values, unknown `.env` keys ("did you mean …"), a workspace chosen for lack of
    /// a home. Nothing here stops the server.
    public var notices: [String] = []

    /// Every setting at its default (development, Streamable HTTP on `127.0.0.1:8000`).
    public init() {}

    /// Reads every setting, one concern after another; the first invalid one is reported.
    ///
    /// - Parameter name: the server's command name, which names its default workspace folder.
    package init(reading settings: SettingsReader, name: String = "mcp-server") throws(ConfigurationError) {
        notices = settings.notices
        appName = settings.string("APP_NAME", default: appName)
        appVersion = settings.string("APP_VERSION", default: appVersion)
        environment = try settings.choice("ENVIRONMENT", default: environment)
        transport = try settings.choice("TRANSPORT", default: transport)
        let production = environment == .production
        http = try HTTPSettings(reading: settings)
        logging = try LoggingSettings(reading: settings, environment: environment, notices: &notices)
        tools = try ToolSettings(reading: settings, name: name, notices: &notices)
        inspector = try settings.bool("INSPECTOR", default: environment == .development)
        edge = try EdgeSettings(reading: settings)
        sessions = try SessionSettings(reading: settings)
        metrics = try MetricsSettings(reading: settings, mcpPath: http.mcpPath)
        processes = try ProcessSettings(reading: settings, production: production)
        apiKey = settings.secret("API_KEY")
        keys = try KeySettings(reading: settings)
        oauth = try OAuthSettings(reading: settings, production: production)
        tasks = try TaskSettings(reading: settings)
        if edge.corsOrigins.contains("*") && apiKey == nil {
            notices.append(
                "CORS_ORIGINS=* lets a page of any web site call this server's tools from a visitor's browser; "
                    + "set API_KEY, or list the origins")
        }
        notices += settings.unknownKeyNotices()
    }

    /// How many workers to run: `WORKERS`, else the formula over the CPU budget; always one with
    /// the legacy SSE transport, whose sessions live in the process that holds their stream.
    package func workerCount(budget: CPUBudget) -> Int {
        if transport == .sse { return 1 }
        return processes.workers
            ?? budget.workers(
                perCPU: processes.workersPerCPU, extra: processes.workersExtra, minimum: processes.workersMin,
                maximum: processes.workersMax)
    }

    /// True when this configuration runs a supervisor with worker processes: production, or a
    /// worker count given explicitly, on an HTTP transport.
    package var usesWorkers: Bool {
        transport != .stdio && (processes.workers != nil || environment == .production)
    }

    /// The names of the secret settings with whether each has a value.
    public var secretsPresent: [String: Bool] {
        ["API_KEY": apiKey != nil, "SECRET_KEY": keys.secretKey != nil]
    }

    /// Where a single process remembers sessions ended by DELETE: in `RUNTIME_DIR` when it is
    /// set (so a restart still refuses them), else nil (this process's memory).
    package func sessionRevocations() throws -> (any SessionRevocations)? {
        guard let runtimeDirectory = processes.runtimeDirectory, !runtimeDirectory.isEmpty, !http.statelessHTTP
        else { return nil }
        let directory = try RuntimeDirectory.persistent(runtimeDirectory)
        return try SharedSessionRevocations(path: directory + "/" + RuntimeDirectory.revokedSessionsFile)
    }
}
