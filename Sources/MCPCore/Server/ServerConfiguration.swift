/// Name and version a server reports (`serverInfo`).
public struct ServerInfo: Sendable, Hashable {
    /// The server's programmatic name (`serverInfo.name`).
    public var name: String
    /// The server's version (`serverInfo.version`), free-form.
    public var version: String
    /// A human-readable name, sent only to clients whose protocol version has titles; nil for none.
    public var title: String?

    /// Server info with an optional title.
    public init(name: String, version: String, title: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
    }

    func json(for version: ProtocolVersion) -> JSONObject {
        var object: JSONObject = ["name": .string(name), "version": .string(self.version)]
        if let title, version.hasTitles { object.append("title", .string(title)) }
        return object
    }
}

/// How a declaration hidden by the caller's scopes answers a call, read or get that names it.
public enum InsufficientScope: String, Sendable, CaseIterable {
    /// Exactly like a declaration that does not exist: its existence does not leak (default).
    case unknown
    /// A scope challenge (HTTP 403 `insufficient_scope` naming the scopes needed), so a client
    /// can ask its authorization server for more (step-up authorization).
    case challenge
}

/// Protocol-level settings of an ``MCPServer``. Transport and runtime settings live elsewhere.
public struct ServerConfiguration: Sendable {
    /// The name, version and title reported as `serverInfo`.
    public var info: ServerInfo
    /// Text for the model about how to use this server (`instructions`).
    public var instructions: String?
    /// Items per page of `tools/list`, `prompts/list`, `resources/list`, `resources/templates/list`.
    public var pageSize: Int = 100
    /// `ttlMs` of `server/discover` results.
    public var discoverTTLMilliseconds: Int = 3_600_000
    /// `ttlMs` of list results (the registry does not change while the server runs).
    public var listTTLMilliseconds: Int = 300_000
    /// `ttlMs` of `resources/read` results.
    public var readTTLMilliseconds: Int = 0
    /// Put `_meta.io.modelcontextprotocol/serverInfo` on every 2026-07-28 result (ENV-5).
    public var serverInfoInResults: Bool = true
    /// Serve the handshake era (`initialize`) as well as 2026-07-28.
    public var handshakeEraEnabled: Bool = true
    /// Upper bound for one tool call, synchronous or `async`, and for a synchronous resource or
    /// prompt function (`TOOL_TIMEOUT`); nil for none; tasks run under their TTL instead.
    /// Synchronous work is stopped through ``HandlerContext/isCancelled``; the client gets its
    /// answer at the deadline.
    public var toolTimeout: Duration? = .seconds(60)
    /// The largest result a tool call, resource read or prompt may answer with, in bytes of its
    /// JSON (`MAX_RESULT_SIZE`); larger ones are refused with an error that says so.
    public var maxResultBytes = 1 << 20
    /// Where synchronous tool, resource and prompt functions run: bounded threads and queue;
    /// beyond them a call is answered "busy, retry" (``JSONRPCError/serverBusy(retryAfter:)``).
    package var blockingWork = BlockingWork.shared
    /// Nesting limit for incoming JSON.
    public var maxJSONDepth: Int = JSONParser.defaultMaxDepth
    /// The keys that seal `requestState` (2026-07-28 input requests): the same on every worker
    /// and replica, or a retry that lands elsewhere is refused. Made up at start-up by default.
    public var keyRing: KeyRing = .generated()
    /// Carries changes (declarations shown or hidden, resource updates, session subscriptions)
    /// to every process serving this catalogue; nil delivers them in this process only.
    public var changeFeed: (any ChangeFeed)?
    /// How long a `requestState` stays valid (MRTR-4).
    public var requestStateTTL: Duration = .seconds(600)
    /// What a caller whose scopes lack a declaration's ``ScopedDeclaration/scopes`` gets when it
    /// names that declaration anyway.
    public var insufficientScope = InsufficientScope.unknown
    /// How many scope combinations keep their own pre-encoded lists (one per combination seen;
    /// beyond it, the least recently built view is dropped).
    public var maxScopeViews = 64

    /// Settings with `info` and optional `instructions`; every other setting has its default.
    public init(info: ServerInfo, instructions: String? = nil) {
        self.info = info
        self.instructions = instructions
    }
}
