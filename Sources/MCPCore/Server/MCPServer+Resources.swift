import Logging

/// Thrown by a resource function when the requested resource does not exist (for example an
/// unknown id in a template). Answered as "resource not found" in the code of the request's era.
public struct ResourceNotFound: Error, Sendable {
    public init() {}
}

extension MCPServer {
    /// `resources/read`. Not found is -32602 in 2026-07-28 (RES-2) and -32002 in the handshake
    /// era (RES-3); never an empty `contents` (RES-4).
    func readResource(_ request: JSONRPCRequest, era: Era, sink: (any NotificationSink)?, logger: Logger) async -> Reply
    {
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
        guard let (resource, variables) = registry.resource(for: uri) else { return .error(notFound, id: id) }
        var context = context(for: request, era: era, sink: sink, logger: logger)
        context.maxResultBytes = configuration.maxResultBytes
        let contents: [ResourceContents]
        do {
            if let perform = resource.perform {
                let context = context
                contents = try await configuration.blockingWork.run(
                    cancellation: context.cancellation, timeout: configuration.toolTimeout
                ) { try perform(uri, PromptArguments(variables), context) }
            } else {
                contents = try await resource.read(uri, PromptArguments(variables), context)
            }
        } catch is BlockingWork.Busy {
            return .error(.serverBusy(), id: id)
        } catch let error as ResultTooLarge {
            return .error(.internalError(error.description), id: id)
        } catch is TimeoutError {
            context.cancellation.cancel()
            logger.warning("resource read timed out", metadata: ["mcp.resource.uri": "\(LogSafe.escape(uri))"])
            return .error(.internalError("reading the resource took too long"), id: id)
        } catch is ResourceNotFound {
            return .error(notFound, id: id)
        } catch let error as ArgumentError {
            return .error(era.isModern ? notFound : .invalidParams(error.description), id: id)
        } catch let error as ToolError {
            return .error(.internalError(error.message), id: id)
        } catch {
            logger.error("resource read failed", metadata: ["mcp.resource.uri": "\(LogSafe.escape(uri))"])
            return .error(.internalError(), id: id)
        }
        guard !contents.isEmpty else { return .error(notFound, id: id) }
        var result: JSONObject = ["contents": .array(contents.map(\.json))]
        if let problem = oversized(result, what: "resource", logger: logger) { return .error(problem, id: id) }
        if era.isModern {
            result.append("ttlMs", .int(configuration.readTTLMilliseconds))
            result.append("cacheScope", "public")
        }
        decorate(&result, era: era)
        return Reply(bytes: JSONRPCEncoding.result(id: id, result: result))
    }
}

extension MCPServer {
    /// An error when `result` is larger than ``ServerConfiguration/maxResultBytes`` (logged), else nil.
    func oversized(_ result: JSONObject, what: String, logger: Logger) -> JSONRPCError? {
        let limit = configuration.maxResultBytes
        guard JSONWriter.encodedLength(of: .object(result), limit: limit) == nil else { return nil }
        logger.warning("\(what) larger than the result limit", metadata: ["limit": "\(limit)"])
        return .internalError("the \(what) is larger than the server's \(limit)-byte limit (MAX_RESULT_SIZE)")
    }
}
