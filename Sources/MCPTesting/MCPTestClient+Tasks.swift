public import MCPCore

extension MCPTestClient {
    /// The client capabilities that declare the 2026-07-28 tasks extension.
    public static let tasksCapabilities: JSONObject = ["extensions": [MCPServer.tasksExtension: [:]]]

    /// Calls `name` as a task and returns the task the server created (`CreateTaskResult`'s
    /// task fields): 2026-07-28 declares the tasks extension, the handshake era sends
    /// `params.task` (with `ttl` in milliseconds when given).
    ///
    /// - Throws: the JSON-RPC error the call got; ``JSONRPCError`` `-32603` when the server
    ///   answered with an ordinary result instead of a task.
    public func startTask(
        _ name: String, _ arguments: JSONObject = [:], ttlMilliseconds: Int? = nil
    ) async throws -> JSONObject {
        var params: JSONObject = ["name": .string(name), "arguments": .object(arguments)]
        let created: JSONValue?
        if case .modern = mode {
            created = try await result("tools/call", params, capabilities: Self.tasksCapabilities)
            guard created?["resultType"] == "task" else { throw Self.notATask }
        } else {
            params["task"] = .object(ttlMilliseconds.map { ["ttl": .int($0)] } ?? [:])
            created = try await result("tools/call", params)["task"]
        }
        guard let task = created?.objectValue, task["taskId"]?.stringValue != nil else { throw Self.notATask }
        return task
    }

    private static let notATask = JSONRPCError(
        code: JSONRPCError.internalErrorCode, message: "the server answered with no task")

    /// `tasks/get`: the task's current state (2026-07-28: with `result` or `error` once terminal).
    public func task(_ id: String) async throws -> JSONObject {
        try await result("tasks/get", ["taskId": .string(id)], capabilities: tasksCapabilitiesForMode)
            .objectValue ?? [:]
    }

    /// `tasks/cancel`: 2026-07-28 answers an empty acknowledgement, 2025-11-25 the task.
    @discardableResult
    public func cancelTask(_ id: String) async throws -> JSONObject {
        try await result("tasks/cancel", ["taskId": .string(id)], capabilities: tasksCapabilitiesForMode)
            .objectValue ?? [:]
    }

    /// Polls `tasks/get` until the task is terminal (`completed`, `failed`, `cancelled`) and
    /// returns it, sleeping `interval` between polls. `maximumPolls` only keeps a broken server
    /// from hanging a test; it is no measure of speed.
    public func waitForTask(
        _ id: String, interval: Duration = .milliseconds(20), maximumPolls: Int = 3000
    ) async throws -> JSONObject {
        for _ in 0..<maximumPolls {
            let task = try await task(id)
            if let status = task["status"]?.stringValue, ["completed", "failed", "cancelled"].contains(status) {
                return task
            }
            try await Task.sleep(for: interval)
        }
        throw JSONRPCError(code: JSONRPCError.internalErrorCode, message: "task \(id) never finished")
    }

    /// The finished task's `CallToolResult`: from `tasks/get` in 2026-07-28, from `tasks/result`
    /// (which waits for the end) in the handshake era.
    public func taskResult(_ id: String) async throws -> CallToolResult {
        if case .modern = mode {
            let task = try await waitForTask(id)
            guard let result = task["result"] else {
                throw JSONRPCError(json: task["error"] ?? ["code": -32603, "message": "task has no result"])
            }
            return try CallToolResult(json: result)
        }
        return try CallToolResult(json: try await result("tasks/result", ["taskId": .string(id)]))
    }

    private var tasksCapabilitiesForMode: JSONObject {
        if case .modern = mode { return Self.tasksCapabilities }
        return [:]
    }
}
