public import MCPCore

extension MCPTestClient {
    /// The `result` of a request, or the error it returned thrown as ``JSONRPCError``.
    ///
    /// A 2026-07-28 `input_required` answer is answered through ``answerRequests(_:)``'s
    /// handler and retried with the answers and the `requestState`, as the official clients
    /// do, up to ten rounds; without a handler it is returned as it is.
    public func result(
        _ method: String, _ params: JSONObject = [:], meta: JSONObject = [:], capabilities: JSONObject = [:],
        logLevel: LoggingLevel? = nil
    ) async throws -> JSONValue {
        var params = params
        for _ in 0..<10 {
            let response = try await send(method, params, meta: meta, capabilities: capabilities, logLevel: logLevel)
            if let error = response["error"] { throw JSONRPCError(json: error) }
            let result = response["result"] ?? .null
            guard result["resultType"] == "input_required", hasHandler,
                case .object(let asked)? = result["inputRequests"]
            else { return result }
            var answers: JSONObject = [:]
            for (key, request) in asked { answers[key] = try await answer(request) }
            params["inputResponses"] = .object(answers)
            params["requestState"] = result["requestState"]
        }
        throw JSONRPCError(code: JSONRPCError.internalErrorCode, message: "more than ten rounds of input_required")
    }

    /// Calls a tool and returns its result, decoded.
    ///
    /// - Parameters:
    ///   - progressToken: asks for progress notifications (see ``notifications``).
    ///   - logLevel: asks for log notifications at this level and above (2026-07-28).
    public func callTool(
        _ name: String, _ arguments: JSONObject = [:], progressToken: JSONValue? = nil,
        logLevel: LoggingLevel? = nil, capabilities: JSONObject = [:]
    ) async throws -> CallToolResult {
        var meta: JSONObject = [:]
        if let progressToken { meta["progressToken"] = progressToken }
        let result = try await self.result(
            "tools/call", ["name": .string(name), "arguments": .object(arguments)], meta: meta,
            capabilities: capabilities, logLevel: logLevel)
        return try CallToolResult(json: result)
    }

    /// Every tool definition, following `nextCursor` through all pages.
    public func listTools() async throws -> [JSONValue] { try await listAll("tools/list", key: "tools") }

    /// Every item of a paginated list method, following `nextCursor`.
    public func listAll(_ method: String, key: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        repeat {
            var params: JSONObject = [:]
            if let cursor { params["cursor"] = .string(cursor) }
            let page = try await result(method, params)
            items += page[key]?.arrayValue ?? []
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil
        return items
    }

    /// Reads a resource and returns its contents, decoded.
    public func readResource(_ uri: String) async throws -> ReadResourceResult {
        try ReadResourceResult(json: try await result("resources/read", ["uri": .string(uri)]))
    }

    /// Renders a prompt and returns its messages, decoded.
    public func getPrompt(_ name: String, _ arguments: [String: String] = [:]) async throws -> GetPromptResult {
        let encoded = JSONObject(arguments.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        return try GetPromptResult(
            json: try await result("prompts/get", ["name": .string(name), "arguments": .object(encoded)]))
    }
}

/// A `tools/call` result: the decoded ``ToolResult`` and the object as it was sent.
public struct CallToolResult: Sendable {
    /// The result decoded: content blocks, structured content and the error flag.
    public let result: ToolResult
    /// The whole result object, with what the era adds (`resultType`, `_meta`).
    public let json: JSONValue

    /// Decodes a `tools/call` result object; throws ``SchemaMismatch`` when it is not one.
    public init(json: JSONValue) throws {
        self.result = try ToolResult(json: json)
        self.json = json
    }

    /// The content blocks, in order.
    public var content: [ContentBlock] { result.content }
    /// The structured content; nil when the result has none.
    public var structuredContent: JSONValue? { result.structuredContent }
    /// True for a tool execution error (`isError: true`).
    public var isError: Bool { result.isError }

    /// The text of the text blocks, joined by newlines; nil when there is none.
    public var text: String? {
        let texts = result.content.compactMap(\.text)
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    /// The structured content (or the value under `key` in it) read as `type`.
    public func structured<Value: JSONRepresentable>(as type: Value.Type, at key: String? = nil) throws -> Value {
        let value = key.map { structuredContent?[$0] ?? .null } ?? structuredContent ?? .null
        return try Value(json: value)
    }

    /// A key of the result object as sent.
    public subscript(key: String) -> JSONValue? { json[key] }
}

/// A `resources/read` result, decoded.
public struct ReadResourceResult: Sendable {
    /// The contents, decoded, in order.
    public let contents: [ResourceContents]
    /// The whole result object as it was sent.
    public let json: JSONValue

    /// Decodes a `resources/read` result; throws ``SchemaMismatch`` when it has no `contents` array.
    public init(json: JSONValue) throws {
        guard case .array(let items) = json["contents"] ?? .null else {
            throw SchemaMismatch.expected("contents array", got: json)
        }
        self.contents = try items.map { try ResourceContents(json: $0) }
        self.json = json
    }

    /// The text of the first text contents.
    public var text: String? { contents.lazy.compactMap(\.text).first }

    /// A key of the result object as sent.
    public subscript(key: String) -> JSONValue? { json[key] }
}

/// A `prompts/get` result, decoded.
public struct GetPromptResult: Sendable {
    /// The prompt's `description`; nil when the result has none.
    public let description: String?
    /// The messages, decoded, in order.
    public let messages: [PromptMessage]
    /// The whole result object as it was sent.
    public let json: JSONValue

    /// Decodes a `prompts/get` result; throws ``SchemaMismatch`` when it has no `messages` array.
    public init(json: JSONValue) throws {
        guard case .array(let items) = json["messages"] ?? .null else {
            throw SchemaMismatch.expected("messages array", got: json)
        }
        self.description = json["description"]?.stringValue
        self.messages = try items.map { try PromptMessage(json: $0) }
        self.json = json
    }

    /// A key of the result object as sent.
    public subscript(key: String) -> JSONValue? { json[key] }
}
