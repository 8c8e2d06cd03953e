import Logging
import Synchronization

/// The protocol engine: answers JSON-RPC requests of both MCP eras from a ``Registry``.
///
/// Transport-agnostic: transports hand it messages through a ``MessageRouter``. Nothing on the
/// request path waits for another request: the catalogue is an immutable snapshot (lists
/// encoded once), swapped whole when a declaration is shown or hidden at run time.
public final class MCPServer: Sendable {
    /// The protocol-level settings the server runs with: its identity, instructions, limits and timeouts.
    public let configuration: ServerConfiguration
    /// The open `subscriptions/listen` streams; transports close them when they drain.
    package let subscriptions = Subscriptions()
    /// The handshake-era sessions that hear about changes, and what they subscribed to.
    package let changes = ChangeHub()
    /// Runs tool calls as tasks on a shared store; nil when this server offers no tasks.
    public let tasks: TaskRunner?
    private let catalogue: Mutex<ServedCatalogue>
    let runningCalls = Atomic<Int>(0)
    /// The fingerprints of watched resources at the last look.
    let fingerprints = Mutex<[String: String]>([:])
    let discoverResult: [UInt8]
    let serverInfoMeta: JSONObject?

    /// Tool calls running right now (ordinary calls and tasks); read when metrics are rendered
    /// (`mcp_tool_calls_running`), so a cancelled call is seen to stop.
    package var toolCallsRunning: Int { runningCalls.load(ordering: .relaxed) }

    /// - Parameter tasks: runs calls of task-capable tools as tasks (``TaskSupport``); without it
    ///   no task is offered and every tool runs as an ordinary call.
    public init(registry: Registry, configuration: ServerConfiguration, tasks: TaskRunner? = nil) {
        self.configuration = configuration
        self.tasks = tasks
        let meta: JSONObject? =
            configuration.serverInfoInResults
            ? [Envelope.serverInfoKey: .object(configuration.info.json(for: .v2026_07_28))] : nil
        self.serverInfoMeta = meta
        self.catalogue = Mutex(
            ServedCatalogue(
                declared: registry, hidden: [], configuration: configuration, tasks: tasks != nil))
        var discover: JSONObject = [
            "supportedVersions": .array(ProtocolVersion.supportedNewestFirst.map { .string($0) }),
            "capabilities": .object(Self.capabilities(for: .v2026_07_28, tasks: tasks != nil)),
        ]
        if let instructions = configuration.instructions { discover.append("instructions", .string(instructions)) }
        discover.append("resultType", "complete")
        discover.append("ttlMs", .int(configuration.discoverTTLMilliseconds))
        discover.append("cacheScope", "public")
        if let meta { discover.append("_meta", .object(meta)) }
        self.discoverResult = JSONWriter.bytes(.object(discover))
    }

    /// What the server offers right now: the declared catalogue without the hidden declarations.
    public var registry: Registry { catalogue.withLock { $0 }.visible }

    /// Every declaration, hidden ones included.
    public var declared: Registry { catalogue.withLock { $0 }.declared }

    /// What `caller` may see and use: the shown declarations its scopes allow.
    public func registry(for caller: Principal) -> Registry { view(for: caller).registry }

    /// The declarations and lists `caller`'s scopes allow (everything shown when it is not
    /// limited by scopes, or no declaration needs one).
    func view(for caller: Principal) -> CatalogueView { catalogue.withLock { $0 }.view(for: caller) }

    /// Scope views kept now and built since start, and the callers' scope sets remembered with
    /// their view; nil when no declaration needs a scope.
    package var scopeViewCounts: (kept: Int, built: Int, grants: Int)? { catalogue.withLock { $0 }.scoped?.counts }

    /// The scopes `caller` lacks to use the shown declaration `key`; empty when it may use it,
    /// or when nothing by that name is shown.
    func missingScopes(_ key: DeclarationKey, for caller: Principal) -> [String] {
        guard let scopes = caller.scopes, let scoped = catalogue.withLock({ $0 }).scoped else { return [] }
        return scoped.scopes(of: key).filter { !scopes.contains($0) }
    }

    /// Swaps in the catalogue with `key` shown or hidden; true when that changed anything.
    func setVisible(_ visible: Bool, _ key: DeclarationKey) -> Bool {
        catalogue.withLock { current in
            var hidden = current.hidden
            let changed = visible ? hidden.remove(key) != nil : hidden.insert(key).inserted
            guard changed else { return false }
            current = ServedCatalogue(
                declared: current.declared, hidden: hidden, configuration: configuration, tasks: tasks != nil)
            return true
        }
    }

    /// The capabilities this server declares under `version` (DISC-3, INIT-1).
    package static func capabilities(for version: ProtocolVersion) -> JSONObject {
        // Declarations can be shown and hidden at run time, and resources announce their updates.
        var capabilities: JSONObject = [
            "tools": ["listChanged": true],
            "resources": ["subscribe": true, "listChanged": true],
            "prompts": ["listChanged": true],
        ]
        if version.hasCompletionsCapability { capabilities.append("completions", [:]) }
        capabilities.append("logging", [:])
        return capabilities
    }

