import Synchronization

/// The open `subscriptions/listen` streams of one server (2026-07-28, MCP-REQUIREMENTS §14a).
///
/// A listen is a request that stays open: the server acknowledges the notification kinds it will
/// honour, then sends those notifications until the client cancels (closes the HTTP stream, or
/// `notifications/cancelled` on stdio) or the server ends it gracefully with ``closeAll()``,
/// which answers every open listen (SUB-5). Each client key may hold ``perClient`` at once (SUB-8).
public final class Subscriptions: Sendable {
    struct State {
        var open: [Int: String] = [:]
        var perKey: [String: Int] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Cancelled before their waiter was stored.
        var ended: Set<Int> = []
        var next = 0
        var closing = false
    }

    /// Listens one client key may keep open at once.
    public let perClient: Int
    private let state = Mutex(State())

    public init(perClient: Int = 16) {
        self.perClient = perClient
    }

    /// Listens open right now.
    public var count: Int { state.withLock { $0.open.count } }

    /// Ends every open listen with its final answer, and every listen opened from now on at once
    /// (the server is draining: clients reconnect elsewhere).
    public func closeAll() {
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
            state.open[token] = key
            if state.closing { state.ended.insert(token) }
            return token
        }
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
            guard let key = state.open.removeValue(forKey: token) else { return }
            state.ended.remove(token)
            state.perKey[key, default: 1] -= 1
            if state.perKey[key] == 0 { state.perKey[key] = nil }
        }
    }
}

extension MCPServer {
    static let subscriptionIDKey = "io.modelcontextprotocol/subscriptionId"

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
        let meta: JSONObject = [Self.subscriptionIDKey: id.json]
        let acknowledgement: JSONObject = [
            "jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
            "params": ["_meta": .object(meta), "notifications": .object(Self.honoured(requested))],
        ]
        await sink.send(JSONWriter.bytes(.object(acknowledgement)))
        await subscriptions.wait(token)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: ["resultType": "complete", "_meta": .object(meta)]))
    }

    /// The requested kinds this server will deliver (SUB-2): those its capabilities declare. The
    /// registry is fixed after start-up, so no list ever changes and nothing is declared.
    static func honoured(_ requested: JSONObject) -> JSONObject {
        let capabilities = capabilities(for: .v2026_07_28)
        let declared: [(String, Bool)] = [
            ("toolsListChanged", capabilities["tools"]?["listChanged"]?.boolValue ?? false),
            ("promptsListChanged", capabilities["prompts"]?["listChanged"]?.boolValue ?? false),
            ("resourcesListChanged", capabilities["resources"]?["listChanged"]?.boolValue ?? false),
        ]
        var honoured: JSONObject = [:]
        for (kind, supported) in declared where supported && requested[kind]?.boolValue == true {
            honoured.append(kind, true)
        }
        let subscribe = capabilities["resources"]?["subscribe"]?.boolValue ?? false
        if subscribe, case .array(let uris)? = requested["resourceSubscriptions"], !uris.isEmpty {
            honoured.append("resourceSubscriptions", .array(uris.filter { $0.stringValue != nil }))
        }
        return honoured
    }
}
