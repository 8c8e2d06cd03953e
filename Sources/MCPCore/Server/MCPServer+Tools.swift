public import Logging
import Metrics

extension MCPServer {
    /// `tools/call`: protocol errors for a malformed request or an unknown tool (TOOL-7); tool
    /// execution errors (`isError: true`) for bad arguments and failures inside the tool (TOOL-8).
    func callTool(_ request: JSONRPCRequest, era: Era, sink: (any NotificationSink)?, logger: Logger) async -> Reply {
        let id = request.id
        let tool: ToolDefinition
        let arguments: JSONObject
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            guard case .string(let name) = params["name"] ?? .null else {
                throw .invalidParams("tool name must be a string")
            }
            guard let found = registry.tool(named: name) else {
                throw .invalidParams("Unknown tool: \(LogSafe.clip(name, to: 128))", data: ["name": .string(name)])
            }
            tool = found
            switch params["arguments"] {
            case .none, .some(.null): arguments = [:]
            case .some(.object(let object)): arguments = object
            default: throw .invalidParams("arguments must be an object")
            }
        } catch {
            return .error(error, id: id)
        }
        let context = context(for: request, era: era, sink: sink, logger: logger)
        guard case .completed(let result, var object) = await run(tool, arguments: arguments, context: context) else {
            var reply = Reply.error(.serverBusy(), id: id)
            reply.toolName = tool.name
            return reply
        }
        decorate(&object, era: era)
        return Reply(
            bytes: JSONRPCEncoding.result(id: id, result: object), toolName: tool.name, toolFailed: result.isError)
    }

    /// How a call ended: a result (and its wire form under the request's revision), or no run at
    /// all because every thread for tool work was busy and the queue was full.
    enum ToolCallOutcome: Sendable {
        case completed(ToolResult, JSONObject)
        case busy
    }

    /// Runs a tool after checking its arguments; every failure becomes a tool execution error,
    /// and so does a result larger than ``ServerConfiguration/maxResultBytes``.
    /// Reports `mcp_tool_calls_total{tool,outcome}` and `mcp_tool_duration_seconds{tool}`.
    func run(_ tool: ToolDefinition, arguments: JSONObject, context: RequestContext) async -> ToolCallOutcome {
        let started = ContinuousClock.now
        var result: ToolResult
        do throws(BlockingWork.Busy) {
            result = try await runChecked(tool, arguments: arguments, context: context)
        } catch {
            context.logger.debug("busy: tool call refused", metadata: ["mcp.tool.name": "\(tool.name)"])
            return .busy
        }
        var object = result.json(for: context.version)
        let limit = configuration.maxResultBytes
        if JSONWriter.encodedLength(of: .object(object), limit: limit) == nil {
            context.logger.warning(
                "tool result larger than the limit", metadata: ["mcp.tool.name": "\(tool.name)", "limit": "\(limit)"])
            result = .error("Tool '\(tool.name)': \(ResultTooLarge(limit: limit).description)")
            object = result.json(for: context.version)
        }
        let elapsed = ContinuousClock.now - started
        ToolMetrics.calls[ToolMetrics.CallKey(tool: tool.name, failed: result.isError)].increment()
        ToolMetrics.durations[tool.name].recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return .completed(result, object)
    }

    private func runChecked(
        _ tool: ToolDefinition, arguments: JSONObject, context: RequestContext
    ) async throws(BlockingWork.Busy) -> ToolResult {
        var context = context
        context.maxResultBytes = configuration.maxResultBytes
        do {
            try tool.checkNoUnexpectedArguments(arguments)
            let toolArguments = ToolArguments(arguments)
            if let perform = tool.perform {
                // Synchronous: off the concurrency pool (inline only when predicted cheap),
                // bounded, stopped at the timeout.
                let context = context
                return try await configuration.blockingWork.perform(
                    stats: tool.stats, small: Self.isSmall(.object(arguments)), cancellation: context.cancellation,
                    timeout: configuration.toolTimeout
                ) { try perform(toolArguments, context) }
            }
            if let timeout = configuration.toolTimeout {
                let context = context
                return try await withTimeout(timeout) { try await tool.run(toolArguments, context) }
            }
            return try await tool.run(toolArguments, context)
        } catch is BlockingWork.Busy {
            throw BlockingWork.Busy()
        } catch let error as ArgumentError {
            return .error(error.description)
        } catch let error as ToolError {
            return .error(error.message)
        } catch let error as ResultTooLarge {
            return .error("Tool '\(tool.name)': \(error.description)")
        } catch is TimeoutError {
            context.cancellation.cancel()
            context.logger.warning("tool timed out", metadata: ["mcp.tool.name": "\(tool.name)"])
            return .error("Tool '\(tool.name)' timed out")
        } catch is CancellationError {
            return .error("Tool '\(tool.name)' was cancelled")
        } catch {
            context.logger.error(
                "tool failed", metadata: ["mcp.tool.name": "\(tool.name)", "error.type": "\(type(of: error))"])
            return .error("Tool '\(tool.name)' failed with an internal error")
        }
    }
}

extension MCPServer {
    /// Calls a tool outside JSON-RPC (the REST side door): the same validation, limits and
    /// errors as `tools/call`. Nil when there is no such tool.
    ///
    /// - Throws: ``BlockingWork/Busy`` when every thread for tool work is busy and the queue is full.
    public func callTool(
        named name: String, arguments: JSONObject, logger: Logger
    ) async throws(BlockingWork.Busy) -> ToolResult? {
        guard let tool = registry.tool(named: name) else { return nil }
        let context = RequestContext(requestID: .string("rest"), version: .v2026_07_28, logger: logger)
        guard case .completed(let result, _) = await run(tool, arguments: arguments, context: context) else {
            throw BlockingWork.Busy()
        }
        return result
    }
}

/// The tool metrics' handles, one per tool (and outcome).
enum ToolMetrics {
    struct CallKey: Hashable, Sendable {
        var tool: String
        var failed: Bool
    }

    static let calls = MetricCache<CallKey, Counter> { key in
        Counter(
            label: "mcp_tool_calls_total",
            dimensions: [("tool", key.tool), ("outcome", key.failed ? "tool_error" : "success")])
    }
    static let durations = MetricCache<String, Timer> { tool in
        Timer(label: "mcp_tool_duration_seconds", dimensions: [("tool", tool)])
    }
}
