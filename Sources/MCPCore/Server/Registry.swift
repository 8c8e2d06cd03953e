/// A declaration that cannot be registered (a programming error, reported at start-up).
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the declaration.
    public let description: String
}

/// The tools, resources, resource templates and prompts a server offers, in declaration order.
///
/// Built once at start-up, so that every worker and replica declares the same catalogue
/// (TOOL-2, TOOL-3); while the server runs, declarations can be hidden and shown again
/// (``MCPServer/setEnabled(_:_:named:)``), never invented.
public struct Registry: Sendable {
    /// The tools, in the order they were added.
    public private(set) var tools: [ToolDefinition] = []
    /// The resources with a fixed URI, in the order they were added.
    public private(set) var resources: [ResourceDefinition] = []
    /// The resource templates (URIs with `{variables}`), in the order they were added.
    public private(set) var templates: [ResourceDefinition] = []
    /// The prompts, in the order they were added.
    public private(set) var prompts: [PromptDefinition] = []
    private var toolIndex: [String: Int] = [:]
    private var resourceIndex: [String: Int] = [:]
    private var promptIndex: [String: Int] = [:]

    /// An empty registry.
    public init() {}

    /// A registry of the given declarations, added in order; throws ``RegistryError`` for an invalid or
    /// duplicate one.
    public init(
        tools: [ToolDefinition] = [], resources: [ResourceDefinition] = [], prompts: [PromptDefinition] = []
    )
        throws(RegistryError)
    {
        for tool in tools { try add(tool) }
        for resource in resources { try add(resource) }
        for prompt in prompts { try add(prompt) }
    }

    /// Adds a tool. Names are 1–128 characters of `A-Z a-z 0-9 _ . -` and unique (TOOL-10).
    public mutating func add(_ tool: ToolDefinition) throws(RegistryError) {
        guard Self.isValidToolName(tool.name) else {
            throw RegistryError(description: "invalid tool name \"\(tool.name)\": use 1-128 of A-Z a-z 0-9 _ . -")
        }
        guard toolIndex[tool.name] == nil else { throw RegistryError(description: "duplicate tool \"\(tool.name)\"") }
        toolIndex[tool.name] = tools.count
        tools.append(tool)
    }

    /// Adds a resource, or a resource template when its URI has `{variables}`.
    public mutating func add(_ resource: ResourceDefinition) throws(RegistryError) {
        if resource.uri.contains("{") {
            guard resource.template != nil else {
                throw RegistryError(description: "malformed URI template \"\(resource.uri)\"")
            }
            guard !templates.contains(where: { $0.uri == resource.uri }) else {
                throw RegistryError(description: "duplicate resource template \"\(resource.uri)\"")
            }
            templates.append(resource)
        } else {
            guard resourceIndex[resource.uri] == nil else {
                throw RegistryError(description: "duplicate resource \"\(resource.uri)\"")
            }
            resourceIndex[resource.uri] = resources.count
            resources.append(resource)
        }
    }

    /// Adds a prompt. Names must be non-empty and unique.
    public mutating func add(_ prompt: PromptDefinition) throws(RegistryError) {
        guard !prompt.name.isEmpty else { throw RegistryError(description: "a prompt needs a name") }
        guard promptIndex[prompt.name] == nil else {
            throw RegistryError(description: "duplicate prompt \"\(prompt.name)\"")
        }
        promptIndex[prompt.name] = prompts.count
        prompts.append(prompt)
    }

    /// Whether `name` is declared here as a `kind`.
    public func declares(_ kind: DeclarationKind, named name: String) -> Bool {
        switch kind {
        case .tool: return toolIndex[name] != nil
        case .prompt: return promptIndex[name] != nil
        case .resource: return resourceIndex[name] != nil || templates.contains { $0.uri == name }
        }
    }

    /// The same declarations without the `hidden` ones, in the same order.
    func without(_ hidden: Set<DeclarationKey>) -> Registry {
        guard !hidden.isEmpty else { return self }
        var visible = Registry()
        // Everything here was valid and unique when added, so adding a subset cannot fail.
        for tool in tools where !hidden.contains(DeclarationKey(kind: .tool, name: tool.name)) {
            try! visible.add(tool)
        }
        for resource in resources + templates
        where !hidden.contains(DeclarationKey(kind: .resource, name: resource.uri)) {
            try! visible.add(resource)
        }
        for prompt in prompts where !hidden.contains(DeclarationKey(kind: .prompt, name: prompt.name)) {
            try! visible.add(prompt)
        }
        return visible
    }

    /// True when some declaration needs OAuth scopes, so what callers see depends on their token.
    public var hasScopedDeclarations: Bool {
        tools.contains { !$0.scopes.isEmpty } || prompts.contains { !$0.scopes.isEmpty }
            || (resources + templates).contains { !$0.scopes.isEmpty }
    }

    /// The tool named `name`, if declared.
    public func tool(named name: String) -> ToolDefinition? { toolIndex[name].map { tools[$0] } }

    /// Whether the tool named `name` is declared `async`: read in place, without copying the
    /// whole definition out as ``tool(named:)`` does.
    func isAsyncTool(named name: String) -> Bool {
        guard let index = toolIndex[name] else { return false }
        return tools[index].isAsync
    }

    /// The prompt named `name`, if declared.
    public func prompt(named name: String) -> PromptDefinition? { promptIndex[name].map { prompts[$0] } }

    /// Whether the prompt named `name` renders in an `async` function (it has no synchronous
    /// `perform`), read in place.
    func isAsyncPrompt(named name: String) -> Bool {
        guard let index = promptIndex[name] else { return false }
        return prompts[index].perform == nil
    }

    /// Whether the resource serving `uri` reads in an `async` function (it has no synchronous
    /// `perform`); false when no resource serves it.
    func isAsyncResource(for uri: String) -> Bool {
        if let index = resourceIndex[uri] { return resources[index].perform == nil }
        return templates.first { $0.template?.match(uri) != nil }.map { $0.perform == nil } ?? false
    }

    /// The resource serving `uri` and the template variables it matched.
    public func resource(for uri: String) -> (ResourceDefinition, [String: String])? {
        if let index = resourceIndex[uri] { return (resources[index], [:]) }
        for template in templates {
            if let variables = template.template?.match(uri) { return (template, variables) }
        }
        return nil
    }

    /// The template whose URI template is exactly `uri` (not a URI it matches; see ``resource(for:)``).
    public func template(withURI uri: String) -> ResourceDefinition? { templates.first { $0.uri == uri } }

    static func isValidToolName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
    }
}

/// One declaration, by kind and name (a resource's or template's URI).
struct DeclarationKey: Hashable, Sendable {
    var kind: DeclarationKind
    var name: String
}
