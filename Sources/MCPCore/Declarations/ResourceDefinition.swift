/// A value a resource function may return.
public protocol ResourceOutput: Sendable {
    /// The contents for `uri`, using the declared `mimeType` where one was given.
    func resourceContents(uri: String, mimeType: String?) -> [ResourceContents]
}

extension ResourceContents: ResourceOutput {
    /// The contents themselves; the declared MIME type is not applied.
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] { [self] }
}

extension Array: ResourceOutput where Element == ResourceContents {
    /// The contents themselves; the declared MIME type is not applied.
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] { self }
}

extension String: ResourceOutput {
    /// One text content: the string, with the declared MIME type or `text/plain`.
    public func resourceContents(uri: String, mimeType: String?) -> [ResourceContents] {
        [.text(self, uri: uri, mimeType: mimeType ?? "text/plain")]
    }
}

/// Structured values are served as JSON text.
extension ResourceOutput where Self: JSONRepresentable {
    /// One text content: the value as compact JSON, with the declared MIME type or `application/json`.
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
    /// The resource's URI, or for a template the URI template (`{name}`, `{+name}`; see ``URITemplate``).
    /// Fixed at init, like ``template``, which is parsed from it.
    public let uri: String
    /// The programmatic name clients see in `resources/list` (not checked for uniqueness; the URI is the key).
    public var name: String
    /// A human-readable title, sent only to clients whose protocol version has titles; nil for none.
    public var title: String?
    /// What the resource holds (from the function's doc comment); nil for none.
    public var description: String?
    /// The MIME type of the contents, when declared; nil lets the output type choose.
    public var mimeType: String?
    /// Set when ``uri`` is a template.
    public let template: URITemplate?
    /// Completion sources for template variables, by variable name (`completion/complete`).
    public var completions: [String: CompletionSource]
    /// OAuth scopes a caller needs to see and read the resource (all of them); empty for none.
    public var scopes: [String] = []
    /// Reads the contents for a concrete URI, given the variables a template matched (empty for a plain resource).
    public var read:
        @Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) async throws -> [ResourceContents]
    /// For a synchronous function: the function itself, which the server runs off the
    /// concurrency pool (`BlockingWork`). Nil for `async` functions.
    public var perform:
        (@Sendable (_ uri: String, _ variables: PromptArguments, HandlerContext) throws -> [ResourceContents])?
    /// How its recent calls went: whether a synchronous call may run inline (`BlockingWork`).
    package let stats = CallStats()
    /// A cheap summary of what `uri` holds now (a file's size and modification time): when it
    /// changes, subscribers hear `notifications/resources/updated`. Nil: not watched.
    public var fingerprint: (@Sendable (_ uri: String) -> String?)?

    /// A resource whose function may be `async`; a `uri` with `{variables}` makes a template.
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
    package func json(for version: ProtocolVersion) -> JSONObject {
        var object: JSONObject = template == nil ? ["uri": .string(uri)] : ["uriTemplate": .string(uri)]
        object.append("name", .string(name))
        if let title, version.hasTitles { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        return object
    }
}
