import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Tasks in both eras (MCP-REQUIREMENTS §17): 2026-07-28's `io.modelcontextprotocol/tasks`
/// extension (SEP-2663: `resultType: "task"`, `tasks/get`, `tasks/update`, `tasks/cancel`) and
/// 2025-11-25's experimental tasks (`params.task`, `tasks/get`, `tasks/result`, `tasks/list`,
/// `tasks/cancel`). Field names follow the extension's schema (`ttlMs`, `pollIntervalMs`) and
/// 2025-11-25's (`ttl`, `pollInterval`); see docs/ARCHITECTURE.md for why.
extension MCPServer {
    /// The extension's identifier, in `capabilities.extensions` both ways.
    public static let tasksExtension = "io.modelcontextprotocol/tasks"

    /// How one `tools/call` runs.
    enum CallMode: Sendable {
        case direct
        case task(ttl: Duration?)
    }

    /// ``capabilities(for:)`` plus tasks when this server runs them: the extension in
    /// 2026-07-28 (TASK-1), the `tasks` capability in 2025-11-25 (list, cancel, `tools/call`).
    static func capabilities(for version: ProtocolVersion, tasks: Bool) -> JSONObject {
        var capabilities = capabilities(for: version)
        guard tasks else { return capabilities }
        if version.isModern {
            var extensions = capabilities["extensions"]?.objectValue ?? [:]
            extensions[tasksExtension] = [:]
            capabilities["extensions"] = .object(extensions)
        } else if version.hasTasks {
            capabilities.append("tasks", ["list": [:], "cancel": [:], "requests": ["tools": ["call": [:]]]])
        }
        return capabilities
    }

    /// True when a 2026-07-28 request's capabilities declare the tasks extension.
    static func declaresTasks(_ capabilities: JSONObject) -> Bool {
        capabilities["extensions"]?[tasksExtension] != nil
    }

    /// Decides whether a call of `tool` becomes a task (TASK-2; 2025-11-25 Tool-Level
    /// Negotiation), or is refused because it can only run as one.
    func callMode(_ routed: RoutedRequest, tool: ToolDefinition, params: JSONObject) throws(JSONRPCError) -> CallMode {
        guard tasks != nil, tool.taskSupport != .forbidden || params["task"] != nil else { return .direct }
        let era = routed.era
        if era.isModern {
            // The `task` param is not part of the extension: ignored (SEP-2663 Backward Compatibility).
            guard Self.declaresTasks(era.clientCapabilities) else {
                guard tool.taskSupport != .required else {
                    throw .missingRequiredClientCapability(["extensions": [Self.tasksExtension: [:]]])
                }
                return .direct
            }
            return tool.taskSupport == .forbidden ? .direct : .task(ttl: nil)
        }
        guard era.version.hasTasks else { return .direct }
        switch params["task"] {
        case .none, .some(.null):
            guard tool.taskSupport != .required else {
                throw JSONRPCError(
                    code: JSONRPCError.methodNotFoundCode,
                    message: "Method not found: tool '\(tool.name)' runs only as a task; call it with params.task")
            }
            return .direct
        case .some(.object(let task)):
            guard tool.taskSupport != .forbidden else {
                throw JSONRPCError(
                    code: JSONRPCError.methodNotFoundCode,
                    message: "Method not found: tool '\(tool.name)' does not run as a task")
            }
            switch task["ttl"] {
            case .none, .some(.null): return .task(ttl: nil)
            case .some(.int(let milliseconds)) where milliseconds > 0: return .task(ttl: .milliseconds(milliseconds))
            default: throw .invalidParams("task.ttl must be a positive number of milliseconds")
            }
        default:
            throw .invalidParams("task must be an object")
        }
    }

