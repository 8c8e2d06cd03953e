/// Which kind of declaration a name belongs to.
public enum DeclarationKind: String, Sendable, Hashable, CaseIterable {
    /// A tool, by its name.
    case tool
    /// A resource (by its URI) or a resource template (by its URI template).
    case resource
    /// A prompt, by its name.
    case prompt
}

/// Something that changed in a running server, that clients may want to hear about. Changes
/// travel through the ``ChangeFeed`` so that every worker and replica applies and announces them.
public enum ServerChange: Sendable, Hashable {
    /// A declared tool, resource or prompt was shown (`true`) or hidden (`false`).
    case declaration(DeclarationKind, name: String, enabled: Bool)
    /// A list changed in some other way the application knows of: `notifications/…/list_changed`.
    case listChanged(DeclarationKind)
    /// The contents behind a resource URI changed: `notifications/resources/updated`.
    case resourceUpdated(uri: String)
    /// A handshake-era session subscribed to (or unsubscribed from) a resource, so that the
    /// worker holding the session's stream learns of it.
    case subscription(conversation: String, uri: String, subscribed: Bool)
    /// A handshake-era session ended: its subscriptions are forgotten everywhere.
    case sessionEnded(conversation: String)
}

/// Carries ``ServerChange``s to every process serving the same catalogue: the workers of one
/// server, and the replicas behind one proxy when the store is shared. The default delivers in
/// this process only.
public protocol ChangeFeed: Sendable {
    /// Sends `change` to every subscriber, in this process and the others.
    func publish(_ change: ServerChange) async
    /// Every change published from now on, anywhere (this process's own included).
    func changes() -> AsyncStream<ServerChange>
}

extension ServerChange {
    /// The wire form of a change in a store or feed.
    public var json: JSONValue {
        switch self {
        case .declaration(let kind, let name, let enabled):
            return ["declaration": .string(kind.rawValue), "name": .string(name), "enabled": .bool(enabled)]
        case .listChanged(let kind): return ["listChanged": .string(kind.rawValue)]
        case .resourceUpdated(let uri): return ["resourceUpdated": .string(uri)]
        case .subscription(let conversation, let uri, let subscribed):
            return ["subscription": .string(conversation), "uri": .string(uri), "subscribed": .bool(subscribed)]
        case .sessionEnded(let conversation): return ["sessionEnded": .string(conversation)]
        }
    }

    /// A change from its wire form; nil for anything else.
    public init?(json: JSONValue) {
        if let kind = json["declaration"]?.stringValue.flatMap(DeclarationKind.init(rawValue:)),
            let name = json["name"]?.stringValue, let enabled = json["enabled"]?.boolValue
        {
            self = .declaration(kind, name: name, enabled: enabled)
        } else if let kind = json["listChanged"]?.stringValue.flatMap(DeclarationKind.init(rawValue:)) {
            self = .listChanged(kind)
        } else if let uri = json["resourceUpdated"]?.stringValue {
            self = .resourceUpdated(uri: uri)
        } else if let conversation = json["subscription"]?.stringValue, let uri = json["uri"]?.stringValue,
            let subscribed = json["subscribed"]?.boolValue
        {
            self = .subscription(conversation: conversation, uri: uri, subscribed: subscribed)
        } else if let conversation = json["sessionEnded"]?.stringValue {
            self = .sessionEnded(conversation: conversation)
        } else {
            return nil
        }
    }
}

extension HandlerContext {
    /// Shows or hides a declared tool, resource or prompt of the server serving this request
    /// (see ``MCPServer/setEnabled(_:_:named:)``): a tool can reveal tools, for example.
    public func setEnabled(_ enabled: Bool, _ kind: DeclarationKind, named name: String) async throws {
        guard let server else { throw ToolError("this request cannot change the server's catalogue") }
        try await server.setEnabled(enabled, kind, named: name)
    }

    /// Tells every listener about `change` (see `MCPServer.announce(_:)`).
    public func announce(_ change: ServerChange) async {
        await server?.announce(change)
    }
}
