package import Logging
import Metrics
import Synchronization

extension MCPServer {
    /// `tools/call`: protocol errors for a malformed request or an unknown tool (TOOL-7); tool
    /// execution errors (`isError: true`) for bad arguments and failures inside the tool (TOOL-8).
    func callTool(_ routed: RoutedRequest, context: HandlerContext) async -> Reply {
        let request = routed.message
        let era = routed.era
        let id = request.id
        let tool: ToolDefinition
        let arguments: JSONObject
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            guard case .string(let name) = params["name"] ?? .null else {
                throw .invalidParams("tool name must be a string")
            }
            // A tool the caller's scopes hide is unknown to it.
            guard let found = routed.view.registry.tool(named: name) else {
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
        var context = context
        do throws(JSONRPCError) {
            if case .task(let ttl) = try callMode(routed, tool: tool, params: paramsObject(request)), let tasks {
                return await startTask(
                    tool, arguments: arguments, routed: routed, ttl: ttl, runner: tasks, logger: context.logger)
            }
            context.answers = try inputAnswers(routed, name: tool.name)
        } catch {
            return .error(error, id: id)
        }
        var object: JSONObject
        let result: ToolResult
        switch await run(tool, arguments: arguments, context: context) {
        case .completed(let completed, let wire):
            result = completed
            object = wire
        case .inputRequired(let required):
            let object = inputRequiredResult(required, routed, name: tool.name)
            return Reply(bytes: JSONRPCEncoding.result(id: id, result: object), toolName: tool.name)
        case .busy:
            var reply = Reply.error(.serverBusy(), id: id)
            reply.toolName = tool.name
            return reply
        }
        decorate(&object, era: era)
        return Reply(
            bytes: JSONRPCEncoding.result(id: id, result: object), toolName: tool.name, toolFailed: result.isError)
    }

    /// How a call ended: a result (and its wire form under the request's revision), a question
    /// for the client first (2026-07-28), or no run at all because every thread for tool work was
    /// busy and the queue was full.
    enum ToolCallOutcome: Sendable {
        case completed(ToolResult, JSONObject)
        case inputRequired(InputRequired)
        case busy
    }

    /// Runs a tool after checking its arguments; every failure becomes a tool execution error,
    /// and so does a result larger than ``ServerConfiguration/maxResultBytes``.
    /// Reports `mcp_tool_calls_total{tool,outcome}` and `mcp_tool_duration_seconds{tool}`.
    /// - Parameter timeout: the limit for the call, synchronous or `async`; `TOOL_TIMEOUT` unless
    ///   given (tasks run under their TTL instead).
    func run(
        _ tool: ToolDefinition, arguments: JSONObject, context: HandlerContext, timeout: Duration?? = .none
    ) async -> ToolCallOutcome {
        let started = ContinuousClock.now
        runningCalls.wrappingAdd(1, ordering: .relaxed)
        defer { runningCalls.wrappingSubtract(1, ordering: .relaxed) }
        var result: ToolResult
        do throws(ToolInterruption) {
            result = try await runChecked(
                tool, arguments: arguments, context: context, timeout: timeout ?? configuration.toolTimeout)
        } catch {
            switch error {
            case .busy:
                context.logger.debug("busy: tool call refused", metadata: ["mcp.tool.name": "\(tool.name)"])
                return .busy
            case .inputRequired(let required): return .inputRequired(required)
            }
        }
        var object = result.json(for: context.version)
        let limit = configuration.maxResultBytes
        if !JSONWriter.fits(.object(object), within: limit) {
            context.logger.warning(
                "tool result larger than the limit", metadata: ["mcp.tool.name": "\(tool.name)", "limit": "\(limit)"])
            result = .error("Tool '\(tool.name)': \(ResultTooLarge(limit: limit).description)")
            object = result.json(for: context.version)
        }
        let elapsed = ContinuousClock.now - started
        let metrics = ToolMetrics.handles[ToolMetrics.CallKey(tool: tool.name, failed: result.isError)]
        metrics.calls.increment()
        metrics.duration.recordNanoseconds(elapsed.inNanoseconds)
        return .completed(result, object)
    }

    private func runChecked(
        _ tool: ToolDefinition, arguments: JSONObject, context: HandlerContext, timeout: Duration?
    ) async throws(ToolInterruption) -> ToolResult {
        do {
            try tool.checkNoUnexpectedArguments(arguments)
            let toolArguments = ToolArguments(arguments)
            if let perform = tool.perform {
                // Synchronous: off the concurrency pool (inline only when predicted cheap),
                // bounded, stopped at the timeout.
                let context = context
                return try await configuration.blockingWork.perform(
                    stats: tool.stats, small: Self.isSmall(.object(arguments)), cancellation: context.cancellation,
                    timeout: timeout
                ) { try perform(toolArguments, context) }
            }
            if let timeout {
                let context = context
                return try await withTimeout(timeout) { try await tool.run(toolArguments, context) }
            }
            return try await tool.run(toolArguments, context)
        } catch is BlockingWork.Busy {
            throw .busy
        } catch let required as InputRequired {
            throw .inputRequired(required)
        } catch let error as ClientRequestError {
            return .error("Tool '\(tool.name)' needs its client: \(error.description)")
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
    /// errors as `tools/call`. Nil when there is no such tool, or `caller`'s scopes hide it.
    ///
    /// - Throws: ``BlockingWork/Busy`` when every thread for tool work is busy and the queue is full.
    package func callTool(
        named name: String, arguments: JSONObject, caller: Principal = .anonymous, logger: Logger
    ) async throws(BlockingWork.Busy) -> ToolResult? {
        guard let tool = view(for: caller).registry.tool(named: name) else { return nil }
        var context = HandlerContext(requestID: .string("rest"), version: .v2026_07_28, logger: logger)
        context.principal = caller
        context.maxResultBytes = configuration.maxResultBytes
        switch await run(tool, arguments: arguments, context: context) {
        case .completed(let result, _): return result
        // No client can be asked through the REST side door.
        case .inputRequired: return .error("Tool '\(name)' needs input from an MCP client; call it over /mcp")
        case .busy: throw BlockingWork.Busy()
        }
    }
}

/// Why a tool call ended without a result of its own.
enum ToolInterruption: Error {
    /// Every thread for tool work was busy and the queue was full.
    case busy
    /// The tool asked the client for input first (2026-07-28).
    case inputRequired(InputRequired)
}

/// The tool metrics' handles, one per tool (and outcome).
enum ToolMetrics {
    struct CallKey: Hashable, Sendable {
        var tool: String
        var failed: Bool
    }

    /// A call's counter and its tool's duration timer, found with one look-up.
    struct Handles: Sendable {
        let calls: Counter
        let duration: Timer
    }

    static let handles = MetricCache<CallKey, Handles> { key in
        Handles(
            calls: Counter(
                label: "mcp_tool_calls_total",
                dimensions: [("tool", key.tool), ("outcome", key.failed ? "tool_error" : "success")]),
            duration: Timer(label: "mcp_tool_duration_seconds", dimensions: [("tool", key.tool)]))
    }
}
