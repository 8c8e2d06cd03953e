import Synchronization

extension MCPServer {
    /// Shows (`true`) or hides (`false`) a declared tool, resource or prompt while the server
    /// runs. A hidden declaration is left out of lists and answers as unknown; clients hear
    /// `list_changed` (handshake-era sessions on their stream, 2026-07-28 listeners that asked).
    /// With a shared ``ChangeFeed`` every worker and replica applies the change.
    ///
    /// - Throws: ``RegistryError`` when nothing of that kind and name was declared at start-up.
    public func setEnabled(_ enabled: Bool, _ kind: DeclarationKind, named name: String) async throws(RegistryError) {
        guard declared.declares(kind, named: name) else {
            throw RegistryError(description: "no \(kind.rawValue) \"\(name)\" is declared")
        }
        await announce(.declaration(kind, name: name, enabled: enabled))
    }

    /// Tells every listener, in every process the feed reaches, about `change`: for example
    /// `.resourceUpdated(uri:)` when the data behind a resource changed.
    package func announce(_ change: ServerChange) async {
        if let feed = configuration.changeFeed {
            await feed.publish(change)  // delivered back to every process, this one included
        } else {
            await receive(change)
        }
    }

    /// Applies a change that arrived (from this process or from the feed) and delivers it to
    /// the listeners in this process.
    package func receive(_ change: ServerChange) async {
        switch change {
        case .declaration(let kind, let name, let enabled):
            guard setVisible(enabled, DeclarationKey(kind: kind, name: name)) else { return }
        case .subscription(let conversation, let uri, let subscribed):
            changes.setSubscribed(subscribed, conversation: Conversation(conversation), uri: uri)
            return
        case .sessionEnded(let conversation):
            changes.forget(Conversation(conversation))
            return
        case .listChanged, .resourceUpdated:
            break
        }
        changes.deliver(change)
        await subscriptions.deliver(change)
    }

    /// Looks at the resources someone here subscribed to, and announces (to this process's
    /// listeners) those whose fingerprint changed since the last look. Call it now and then
    /// (the runtime does, every second); each process watches for its own listeners.
    package func checkWatchedResources() async {
        let uris = changes.watchedURIs.union(subscriptions.watchedURIs)
        let registry = registry
        var current: [String: String] = [:]
        for uri in uris.prefix(Self.maxWatchedResources) {
            guard let (resource, _) = registry.resource(for: uri), let fingerprint = resource.fingerprint else {
                continue
            }
            current[uri] = fingerprint(uri) ?? "-"
        }
        let changed = fingerprints.withLock { last -> [String] in
            defer { last = current }
            return current.compactMap { uri, print in last[uri].map { $0 != print ? uri : nil } ?? nil }
        }
        for uri in changed.sorted() { await receive(.resourceUpdated(uri: uri)) }
    }

    /// Resources watched at once, at most.
    package static let maxWatchedResources = 1000

    /// `resources/subscribe` and `resources/unsubscribe` (handshake era, RES-7): remembered for
    /// the session (every worker hears it through the feed); updates then go to its stream.
    func subscribe(_ routed: RoutedRequest, _ subscribed: Bool) async -> Reply {
        let id = routed.message.id
        guard let uri = routed.message.params?["uri"]?.stringValue else {
            return .error(.invalidParams("uri must be a string"), id: id)
        }
        guard let conversation = routed.conversation else {
            return .error(.invalidRequest("resources/subscribe needs a session (STATELESS_HTTP=false)"), id: id)
        }
        if subscribed {
            guard routed.view.registry.resource(for: uri) != nil else {
                return .error(.resourceNotFound(uri: uri), id: id)
            }
            guard changes.setSubscribed(true, conversation: conversation, uri: uri) else {
                return .error(
                    .internalError("too many subscriptions (\(ChangeHub.subscriptionsPerSession) per session)"), id: id)
            }
        }
        await announce(.subscription(conversation: conversation.id, uri: uri, subscribed: subscribed))
        return Reply(bytes: JSONRPCEncoding.emptyResult(id: id))
    }
}