    /// Creates the task, starts the tool in it, and answers with the task (CreateTaskResult).
    /// The work runs with no stream back to the client: its progress lands in the task, and it
    /// cannot ask the client anything (``HandlerContext/ask(_:)`` throws `unavailable`).
    func startTask(
        _ tool: ToolDefinition, arguments: JSONObject, routed: RoutedRequest, ttl: Duration?, runner: TaskRunner,
        logger: Logger
    ) async -> Reply {
        let era = routed.era
        let id = routed.message.id
        do {
            let created = try await runner.start(tool: tool.name, principal: routed.principal, ttl: ttl) {
                [self] reporter in
                var taskLogger = logger
                taskLogger[metadataKey: "mcp.task.id"] = "\(reporter.id)"
                var context = HandlerContext(
                    requestID: id, version: era.version, clientCapabilities: era.clientCapabilities,
                    clientInfo: era.clientInfo, logger: taskLogger)
                context.taskReporter = reporter
                let result: ToolResult
                // No TOOL_TIMEOUT: a task runs until it ends, is cancelled, or outlives its TTL.
                var object: JSONObject
                switch await run(tool, arguments: arguments, context: context, timeout: .some(nil)) {
                case .completed(let completed, let wire):
                    result = completed
                    object = wire
                case .inputRequired:
                    result = .error("Tool '\(tool.name)' needs input, which a task cannot ask for")
                    object = result.json(for: era.version)
                case .busy:
                    result = .error("Tool '\(tool.name)' could not run: the server was busy")
                    object = result.json(for: era.version)
                }
                decorate(&object, era: era)
                // 2025-11-25: a tool error fails the task; the extension keeps it `completed` (TASK-4).
                let failed = result.isError && !era.isModern
                return TaskOutcome(
                    status: failed ? .failed : .completed,
                    message: failed ? "The tool reported an error." : "The task completed.", result: object)
            }
            guard let record = created else {
                return .error(.tooManyTasks(limit: runner.configuration.perPrincipal), id: id)
            }
            logger.info("task created", metadata: ["mcp.task.id": "\(record.id)", "mcp.tool.name": "\(tool.name)"])
            var result: JSONObject
            if era.isModern {
                result = ["resultType": "task"]
                for (key, value) in taskFields(record, era: era) { result.append(key, value) }
                if let serverInfoMeta { result.append("_meta", .object(serverInfoMeta)) }
            } else {
                result = ["task": .object(taskFields(record, era: era))]
            }
            return Reply(bytes: JSONRPCEncoding.result(id: id, result: result), toolName: tool.name)
        } catch {
            logger.error("could not create a task", metadata: ["error": "\(error)"])
            return .error(.internalError("the task store is unavailable"), id: id)
        }
    }

    /// The `Task` fields of `record` under `era`'s names.
    func taskFields(_ record: TaskRecord, era: Era) -> JSONObject {
        var object: JSONObject = ["taskId": .string(record.id), "status": .string(record.status.rawValue)]
        if let message = record.statusMessage { object.append("statusMessage", .string(message)) }
        object.append("createdAt", .string(Self.timestamp(record.createdAt)))
        object.append("lastUpdatedAt", .string(Self.timestamp(record.updatedAt)))
        if era.isModern {
            object.append("ttlMs", .int(record.ttlMilliseconds))
            object.append("pollIntervalMs", .int(record.pollIntervalMilliseconds))
        } else {
            object.append("ttl", .int(record.ttlMilliseconds))
            object.append("pollInterval", .int(record.pollIntervalMilliseconds))
        }
        return object
    }

