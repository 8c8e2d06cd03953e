import Logging

extension MCPServer {
    /// Values per completion answer (CMP-2).
    static let maxCompletionValues = 100

    /// `completion/complete` for prompt arguments and resource-template variables (CMP-1..3).
    func complete(_ routed: RoutedRequest, logger: Logger) async -> Reply {
        let request = routed.message
        let era = routed.era
        let id = request.id
        let registry = routed.view.registry
        let source: CompletionSource?
        let value: String
        let context: JSONObject
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            guard let ref = params["ref"]?.objectValue, case .string(let type) = ref["type"] ?? .null else {
                throw .invalidParams("ref must be an object with a type")
            }
            guard let argument = params["argument"]?.objectValue,
                case .string(let argumentName) = argument["name"] ?? .null,
                case .string(let argumentValue) = argument["value"] ?? .null
            else {
                throw .invalidParams("argument must be an object with string name and value")
            }
            value = argumentValue
            context = params["context"]?["arguments"]?.objectValue ?? [:]
            switch type {
            case "ref/prompt":
                guard case .string(let name) = ref["name"] ?? .null, let prompt = registry.prompt(named: name) else {
                    throw .invalidParams("Unknown prompt in ref")
                }
                source = prompt.completions[argumentName]
            case "ref/resource":
                guard case .string(let uri) = ref["uri"] ?? .null else {
                    throw .invalidParams("ref uri must be a string")
                }
                if let template = registry.template(withURI: uri) {
                    source = template.completions[argumentName]
                } else if registry.resource(for: uri) != nil {
                    source = nil  // a static resource has no variables to complete: no values
                } else {
                    throw .invalidParams("Unknown resource in ref")
                }
            default:
                throw .invalidParams("ref type must be ref/prompt or ref/resource")
            }
        } catch {
            return .error(error, id: id)
        }
        let values = await source?.suggest(value, context) ?? []
        var completion: JSONObject = [
            "values": .array(values.prefix(Self.maxCompletionValues).map { .string($0) }),
            "total": .int(values.count),
        ]
        completion.append("hasMore", .bool(values.count > Self.maxCompletionValues))
        var result: JSONObject = ["completion": .object(completion)]
        decorate(&result, era: era)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
    }
}
