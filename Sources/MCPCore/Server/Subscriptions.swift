import Synchronization

/// The open `subscriptions/listen` streams of one server (2026-07-28, MCP-REQUIREMENTS §14a).
///
/// A listen is a request that stays open: the server acknowledges the notification kinds it will
/// honour, then sends those notifications until the client cancels (closes the HTTP stream, or
/// `notifications/cancelled` on stdio) or the server ends it gracefully with ``closeAll()``,
/// which answers every open listen (SUB-5). Each client key may hold ``perClient`` at once (SUB-8).
package final class Subscriptions: Sendable {
    /// What one listen asked to hear (the honoured part of its `notifications`, SUB-2).
    struct Filter: Sendable {
        var tools = false
        var prompts = false
        var resources = false
        var resourceURIs: Set<String> = []

        func wants(_ change: ServerChange) -> Bool {
            switch change {
            case .declaration(let kind, _, _), .listChanged(let kind):
                switch kind {
                case .tool: return tools
                case .prompt: return prompts
                case .resource: return resources
                }
            case .resourceUpdated(let uri): return resourceURIs.contains(uri)
            case .subscription, .sessionEnded: return false
            }
        }
    }

    struct Listen {
        var key: String
        var id: JSONRPCID?
        var filter = Filter()
        var sink: (any NotificationSink)?
    }

    struct State {
        var open: [Int: Listen] = [:]
        var perKey: [String: Int] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Cancelled before their waiter was stored.
        var ended: Set<Int> = []
        var next = 0
        var closing = false
    }

    /// Listens one client key may keep open at once.
    package let perClient: Int
    private let state = Mutex(State())

    /// A registry of listens allowing each client key `perClient` open at once (default 16).
    package init(perClient: Int = 16) {
        self.perClient = perClient
    }

    /// Listens open right now.
    package var count: Int { state.withLock { $0.open.count } }

    /// Ends every open listen with its final answer, and every listen opened from now on at once
    /// (the server is draining: clients reconnect elsewhere).
    package func closeAll() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closing = true
            state.ended.formUnion(state.open.keys)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// A slot for a new listen of `key`, or nil when the key holds ``perClient`` already.
    func reserve(key: String) -> Int? {
        state.withLock { state in
            guard state.perKey[key, default: 0] < perClient else { return nil }
            state.perKey[key, default: 0] += 1
            let token = state.next
            state.next += 1
            state.open[token] = Listen(key: key)
            if state.closing { state.ended.insert(token) }
            return token
        }
    }

    /// From now on the listen `token` hears the changes `filter` wants, through `sink`.
    func attach(_ token: Int, id: JSONRPCID, filter: Filter, sink: any NotificationSink) {
        state.withLock { state in
            state.open[token]?.id = id
            state.open[token]?.filter = filter
            state.open[token]?.sink = sink
        }
    }

    /// Sends `change` to every listen that asked for it, tagged with its subscription id (SUB-3).
    func deliver(_ change: ServerChange) async {
        let targets = state.withLock { state in
            state.open.values.compactMap { listen -> (JSONRPCID, any NotificationSink)? in
                guard let id = listen.id, let sink = listen.sink, listen.filter.wants(change) else { return nil }
                return (id, sink)
            }
        }
        for (id, sink) in targets {
            var params: JSONObject = [:]
            if case .resourceUpdated(let uri) = change { params.append("uri", .string(uri)) }
            params.append("_meta", [Envelope.subscriptionIDKey: id.json])
            await sink.send(JSONRPCEncoding.notification(method: change.notificationMethod, params: params))
        }
    }

    /// The resources open listens asked about.
    var watchedURIs: Set<String> {
        state.withLock { $0.open.values.reduce(into: Set()) { $0.formUnion($1.filter.resourceURIs) } }
    }

    /// Returns when the listen is closed by the server or its task is cancelled.
    func wait(_ token: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.ended.contains(token) { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.ended.insert(token)
                return state.waiters.removeValue(forKey: token)
            }
            waiter?.resume()
        }
    }

    func release(_ token: Int) {
        state.withLock { state in
            guard let listen = state.open.removeValue(forKey: token) else { return }
            state.ended.remove(token)
            state.perKey[listen.key, default: 1] -= 1
            if state.perKey[listen.key] == 0 { state.perKey[listen.key] = nil }
        }
    }
}

extension ServerChange {
    /// The notification that announces the change.
    var notificationMethod: String {
        switch self {
        case .declaration(let kind, _, _), .listChanged(let kind): return kind.listChangedMethod
        case .resourceUpdated: return "notifications/resources/updated"
        case .subscription, .sessionEnded: return ""
        }
    }
}

extension MCPServer {
    /// Serves `subscriptions/listen`: acknowledges the honoured kinds through `sink`, then holds
    /// until cancelled or closed, and answers with the final result (SUB-1, SUB-2, SUB-5).
    func listen(_ request: JSONRPCRequest, sink: (any NotificationSink)?, client: String) async -> Reply {
        let id = request.id
        let requested: JSONObject
        do throws(JSONRPCError) {
            guard let filter = try paramsObject(request)["notifications"]?.objectValue else {
                throw .invalidParams("notifications must be an object")
            }
            requested = filter
        } catch {
            return .error(error, id: id)
        }
        guard let sink else {
            return .error(.invalidRequest("subscriptions/listen needs a transport that streams"), id: id)
        }
        guard let token = subscriptions.reserve(key: client) else {
            return .error(.internalError("too many subscriptions (\(subscriptions.perClient) per client)"), id: id)
        }
        defer { subscriptions.release(token) }
        let meta: JSONObject = [Envelope.subscriptionIDKey: id.json]
        let filter = Self.honoured(requested)
        let acknowledgement: JSONObject = [
            "jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
            "params": ["_meta": .object(meta), "notifications": .object(filter.json)],
        ]
        await sink.send(JSONWriter.bytes(.object(acknowledgement)))
        subscriptions.attach(token, id: id, filter: filter, sink: sink)
        await subscriptions.wait(token)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: ["resultType": "complete", "_meta": .object(meta)]))
    }

    /// The requested kinds this server will deliver (SUB-2): lists change at run time and
    /// resources can be subscribed to, so each kind asked for is honoured; resource URIs up to
    /// ``ChangeHub/subscriptionsPerSession``.
    static func honoured(_ requested: JSONObject) -> Subscriptions.Filter {
        var filter = Subscriptions.Filter()
        filter.tools = requested["toolsListChanged"]?.boolValue == true
        filter.prompts = requested["promptsListChanged"]?.boolValue == true
        filter.resources = requested["resourcesListChanged"]?.boolValue == true
        if case .array(let uris)? = requested["resourceSubscriptions"] {
            filter.resourceURIs = Set(uris.compactMap(\.stringValue).prefix(ChangeHub.subscriptionsPerSession))
        }
        return filter
    }
}

extension Subscriptions.Filter {
    /// The honoured kinds as the acknowledgement lists them.
    var json: JSONObject {
        var honoured: JSONObject = [:]
        if tools { honoured.append("toolsListChanged", true) }
        if prompts { honoured.append("promptsListChanged", true) }
        if resources { honoured.append("resourcesListChanged", true) }
        if !resourceURIs.isEmpty {
            honoured.append("resourceSubscriptions", .array(resourceURIs.sorted().map { .string($0) }))
        }
        return honoured
    }
}
