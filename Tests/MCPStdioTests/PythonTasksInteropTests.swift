import Foundation
import InteropSupport
import Testing

/// Tasks through the official Python SDK client (mcp 2.3.0) against the real binary, in both
/// eras, over stdio and over HTTP: one report polled to completion with progress and fetched,
/// another cancelled (Tests/Interop/tasks_client.py).
@Suite(
    "Python SDK client: tasks", .serialized,
    .enabled(if: BuiltProducts.pythonInteropEnabled, "needs MCP_PYTHON (a python with mcp 2.3.0)"))
struct PythonTasksInteropTests {
    func expectPassed(_ status: Int32, _ text: String) {
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(status == 0, "\(failures.joined(separator: "\n"))\n\(text.suffix(2000))")
        #expect(text.contains("all tasks checks passed"))
    }

    @Test(arguments: ["stdio-modern", "stdio-legacy"])
    func overStdio(_ mode: String) async throws {
        let workspace = NSTemporaryDirectory() + "mcp-py-tasks-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let (status, text) = try await BuiltProducts.runPython(
            "tasks_client.py",
            [
                mode, BuiltProducts.serverBinary, "--transport", "stdio", "--workspace", workspace, "--env-file",
                "/dev/null",
            ])
        expectPassed(status, text)
    }

    @Test(arguments: ["http-modern", "http-legacy"])
    func overHTTP(_ mode: String) async throws {
        let workspace = NSTemporaryDirectory() + "mcp-py-tasks-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let server = try ServerProcess(
            binary: BuiltProducts.serverBinary, arguments: ["--workspace", workspace],
            environment: ["LOG_LEVEL": "warning"])
        defer { server.stop() }
        try await server.waitUntilListening()
        let url = "http://127.0.0.1:\(server.port)/mcp"
        let (status, text) = try await BuiltProducts.runPython("tasks_client.py", [mode, url])
        expectPassed(status, "\(text)\n\(server.log.suffix(1500))")
        #expect(try await server.terminate() == 0)
    }
}
