/// What a handshake-era session negotiated in `initialize` and changed since.
public struct SessionState: Sendable, Hashable {
    /// The revision agreed in `initialize`.
    public var version: ProtocolVersion
    /// The capabilities the client declared in `initialize`.
    public var clientCapabilities: JSONObject
    /// The client's `clientInfo` from `initialize` (`name`, `version`…).
    public var clientInfo: JSONObject
    /// Level set by `logging/setLevel`; nil until the client asks for messages (LOG-2).
    public var logLevel: LoggingLevel?

    /// A session's state; no log messages unless `logLevel` is given.
    public init(
        version: ProtocolVersion, clientCapabilities: JSONObject, clientInfo: JSONObject, logLevel: LoggingLevel? = nil
    ) {
        self.version = version
        self.clientCapabilities = clientCapabilities
        self.clientInfo = clientInfo
        self.logLevel = logLevel
    }
}
