import Logging

extension MCPServer {
    /// `prompts/get`: unknown prompt, missing or unexpected arguments are -32602, a failure
    /// while rendering is -32603 (PR-2).
    func getPrompt(_ routed: RoutedRequest, context: HandlerContext) async -> Reply {
        let request = routed.message
        let era = routed.era
        let id = request.id
        let prompt: PromptDefinition
        var arguments: [String: String] = [:]
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            guard case .string(let name) = params["name"] ?? .null else {
                throw .invalidParams("prompt name must be a string")
            }
            guard let found = routed.view.registry.prompt(named: name) else {
                throw .invalidParams("Unknown prompt: \(LogSafe.clip(name, to: 128))", data: ["name": .string(name)])
            }
            prompt = found
            switch params["arguments"] {
            case .none, .some(.null): break
            case .some(.object(let object)):
                for (key, value) in object {
                    guard case .string(let text) = value else {
                        throw .invalidParams("argument '\(LogSafe.clip(key, to: 64))' must be a string")
                    }
                    guard prompt.arguments.contains(where: { $0.name == key }) else {
                        throw .invalidParams(ArgumentError(parameter: key, kind: .unexpected).description)
                    }
                    arguments[key] = text
                }
            default: throw .invalidParams("arguments must be an object of strings")
            }
            for argument in prompt.arguments where argument.isRequired && arguments[argument.name] == nil {
                throw .invalidParams(ArgumentError(parameter: argument.name, kind: .missing).description)
            }
            // A template repeats its arguments: arguments alone past the result limit cannot fit.
            let size = arguments.values.reduce(0) { $0 + $1.utf8.count }
            guard size <= configuration.maxResultBytes else {
                throw .invalidParams(
                    "prompt arguments total \(size) bytes, more than the \(configuration.maxResultBytes)-byte result limit"
                )
            }
        } catch {
            return .error(error, id: id)
        }
        var context = context
        do throws(JSONRPCError) {
            context.answers = try inputAnswers(routed, name: prompt.name)
        } catch {
            return .error(error, id: id)
        }
        let messages: [PromptMessage]
        do {
            let arguments = PromptArguments(arguments)
            let context = context
            messages = try await invoke(
                prompt.perform.map { perform in { @Sendable in try perform(arguments, context) } },
                orAsync: { try await prompt.render(arguments, context) }, stats: prompt.stats,
                arguments: request.params ?? .null, context: context)
        } catch let required as InputRequired {
            let result = inputRequiredResult(required, routed, name: prompt.name)
            return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
        } catch {
            if let limited = limitError(error, what: "prompt", context: context, logger: context.logger) {
                return .error(limited, id: id)
            }
            switch error {
            case let error as ArgumentError: return .error(.invalidParams(error.description), id: id)
            case let error as ToolError: return .error(.invalidParams(error.message), id: id)
            default:
                context.logger.error("prompt failed", metadata: ["mcp.prompt.name": "\(prompt.name)"])
                return .error(.internalError(), id: id)
            }
        }
        var result = JSONObject()
        if let description = prompt.description { result.append("description", .string(description)) }
        let version = era.version
        let rendered: [JSONValue] = messages.compactMap { message in
            guard let content = message.content.json(for: version) else { return nil }
            return ["role": .string(message.role.rawValue), "content": content]
        }
        result.append("messages", .array(rendered))
        if let problem = oversized(result, what: "prompt", logger: context.logger) { return .error(problem, id: id) }
        decorate(&result, era: era)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
    }
}
