extension HandlerContext {
    /// Asks the client for input and returns its answer (an `ElicitResult`, a
    /// `CreateMessageResult` or a `ListRootsResult`, as JSON).
    ///
    /// - Handshake era, in a session whose client declared the capability: an
    ///   `elicitation/create`, `sampling/createMessage` or `roots/list` request over the
    ///   session's stream; the answer comes back on a POST (or stdin).
    /// - 2026-07-28: this call ends with `resultType: "input_required"` naming the question,
    ///   and the whole request runs again when the client retries with the answer (possibly on
    ///   another worker or replica). Code before the question must be safe to run again; see
    ///   the re-execution model in docs/ARCHITECTURE.md.
    ///
    /// - Throws: ``ClientRequestError/unavailable`` when the client cannot be asked this (it
    ///   did not declare the capability, or the request has no way back to it).
    public func ask(_ input: InputRequest) async throws -> JSONValue {
        guard input.isAllowed(capabilities: clientCapabilities, version: version) else {
            throw ClientRequestError.unavailable
        }
        if let answers {
            let key = answers.nextKey()
            if let answer = answers.responses[key] { return answer }
            throw InputRequired(key: key, request: input, answers: answers)
        }
        return try await sendRequest(input.method, params: input.params(for: version))
    }

    /// Asks the user to fill in a form shaped like `Form` (a flat `@Schema` struct).
    ///
    /// ```swift
    /// switch try await context.elicit("Delete notes.txt?", as: Confirmation.self) {
    /// case .accepted(let answer) where answer.confirm: try delete()
    /// default: return "Kept notes.txt"
    /// }
    /// ```
    public func elicit<Form: JSONRepresentable>(_ message: String, as form: Form.Type) async throws -> Elicited<Form> {
        let schema = Form.jsonSchema.json
        let answer = try await ask(.form(message: message, schema: schema))
        switch answer["action"]?.stringValue {
        case "accept": return .accepted(try Form(json: answer["content"] ?? .object([:])))
        case "decline": return .declined
        default: return .cancelled
        }
    }

    /// Asks the user to visit `url` (URL-mode elicitation); true when they accepted.
    public func elicit(url: String, message: String) async throws -> Bool {
        try await ask(.url(message: message, url: url))["action"] == "accept"
    }

    /// Asks the client's model to answer `prompt`; returns the text it wrote.
    public func sample(
        _ prompt: String, systemPrompt: String? = nil, maxTokens: Int = 1000
    ) async throws -> String {
        var params: JSONObject = [
            "messages": [["role": "user", "content": ["type": "text", "text": .string(prompt)]]],
            "maxTokens": .int(maxTokens),
        ]
        if let systemPrompt { params.append("systemPrompt", .string(systemPrompt)) }
        let answer = try await ask(.sampling(params))
        return answer["content"]?["text"]?.stringValue ?? ""
    }

    /// The client's roots (`file://` URIs it lets the server work in).
    public func roots() async throws -> [String] {
        let answer = try await ask(.roots)
        return answer["roots"]?.arrayValue?.compactMap { $0["uri"]?.stringValue } ?? []
    }
}

/// What the user did with a form.
public enum Elicited<Form: Sendable>: Sendable {
    /// The user submitted the form; its values, read into `Form`.
    case accepted(Form)
    /// The user explicitly declined to answer.
    case declined
    /// The user dismissed the form without choosing (also any action the server does not know).
    case cancelled
}
