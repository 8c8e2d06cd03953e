import Logging

/// Thrown by a resource function when the requested resource does not exist (for example an
/// unknown id in a template). Answered as "resource not found" in the code of the request's era.
public struct ResourceNotFound: Error, Sendable {
    /// The error for a missing resource; it carries no detail, the URI is known from the request.
    public init() {}
}

extension MCPServer {
    /// `resources/read`. Not found is -32602 in 2026-07-28 (RES-2) and -32002 in the handshake
    /// era (RES-3); never an empty `contents` (RES-4).
    func readResource(_ routed: RoutedRequest, context: HandlerContext) async -> Reply {
        let request = routed.message
        let era = routed.era
        let id = request.id
        let uri: String
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            guard case .string(let value) = params["uri"] ?? .null else { throw .invalidParams("uri must be a string") }
            uri = value
        } catch {
            return .error(error, id: id)
        }
        let notFound: JSONRPCError =
            era.isModern
            ? .invalidParams("Resource not found", data: ["uri": .string(uri)]) : .resourceNotFound(uri: uri)
        guard let (resource, variables) = routed.view.registry.resource(for: uri) else {
            return .error(notFound, id: id)
        }
        var context = context
        do throws(JSONRPCError) {
            context.answers = try inputAnswers(routed, name: uri)
        } catch {
            return .error(error, id: id)
        }
        let contents: [ResourceContents]
        do {
            let arguments = PromptArguments(variables)
            let context = context
            contents = try await invoke(
                resource.perform.map { perform in { @Sendable in try perform(uri, arguments, context) } },
                orAsync: { try await resource.read(uri, arguments, context) }, stats: resource.stats,
                arguments: .string(uri), context: context)
        } catch let required as InputRequired {
            return Reply(
                bytes: JSONRPCEncoding.result(id: id, result: inputRequiredResult(required, routed, name: uri)))
        } catch {
            if let limited = limitError(error, what: "resource read", context: context, logger: context.logger) {
                return .error(limited, id: id)
            }
            switch error {
            case is ResourceNotFound: return .error(notFound, id: id)
            case let error as ArgumentError:
                return .error(era.isModern ? notFound : .invalidParams(error.description), id: id)
            case let error as ToolError: return .error(.internalError(error.message), id: id)
            default:
                context.logger.error("resource read failed", metadata: ["mcp.resource.uri": "\(LogSafe.escape(uri))"])
                return .error(.internalError(), id: id)
            }
        }
        guard !contents.isEmpty else { return .error(notFound, id: id) }
        var result: JSONObject = ["contents": .array(contents.map(\.json))]
        if let problem = oversized(result, what: "resource", logger: context.logger) { return .error(problem, id: id) }
        if era.isModern {
            // A result reached through input rounds is the caller's own and not cached (MRTR-8).
            let answered = context.answers.map { !$0.responses.isEmpty } ?? false
            result.append("ttlMs", .int(answered ? 0 : configuration.readTTLMilliseconds))
            result.append("cacheScope", answered ? "private" : "public")
        }
        decorate(&result, era: era)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
    }
}
