import MCPHTTP

/// Who may reach the HTTP endpoints, and how often: the policies applied before a request is
/// served.
///
/// | key | meaning |
/// | --- | --- |
/// | `ALLOWED_ORIGINS` | origins allowed besides loopback, comma-separated (`*` for any) |
/// | `ALLOWED_HOSTS` | `Host` header values allowed besides loopback names |
/// | `CORS_ORIGINS` | origins that receive CORS headers (`*` answers every origin: set `API_KEY` then) |
/// | `FORWARDED_ALLOW_IPS` | proxies whose `X-Forwarded-For` names the client: addresses, CIDR blocks, `*` for every peer, or `none` (default `127.0.0.1,::1`) |
/// | `RATE_LIMIT_REQUESTS` | requests per window per client (API key, else address); 0 turns rate limiting off (default) |
/// | `RATE_LIMIT_WINDOW` | the rate limit's window, in seconds (default 60) |
public struct EdgeSettings: Sendable {
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
    /// The rate limit's window, in seconds.
    public var rateLimitWindow = 60

    /// The defaults in the table above.
    public init() {}

    /// Reads the settings in the table above; throws ``ConfigurationError`` for a value out of range.
    package init(reading settings: SettingsReader) throws(ConfigurationError) {
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
    }
}
