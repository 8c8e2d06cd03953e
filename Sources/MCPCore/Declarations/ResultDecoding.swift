// Reading results back from their wire form: what a client (and the testing product) needs to
// turn an answer into the same types a server declares with.

extension ContentBlock {
    /// A content block from its wire form.
    public init(json: JSONValue) throws(SchemaMismatch) {
        func string(_ key: String) throws(SchemaMismatch) -> String {
            guard let value = json[key]?.stringValue else {
                throw SchemaMismatch(problem: "missing string \(key)").inside(key)
            }
            return value
        }
        switch json["type"]?.stringValue {
        case "text": self = .text(try string("text"))
        case "image": self = .image(base64: try string("data"), mimeType: try string("mimeType"))
        case "audio": self = .audio(base64: try string("data"), mimeType: try string("mimeType"))
        case "resource_link":
            self = .resourceLink(
                uri: try string("uri"), name: try string("name"), mimeType: json["mimeType"]?.stringValue)
        case "resource":
            do {
                self = .resource(try ResourceContents(json: json["resource"] ?? .null))
            } catch {
                throw error.inside("resource")
            }
        default:
            throw SchemaMismatch(problem: "unknown content type").inside("type")
        }
    }

    /// The text of a `text` block; nil for other kinds.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

extension ResourceContents {
    /// Resource contents from their wire form.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard let uri = json["uri"]?.stringValue else { throw SchemaMismatch(problem: "missing uri").inside("uri") }
        self.init(
            uri: uri, mimeType: json["mimeType"]?.stringValue, text: json["text"]?.stringValue,
            blob: json["blob"]?.stringValue)
    }
}

extension ToolResult {
    /// A `CallToolResult` from its wire form.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .array(let blocks) = json["content"] ?? .null else { throw .expected("content array", got: json) }
        var content: [ContentBlock] = []
        for (index, block) in blocks.enumerated() {
            do {
                content.append(try ContentBlock(json: block))
            } catch {
                throw error.inside("[\(index)]").inside("content")
            }
        }
        self.init(
            content: content, structuredContent: json["structuredContent"], isError: json["isError"]?.boolValue ?? false
        )
    }
}

extension PromptMessage {
    /// A prompt message from its wire form.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard let roleName = json["role"]?.stringValue, let role = Role(rawValue: roleName) else {
            throw SchemaMismatch(problem: "role must be user or assistant").inside("role")
        }
        do {
            self.init(role: role, content: try ContentBlock(json: json["content"] ?? .null))
        } catch {
            throw error.inside("content")
        }
    }
}
