import Foundation
import InteropSupport
import Logging
import MCPCore
import MCPStore
import MCPTesting
import Synchronization
import Testing

/// Gates the test tools wait on, by name, so each test controls its own tool's pace.
final class Gates: Sendable {
    static let shared = Gates()
    private let opened = Mutex<Set<String>>([])
    private let stopped = Mutex<Set<String>>([])

    func open(_ name: String) { _ = opened.withLock { $0.insert(name) } }

    /// Waits until `name` opens; throws CancellationError when the task is cancelled first.
    func wait(_ name: String) async throws {
        while !opened.withLock({ $0.contains(name) }) { try await Task.sleep(for: .milliseconds(5)) }
    }

    func markStopped(_ name: String) { _ = stopped.withLock { $0.insert(name) } }

    func wasStopped(_ name: String) -> Bool { stopped.withLock { $0.contains(name) } }
}

@Catalogue
struct TaskTools {
    /// Reports progress, waits for its gate, then answers.
    @Tool(task: .optional)
    static func gated(gate: String, context: HandlerContext) async throws -> String {
        await context.reportProgress(1, total: 2, message: "step 1 of 2")
        do {
            try await Gates.shared.wait(gate)
        } catch {
            Gates.shared.markStopped(gate)
            throw error
        }
        await context.reportProgress(2, total: 2)
        return "opened \(gate)"
    }

    /// Only as a task.
    @Tool(task: .required)
    static func only_task(context: HandlerContext) async throws -> String { "done" }

    /// Never a task.
    @Tool static func plain() async -> String { "plain" }

    /// Fails as a tool.
    @Tool(task: .optional)
    static func broken() async throws -> String { throw ToolError("it broke") }
}

@Suite("Tasks in both eras, on a SQLite store")
struct TaskTests {
    let scratch: ScratchFolder
    let path: String

    init() throws {
        scratch = try ScratchFolder("mcp-task-test")
        path = scratch.file("tasks.sqlite3")
    }

