/// One block of content in a tool result or a prompt message.
public enum ContentBlock: Sendable, Hashable {
    /// Plain text.
    case text(String)
    /// Base64-encoded image data.
    case image(base64: String, mimeType: String)
    /// Base64-encoded audio data (2025-03-26 and later).
    case audio(base64: String, mimeType: String)
    /// A link to a resource the client may read (2025-06-18 and later).
    case resourceLink(uri: String, name: String, mimeType: String?)
    /// An embedded resource.
    case resource(ResourceContents)

    /// The block's wire form, or nil when `version` does not know its type (TOOL-9).
    func json(for version: ProtocolVersion) -> JSONValue? {
        switch self {
        case .text(let text):
            // The block nearly every result has, built without the literal's look-ups for repeated keys.
            var object = JSONObject(minimumCapacity: 2)
            object.append("type", "text")
            object.append("text", .string(text))
            return .object(object)
        case .image(let data, let mimeType):
            return ["type": "image", "data": .string(data), "mimeType": .string(mimeType)]
        case .audio(let data, let mimeType):
            guard version.hasAudio else { return nil }
            return ["type": "audio", "data": .string(data), "mimeType": .string(mimeType)]
        case .resourceLink(let uri, let name, let mimeType):
            guard version.hasResourceLinks else { return nil }
            var object: JSONObject = ["type": "resource_link", "uri": .string(uri), "name": .string(name)]
            if let mimeType { object.append("mimeType", .string(mimeType)) }
            return .object(object)
        case .resource(let contents):
            return ["type": "resource", "resource": contents.json]
        }
    }
}

/// The contents of a resource: text or a base64 blob.
public struct ResourceContents: Sendable, Hashable {
    /// The resource's URI.
    public var uri: String
    /// The content's MIME type; nil when unknown.
    public var mimeType: String?
    /// The content as text; nil for a blob.
    public var text: String?
    /// The content as base64-encoded bytes; nil for text.
    public var blob: String?

    /// Text contents of `uri`; the MIME type defaults to `text/plain`.
    public static func text(_ text: String, uri: String, mimeType: String? = "text/plain") -> ResourceContents {
        ResourceContents(uri: uri, mimeType: mimeType, text: text, blob: nil)
    }

    /// Binary contents of `uri`, already base64-encoded; the MIME type defaults to `application/octet-stream`.
    public static func blob(
        base64: String, uri: String, mimeType: String? = "application/octet-stream"
    )
        -> ResourceContents
    {
        ResourceContents(uri: uri, mimeType: mimeType, text: nil, blob: base64)
    }

    /// The wire form: `uri`, and `mimeType`, `text` and `blob` when present.
    public var json: JSONValue {
        var object: JSONObject = ["uri": .string(uri)]
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        if let text { object.append("text", .string(text)) }
        if let blob { object.append("blob", .string(blob)) }
        return .object(object)
    }
}
