import MCPCore

/// Which side of the server answered a request, for logs and metrics.
package enum RequestEra: String, Sendable {
    /// Streamable HTTP under 2026-07-28.
    case modern
    /// Streamable HTTP or legacy SSE under the handshake era.
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
