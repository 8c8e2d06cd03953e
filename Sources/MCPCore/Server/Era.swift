/// Under which era's rules one request is served.
public enum Era: Sendable {
    /// 2026-07-28: everything the request needs is in its own envelope.
    case modern(Envelope)
    /// Handshake era: the session negotiated in `initialize` decides.
    case handshake(SessionState)

    /// The era without its details, for logs and metrics.
    public enum Kind: String, Sendable {
        case modern
        case handshake
    }

    public var kind: Kind { isModern ? .modern : .handshake }

    public var version: ProtocolVersion {
        switch self {
        case .modern(let envelope): return envelope.version
        case .handshake(let session): return session.version
        }
    }

    public var isModern: Bool {
        if case .modern = self { return true }
        return false
    }

    public var clientCapabilities: JSONObject {
        switch self {
        case .modern(let envelope): return envelope.clientCapabilities
        case .handshake(let session): return session.clientCapabilities
        }
    }

    var clientInfo: JSONObject? {
        switch self {
        case .modern(let envelope): return envelope.clientInfo
        case .handshake(let session): return session.clientInfo
        }
    }

    public var logLevel: LoggingLevel? {
        switch self {
        case .modern(let envelope): return envelope.logLevel
        case .handshake(let session): return session.logLevel
        }
    }
}