    // MARK: Handshake

    /// Answers `initialize` (VER-1, INIT-1, INIT-6). On success also returns the new session's state.
    package func initialize(_ request: JSONRPCRequest) -> (Reply, SessionState?) {
        guard configuration.handshakeEraEnabled else {
            let versions = ProtocolVersion.v2026_07_28.rawValue
            return (
                .error(.invalidRequest("initialize is disabled; this server speaks \(versions)"), id: request.id), nil
            )
        }
        guard let params = request.params?.objectValue else {
            return (
                .error(.invalidParams("initialize needs protocolVersion, capabilities and clientInfo"), id: request.id),
                nil
            )
        }
        guard case .string(let requested) = params["protocolVersion"] ?? .null else {
            return (.error(.invalidParams("protocolVersion must be a string"), id: request.id), nil)
        }
        guard let capabilities = params["capabilities"]?.objectValue else {
            return (.error(.invalidParams("capabilities must be an object"), id: request.id), nil)
        }
        guard let clientInfo = params["clientInfo"]?.objectValue, clientInfo["name"]?.stringValue != nil else {
            return (.error(.invalidParams("clientInfo must be an object with a name"), id: request.id), nil)
        }
        var version = ProtocolVersion.latestHandshake
        if let offered = ProtocolVersion(rawValue: requested), !offered.isModern { version = offered }
        var result: JSONObject = [
            "protocolVersion": .string(version.rawValue),
            "capabilities": .object(Self.capabilities(for: version, tasks: tasks != nil)),
            "serverInfo": .object(configuration.info.json(for: version)),
        ]
        if let instructions = configuration.instructions { result.append("instructions", .string(instructions)) }
        let session = SessionState(version: version, clientCapabilities: capabilities, clientInfo: clientInfo)
        return (Reply(bytes: JSONRPCEncoding.result(id: request.id, result: result)), session)
    }

    // MARK: Requests

    /// Serves one routed request (see ``MessageRouter``). For the handshake era, also returns the
    /// session's new state when the request changed it (`logging/setLevel`).
    ///
    /// - Parameters:
    ///   - sink: where the request's notifications (and requests to the client) go; nil drops them.
    ///   - router: the router that routed it, through which the request can ask the client.
    ///   - logger: logger with the request's metadata.
    func serve(
        _ routed: RoutedRequest, sink: (any NotificationSink)?, router: MessageRouter?, logger: Logger
    ) async -> (Reply, SessionState?) {
        let request = routed.message
        let era = routed.era
        let version = era.version
        let id = request.id
        switch request.method {
        case "tools/list": return (list(.tools, routed), nil)
        case "tools/call":
            return (await callTool(routed, context: context(routed, sink, router, logger)), nil)
        case "resources/list": return (list(.resources, routed), nil)
        case "resources/templates/list": return (list(.resourceTemplates, routed), nil)
        case "resources/read":
            return (await readResource(routed, context: context(routed, sink, router, logger)), nil)
        case "prompts/list": return (list(.prompts, routed), nil)
        case "prompts/get":
            return (await getPrompt(routed, context: context(routed, sink, router, logger)), nil)
        case "completion/complete": return (await complete(routed, logger: logger), nil)
        case "tasks/get", "tasks/result", "tasks/list", "tasks/cancel", "tasks/update":
            if let reply = await serveTask(routed, logger: logger) { return (reply, nil) }
        case "subscriptions/listen" where version.isModern:
            return (await listen(request, sink: sink, client: routed.clientKey), nil)
        case "server/discover" where version.isModern:
            return (Reply(id: id, sharedResult: discoverResult), nil)
        case "resources/subscribe" where !version.isModern:
            return (await subscribe(routed, true), nil)
        case "resources/unsubscribe" where !version.isModern:
            return (await subscribe(routed, false), nil)
        case "ping" where !version.isModern:
            return (Reply(bytes: JSONRPCEncoding.emptyResult(id: id)), nil)
        case "logging/setLevel" where !version.isModern:
            guard case .handshake(var session) = era else { break }
            guard let name = request.params?["level"]?.stringValue, let level = LoggingLevel(rawValue: name) else {
                let allowed = LoggingLevel.allCases.map(\.rawValue).joined(separator: ", ")
                return (.error(.invalidParams("level must be one of \(allowed)"), id: id), nil)
            }
            session.logLevel = level
            return (Reply(bytes: JSONRPCEncoding.emptyResult(id: id)), session)
        default:
            break
        }
        return (.error(.methodNotFound(request.method), id: id), nil)
    }

