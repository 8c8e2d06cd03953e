public import Logging

/// One `access` line: what the responder glue knows about an answered request. Texts that come
/// from the client (path, user agent, MCP method) are already clipped and escaped.
public struct AccessLogEntry: Sendable {
    public var method: String
    public var path: String
    public var route: String
    public var status: Int
    public var bodyBytes: Int
    /// Time from the request's head to the end of the answer, in microseconds.
    public var microseconds: Int
    public var requestID: String
    public var clientAddress: String
    /// The connection's peer when it is not the client (a trusted proxy).
    public var peerAddress: String?
    public var userAgent: String?
    public var mcpMethod: String?
    public var toolName: String?
    public var era: String?
    public var sessionID: String?

    /// The access-log keys, each with its value in this entry (nil when absent), in the order
    /// of ``keys``.
    public var values: [String?] {
        [
            clientAddress, Self.milliseconds(microseconds), method, String(bodyBytes), String(status), route, era,
            mcpMethod, sessionID, toolName, peerAddress, requestID, path, userAgent,
        ]
    }

    /// Every key an access line may carry, sorted as log handlers sort metadata keys.
    public static let keys = [
        "client.address", "duration_ms", "http.request.method", "http.response.body.size",
        "http.response.status_code", "http.route", "mcp.era", "mcp.method.name", "mcp.session.id", "mcp.tool.name",
        "network.peer.address", "request.id", "url.path", "user_agent.original",
    ]

    /// swift-log metadata with the same keys and values: what a log handler without a fast path
    /// receives.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for (key, value) in zip(Self.keys, values) {
            if let value { metadata[key] = .string(value) }
        }
        return metadata
    }

    /// `1.234` for 1,234 µs: milliseconds with three decimals.
    public static func milliseconds(_ microseconds: Int) -> String {
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Writes access lines without going through swift-log's metadata dictionaries.
public protocol AccessLogWriter: Sendable {
    func write(_ entry: AccessLogEntry)
}

/// A log handler that can write access lines itself, in exactly the format its `log` would give
/// them (the runtime's console handler renders them straight into its output buffer).
public protocol AccessLogCapableHandler: LogHandler {
    /// A writer for `access` lines at `info` (with this handler's label and metadata), or nil to
    /// go through `log` (text format, for instance).
    func accessLogWriter() -> (any AccessLogWriter)?
}

/// The fallback: an `info` record with the entry as metadata.
struct LoggerAccessLogWriter: AccessLogWriter {
    let logger: Logger

    func write(_ entry: AccessLogEntry) {
        logger.info("access", metadata: entry.metadata)
    }
}
