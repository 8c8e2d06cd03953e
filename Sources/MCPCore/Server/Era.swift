/// Under which era's rules one request is served.
package enum Era: Sendable {
    /// 2026-07-28: everything the request needs is in its own envelope.
    case modern(Envelope)
    /// Handshake era: the session negotiated in `initialize` decides.
    case handshake(SessionState)

    /// The era without its details, for logs and metrics.
    package enum Kind: String, Sendable {
        /// The 2026-07-28 stateless era.
        case modern
        /// The handshake era (2024-11-05 to 2025-11-25).
        case handshake
    }

    /// The era without its details.
    package var kind: Kind { isModern ? .modern : .handshake }

    /// The protocol revision the request is served under.
    package var version: ProtocolVersion {
        switch self {
        case .modern(let envelope): return envelope.version
        case .handshake(let session): return session.version
        }
    }

    /// True for the 2026-07-28 era.
    package var isModern: Bool {
        if case .modern = self { return true }
        return false
    }

    /// The capabilities the client declared: in the request's envelope, or in `initialize`.
    package var clientCapabilities: JSONObject {
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

    /// The lowest level the client wants as `notifications/message`; nil for none.
    package var logLevel: LoggingLevel? {
        switch self {
        case .modern(let envelope): return envelope.logLevel
        case .handshake(let session): return session.logLevel
        }
    }
}