    /// True when serving `request` may take long enough that a transport should watch for the
    /// client going away: what runs an `async` function (a tool call, a resource read, a prompt
    /// render) and subscriptions. A synchronous function cannot stop half-way, so watching it
    /// would cost every request and cancel nothing.
    func mayRunLong(_ request: JSONRPCRequest, in view: CatalogueView) -> Bool {
        switch request.method {
        case "tools/call":
            guard let name = request.params?["name"]?.stringValue else { return false }
            return view.registry.isAsyncTool(named: name)
        case "resources/read":
            guard let uri = request.params?["uri"]?.stringValue else { return false }
            return view.registry.isAsyncResource(for: uri)
        case "prompts/get":
            guard let name = request.params?["name"]?.stringValue else { return false }
            return view.registry.isAsyncPrompt(named: name)
        case "subscriptions/listen": return true
        default: return false
        }
    }

    // MARK: Helpers shared by the handlers

    /// The params object of a request: absent means empty; anything but an object is -32602.
    func paramsObject(_ request: JSONRPCRequest) throws(JSONRPCError) -> JSONObject {
        guard let params = request.params else { return [:] }
        guard case .object(let object) = params else { throw .invalidParams("params must be an object") }
        return object
    }

    /// Adds what every 2026-07-28 result carries (ENV-4, ENV-5).
    func decorate(_ result: inout JSONObject, era: Era) {
        guard era.isModern else { return }
        result.append("resultType", "complete")
        if let serverInfoMeta { result.append("_meta", .object(serverInfoMeta)) }
    }

    /// What a tool, prompt or resource function sees of its request.
    func context(
        _ routed: RoutedRequest, _ sink: (any NotificationSink)?, _ router: MessageRouter?, _ logger: Logger
    ) -> HandlerContext {
        var asker: ClientAsker?
        if !routed.era.isModern, let conversation = routed.conversation, let sink, let router {
            asker = ClientAsker(
                requests: router.clientRequests, conversation: conversation, principal: routed.principal, sink: sink)
        }
        var context = HandlerContext(
            requestID: routed.message.id,
            version: routed.era.version,
            clientCapabilities: routed.era.clientCapabilities,
            clientInfo: routed.era.clientInfo,
            logger: logger,
            progressToken: routed.progressToken,
            logLevel: routed.era.logLevel,
            sink: sink
        )
        context.asker = asker
        context.server = self
        context.principal = routed.caller
        context.maxResultBytes = configuration.maxResultBytes
        return context
    }

    private func list(_ kind: ListKind, _ routed: RoutedRequest) -> Reply {
        let request = routed.message
        let cursor: String?
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            switch params["cursor"] {
            case .none, .some(.null): cursor = nil
            case .some(.string(let text)): cursor = text
            default: throw .invalidParams("cursor must be a string")
            }
        } catch {
            return .error(error, id: request.id)
        }
        guard let page = routed.view.lists.page(kind, version: routed.era.version, cursor: cursor) else {
            return .error(.invalidParams("invalid or expired cursor"), id: request.id)
        }
        return Reply(id: request.id, sharedResult: page)
    }
}

/// One immutable view of the catalogue: what is declared, what is hidden, and the lists of what
/// is shown, encoded for every revision; and, when declarations need scopes, a view per scope
/// combination (``ScopeViews``).
final class ServedCatalogue: Sendable {
    let declared: Registry
    let hidden: Set<DeclarationKey>
    let visible: Registry
    let lists: ListCache
    /// Nil when no declaration needs a scope.
    let scoped: ScopeViews?

    init(declared: Registry, hidden: Set<DeclarationKey>, configuration: ServerConfiguration, tasks: Bool) {
        self.declared = declared
        self.hidden = hidden
        let visible = declared.without(hidden)
        self.visible = visible
        // Lists that differ by caller must not be shared between users' caches.
        let cacheScope = visible.hasScopedDeclarations ? "private" : "public"
        self.lists = Self.lists(of: visible, configuration: configuration, tasks: tasks, cacheScope: cacheScope)
        self.scoped = ScopeViews(registry: visible, capacity: configuration.maxScopeViews) { hiddenByScope in
            let registry = visible.without(hiddenByScope)
            return CatalogueView(
                registry: registry,
                lists: Self.lists(of: registry, configuration: configuration, tasks: tasks, cacheScope: "private"))
        }
    }

    /// What `caller` may see: everything shown, or the view its scopes allow.
    func view(for caller: Principal) -> CatalogueView {
        guard let scoped, let scopes = caller.scopes else { return CatalogueView(registry: visible, lists: lists) }
        return scoped.view(granting: scopes)
    }

    static func lists(
        of registry: Registry, configuration: ServerConfiguration, tasks: Bool, cacheScope: String
    )
        -> ListCache
    {
        let meta: JSONObject? =
            configuration.serverInfoInResults
            ? [Envelope.serverInfoKey: .object(configuration.info.json(for: .v2026_07_28))] : nil
        let listTTL = configuration.listTTLMilliseconds
        return ListCache(registry: registry, configuration: configuration, tasks: tasks) { result in
            result.append("resultType", "complete")
            result.append("ttlMs", .int(listTTL))
            result.append("cacheScope", .string(cacheScope))
            if let meta { result.append("_meta", .object(meta)) }
        }
    }
}
