/// Severity of an MCP `notifications/message`, in ascending order (RFC 5424 names).
public enum LoggingLevel: String, Sendable, CaseIterable, Comparable {
    /// The eight levels, least to most severe.
    case debug, info, notice, warning, error, critical, alert, emergency

    /// True when `lhs` is less severe than `rhs`.
    public static func < (lhs: LoggingLevel, rhs: LoggingLevel) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
}
