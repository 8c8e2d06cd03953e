/// Something a tool, prompt or resource asks of its client while it runs: the user fills a form
/// or visits a page (elicitation), the client's model writes a completion (sampling), or the
/// client names its roots. See ``HandlerContext/ask(_:)``.
public enum InputRequest: Sendable, Hashable {
    /// A form: `schema` is a flat object schema of primitive properties.
    case form(message: String, schema: JSONObject)
    /// A page to visit (URL-mode elicitation); the answer says whether the user went on.
    case url(message: String, url: String)
    /// A completion by the client's model: the `sampling/createMessage` params.
    case sampling(JSONObject)
    /// The client's roots (`roots/list`).
    case roots

    /// The JSON-RPC method that carries it.
    public var method: String {
        switch self {
        case .form, .url: return "elicitation/create"
        case .sampling: return "sampling/createMessage"
        case .roots: return "roots/list"
        }
    }

    /// Its params for a client speaking `version` (the form's `mode` exists from 2025-11-25 on).
    func params(for version: ProtocolVersion) -> JSONObject {
        switch self {
        case .form(let message, let schema):
            var params: JSONObject = [:]
            if version >= .v2025_11_25 { params.append("mode", "form") }
            params.append("message", .string(message))
            params.append("requestedSchema", .object(schema))
            return params
        case .url(let message, let url):
            return ["mode": "url", "message": .string(message), "url": .string(url)]
        case .sampling(let params):
            return params
        case .roots:
            return [:]
        }
    }

    /// The request as an `inputRequests` entry (2026-07-28): method and params, no id.
    func json(for version: ProtocolVersion) -> JSONValue {
        ["method": .string(method), "params": .object(params(for: version))]
    }

    /// Whether a client that declared `capabilities` and speaks `version` can be asked this
    /// (INIT-5, MRTR-3, SRV-L-2): elicitation from 2025-06-18, URL mode from 2025-11-25 and
    /// only when declared, sampling and roots when declared.
    func isAllowed(capabilities: JSONObject, version: ProtocolVersion) -> Bool {
        switch self {
        case .form:
            guard version >= .v2025_06_18, let elicitation = capabilities["elicitation"]?.objectValue else {
                return false
            }
            // An empty `elicitation: {}` means form only; with modes listed, form must be one.
            return elicitation.isEmpty || elicitation["form"] != nil || elicitation["url"] == nil
        case .url:
            return version >= .v2025_11_25 && capabilities["elicitation"]?["url"] != nil
        case .sampling:
            return capabilities["sampling"] != nil
        case .roots:
            return capabilities["roots"] != nil
        }
    }
}
