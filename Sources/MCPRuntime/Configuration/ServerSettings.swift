public import Logging
import MCPHTTP

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
    /// The file tools' folder. When `WORKSPACE_DIR` is not set, a folder in the user's data
    /// folder (never relative to the working directory; see ``DefaultWorkspace``).
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
    /// Serve the inspector page at `/inspector` (default: in development only).
    public var inspector = false

    // HTTP edge
    /// Origins allowed besides loopback (`*` for any).
    public var allowedOrigins: [String] = []
    /// Host header values allowed besides loopback names.
    public var allowedHosts: [String] = []
    /// Origins that get CORS headers.
    public var corsOrigins: [String] = []
    /// Proxies whose `X-Forwarded-For` names the client: addresses, CIDR blocks, `*`, or `none`.
    public var forwardedAllowIPs = ["127.0.0.1", "::1"]
    /// Requests per window per client; 0 turns rate limiting off.
    public var rateLimitRequests = 0
    public var rateLimitWindow = 60
    public var metricsRequireAuth = false
    public var maxHeaderBytes = 16 * 1024
    public var maxHeaderCount = 100
    /// Seconds an idle keep-alive connection stays open.
    public var keepAliveTimeout = 5.0
    /// Seconds between SSE keep-alive comments.
    public var sseKeepAliveInterval = 15.0
    public var accessLog = false
    /// Connections one process serves at once.
    public var maxConnections = 10_000
    /// Seconds a client may take to send a request body.
    public var bodyTimeout = 30.0
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?

    // Handshake-era sessions (when STATELESS_HTTP=false)
    public var sessionIdleTTL = 1800.0
    public var maxSessions = 1000
    public var replayBufferSize = 256

    // Metrics
    public var enableMetrics = true
    public var metricsPath = "/metrics"

    // Worker processes (production)
    /// Worker processes; nil lets the CPU budget decide (``CPUBudget``).
    public var workers: Int?
    public var workersPerCPU = 1.0
    public var workersExtra = 0
    public var workersMin = 2
    public var workersMax = 8
    /// Event-loop threads per worker; nil for one per CPU.
    public var workerThreads: Int?
    /// Requests after which a worker is replaced; 0 never.
    public var maxRequests = 0
    /// Up to this many more requests, at random per worker, so workers do not recycle together.
    public var maxRequestsJitter = 0
    /// Seconds without a heartbeat after which a worker is killed and replaced.
    public var workerTimeout = 30.0

    // Bounded work per request, the runtime folder, session lifetime
    /// Largest result of a tool call, resource read or prompt, in bytes of JSON.
    public var maxResultSize = 1 << 20
    /// Threads per process running synchronous tool, resource and prompt work; nil for one per CPU.
    public var toolThreads: Int?
    /// Calls that may wait for such a thread; beyond it a call is answered "busy, retry" (HTTP 503).
    public var toolQueueLimit = 64
    /// Quota of the workspace folder in bytes; 0 for none.
    public var workspaceMaxBytes = 0
    /// Private folder for the runtime files of a multi-process server; nil for a fresh one in the temporary folder.
    public var runtimeDirectory: String?
    /// Seconds a handshake-era session id stays valid after `initialize`, however active.
    public var sessionMaxAge = 86_400.0

    // Secrets: never logged, reported only as set or not set.
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

    public init() {}

    /// Reads every setting; the first invalid one is reported.
    ///
    /// - Parameter name: the server's command name, which names its default workspace folder.
    public init(reading settings: SettingsReader, name: String = "mcp-server") throws(ConfigurationError) {
        notices = settings.notices
        appName = settings.string("APP_NAME", default: appName)
        appVersion = settings.string("APP_VERSION", default: appVersion)
        environment = try settings.choice("ENVIRONMENT", default: environment)
        transport = try settings.choice("TRANSPORT", default: transport)
        host = settings.string("HOST", default: host)
        port = try settings.int("PORT", default: port, in: 0...65535)
        mcpPath = settings.string("MCP_PATH", default: mcpPath)
        guard mcpPath.hasPrefix("/") else {
            throw ConfigurationError(key: "MCP_PATH", value: mcpPath, allowed: "a path starting with /")
        }
        statelessHTTP = try settings.bool("STATELESS_HTTP", default: statelessHTTP)
        let defaultLevel: LogLevel = environment == .development ? .debug : .info
        logLevel = try settings.choice("LOG_LEVEL", default: defaultLevel)
        if let format = settings.string("LOG_FORMAT"), format.contains("%(") {
            // The original's LOG_FORMAT is a Python logging format string for its text lines.
            logFormat = .text
            notices.append(
                "LOG_FORMAT is a Python logging format (the original's); this server writes its own text lines: "
                    + "using text (LOG_FORMAT=json for JSON)")
        } else {
            logFormat = try settings.choice("LOG_FORMAT", default: environment == .production ? .json : .text)
        }
        if let directory = settings.string("WORKSPACE_DIR") {
            workspaceDirectory = directory
        } else {
            let choice = try DefaultWorkspace.choose(name: name, environment: settings.environment)
            workspaceDirectory = choice.path
            notices += choice.notice.map { [$0] } ?? []
        }
        maxFileSize = try settings.int("MAX_FILE_SIZE", default: maxFileSize, in: 1...(1 << 30))
        maxBodySize = try settings.int("MAX_BODY_SIZE", default: maxBodySize, in: 1024...(1 << 30))
        maxJSONDepth = try settings.int("MAX_JSON_DEPTH", default: maxJSONDepth, in: 4...512)
        toolTimeout = try settings.double("TOOL_TIMEOUT", default: toolTimeout, in: 0...86_400)
        regexTimeout = try settings.double("REGEX_TIMEOUT", default: regexTimeout, in: 0.01...60)
        gracefulTimeout = try settings.double("GRACEFUL_TIMEOUT", default: gracefulTimeout, in: 0...3600)
        enableDemoTools = try settings.bool("ENABLE_DEMO_TOOLS", default: enableDemoTools)
        inspector = try settings.bool("INSPECTOR", default: environment == .development)
        allowedOrigins = settings.list("ALLOWED_ORIGINS", default: allowedOrigins)
        allowedHosts = settings.list("ALLOWED_HOSTS", default: allowedHosts)
        corsOrigins = settings.list("CORS_ORIGINS", default: corsOrigins)
        forwardedAllowIPs = settings.list("FORWARDED_ALLOW_IPS", default: forwardedAllowIPs)
        do {
            _ = try TrustedProxies(forwardedAllowIPs)
        } catch {
            throw ConfigurationError(
                key: "FORWARDED_ALLOW_IPS", value: error.entry,
                allowed: "IP addresses and CIDR blocks (10.0.0.0/8), * for any peer, or none")
        }
        rateLimitRequests = try settings.int("RATE_LIMIT_REQUESTS", default: rateLimitRequests, in: 0...10_000_000)
        rateLimitWindow = try settings.int("RATE_LIMIT_WINDOW", default: rateLimitWindow, in: 1...86_400)
        metricsRequireAuth = try settings.bool("METRICS_REQUIRE_AUTH", default: metricsRequireAuth)
        maxHeaderBytes = try settings.int("MAX_HEADER_BYTES", default: maxHeaderBytes, in: 1024...(1 << 20))
        maxHeaderCount = try settings.int("MAX_HEADER_COUNT", default: maxHeaderCount, in: 8...10_000)
        keepAliveTimeout = try settings.double("KEEPALIVE_TIMEOUT", default: keepAliveTimeout, in: 0.1...3600)
        sseKeepAliveInterval = try settings.double(
            "SSE_KEEPALIVE_INTERVAL", default: sseKeepAliveInterval, in: 0.1...3600)
        accessLog = try settings.bool("ACCESS_LOG", default: environment == .production)
        maxConnections = try settings.int("MAX_CONNECTIONS", default: maxConnections, in: 1...1_000_000)
        bodyTimeout = try settings.double("BODY_TIMEOUT", default: bodyTimeout, in: 0.1...3600)
        tlsCertificateFile = settings.string("TLS_CERT_FILE")
        tlsKeyFile = settings.string("TLS_KEY_FILE")
        if (tlsCertificateFile == nil) != (tlsKeyFile == nil) {
            throw ConfigurationError(
                key: tlsCertificateFile == nil ? "TLS_CERT_FILE" : "TLS_KEY_FILE", value: "",
                allowed: "both TLS_CERT_FILE and TLS_KEY_FILE, or neither")
        }
        #if !TLS
            if let certificate = tlsCertificateFile {
                throw ConfigurationError(
                    key: "TLS_CERT_FILE", value: certificate,
                    allowed: "unset in a build without the TLS trait (swift build --traits TLS; make build has it)")
            }
        #endif
        sessionIdleTTL = try settings.double("SESSION_IDLE_TTL", default: sessionIdleTTL, in: 1...86_400)
        maxSessions = try settings.int("MAX_SESSIONS", default: maxSessions, in: 1...10_000_000)
        replayBufferSize = try settings.int("REPLAY_BUFFER_SIZE", default: replayBufferSize, in: 1...100_000)
        enableMetrics = try settings.bool("ENABLE_METRICS", default: enableMetrics)
        metricsPath = settings.string("METRICS_PATH", default: metricsPath)
        guard metricsPath.hasPrefix("/"), metricsPath != mcpPath else {
            throw ConfigurationError(
                key: "METRICS_PATH", value: metricsPath, allowed: "a path starting with / other than MCP_PATH")
        }
        workers = try settings.optionalInt("WORKERS", in: 1...256)
        workersPerCPU = try settings.double("WORKERS_PER_CPU", default: workersPerCPU, in: 0.1...16)
        workersExtra = try settings.int("WORKERS_EXTRA", default: workersExtra, in: 0...64)
        workersMin = try settings.int("WORKERS_MIN", default: workersMin, in: 1...256)
        workersMax = try settings.int("WORKERS_MAX", default: workersMax, in: workersMin...256)
        workerThreads = try settings.optionalInt("WORKER_THREADS", in: 1...256)
        let production = environment == .production
        maxRequests = try settings.int("MAX_REQUESTS", default: production ? 50_000 : 0, in: 0...1_000_000_000)
        maxRequestsJitter = try settings.int(
            "MAX_REQUESTS_JITTER", default: production ? 5_000 : 0, in: 0...1_000_000_000)
        workerTimeout = try settings.double("WORKER_TIMEOUT", default: workerTimeout, in: 1...3600)
        maxResultSize = try settings.int("MAX_RESULT_SIZE", default: maxResultSize, in: 1024...(1 << 30))
        toolThreads = try settings.optionalInt("TOOL_THREADS", in: 1...1024)
        toolQueueLimit = try settings.int("TOOL_QUEUE_LIMIT", default: toolQueueLimit, in: 0...100_000)
        workspaceMaxBytes = try settings.int("WORKSPACE_MAX_BYTES", default: workspaceMaxBytes, in: 0...(1 << 50))
        runtimeDirectory = settings.string("RUNTIME_DIR")
        sessionMaxAge = try settings.double("SESSION_MAX_AGE", default: sessionMaxAge, in: 1...31_536_000)
        apiKey = settings.secret("API_KEY")
        keys = try KeySettings(reading: settings)
        oauth = try OAuthSettings(reading: settings, production: production)
        tasks = try TaskSettings(reading: settings)
        if corsOrigins.contains("*") && apiKey == nil {
            notices.append(
                "CORS_ORIGINS=* lets a page of any web site call this server's tools from a visitor's browser; "
                    + "set API_KEY, or list the origins")
        }
        notices += settings.unknownKeyNotices()
    }

    /// This worker's request quota: `MAX_REQUESTS` plus a random share of the jitter; nil for none.
    public func requestQuota() -> Int? {
        guard maxRequests > 0 else { return nil }
        return maxRequests + (maxRequestsJitter > 0 ? Int.random(in: 0...maxRequestsJitter) : 0)
    }

    /// How many workers to run: `WORKERS`, else the formula over the CPU budget; always one with
    /// the legacy SSE transport, whose sessions live in the process that holds their stream.
    public func workerCount(budget: CPUBudget) -> Int {
        if transport == .sse { return 1 }
        return workers
            ?? budget.workers(perCPU: workersPerCPU, extra: workersExtra, minimum: workersMin, maximum: workersMax)
    }

    /// True when this configuration runs a supervisor with worker processes: production, or a
    /// worker count given explicitly, on an HTTP transport.
    public var usesWorkers: Bool {
        transport != .stdio && (workers != nil || environment == .production)
    }

    /// The names of the secret settings with whether each has a value.
    public var secretsPresent: [String: Bool] {
        ["API_KEY": apiKey != nil, "SECRET_KEY": keys.secretKey != nil]
    }
}
