import Logging

extension MCPServer {
    /// `prompts/get`: unknown prompt, missing or unexpected arguments are -32602, a failure
    /// while rendering is -32603 (PR-2).
    func getPrompt(_ routed: RoutedRequest, context: RequestContext) async -> Reply {
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
            guard let found = registry.prompt(named: name) else {
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
            messages = try await prompt.render(PromptArguments(arguments), context)
        } catch let required as InputRequired {
            let result = inputRequiredResult(required, routed, name: prompt.name)
            return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
        } catch let error as ArgumentError {
            return .error(.invalidParams(error.description), id: id)
        } catch let error as ToolError {
            return .error(.invalidParams(error.message), id: id)
        } catch {
            context.logger.error("prompt failed", metadata: ["mcp.prompt.name": "\(prompt.name)"])
            return .error(.internalError(), id: id)
        }
        var result = JSONObject()
        if let description = prompt.description { result.append("description", .string(description)) }
        let version = era.version
        let rendered: [JSONValue] = messages.compactMap { message in
            guard let content = message.content.json(for: version) else { return nil }
            return ["role": .string(message.role.rawValue), "content": content]
        }
        result.append("messages", .array(rendered))
        decorate(&result, era: era)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
    }
}
