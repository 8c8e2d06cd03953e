/// The `_meta` fields a 2026-07-28 request carries instead of a session.
package struct Envelope: Sendable {
    /// The `_meta` key of the protocol version the request speaks (required).
    package static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    /// The `_meta` key of the client's capabilities, an object (required).
    package static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    /// The `_meta` key of the client's `clientInfo` (optional).
    package static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    /// The `_meta` key of the lowest log level the client wants as `notifications/message` (optional).
    package static let logLevelKey = "io.modelcontextprotocol/logLevel"
    /// The `_meta` key under which results carry the server's `serverInfo`.
    package static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    /// The `_meta` key that names a subscription stream's id.
    package static let subscriptionIDKey = "io.modelcontextprotocol/subscriptionId"

    /// The revision the request speaks.
    package var version: ProtocolVersion
    /// The capabilities the client declared on this request.
    package var clientCapabilities: JSONObject
    /// The client's `clientInfo` (`name`, `version`…); nil when the request did not send it.
    package var clientInfo: JSONObject?
    /// The level from which `notifications/message` is wanted; nil means none (LOG-3).
    package var logLevel: LoggingLevel?

    /// True when `params._meta` names a protocol version: the request takes the modern path (§1 step 5).
    package static func isPresent(in params: JSONValue?) -> Bool {
        params?["_meta"]?[protocolVersionKey] != nil
    }

    /// Step 1 of the modern validation ladder (ENV-2): both required keys are present.
    /// Returns the raw `_meta` object.
    package static func requireKeys(in params: JSONValue?) throws(JSONRPCError) -> JSONObject {
        guard let meta = params?["_meta"]?.objectValue else {
            throw .invalidParams("missing _meta with \(protocolVersionKey) and \(clientCapabilitiesKey)")
        }
        guard meta[protocolVersionKey] != nil else { throw .invalidParams("missing _meta \(protocolVersionKey)") }
        guard meta[clientCapabilitiesKey]?.objectValue != nil else {
            throw .invalidParams("missing _meta \(clientCapabilitiesKey) (an object)")
        }
        return meta
    }

    /// Steps 3 and 4 of the ladder: the version is a string this server serves on the modern path.
    /// A handshake-era version here is unsupported too (VER-4).
    package static func validate(meta: JSONObject) throws(JSONRPCError) -> Envelope {
        let requested = meta[protocolVersionKey] ?? .null
        guard case .string(let text) = requested else {
            throw .invalidParams("\(protocolVersionKey) must be a string")
        }
        guard let version = ProtocolVersion(rawValue: text), version.isModern else {
            throw .unsupportedProtocolVersion(requested: requested, supported: ProtocolVersion.supportedNewestFirst)
        }
        var logLevel: LoggingLevel?
        if let rawLevel = meta[logLevelKey] {
            guard let name = rawLevel.stringValue, let level = LoggingLevel(rawValue: name) else {
                throw .invalidParams(
                    "\(logLevelKey) must be one of \(LoggingLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel = level
        }
        return Envelope(
            version: version,
            clientCapabilities: meta[clientCapabilitiesKey]?.objectValue ?? [:],
            clientInfo: meta[clientInfoKey]?.objectValue,
            logLevel: logLevel
        )
    }

    /// The whole ladder for transports without routing headers (stdio).
    package static func parse(params: JSONValue?) throws(JSONRPCError) -> Envelope {
        try validate(meta: requireKeys(in: params))
    }
}
