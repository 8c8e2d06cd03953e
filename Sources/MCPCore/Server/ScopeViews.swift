import Synchronization

/// What one caller may see of the catalogue: the declarations its scopes allow and their lists,
/// pre-encoded once per scope combination actually seen (SEC-6).
struct CatalogueView: Sendable {
    let registry: Registry
    let lists: ListCache
}

/// The views of one catalogue by scope combination. A combination is the caller's scopes
/// intersected with the scopes declarations need, so tokens that differ only in scopes nobody
/// checks share a view. At most `capacity` views are kept; past it the oldest is dropped (and
/// rebuilt if it is seen again), so memory stays bounded whatever scopes callers present.
final class ScopeViews: Sendable {
    /// Each declaration that needs scopes, with those scopes.
    let gated: [(key: DeclarationKey, scopes: [String])]
    /// Every scope some declaration needs.
    let scopesInUse: Set<String>
    let capacity: Int
    private let build: @Sendable (Set<DeclarationKey>) -> CatalogueView
    private let views = Mutex(Views())

    private struct Views {
        /// The views kept, by the scopes that matter to them (sorted, space-separated).
        var byKey: [String: CatalogueView] = [:]
        /// `byKey`'s keys, oldest first.
        var order: [String] = []
        /// The key of each scope set callers presented lately, so a caller seen before costs one
        /// lookup of its set; cleared when it holds `4 × capacity` sets.
        var keyOfGrant: [Set<String>: String] = [:]
        var built = 0
    }

    /// Nil when no declaration of `registry` needs a scope: every caller sees everything.
    init?(
        registry: Registry, capacity: Int, build: @escaping @Sendable (Set<DeclarationKey>) -> CatalogueView
    ) {
        var gated: [(key: DeclarationKey, scopes: [String])] = []
        for tool in registry.tools where !tool.scopes.isEmpty {
            gated.append((DeclarationKey(kind: .tool, name: tool.name), tool.scopes))
        }
        for resource in registry.resources + registry.templates where !resource.scopes.isEmpty {
            gated.append((DeclarationKey(kind: .resource, name: resource.uri), resource.scopes))
        }
        for prompt in registry.prompts where !prompt.scopes.isEmpty {
            gated.append((DeclarationKey(kind: .prompt, name: prompt.name), prompt.scopes))
        }
        guard !gated.isEmpty else { return nil }
        self.gated = gated
        self.scopesInUse = Set(gated.flatMap(\.scopes))
        self.capacity = max(1, capacity)
        self.build = build
    }

    /// The view for a caller granted `scopes`.
    func view(granting scopes: Set<String>) -> CatalogueView {
        let seen = views.withLock { views in views.keyOfGrant[scopes].flatMap { views.byKey[$0] } }
        if let seen { return seen }
        let relevant = scopes.intersection(scopesInUse).sorted()
        let key = relevant.joined(separator: " ")
        if let view = views.withLock({ $0.byKey[key] }) {
            remember(key, for: scopes)
            return view
        }
        let granted = Set(relevant)
        let hidden = Set(gated.filter { !$0.scopes.allSatisfy(granted.contains) }.map(\.key))
        let view = build(hidden)
        views.withLock { views in
            guard views.byKey[key] == nil else { return }
            if views.order.count >= capacity {
                views.byKey[views.order.removeFirst()] = nil
            }
            views.byKey[key] = view
            views.order.append(key)
            views.built += 1
        }
        remember(key, for: scopes)
        return view
    }

    private func remember(_ key: String, for scopes: Set<String>) {
        views.withLock { views in
            if views.keyOfGrant.count >= 4 * capacity { views.keyOfGrant.removeAll(keepingCapacity: true) }
            views.keyOfGrant[scopes] = key
        }
    }

    /// Views kept right now, views built since start, and the scope sets remembered with their
    /// view (for tests of the bounds).
    var counts: (kept: Int, built: Int, grants: Int) {
        views.withLock { ($0.byKey.count, $0.built, $0.keyOfGrant.count) }
    }

    /// The scopes the declaration `key` needs; empty when it needs none.
    func scopes(of key: DeclarationKey) -> [String] {
        gated.first { $0.key == key }?.scopes ?? []
    }
}

extension MCPServer {
    /// The scopes to ask for when `request` names a declaration `caller`'s scopes hide and the
    /// server answers those with a challenge: what the declaration needs, plus what the caller
    /// holds already (so a step-up does not lose them). Nil to serve the request as usual.
    func scopeChallenge(_ request: JSONRPCRequest, caller: Principal) -> [String]? {
        guard configuration.insufficientScope == .challenge, let granted = caller.scopes else { return nil }
        let key: DeclarationKey
        let params = request.params
        switch request.method {
        case "tools/call":
            guard let name = params?["name"]?.stringValue else { return nil }
            key = DeclarationKey(kind: .tool, name: name)
        case "prompts/get":
            guard let name = params?["name"]?.stringValue else { return nil }
            key = DeclarationKey(kind: .prompt, name: name)
        case "resources/read", "resources/subscribe":
            guard let uri = params?["uri"]?.stringValue, let (resource, _) = registry.resource(for: uri) else {
                return nil
            }
            key = DeclarationKey(kind: .resource, name: resource.uri)
        default:
            return nil
        }
        return scopeChallenge(key, granted: granted, caller: caller)
    }

    /// The scopes to ask for when `caller` calls the tool `name` its scopes hide, in challenge
    /// mode (the REST side door); nil to answer as usual.
    package func scopeChallenge(toolNamed name: String, caller: Principal) -> [String]? {
        guard configuration.insufficientScope == .challenge, let granted = caller.scopes else { return nil }
        return scopeChallenge(DeclarationKey(kind: .tool, name: name), granted: granted, caller: caller)
    }

    private func scopeChallenge(_ key: DeclarationKey, granted: Set<String>, caller: Principal) -> [String]? {
        let missing = missingScopes(key, for: caller)
        guard !missing.isEmpty else { return nil }
        return granted.sorted() + missing
    }
}
