import ExampleServer
import Foundation
import Logging
import MCPCore
import MCPStore
import MCPTesting
import Testing

/// `generate_report`: an ordinary call for clients without tasks, a task with progress for
/// those that take one.
@Suite("Report tool")
struct ReportToolsTests {
    @Test func anOrdinaryCallWritesEverySection() async throws {
        let client = try MCPTestClient(catalogues: [ReportTools()])
        let result = try await client.callTool(
            "generate_report", ["topic": "Swift", "sections": 3, "section_ms": 0], progressToken: "p")
        #expect(!result.isError)
        #expect(result.structuredContent?["sections"]?.arrayValue?.count == 3)
        #expect(result.text?.contains("## 3. Conclusions of Swift") == true)
        let progress = client.notifications.compactMap { $0["params"]?["progress"]?.doubleValue }
        #expect(progress == [1, 2, 3])
    }

    @Test func badArgumentsAreToolErrors() async throws {
        let client = try MCPTestClient(catalogues: [ReportTools()])
        #expect(try await client.callTool("generate_report", ["topic": " ", "sections": 2]).isError)
        #expect(try await client.callTool("generate_report", ["topic": "x", "sections": 51]).isError)
        #expect(try await client.callTool("generate_report", ["topic": "x", "section_ms": -1]).isError)
    }

    @Test(arguments: [MCPTestClient.Mode.modern, .handshake(.v2025_11_25)])
    func asATaskItsProgressLandsInTheTask(_ mode: MCPTestClient.Mode) async throws {
        let folder = NSTemporaryDirectory() + "mcp-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = TaskRunner(store: try SQLiteTaskStore(path: folder + "/tasks.sqlite3"), logger: logger)
        let server = MCPServer(
            registry: try Registry(catalogues: [ReportTools()]),
            configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0")), tasks: runner)
        let client = MCPTestClient(server: server, mode: mode)
        let task = try await client.startTask("generate_report", ["topic": "Tasks", "sections": 2, "section_ms": 0])
        let id = try #require(task["taskId"]?.stringValue)
        let finished = try await client.waitForTask(id)
        #expect(finished["status"] == "completed")
        #expect(finished["statusMessage"] == "The task completed.")
        let result = try await client.taskResult(id)
        #expect(result.text?.contains("## 2. Conclusions of Tasks") == true)
    }
}
