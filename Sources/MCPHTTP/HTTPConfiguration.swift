/// Settings of the HTTP side: address, paths, edge policies, limits, sessions, streams.
public struct HTTPConfiguration: Sendable {
    /// Where the server listens.
    public enum Listener: Sendable {
        /// Bind and listen on host:port.
        case bind(host: String, port: Int)
        /// Serve a listening socket created by someone else (the supervisor), by descriptor.
        case inheritedSocket(Int32)
    }

    /// Where to listen; default `127.0.0.1:8000`.
    public var listener: Listener = .bind(host: "127.0.0.1", port: 8000)
    /// Path of the Streamable HTTP endpoint.
    public var mcpPath = "/mcp"
    /// Also serve the deprecated 2024-11-05 HTTP+SSE transport at `/sse` and `/messages`.
    public var legacySSE = false
    /// Serve the handshake era without server-side sessions.
    public var statelessHTTP = true
    /// Serve the inspector page at `/inspector` (``InspectorRoutes``).
    public var inspector = false

    // Edge policies
    /// Origins allowed besides loopback (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`).
    /// `*` allows any origin; an empty list means loopback only, never "everything".
    public var allowedOrigins: [String] = []
    /// Host header values allowed besides loopback names; empty means any host once the server
    /// binds a non-loopback address, loopback names only when it binds loopback.
    public var allowedHosts: [String] = []
    /// API key required on MCP and REST routes (`Authorization: Bearer` or `X-API-Key`); nil for none.
    public var apiKey: String?
    /// This server as an OAuth protected resource: bearer tokens are validated on MCP and REST
    /// routes and the metadata is served (``BearerAuth``); ``apiKey`` is accepted beside them.
    /// Nil: no OAuth.
    public var protectedResource: ProtectedResource?
    /// Whether `/metrics` needs the API key too.
    public var metricsRequireAuth = false
    /// Requests per window per client key; 0 turns rate limiting off.
    public var rateLimitRequests = 0
    /// The length of the rate-limit window, in seconds (at least 1).
    public var rateLimitWindowSeconds = 60
    /// CORS origins answered with `Access-Control-Allow-Origin` (empty: no CORS headers).
    public var corsOrigins: [String] = []
    /// Peers whose `X-Forwarded-For` names the client (rate-limit key, access log).
    public var trustedProxies = TrustedProxies.loopback

    // Limits
    /// The largest request body accepted, in bytes (default 4 MiB); a larger one is refused.
    public var maxBodySize = 4 * 1024 * 1024
    /// The largest request head accepted, in bytes of header fields (default 16 KiB).
    public var maxHeaderBytes = 16 * 1024
    /// The most header fields a request may have (default 100).
    public var maxHeaderCount = 100
    /// Connections one process serves at once; beyond it, a worker leaves new connections in the
    /// shared queue for its siblings (multi-process mode) instead of accepting them.
    public var maxConnections = 10_000
    /// With an inherited socket: a file whose lock a process must hold to accept, so that one of
    /// the processes sharing the socket accepts at a time and the others wait as hot standbys
    /// (one takes over within milliseconds when the holder stops accepting or dies); a process
    /// at ``maxConnections`` lets the lock go. Nil: every process accepts.
    public var acceptLockPath: String?
    /// With an inherited socket and no ``acceptLockPath``: the table (``AcceptBalance``) in which
    /// the processes sharing the socket count their connections, so that a burst of new
    /// connections is spread evenly over them instead of going to whichever wakes first. Nil:
    /// each process accepts whatever it can.
    public var acceptBalancePath: String?
    /// How long a client may take to send a request body before it is disconnected. (A request
    /// head must be complete within the keep-alive timeout, or the connection is closed.)
    public var bodyReadTimeout: Duration = .seconds(30)
    /// Seconds a keep-alive connection may stay idle.
    public var keepAliveTimeout: Double = 5
    /// Seconds between SSE keep-alive comments.
    public var sseKeepAliveInterval: Double = 15

    // Sessions (handshake era, when not stateless)
    /// Seconds a session may stay idle before it expires.
    public var sessionIdleTTL: Double = 1800
    /// Seconds a session id stays valid after `initialize`, however active (`SESSION_MAX_AGE`).
    public var sessionMaxAge: Double = 86_400
    /// Handshake-era sessions open at once; `initialize` beyond it gets 503 with `Retry-After`.
    public var maxSessions = 1000
    /// Events kept per session for `Last-Event-ID` replay.
    public var replayBufferSize = 256
    /// Key that seals session ids; 32 bytes. Random when nil (sessions then live as long as the process).
    public var sessionKey: [UInt8]?
    /// True when sealed state comes from a configured `SECRET_KEY` (any replica can open it);
    /// `/ready` says which.
    public var sealingKeyConfigured = false

    // TLS
    /// The PEM certificate chain to serve HTTPS with; HTTPS needs ``tlsKeyFile`` too.
    public var tlsCertificateFile: String?
    /// The PEM private key of ``tlsCertificateFile``.
    public var tlsKeyFile: String?

    /// Served as `environment` on `/info`.
    public var environmentName = "development"
    /// Served as `transport` on `/info`.
    public var transportName = "streamable-http"

    /// The defaults: loopback port 8000, stateless, no authentication, no rate limit.
    public init() {}

    /// True when both a certificate and a key are set, so the server speaks HTTPS.
    public var isTLS: Bool { tlsCertificateFile != nil && tlsKeyFile != nil }
}
