/// Where the server listens and the limits of each connection and request.
///
/// | key | meaning |
/// | --- | --- |
/// | `HOST` | address to bind (default `127.0.0.1`: local only; `0.0.0.0` exposes it) |
/// | `PORT` | port to bind (default 8000) |
/// | `MCP_PATH` | path of the MCP endpoint, starting with `/` (default `/mcp`) |
/// | `STATELESS_HTTP` | serve the handshake era without server-side sessions (default true) |
/// | `MAX_BODY_SIZE` | largest request body (HTTP) or line (stdio), in bytes (default 4 MiB) |
/// | `MAX_JSON_DEPTH` | deepest JSON nesting accepted in a request, on every transport (default 64) |
/// | `MAX_HEADER_BYTES`, `MAX_HEADER_COUNT` | limits on request headers (default 16 KiB, 100) |
/// | `KEEPALIVE_TIMEOUT` | seconds an idle keep-alive connection stays open; a request head must be complete within it (default 5) |
/// | `SSE_KEEPALIVE_INTERVAL` | seconds between SSE keep-alive comments on quiet streams (default 15) |
/// | `MAX_CONNECTIONS` | connections one process serves at once (default 10000) |
/// | `BODY_TIMEOUT` | seconds a client may take to send a request body (default 30) |
/// | `TLS_CERT_FILE`, `TLS_KEY_FILE` | serve HTTPS with this PEM certificate chain and key: both or neither (needs the `TLS` trait) |
public struct HTTPSettings: Sendable {
    /// The address to bind (`HOST`).
    public var host = "127.0.0.1"
    /// The port to bind (`PORT`).
    public var port = 8000
    /// The path of the MCP endpoint (`MCP_PATH`).
    public var mcpPath = "/mcp"
    /// Serve the handshake era without server-side sessions (production default).
    public var statelessHTTP = true
    /// The largest request body, or line on stdio, in bytes.
    public var maxBodySize = 4 * 1024 * 1024
    /// The deepest JSON nesting accepted in a request, on every transport.
    public var maxJSONDepth = 64
    /// The most bytes of request headers.
    public var maxHeaderBytes = 16 * 1024
    /// The most request headers.
    public var maxHeaderCount = 100
    /// Seconds an idle keep-alive connection stays open.
    public var keepAliveTimeout = 5.0
    /// Seconds between SSE keep-alive comments.
    public var sseKeepAliveInterval = 15.0
    /// Connections one process serves at once.
    public var maxConnections = 10_000
    /// Seconds a client may take to send a request body.
    public var bodyTimeout = 30.0
    /// The PEM certificate chain to serve HTTPS with; nil for plain HTTP.
    public var tlsCertificateFile: String?
    /// The PEM private key of ``tlsCertificateFile``.
    public var tlsKeyFile: String?

    /// The defaults in the table above.
    public init() {}

    /// Reads the settings in the table above; throws ``ConfigurationError`` for a value that is not allowed.
    package init(reading settings: SettingsReader) throws(ConfigurationError) {
        host = settings.string("HOST", default: host)
        port = try settings.int("PORT", default: port, in: 0...65535)
        mcpPath = settings.string("MCP_PATH", default: mcpPath)
        guard mcpPath.hasPrefix("/") else {
            throw ConfigurationError(key: "MCP_PATH", value: mcpPath, allowed: "a path starting with /")
        }
        statelessHTTP = try settings.bool("STATELESS_HTTP", default: statelessHTTP)
        maxBodySize = try settings.int("MAX_BODY_SIZE", default: maxBodySize, in: 1024...(1 << 30))
        maxJSONDepth = try settings.int("MAX_JSON_DEPTH", default: maxJSONDepth, in: 4...512)
        maxHeaderBytes = try settings.int("MAX_HEADER_BYTES", default: maxHeaderBytes, in: 1024...(1 << 20))
        maxHeaderCount = try settings.int("MAX_HEADER_COUNT", default: maxHeaderCount, in: 8...10_000)
        keepAliveTimeout = try settings.double("KEEPALIVE_TIMEOUT", default: keepAliveTimeout, in: 0.1...3600)
        sseKeepAliveInterval = try settings.double(
            "SSE_KEEPALIVE_INTERVAL", default: sseKeepAliveInterval, in: 0.1...3600)
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
    }
}