    /// A server on the shared store file: call it twice for two workers of one server.
    func router(perPrincipal: Int = 100) throws -> MessageRouter {
        var configuration = TaskConfiguration()
        configuration.perPrincipal = perPrincipal
        configuration.resultWaitInterval = .milliseconds(10)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = TaskRunner(store: try SQLiteTaskStore(path: path), configuration: configuration, logger: logger)
        let server = MCPServer(
            registry: try Registry(catalogues: [TaskTools()]),
            configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0")), tasks: runner)
        return MessageRouter(server: server)
    }

    static let eras: [MCPTestClient.Mode] = [.modern, .handshake(.v2025_11_25)]

    @Test(arguments: eras)
    func aTaskRunsWithProgressAndItsResultIsFetched(_ mode: MCPTestClient.Mode) async throws {
        let client = MCPTestClient(router: try router(), mode: mode)
        let gate = UUID().uuidString
        let created = try await client.startTask("gated", ["gate": .string(gate)])
        let id = try #require(created["taskId"]?.stringValue)
        #expect(created["status"] == "working")
        #expect(id.utf8.count >= 22)
        if case .modern = mode {
            #expect(created["ttlMs"] == 3_600_000 && created["pollIntervalMs"] == 1000)
        } else {
            #expect(created["ttl"] == 3_600_000 && created["pollInterval"] == 1000)
        }
        // Durable before the answer (TASK-3), and its progress lands in the task.
        var task = try await client.task(id)
        while task["statusMessage"] != "step 1 of 2" {
            try await Task.sleep(for: .milliseconds(5))
            task = try await client.task(id)
        }
        #expect(task["status"] == "working")
        Gates.shared.open(gate)
        let finished = try await client.waitForTask(id)
        #expect(finished["status"] == "completed")
        let result = try await client.taskResult(id)
        #expect(result.text == "opened \(gate)" && !result.isError)
    }

    @Test(arguments: eras)
    func aCancelledTaskStopsItsWork(_ mode: MCPTestClient.Mode) async throws {
        let client = MCPTestClient(router: try router(), mode: mode)
        let gate = UUID().uuidString
        let id = try #require(try await client.startTask("gated", ["gate": .string(gate)])["taskId"]?.stringValue)
        let answer = try await client.cancelTask(id)
        if case .modern = mode {
            #expect(answer == ["resultType": "complete"])
        } else {
            #expect(answer["status"] == "cancelled")
            // A terminal task cannot be cancelled again (2025-11-25).
            await #expect(throws: JSONRPCError.self) { try await client.cancelTask(id) }
        }
        #expect(try await client.task(id)["status"] == "cancelled")
        while !Gates.shared.wasStopped(gate) { try await Task.sleep(for: .milliseconds(5)) }
        // It stays cancelled even though the work ended.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await client.task(id)["status"] == "cancelled")
    }

    @Test func aCancelServedByAnotherWorkerStopsTheWorkAtItsNextRenewal() async throws {
        let first = try router()
        let second = try router()
        let gate = UUID().uuidString
        let id = try #require(
            try await MCPTestClient(router: first).startTask("gated", ["gate": .string(gate)])["taskId"]?.stringValue)
        try await MCPTestClient(router: second).cancelTask(id)
        #expect(!Gates.shared.wasStopped(gate))
        await first.server.tasks?.maintain()
        while !Gates.shared.wasStopped(gate) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await MCPTestClient(router: first).task(id)["status"] == "cancelled")
    }

    @Test(arguments: eras)
    func aTaskOfAnotherPrincipalIsUnknown(_ mode: MCPTestClient.Mode) async throws {
        let router = try router()
        let alice = MCPTestClient(router: router, mode: mode, principal: "alice")
        let bob = MCPTestClient(router: router, mode: mode, principal: "bob")
        let gate = UUID().uuidString
        let id = try #require(try await alice.startTask("gated", ["gate": .string(gate)])["taskId"]?.stringValue)
        await #expect(throws: JSONRPCError.self) { try await bob.task(id) }
        if case .modern = mode {
            // Acknowledged as for any id, and without effect (SEP-2663).
            #expect(try await bob.cancelTask(id) == ["resultType": "complete"])
        } else {
            let error = await #expect(throws: JSONRPCError.self) { try await bob.cancelTask(id) }
            #expect(error?.code == JSONRPCError.invalidParamsCode)
            let listed = try await bob.result("tasks/list")["tasks"]?.arrayValue
            #expect(listed?.isEmpty == true)
            #expect(try await alice.result("tasks/list")["tasks"]?.arrayValue?.count == 1)
        }
        #expect(try await alice.task(id)["status"] == "working")
        Gates.shared.open(gate)
    }

    @Test func theCapPerPrincipalRefusesTheNextTask() async throws {
        let router = try router(perPrincipal: 2)
        let client = MCPTestClient(router: router)
        let gate = UUID().uuidString
        let first = try await client.startTask("gated", ["gate": .string(gate)])
        _ = try await client.startTask("gated", ["gate": .string(gate)])
        let error = await #expect(throws: JSONRPCError.self) {
            try await client.startTask("gated", ["gate": .string(gate)])
        }
        // A quota of this caller, not a server fault: its own code, the limit and when to retry.
        #expect(error?.code == JSONRPCError.tooManyTasksCode)
        #expect(error?.data?["limit"] == 2 && error?.data?["retryAfterSeconds"] == 1)
        // Another principal has its own allowance.
        _ = try await MCPTestClient(router: router, principal: "other").startTask("gated", ["gate": .string(gate)])
        Gates.shared.open(gate)
        _ = try await client.waitForTask(try #require(first["taskId"]?.stringValue))
        while router.server.tasks?.runningCount ?? 0 > 0 { try await Task.sleep(for: .milliseconds(5)) }
        _ = try await client.startTask("gated", ["gate": .string(gate)])
    }

    @Test func modernRulesFollowTheExtension() async throws {
        let client = MCPTestClient(router: try router())
        // A task-only tool without the extension: -32021 naming it (TASK-2).
        let required = await #expect(throws: JSONRPCError.self) {
            try await client.result("tools/call", ["name": "only_task"])
        }
        #expect(required?.code == JSONRPCError.missingRequiredClientCapabilityCode)
        #expect(required?.data?["requiredCapabilities"]?["extensions"]?[MCPServer.tasksExtension] == [:])
        // tasks/* without the extension: -32021 (TASK-7).
        let get = await #expect(throws: JSONRPCError.self) { try await client.result("tasks/get", ["taskId": "x"]) }
        #expect(get?.code == JSONRPCError.missingRequiredClientCapabilityCode)
        // An optional tool without the extension runs at once, as an ordinary call.
        let open = UUID().uuidString
        Gates.shared.open(open)
        #expect(try await client.callTool("gated", ["gate": .string(open)]).text == "opened \(open)")
        // Unknown task: -32602; update acknowledged; tasks/result and tasks/list are gone (-32601).
        let caps = MCPTestClient.tasksCapabilities
        let unknown = await #expect(throws: JSONRPCError.self) {
            try await client.result("tasks/get", ["taskId": "nope"], capabilities: caps)
        }
        #expect(unknown?.code == JSONRPCError.invalidParamsCode)
        #expect(
            try await client.result("tasks/update", ["taskId": "nope", "inputResponses": [:]], capabilities: caps)
                == ["resultType": "complete"])
        for method in ["tasks/result", "tasks/list"] {
            let gone = await #expect(throws: JSONRPCError.self) {
                try await client.result(method, ["taskId": "nope"], capabilities: caps)
            }
            #expect(gone?.code == JSONRPCError.methodNotFoundCode)
        }
        // A tool error is a `completed` task whose result says isError (TASK-4).
        let broken = try #require(try await client.startTask("broken")["taskId"]?.stringValue)
        let task = try await client.waitForTask(broken)
        #expect(task["status"] == "completed" && task["result"]?["isError"] == true)
        // Discover declares the extension (TASK-1).
        let discover = try await client.result("server/discover")
        #expect(discover["capabilities"]?["extensions"]?[MCPServer.tasksExtension] == [:])
    }

    @Test func handshakeRulesFollow20251125() async throws {
        let client = MCPTestClient(router: try router(), mode: .handshake(.v2025_11_25))
        let tools = try await client.listTools()
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(byName["gated"]?["execution"] == ["taskSupport": "optional"])
        #expect(byName["only_task"]?["execution"] == ["taskSupport": "required"])
        #expect(byName["plain"]?["execution"] == nil)
        let withoutTask = await #expect(throws: JSONRPCError.self) { try await client.callTool("only_task") }
        #expect(withoutTask?.code == JSONRPCError.methodNotFoundCode)
        let notATask = await #expect(throws: JSONRPCError.self) { try await client.startTask("plain") }
        #expect(notATask?.code == JSONRPCError.methodNotFoundCode)
        // A tool error fails the task in 2025-11-25; tasks/result still returns the tool's result.
        let broken = try #require(try await client.startTask("broken", ttlMilliseconds: 60_000)["taskId"]?.stringValue)
        let task = try await client.waitForTask(broken)
        #expect(task["status"] == "failed" && task["ttl"] == 60_000)
        let result = try await client.result("tasks/result", ["taskId": .string(broken)])
        #expect(result["isError"] == true)
        #expect(result["_meta"]?["io.modelcontextprotocol/related-task"]?["taskId"] == .string(broken))
        let unknown = await #expect(throws: JSONRPCError.self) {
            try await client.result("tasks/result", ["taskId": "x"])
        }
        #expect(unknown?.code == JSONRPCError.invalidParamsCode)
    }

    @Test func earlierRevisionsRunTaskToolsAsOrdinaryCalls() async throws {
        let client = MCPTestClient(router: try router(), mode: .handshake(.v2025_06_18))
        #expect(try await client.callTool("only_task").text == "done")
        #expect(try await client.listTools().allSatisfy { $0["execution"] == nil })
        let error = await #expect(throws: JSONRPCError.self) { try await client.result("tasks/get", ["taskId": "x"]) }
        #expect(error?.code == JSONRPCError.methodNotFoundCode)
    }

    @Test func aTaskWhoseWorkerDiedIsFailedByAnyWorker() async throws {
        let store = try SQLiteTaskStore(path: path)
        // A row as a worker that was killed leaves it: working, its lease in the past.
        let now = Date().timeIntervalSince1970
        _ = try await store.create(
            TaskRecord(
                id: "killed", principal: "", tool: "gated", createdAt: now - 60, expiresAt: now + 3600,
                pollIntervalMilliseconds: 1000, owner: "gone:1:x", leaseUntil: now - 1),
            activeLimit: 10)
        let router = try router()
        await router.server.tasks?.maintain()
        let task = try await MCPTestClient(router: router).task("killed")
        #expect(task["status"] == "failed")
        #expect(task["error"]?["code"] == .int(JSONRPCError.internalErrorCode))
    }

    @Test func aDrainFailsWhatIsStillRunningAtTheDeadline() async throws {
        let router = try router()
        let client = MCPTestClient(router: router)
        let gate = UUID().uuidString
        let id = try #require(try await client.startTask("gated", ["gate": .string(gate)])["taskId"]?.stringValue)
        await router.server.tasks?.drain(deadline: .now)
        let task = try await client.task(id)
        #expect(task["status"] == "failed")
        while !Gates.shared.wasStopped(gate) { try await Task.sleep(for: .milliseconds(5)) }
    }
}
