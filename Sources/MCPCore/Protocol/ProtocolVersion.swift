/// An MCP protocol revision this server speaks.
///
/// Revisions up to 2025-11-25 belong to the handshake era (`initialize`, sessions); 2026-07-28 is
/// the stateless era, where every request carries its own `_meta` envelope.
public enum ProtocolVersion: String, Sendable, CaseIterable, Comparable {
    /// The oldest revision served here (handshake era).
    case v2024_11_05 = "2024-11-05"
    /// Adds tool annotations, audio content, progress messages and completions (handshake era).
    case v2025_03_26 = "2025-03-26"
    /// Adds titles, structured content and resource links (handshake era).
    case v2025_06_18 = "2025-06-18"
    /// The last handshake-era revision; adds the experimental tasks.
    case v2025_11_25 = "2025-11-25"
    /// The stateless revision: no `initialize`, a `_meta` envelope on every request.
    case v2026_07_28 = "2026-07-28"

    /// The newest revision of the handshake era, the counter-offer to an unknown `initialize`.
    public static let latestHandshake = ProtocolVersion.v2025_11_25
    /// The revision assumed when nothing says which handshake revision a request speaks.
    public static let handshakeDefault = ProtocolVersion.v2025_03_26
    /// Every revision, newest first, as `server/discover` and `-32022` list them.
    public static let supportedNewestFirst: [String] = allCases.reversed().map(\.rawValue)

    /// The revision named `rawValue`, or nil. The stateless revision, which nearly every request
    /// names, is tried first (an equal string compares by its bits, without a call).
    public init?(rawValue: String) {
        if rawValue == "2026-07-28" {
            self = .v2026_07_28
            return
        }
        switch rawValue {
        case "2024-11-05": self = .v2024_11_05
        case "2025-03-26": self = .v2025_03_26
        case "2025-06-18": self = .v2025_06_18
        case "2025-11-25": self = .v2025_11_25
        default: return nil
        }
    }

    /// Older before newer (by release date).
    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.releaseOrder < rhs.releaseOrder }

    /// The position in ``allCases`` (oldest first): features gated by revision compare it on
    /// every request, and comparing the dates as text calls into the runtime.
    private var releaseOrder: Int {
        switch self {
        case .v2024_11_05: return 0
        case .v2025_03_26: return 1
        case .v2025_06_18: return 2
        case .v2025_11_25: return 3
        case .v2026_07_28: return 4
        }
    }

    /// True for the stateless 2026-07-28 revision, false for every handshake-era one.
    public var isModern: Bool { self == .v2026_07_28 }

    // Features gated by revision (VER-2).
    var hasTitles: Bool { self >= .v2025_06_18 }
    var hasStructuredContent: Bool { self >= .v2025_06_18 }
    var hasToolAnnotations: Bool { self >= .v2025_03_26 }
    var hasCompletionsCapability: Bool { self >= .v2025_03_26 }
    var hasProgressMessage: Bool { self >= .v2025_03_26 }
    var hasResourceLinks: Bool { self >= .v2025_06_18 }
    var hasAudio: Bool { self >= .v2025_03_26 }
    /// The experimental core tasks (`params.task`, `tasks/*`, `execution.taskSupport`); 2026-07-28
    /// moved them to an extension with another shape.
    var hasTasks: Bool { self == .v2025_11_25 }
}
