import MCPCore

/// Which side of the server answered a request, for logs and metrics.
public enum RequestEra: String, Sendable {
    case modern
    case handshake
    /// The REST side door.
    case rest

    init(_ kind: Era.Kind) {
        switch kind {
        case .modern: self = .modern
        case .handshake: self = .handshake
        }
    }
}
