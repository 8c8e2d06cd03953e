/// One parameter of a declared tool: its JSON name and the schema derived from its Swift type.
public struct ToolParameter: Sendable {
    /// The argument's name in JSON, a key of the input schema's `properties`.
    public let name: String
    /// The parameter's schema, with its description and default.
    public let schema: JSONSchema
    /// Whether the input schema lists the parameter in `required`.
    public let isRequired: Bool

    /// A parameter of type `T`. It is required unless it has a default or `T` is optional.
    public init<T: JSONRepresentable>(
        _ name: String, _ type: T.Type, description: String? = nil, default defaultValue: T? = nil
    ) {
        self.name = name
        self.schema = T.jsonSchema.describing(description).withDefault(defaultValue.map(\.json))
        self.isRequired = defaultValue == nil && !(T.self is any OptionalRepresentable.Type)
    }
}

/// The arguments of one tool call, read parameter by parameter into Swift values.
public struct ToolArguments: Sendable {
    /// The `arguments` object as the client sent it.
    public let object: JSONObject

    /// Wraps the `arguments` object of one call.
    public init(_ object: JSONObject) { self.object = object }

    /// The argument `name` as a `T`. A missing argument is nil for optional `T`, an error otherwise.
    public func value<T: JSONRepresentable>(_ name: String) throws -> T {
        guard let json = object[name] else {
            guard let absent = absentValue(of: T.self) else { throw ArgumentError(parameter: name, kind: .missing) }
            return absent
        }
        return try decode(json, name)
    }

    /// The argument `name` as a `T`, or `defaultValue` when it is absent or null.
    public func value<T: JSONRepresentable>(_ name: String, default defaultValue: T) throws -> T {
        guard let json = object[name], !json.isNull else { return defaultValue }
        return try decode(json, name)
    }

    private func decode<T: JSONRepresentable>(_ json: JSONValue, _ name: String) throws(ArgumentError) -> T {
        do throws(SchemaMismatch) {
            return try T(json: json)
        } catch {
            throw ArgumentError(parameter: name, kind: .invalid(error))
        }
    }
}

/// A tool as the registry serves it. Built by `@Tool` from a Swift function; the schemas come
/// from the function's parameter and return types.
public struct ToolDefinition: Sendable {
    /// The name clients call the tool by; unique in a registry.
    public var name: String
    /// A human-readable title, sent only to clients whose protocol version has titles; nil for none.
    public var title: String?
    /// What the tool does (from the function's doc comment): the text the model reads.
    public var description: String?
    /// The parameters in declaration order; arguments are checked against them. Fixed at init,
    /// where ``inputSchema`` is built from them.
    public let parameters: [ToolParameter]
    /// The object schema of `arguments`, built from ``parameters``; unknown arguments are rejected.
    public var inputSchema: JSONSchema
    /// The schema of `structuredContent`, when the return type has one (a `@Schema` type); nil otherwise.
    public var outputSchema: JSONSchema?
    /// Hints to the client (read-only, destructive, idempotent, open-world); empty for none.
    public var annotations: ToolAnnotations
    /// True for `async` functions, which run in the request's task. Synchronous ones run off
    /// the concurrency pool (``perform``).
    public var isAsync: Bool
    /// Whether the tool runs as a task (2025-11-25 `execution.taskSupport`; the 2026-07-28
    /// tasks extension). Only `async` tools can be task-capable.
    public var taskSupport: TaskSupport
    /// OAuth scopes a caller needs to see and call the tool (all of them); empty for none.
    public var scopes: [String] = []
    /// Runs the tool on one call's arguments; throws ``ArgumentError``, ``ToolError`` or the function's own errors.
    public var run: @Sendable (ToolArguments, HandlerContext) async throws -> ToolResult
    /// For a synchronous function: the function itself, which the server runs on
    /// `BlockingWork`'s threads (bounded, so slow calls cannot starve other requests), under
    /// `TOOL_TIMEOUT` like any call. Nil for `async` functions.
    public var perform: (@Sendable (ToolArguments, HandlerContext) throws -> ToolResult)?
    /// How its recent calls went: whether a synchronous call may run inline (`BlockingWork`).
    package let stats = CallStats()

    /// A tool whose function may be `async`; `taskSupport` applies only when `isAsync` is true.
    public init<Output: ToolOutput>(
        name: String,
        title: String? = nil,
        description: String? = nil,
        parameters: [ToolParameter] = [],
        output: Output.Type,
        annotations: ToolAnnotations = ToolAnnotations(),
        isAsync: Bool = false,
        taskSupport: TaskSupport = .forbidden,
        run: @escaping @Sendable (ToolArguments, HandlerContext) async throws -> Output
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.parameters = parameters
        self.inputSchema = .object(
            properties: parameters.map { ($0.name, $0.schema) },
            required: parameters.filter(\.isRequired).map(\.name)
        )
        self.outputSchema = Output.outputSchema
        self.annotations = annotations
        self.isAsync = isAsync
        self.taskSupport = isAsync ? taskSupport : .forbidden
        self.run = { arguments, context in try await run(arguments, context).toolResult }
    }

    /// A tool whose function is synchronous: it runs without suspending.
    public init<Output: ToolOutput>(
        name: String,
        title: String? = nil,
        description: String? = nil,
        parameters: [ToolParameter] = [],
        output: Output.Type,
        annotations: ToolAnnotations = ToolAnnotations(),
        perform: @escaping @Sendable (ToolArguments, HandlerContext) throws -> Output
    ) {
        self.init(
            name: name, title: title, description: description, parameters: parameters, output: ToolResult.self,
            annotations: annotations, isAsync: false,
            run: { arguments, context in try perform(arguments, context).toolResult })
        self.outputSchema = Output.outputSchema
        self.perform = { arguments, context in try perform(arguments, context).toolResult }
    }

    /// Rejects arguments the tool does not declare (validation before the function runs).
    func checkNoUnexpectedArguments(_ arguments: JSONObject) throws(ArgumentError) {
        for key in arguments.keys where !parameters.contains(where: { $0.name == key }) {
            throw ArgumentError(parameter: key, kind: .unexpected)
        }
    }

    /// The tool's entry in `tools/list` for `version`: fields the revision lacks are left out.
    /// `execution.taskSupport` (2025-11-25) only when the server runs tasks (`tasks`).
    package func json(for version: ProtocolVersion, tasks: Bool = false) -> JSONObject {
        var object: JSONObject = ["name": .string(name)]
        if let title, version.hasTitles { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        object.append("inputSchema", .object(inputSchema.json))
        if let outputSchema, version.hasStructuredContent { object.append("outputSchema", .object(outputSchema.json)) }
        if version.hasToolAnnotations, !annotations.isEmpty || title != nil {
            object.append("annotations", .object(annotations.json(title: title)))
        }
        if tasks, version.hasTasks, taskSupport != .forbidden {
            object.append("execution", ["taskSupport": .string(taskSupport.rawValue)])
        }
        return object
    }
}
