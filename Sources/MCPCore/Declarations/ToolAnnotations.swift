/// Hints about a tool's behaviour, declared beside it (`readOnlyHint`, `destructiveHint`,
/// `idempotentHint`, `openWorldHint`). Clients must not trust them for security.
public struct ToolAnnotations: Sendable, Hashable {
    /// `readOnlyHint`: the tool does not change its environment; nil leaves it unsaid.
    public var readOnly: Bool?
    /// `destructiveHint`: changes may destroy or overwrite data (meaningful when not read-only); nil leaves it unsaid.
    public var destructive: Bool?
    /// `idempotentHint`: calling again with the same arguments has no further effect; nil leaves it unsaid.
    public var idempotent: Bool?
    /// `openWorldHint`: the tool reaches outside systems (the web, other services); nil leaves it unsaid.
    public var openWorld: Bool?

    /// Annotations with the given hints; each defaults to unsaid.
    public init(readOnly: Bool? = nil, destructive: Bool? = nil, idempotent: Bool? = nil, openWorld: Bool? = nil) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// Reads nothing outside its arguments, changes nothing, same answer every time.
    public static let pure = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false)
    /// Reads local state, changes nothing.
    public static let readOnlyLocal = ToolAnnotations(readOnly: true, destructive: false, openWorld: false)

    /// True when no hint is said, so `tools/list` leaves `annotations` out (unless the tool has a title).
    public var isEmpty: Bool { readOnly == nil && destructive == nil && idempotent == nil && openWorld == nil }

    func json(title: String?) -> JSONObject {
        var object = JSONObject()
        if let title { object.append("title", .string(title)) }
        if let readOnly { object.append("readOnlyHint", .bool(readOnly)) }
        if let destructive { object.append("destructiveHint", .bool(destructive)) }
        if let idempotent { object.append("idempotentHint", .bool(idempotent)) }
        if let openWorld { object.append("openWorldHint", .bool(openWorld)) }
        return object
    }
}
