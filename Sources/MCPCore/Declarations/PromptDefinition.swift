/// One argument of a prompt (prompt arguments are strings on the wire).
public struct PromptArgument: Sendable {
    /// The argument's name, as the client sends it.
    public let name: String
    /// What the argument means, shown to the user; nil for none.
    public let description: String?
    /// Whether the client must send the argument.
    public let isRequired: Bool

    /// An argument of type `T`. It is required unless it has a default or `T` is optional.
    public init<T: PromptArgumentValue>(
        _ name: String, _ type: T.Type, description: String? = nil, hasDefault: Bool = false
    ) {
        self.name = name
        self.description = description
        self.isRequired = !hasDefault && !(T.self is any OptionalRepresentable.Type)
    }

    var json: JSONObject {
        var object: JSONObject = ["name": .string(name)]
        if let description { object.append("description", .string(description)) }
        object.append("required", .bool(isRequired))
        return object
    }
}

/// A type a prompt argument or URI-template parameter can be read into from its string form.
public protocol PromptArgumentValue: Sendable {
    /// Reads the value from its string form; nil when the text is not a valid value.
    init?(argument: String)
}

extension String: PromptArgumentValue {
    /// The text as it is; never nil.
    public init?(argument: String) { self = argument }
}

extension Int: PromptArgumentValue {
    /// A decimal integer (`42`, `-7`); nil for anything else.
    public init?(argument: String) { self.init(argument) }
}

extension Double: PromptArgumentValue {
    /// A decimal number (`3.5`, `1e3`); nil for anything else.
    public init?(argument: String) { self.init(argument) }
}

extension Bool: PromptArgumentValue {
    /// `true` or `false`, in any letter case; nil for anything else.
    public init?(argument: String) { self.init(argument.lowercased()) }
}

extension Optional: PromptArgumentValue where Wrapped: PromptArgumentValue {
    /// The wrapped type read from the text; nil when it cannot be read.
    public init?(argument: String) {
        guard let value = Wrapped(argument: argument) else { return nil }
        self = .some(value)
    }
}

extension PromptArgumentValue where Self: JSONStringEnum {
    /// The case whose raw value is the text (exact match); nil for any other text.
    public init?(argument: String) { self.init(rawValue: argument) }
}

/// The string arguments of one `prompts/get` (or the variables of a URI template), read into
/// Swift values.
public struct PromptArguments: Sendable {
    /// The arguments as sent, by name.
    public let values: [String: String]

    /// Wraps the arguments of one request.
    public init(_ values: [String: String]) { self.values = values }

    /// The argument `name` as `T`; nil when it is missing and `T` is optional.
    /// - Throws: ``ArgumentError`` when the argument is missing and required, or cannot be read as `T`.
    public func value<T: PromptArgumentValue>(_ name: String) throws -> T {
        guard let text = values[name] else {
            guard let absent = absentValue(of: T.self) else { throw ArgumentError(parameter: name, kind: .missing) }
            return absent
        }
        return try parse(text, name)
    }

    /// The argument `name` as `T`, or `defaultValue` when it is missing.
    /// - Throws: ``ArgumentError`` when the argument cannot be read as `T`.
    public func value<T: PromptArgumentValue>(_ name: String, default defaultValue: T) throws -> T {
        guard let text = values[name] else { return defaultValue }
        return try parse(text, name)
    }

    private func parse<T: PromptArgumentValue>(_ text: String, _ name: String) throws(ArgumentError) -> T {
        guard let value = T(argument: text) else {
            throw ArgumentError(
                parameter: name,
                kind: .invalid(SchemaMismatch(problem: "cannot read \"\(LogSafe.clip(text, to: 40))\" as \(T.self)")))
        }
        return value
    }
}

/// One message of a rendered prompt.
public struct PromptMessage: Sendable, Hashable {
    /// Who a message is from.
    public enum Role: String, Sendable { case user, assistant }

    /// Who the message is from.
    public var role: Role
    /// The message's content: text, an image, audio, a resource link or an embedded resource.
    public var content: ContentBlock

    /// A message from `role` with `content`.
    public init(role: Role, content: ContentBlock) {
        self.role = role
        self.content = content
    }

    /// A text message from the user.
    public static func user(_ text: String) -> PromptMessage { PromptMessage(role: .user, content: .text(text)) }
    /// A text message from the assistant.
    public static func assistant(_ text: String) -> PromptMessage {
        PromptMessage(role: .assistant, content: .text(text))
    }
}

/// A value a prompt function may return: a string (one user message) or a list of messages.
public protocol PromptOutput: Sendable {
    /// The messages the value renders as.
    var promptMessages: [PromptMessage] { get }
}

extension String: PromptOutput {
    /// One user message with the string as its text.
    public var promptMessages: [PromptMessage] { [.user(self)] }
}

extension PromptMessage: PromptOutput {
    /// The message on its own.
    public var promptMessages: [PromptMessage] { [self] }
}

extension Array: PromptOutput where Element == PromptMessage {
    /// The messages in order.
    public var promptMessages: [PromptMessage] { self }
}

/// A prompt as the registry serves it. Built by `@Prompt` from a Swift function.
public struct PromptDefinition: Sendable {
    /// The name clients get the prompt by; unique in a registry.
    public var name: String
    /// A human-readable title, sent only to clients whose protocol version has titles; nil for none.
    public var title: String?
    /// What the prompt does (from the function's doc comment); nil for none.
    public var description: String?
    /// The arguments in declaration order.
    public var arguments: [PromptArgument]
    /// Completion sources for arguments, by argument name (`completion/complete`).
    public var completions: [String: CompletionSource]
    /// OAuth scopes a caller needs to see and get the prompt (all of them); empty for none.
    public var scopes: [String] = []
    /// Renders the prompt for one request's arguments; throws for invalid arguments or a failing function.
    public var render: @Sendable (PromptArguments, HandlerContext) async throws -> [PromptMessage]
    /// For a synchronous function: the function itself, which the server runs off the
    /// concurrency pool (`BlockingWork`). Nil for `async` functions.
    public var perform: (@Sendable (PromptArguments, HandlerContext) throws -> [PromptMessage])?
    /// How its recent calls went: whether a synchronous call may run inline (`BlockingWork`).
    package let stats = CallStats()

    /// A prompt whose function is `async`.
    public init<Output: PromptOutput>(
        name: String,
        title: String? = nil,
        description: String? = nil,
        arguments: [PromptArgument] = [],
        completions: [String: CompletionSource] = [:],
        output: Output.Type,
        render: @escaping @Sendable (PromptArguments, HandlerContext) async throws -> Output
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
        self.completions = completions
        self.render = { arguments, context in try await render(arguments, context).promptMessages }
    }

    /// A prompt whose function is synchronous.
    public init<Output: PromptOutput>(
        name: String,
        title: String? = nil,
        description: String? = nil,
        arguments: [PromptArgument] = [],
        completions: [String: CompletionSource] = [:],
        output: Output.Type,
        perform: @escaping @Sendable (PromptArguments, HandlerContext) throws -> Output
    ) {
        self.init(
            name: name, title: title, description: description, arguments: arguments, completions: completions,
            output: [PromptMessage].self,
            render: { arguments, context in try perform(arguments, context).promptMessages })
        self.perform = { arguments, context in try perform(arguments, context).promptMessages }
    }

    /// The declaration's wire form under `version`.
    package func json(for version: ProtocolVersion) -> JSONObject {
        var object: JSONObject = ["name": .string(name)]
        if let title, version.hasTitles { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if !arguments.isEmpty { object.append("arguments", .array(arguments.map { .object($0.json) })) }
        return object
    }
}