    /// ISO 8601 with milliseconds, UTC.
    static func timestamp(_ seconds: Double) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date(timeIntervalSince1970: seconds))
    }

    // MARK: tasks/*

    /// Serves `tasks/*`; nil when the method does not exist for this request (tasks are off,
    /// the revision has none, or 2026-07-28 asks for `tasks/result` or `tasks/list`).
    func serveTask(_ routed: RoutedRequest, logger: Logger) async -> Reply? {
        guard let runner = tasks else { return nil }
        let request = routed.message
        let era = routed.era
        let method = request.method
        if era.isModern {
            guard ["tasks/get", "tasks/update", "tasks/cancel"].contains(method) else { return nil }
            // TASK-7: only for requests that declare the extension.
            guard Self.declaresTasks(era.clientCapabilities) else {
                return .error(
                    .missingRequiredClientCapability(["extensions": [Self.tasksExtension: [:]]]), id: request.id)
            }
        } else {
            guard era.version.hasTasks, method != "tasks/update" else { return nil }
        }
        do throws(JSONRPCError) {
            let params = try paramsObject(request)
            if method == "tasks/list" {
                return try await listTasks(params, routed: routed, store: runner.store)
            }
            guard case .string(let taskID) = params["taskId"] ?? .null else {
                throw .invalidParams("taskId must be a string")
            }
            let result = try await taskMethod(method, taskID: taskID, routed: routed, runner: runner)
            return Reply(bytes: JSONRPCEncoding.result(id: request.id, result: result))
        } catch {
            return .error(error, id: request.id)
        }
    }

    private func taskMethod(
        _ method: String, taskID: String, routed: RoutedRequest, runner: TaskRunner
    ) async throws(JSONRPCError) -> JSONObject {
        let era = routed.era
        let store = runner.store
        let principal = routed.principal
        let acknowledgement: JSONObject = ["resultType": "complete"]
        switch method {
        case "tasks/update":
            // Tasks here never ask for input, so no key is outstanding: ack and ignore (TASK-5).
            return acknowledgement
        case "tasks/cancel":
            let outcome = try await storeCall {
                try await store.cancel(
                    id: taskID, principal: principal, message: "The task was cancelled by request.", now: TaskRunner.now
                )
            }
            // The work stops here at once when it runs here, else at its worker's next renewal.
            if outcome?.cancelled == true { runner.stop(taskID) }
            if era.isModern { return acknowledgement }  // even for an unknown id (SEP-2663)
            guard let outcome else { throw Self.taskNotFound }
            guard outcome.cancelled else {
                throw .invalidParams("Cannot cancel task: already in terminal status '\(outcome.task.status.rawValue)'")
            }
            return taskFields(outcome.task, era: era)
        case "tasks/result":
            let record = try await waitForTerminal(taskID, principal: principal, runner: runner)
            return try payload(of: record)
        default:  // tasks/get
            guard
                let record = try await storeCall({
                    try await store.task(id: taskID, principal: principal, now: TaskRunner.now)
                })
            else { throw Self.taskNotFound }
            var result = taskFields(record, era: era)
            if era.isModern {
                var detailed: JSONObject = ["resultType": "complete"]
                for (key, value) in result { detailed.append(key, value) }
                if record.status == .completed, let text = record.result, let object = Self.object(text) {
                    detailed.append("result", .object(object))
                }
                if record.status == .failed {
                    detailed.append("error", .object(record.error.flatMap(Self.object) ?? Self.orphanErrorObject))
                }
                if let serverInfoMeta { detailed.append("_meta", .object(serverInfoMeta)) }
                result = detailed
            }
            return result
        }
    }

    static let taskNotFound = JSONRPCError.invalidParams("Failed to retrieve task: Task not found")

    static var orphanErrorObject: JSONObject { TaskRunner.orphanError.json.objectValue ?? [:] }

    static func object(_ text: String) -> JSONObject? { (try? JSONParser.parse(text))?.objectValue }

    /// Runs a store call; a store failure is logged and answered with -32603.
    func storeCall<T: Sendable>(_ call: () async throws -> T) async throws(JSONRPCError) -> T {
        do {
            return try await call()
        } catch {
            Logger(label: "mcp.tasks").error("task store failed", metadata: ["error": "\(error)"])
            throw .internalError("the task store is unavailable")
        }
    }

    /// 2025-11-25 `tasks/result`: waits (polling the store, so the task may run on any worker)
    /// until the task is terminal.
    private func waitForTerminal(
        _ taskID: String, principal: String, runner: TaskRunner
    ) async throws(JSONRPCError) -> TaskRecord {
        while true {
            guard
                let record = try await storeCall({
                    try await runner.store.task(id: taskID, principal: principal, now: TaskRunner.now)
                })
            else { throw Self.taskNotFound }
            if record.status.isTerminal { return record }
            do {
                try await Task.sleep(for: runner.configuration.resultWaitInterval)
            } catch {
                throw .internalError("cancelled while waiting for the task")
            }
        }
    }

    /// What the underlying `tools/call` would have returned, with the related-task `_meta`.
    private func payload(of record: TaskRecord) throws(JSONRPCError) -> JSONObject {
        guard var result = record.result.flatMap(Self.object) else {
            let error = record.error.flatMap(Self.object) ?? Self.orphanErrorObject
            if record.status == .cancelled { throw .invalidParams("Task \(record.id) was cancelled") }
            throw JSONRPCError(
                code: error["code"]?.intValue ?? JSONRPCError.internalErrorCode,
                message: error["message"]?.stringValue ?? "Internal error", data: error["data"])
        }
        var meta = result["_meta"]?.objectValue ?? [:]
        meta["io.modelcontextprotocol/related-task"] = ["taskId": .string(record.id)]
        result["_meta"] = .object(meta)
        return result
    }

    /// 2025-11-25 `tasks/list`: the caller's tasks, oldest first, a page at a time.
    private func listTasks(
        _ params: JSONObject, routed: RoutedRequest, store: any TaskStore
    ) async throws(JSONRPCError) -> Reply {
        var cursor: TaskCursor?
        switch params["cursor"] {
        case .none, .some(.null): break
        case .some(.string(let text)):
            guard let decoded = TaskCursor(encoded: text) else { throw .invalidParams("invalid or expired cursor") }
            cursor = decoded
        default: throw .invalidParams("cursor must be a string")
        }
        let limit = max(1, configuration.pageSize)
        let page = try await storeCall {
            try await store.tasks(principal: routed.principal, after: cursor, limit: limit + 1, now: TaskRunner.now)
        }
        var result: JSONObject = [
            "tasks": .array(page.prefix(limit).map { .object(taskFields($0, era: routed.era)) })
        ]
        if page.count > limit, let last = page.prefix(limit).last {
            result.append("nextCursor", .string(TaskCursor(createdAt: last.createdAt, id: last.id).encoded))
        }
        return Reply(bytes: JSONRPCEncoding.result(id: routed.message.id, result: result))
    }
}
