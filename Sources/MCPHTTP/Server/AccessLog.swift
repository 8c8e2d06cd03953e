package import Logging

/// One `access` line: what the responder glue knows about an answered request. Texts that come
/// from the client (path, user agent, MCP method) are already clipped and escaped.
package struct AccessLogEntry: Sendable {
    /// The HTTP method (`GET`, `POST`…).
    package var method: String
    /// The request path, without the query, clipped.
    package var path: String
    /// The route template the router matched (`/api/v1/tools/{name}`), or `unmatched`.
    package var route: String
    /// The response status code.
    package var status: Int
    /// The response body's size in bytes.
    package var bodyBytes: Int
    /// Time from the request's head to the end of the answer, in microseconds.
    package var microseconds: Int
    /// The request's id (`X-Request-ID`, as received or generated).
    package var requestID: String
    /// The client's address: the connection's peer, or the address a trusted proxy names.
    package var clientAddress: String
    /// The connection's peer when it is not the client (a trusted proxy).
    package var peerAddress: String?
    /// The `User-Agent` header, clipped and escaped; nil when absent.
    package var userAgent: String?
    /// The JSON-RPC method of an MCP request; nil for other requests.
    package var mcpMethod: String?
    /// The tool a `tools/call` named; nil for other requests.
    package var toolName: String?
    /// The era an MCP request was served under (`modern`, `handshake`); nil for other requests.
    package var era: String?
    /// A fingerprint of the handshake-era session id (never the id itself); nil without a session.
    package var sessionID: String?

    /// The access-log keys, each with its value in this entry (nil when absent), in the order
    /// of ``keys``.
    package var values: [String?] {
        [
            clientAddress, Self.milliseconds(microseconds), method, String(bodyBytes), String(status), route, era,
            mcpMethod, sessionID, toolName, peerAddress, requestID, path, userAgent,
        ]
    }

    /// Every key an access line may carry, sorted as log handlers sort metadata keys.
    package static let keys = [
        "client.address", "duration_ms", "http.request.method", "http.response.body.size",
        "http.response.status_code", "http.route", "mcp.era", "mcp.method.name", "mcp.session.id", "mcp.tool.name",
        "network.peer.address", "request.id", "url.path", "user_agent.original",
    ]

    /// swift-log metadata with the same keys and values: what a log handler without a fast path
    /// receives.
    package var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for (key, value) in zip(Self.keys, values) {
            if let value { metadata[key] = .string(value) }
        }
        return metadata
    }

    /// `1.234` for 1,234 µs: milliseconds with three decimals.
    package static func milliseconds(_ microseconds: Int) -> String {
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Writes access lines without going through swift-log's metadata dictionaries.
package protocol AccessLogWriter: Sendable {
    /// Writes one access line for `entry`.
    func write(_ entry: AccessLogEntry)
}

/// A log handler that can write access lines itself, in exactly the format its `log` would give
/// them (the runtime's console handler renders them straight into its output buffer).
package protocol AccessLogCapableHandler: LogHandler {
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
