/// What a handshake-era session negotiated in `initialize` and changed since.
public struct SessionState: Sendable, Hashable {
    public var version: ProtocolVersion
    public var clientCapabilities: JSONObject
    public var clientInfo: JSONObject
    /// Level set by `logging/setLevel`; nil until the client asks for messages (LOG-2).
    public var logLevel: LoggingLevel?

    public init(
        version: ProtocolVersion, clientCapabilities: JSONObject, clientInfo: JSONObject, logLevel: LoggingLevel? = nil
    ) {
        self.version = version
        self.clientCapabilities = clientCapabilities
        self.clientInfo = clientInfo
        self.logLevel = logLevel
    }
}
