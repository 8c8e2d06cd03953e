/// A value a resource function may return.
public protocol ResourceOutput: Sendable {
    /// The contents for `uri`, using the declared `mimeType` where one was given.
    func resourceContents(uri: String, mimeType: String?) -> [ResourceContents]
}

extension ResourceContents: ResourceOutput {
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] { [self] }
}

extension Array: ResourceOutput where Element == ResourceContents {
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] { self }
}

extension String: ResourceOutput {
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] {
        [.text(self, uri: uri, mimeType: mimeType ?? "text/plain")]
    }
}

/// Structured values are served as JSON text.
extension ResourceOutput where Self: JSONRepresentable {
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] {
        [.text(JSONWriter.string(json), uri: uri, mimeType: mimeType ?? "application/json")]
    }
}

extension JSONValue: ResourceOutput {}
extension JSONObject: ResourceOutput {}

/// A resource or resource template as the registry serves it. Built by `@Resource` from a Swift
/// function; a URI with `{variables}` makes a template whose variables are the function's
/// parameters.
public struct ResourceDefinition: Sendable {
    public var uri: String
    public var name: String
    public var title: String?
    public var description: String?
    public var mimeType: String?
    /// Set when ``uri`` is a template.
    public let template: URITemplate?
    public var completions: [String: CompletionSource]
    /// OAuth scopes a caller needs to see and read the resource (all of them); empty for none.
    public var scopes: [String] = []
    public var read:
        @Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) async throws -> [ResourceContents]
    /// For a synchronous function: the function itself, which the server runs off the
    /// concurrency pool (``BlockingWork``). Nil for `async` functions.
    public var perform:
        (@Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) throws -> [ResourceContents])?
    /// How its recent calls went: whether a synchronous call may run inline (``BlockingWork``).
    public let stats = CallStats()
    /// A cheap summary of what `uri` holds now (a file's size and modification time): when it
    /// changes, subscribers hear `notifications/resources/updated`. Nil: not watched.
    public var fingerprint: (@Sendable (_ uri: String) -> String?)?

    public init<Output: ResourceOutput>(
        uri: String,
        name: String,
        title: String? = nil,
        description: String? = nil,
        mimeType: String? = nil,
        completions: [String: CompletionSource] = [:],
        output: Output.Type,
        read: @escaping @Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) async throws -> Output
    ) {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.template = URITemplate(uri)
        self.completions = completions
        self.read = { uri, variables, context in
            try await read(uri, variables, context).resourceContents(uri: uri, mimeType: mimeType)
        }
    }

    /// A resource whose function is synchronous.
    public init<Output: ResourceOutput>(
        uri: String,
        name: String,
        title: String? = nil,
        description: String? = nil,
        mimeType: String? = nil,
        completions: [String: CompletionSource] = [:],
        output: Output.Type,
        perform: @escaping @Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) throws -> Output
    ) {
        self.init(
            uri: uri, name: name, title: title, description: description, mimeType: mimeType, completions: completions,
            output: [ResourceContents].self,
            read: { uri, variables, context in
                try perform(uri, variables, context).resourceContents(uri: uri, mimeType: mimeType)
            })
        self.perform = { uri, variables, context in
            try perform(uri, variables, context).resourceContents(uri: uri, mimeType: mimeType)
        }
    }

    /// The declaration's wire form under `version`.
    public func json(for version: ProtocolVersion) -> JSONObject {
        var object: JSONObject = template == nil ? ["uri": .string(uri)] : ["uriTemplate": .string(uri)]
        object.append("name", .string(name))
        if let title, version.hasTitles { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        return object
    }
}
