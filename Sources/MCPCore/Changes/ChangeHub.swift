import Synchronization

/// Who hears about changes in the handshake era: each session that has a way to be told (its
/// GET stream over HTTP, its SSE stream, stdout) and the resources it subscribed to (RES-7,
/// SUB-L-1). 2026-07-28 clients listen with `subscriptions/listen` instead (see ``Subscriptions``).
///
/// Subscriptions are kept per conversation whether or not the session's stream is in this
/// process (a subscribe and the GET stream may reach different workers); both are bounded.
package final class ChangeHub: Sendable {
    private struct State {
        var observers: [Conversation: @Sendable ([UInt8]) -> Void] = [:]
        var subscribed: [Conversation: Set<String>] = [:]
    }

    /// Resources one session may subscribe to.
    package static let subscriptionsPerSession = 100
    /// Sessions whose subscriptions are kept.
    package let maxSessions: Int
    private let state = Mutex(State())

    /// A hub that keeps the subscriptions of at most `maxSessions` sessions (default 10,000).
    package init(maxSessions: Int = 10_000) {
        self.maxSessions = maxSessions
    }

    /// Starts telling `conversation` about changes through `deliver` (one JSON-RPC notification
    /// each); a later call for the same conversation replaces it.
    package func observe(_ conversation: Conversation, deliver: @escaping @Sendable ([UInt8]) -> Void) {
        state.withLock { $0.observers[conversation] = deliver }
    }

    /// Stops telling `conversation` (its stream closed); its subscriptions stay.
    package func stopObserving(_ conversation: Conversation) {
        _ = state.withLock { $0.observers.removeValue(forKey: conversation) }
    }

    /// Records a subscription change; false when the session holds the maximum already.
    @discardableResult
    func setSubscribed(_ subscribed: Bool, conversation: Conversation, uri: String) -> Bool {
        state.withLock { state in
            var uris = state.subscribed[conversation] ?? []
            if subscribed {
                guard uris.count < Self.subscriptionsPerSession || uris.contains(uri) else { return false }
                if state.subscribed[conversation] == nil && state.subscribed.count >= maxSessions {
                    // Full: the session with no stream here goes first (it may live elsewhere).
                    if let stale = state.subscribed.keys.first(where: { state.observers[$0] == nil }) {
                        state.subscribed[stale] = nil
                    } else {
                        return false
                    }
                }
                uris.insert(uri)
            } else {
                uris.remove(uri)
            }
            state.subscribed[conversation] = uris.isEmpty ? nil : uris
            return true
        }
    }

    /// Forgets everything of a session that ended.
    func forget(_ conversation: Conversation) {
        state.withLock { state in
            state.subscribed[conversation] = nil
            state.observers[conversation] = nil
        }
    }

    /// The resources some session with a stream in this process subscribed to.
    var watchedURIs: Set<String> {
        state.withLock { state in
            state.subscribed.filter { state.observers[$0.key] != nil }.values.reduce(into: Set()) { $0.formUnion($1) }
        }
    }

    /// Sessions observed here right now.
    package var observedSessions: Int { state.withLock { $0.observers.count } }

    /// Tells the sessions observed here about `change`: list changes go to every one, a
    /// resource update to those subscribed to the resource.
    func deliver(_ change: ServerChange) {
        let targets: [@Sendable ([UInt8]) -> Void]
        let message: [UInt8]
        switch change {
        case .declaration(let kind, _, _), .listChanged(let kind):
            message = JSONRPCEncoding.notification(method: kind.listChangedMethod, params: [:])
            targets = state.withLock { Array($0.observers.values) }
        case .resourceUpdated(let uri):
            message = JSONRPCEncoding.notification(
                method: "notifications/resources/updated", params: ["uri": .string(uri)])
            targets = state.withLock { state in
                state.observers.compactMap { state.subscribed[$0.key]?.contains(uri) == true ? $0.value : nil }
            }
        case .subscription, .sessionEnded:
            return
        }
        for deliver in targets { deliver(message) }
    }
}

extension DeclarationKind {
    /// The list-changed notification of this kind's list.
    var listChangedMethod: String {
        switch self {
        case .tool: return "notifications/tools/list_changed"
        case .resource: return "notifications/resources/list_changed"
        case .prompt: return "notifications/prompts/list_changed"
        }
    }
}
