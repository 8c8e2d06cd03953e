/// What a tool call answers: content blocks, optional structured content, and whether it failed.
public struct ToolResult: Sendable, Hashable {
    /// The content blocks, in order; those the client's protocol version does not know are dropped.
    public var content: [ContentBlock]
    /// Structured result; present when the tool declares an output schema.
    public var structuredContent: JSONValue?
    /// True for a tool execution error: the model sees the message and may correct itself.
    public var isError: Bool

    /// A result; no structured content and not an error unless given.
    public init(content: [ContentBlock], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A tool execution error with one text block.
    public static func error(_ message: String) -> ToolResult {
        ToolResult(content: [.text(message)], isError: true)
    }

    /// The result object for `version`: blocks the revision does not know are dropped, and
    /// `structuredContent` only goes to revisions that have it (and, in the handshake era, only
    /// when it is an object).
    package func json(for version: ProtocolVersion) -> JSONObject {
        // Room for the keys the server adds in the 2026-07-28 era (`resultType`, `_meta`).
        var object = JSONObject(minimumCapacity: 5)
        var blocks: [JSONValue] = []
        blocks.reserveCapacity(content.count)
        for block in content {
            if let json = block.json(for: version) { blocks.append(json) }
        }
        object.append("content", .array(blocks))
        if let structuredContent, version.hasStructuredContent {
            if version.isModern || structuredContent.objectValue != nil {
                object.append("structuredContent", structuredContent)
            }
        }
        object.append("isError", .bool(isError))
        return object
    }
}

/// A value a tool function may return. Its output schema (if any) is derived from the type.
public protocol ToolOutput: Sendable {
    /// The schema of `structuredContent`, or nil for tools without structured results.
    static var outputSchema: JSONSchema? { get }
    /// The result sent to the client.
    var toolResult: ToolResult { get }
}

extension ToolResult: ToolOutput {
    /// Nil: a ``ToolResult`` declares no output schema.
    public static var outputSchema: JSONSchema? { nil }
    /// The result itself.
    public var toolResult: ToolResult { self }
}

/// Any ``JSONRepresentable`` value is a structured result. Objects are sent as they are; other
/// values are wrapped as `{"result": value}` so that every era can carry them (the handshake era
/// requires an object), the way FastMCP does.
extension ToolOutput where Self: JSONRepresentable {
    /// The type's schema when it is an object; otherwise an object with one `result` property of that schema.
    public static var outputSchema: JSONSchema? {
        let schema = Self.jsonSchema
        if schema.isObject { return schema }
        return .object(properties: [("result", schema)], required: ["result"], additionalProperties: true)
    }

    /// One text block (a string as it is, anything else as compact JSON) and the value as structured content.
    public var toolResult: ToolResult {
        let value = json
        let text: String
        if case .string(let string) = value { text = string } else { text = JSONWriter.string(value) }
        if Self.jsonSchema.isObject { return ToolResult(content: [.text(text)], structuredContent: value) }
        var wrapper = JSONObject(minimumCapacity: 1)
        wrapper.append("result", value)
        return ToolResult(content: [.text(text)], structuredContent: .object(wrapper))
    }
}

extension String: ToolOutput {}
extension Int: ToolOutput {}
extension Double: ToolOutput {}
extension Bool: ToolOutput {}
extension JSONValue: ToolOutput {}
extension Array: ToolOutput where Element: JSONRepresentable {}
extension Dictionary: ToolOutput where Key == String, Value: JSONRepresentable {}
