/// Makes a function an MCP tool.
///
/// The tool's name is the function's name unless given; its description is the doc comment's
/// summary; each parameter becomes a property of the input schema, typed by its Swift type,
/// required unless it is optional or has a default, described by its `- Parameter` doc entry.
/// The return type gives the output schema and `structuredContent`. A parameter of type
/// ``HandlerContext`` receives the request's context instead. `task: .optional` (or
/// `.required`) lets an `async` tool run as a task (``TaskSupport``) when the server has a
/// task store. `scopes` are the OAuth scopes a caller needs to see and call the tool
/// (``ScopedDeclaration``).
///
/// ```swift
/// @Catalogue struct Calculator {
///     /// Add two numbers.
///     /// - Parameters:
///     ///   - a: The first number.
///     ///   - b: The second number.
///     @Tool(annotations: .pure)
///     static func add(a: Double, b: Double) -> Double { a + b }
/// }
/// ```
@attached(peer, names: suffixed(Tool))
public macro Tool(
    _ name: String? = nil, title: String? = nil, description: String? = nil,
    annotations: ToolAnnotations = ToolAnnotations(), task: TaskSupport = .forbidden, scopes: [String] = []
) = #externalMacro(module: "MCPMacros", type: "ToolMacro")

/// Makes a function an MCP prompt. Its parameters are the prompt's arguments (strings on the
/// wire); it returns a `String` (one user message) or `[PromptMessage]`.
///
/// ```swift
/// /// Review code for bugs and style.
/// @Prompt(completions: ["language": ["python", "swift"]])
/// static func code_review(code: String, language: String = "python") -> String { … }
/// ```
@attached(peer, names: suffixed(Prompt))
public macro Prompt(
    _ name: String? = nil, title: String? = nil, description: String? = nil,
    completions: [String: CompletionSource] = [:], scopes: [String] = []
) = #externalMacro(module: "MCPMacros", type: "PromptMacro")

/// Makes a function an MCP resource. A URI with `{variables}` declares a resource template
/// whose variables are the function's parameters of the same names.
///
/// ```swift
/// @Resource("config://user/{user_id}", mimeType: "application/json")
/// static func userConfig(user_id: String) throws -> UserConfig { … }
/// ```
@attached(peer, names: suffixed(Resource))
public macro Resource(
    _ uri: String, name: String? = nil, title: String? = nil, description: String? = nil,
    mimeType: String? = nil, completions: [String: CompletionSource] = [:], scopes: [String] = []
) = #externalMacro(module: "MCPMacros", type: "ResourceMacro")

/// Derives ``JSONRepresentable`` (schema, validated reading, writing) for a struct from its
/// stored properties, so it can be a tool parameter, a structured result or a resource.
@attached(
    extension, conformances: JSONRepresentable, ToolOutput, ResourceOutput, names: named(jsonSchema),
    named(init(json:)), named(json))
public macro Schema() = #externalMacro(module: "MCPMacros", type: "SchemaMacro")

/// Collects a type's `@Tool`, `@Prompt` and `@Resource` functions into a ``Catalogue``.
@attached(member, names: named(tools), named(prompts), named(resources))
@attached(extension, conformances: Catalogue)
public macro Catalogue() = #externalMacro(module: "MCPMacros", type: "CatalogueMacro")

/// A group of declarations a server offers, made by `@Catalogue`.
public protocol Catalogue: Sendable {
    /// The tools, from the type's `@Tool` functions.
    var tools: [ToolDefinition] { get }
    /// The prompts, from the type's `@Prompt` functions.
    var prompts: [PromptDefinition] { get }
    /// The resources and resource templates, from the type's `@Resource` functions.
    var resources: [ResourceDefinition] { get }
}

extension Catalogue {
    /// None, unless `@Catalogue` or the type declares some.
    public var tools: [ToolDefinition] { [] }
    /// None, unless `@Catalogue` or the type declares some.
    public var prompts: [PromptDefinition] { [] }
    /// None, unless `@Catalogue` or the type declares some.
    public var resources: [ResourceDefinition] { [] }
}

extension Registry {
    /// A registry holding every declaration of `catalogues`, in order.
    public init(catalogues: [any Catalogue]) throws(RegistryError) {
        self.init()
        for catalogue in catalogues {
            for tool in catalogue.tools { try add(tool) }
            for resource in catalogue.resources { try add(resource) }
            for prompt in catalogue.prompts { try add(prompt) }
        }
    }
}
