import Foundation
import InteropSupport
import MCPCore
import MCPTesting
import Testing

/// `Examples/MinimalServer`: a whole server in a few lines runs in every mode the example
/// server runs in, because the runtime is a library.
@Suite("Minimal server")
struct MinimalServerTests {
    let binary = BuiltProducts.binary("minimal-server")

    func greet(_ client: HTTPTestClient, _ name: String) async throws -> HTTPTestResponse {
        try await client.send(
            headers: [
                ("Accept", "application/json, text/event-stream"), ("MCP-Protocol-Version", "2026-07-28"),
                ("Mcp-Method", "tools/call"), ("Mcp-Name", "greet"),
            ],
            json:
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{"name":"\#(name)"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        )
    }

    func waitUntilHealthy(_ server: ServerProcess) async throws -> HTTPTestClient {
        let client = HTTPTestClient(port: server.port)
        for _ in 0..<300 {
            if let health = try? await client.send("GET", "/health"), health.status == 200 { return client }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no /health answer: \(server.log)")
        return client
    }

    @Test func mainIsAFewLines() throws {
        let source = try String(
            contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Examples/MinimalServer/MinimalServer.swift"),
            encoding: .utf8)
        #expect(source.split(separator: "\n").count <= 15)
    }

    @Test func servesOnStdio() async throws {
        let server = try StdioProcess(binary: binary)
        defer { server.stop() }
        server.send(modern(1, "tools/call", #"{"name":"greet","arguments":{"name":"Ada"}}"#))
        let answer = try #require(try await server.response(id: 1))
        #expect(answer["result"]?["content"]?.arrayValue?.first?["text"] == "Hello, Ada!")
        server.send(initializeLine)
        #expect(try await server.response(id: 0)?["result"]?["protocolVersion"] == "2025-11-25")
        server.closeInput()
        #expect(try await server.waitForExit() == 0)
    }

    @Test func servesHTTPInOneProcess() async throws {
        let server = try ServerProcess(binary: binary)
        defer { server.stop() }
        let client = try await waitUntilHealthy(server)
        let answer = try await greet(client, "Grace")
        #expect(answer.json?["result"]?["content"]?.arrayValue?.first?["text"] == "Hello, Grace!")
        #expect(try await server.terminate() == 0)
    }

    @Test func runsWorkersThatRecycle() async throws {
        let server = try ServerProcess(
            binary: binary, arguments: ["--workers", "2"],
            environment: ["MAX_REQUESTS": "25", "MAX_REQUESTS_JITTER": "0", "LOG_LEVEL": "warning"])
        defer { server.stop() }
        let client = try await waitUntilHealthy(server)
        var pids: Set<Int> = []
        var failed = 0
        for index in 0..<150 {
            let answer = try await greet(client, "w\(index)")
            if answer.json?["result"]?["content"]?.arrayValue?.first?["text"] != .string("Hello, w\(index)!") {
                failed += 1
            }
            if let pid = try await client.send("GET", "/health").json?["pid"]?.intValue { pids.insert(pid) }
        }
        #expect(failed == 0, "no request fails across recycles")
        #expect(pids.count > 2, "workers were replaced at their quota: \(pids)")
        #expect(try await server.terminate() == 0)
    }

    /// With `TASKS_ON_EVENT_LOOPS` workers run Swift's tasks on their event loops, NIO's shared
    /// group sized by `WORKER_THREADS`: one event-loop thread each here, and the answers are
    /// right; without it (the default) they say `pool` and still answer.
    @Test(arguments: [true, false])
    func runsTasksOnTheEventLoops(_ onLoops: Bool) async throws {
        let server = try ServerProcess(
            binary: binary, arguments: ["--workers", "2"],
            environment: [
                "TASKS_ON_EVENT_LOOPS": "\(onLoops)", "WORKER_THREADS": "1", "LOG_FORMAT": "json", "MAX_REQUESTS": "0",
            ])
        defer { server.stop() }
        let client = try await waitUntilHealthy(server)
        var pids: Set<Int> = []
        for index in 0..<20 {
            let answer = try await greet(client, "t\(index)")
            #expect(answer.json?["result"]?["content"]?.arrayValue?.first?["text"] == .string("Hello, t\(index)!"))
            if let pid = try await client.send("GET", "/health").json?["pid"]?.intValue { pids.insert(pid) }
        }
        let mode = onLoops ? "event-loops" : "pool"
        let serving = server.log.split(separator: "\n").filter { $0.contains("serving MCP over HTTP") }
        #expect(serving.count == 2 && serving.allSatisfy { $0.contains(#""tasks":"\#(mode)""#) }, "\(serving)")
        #if os(Linux)
            for pid in pids {
                // Threads started from an event loop inherit its name: count the names, not the threads.
                let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
                let names = try Set(
                    threads.map { try String(contentsOfFile: "/proc/\(pid)/task/\($0)/comm", encoding: .utf8) })
                let loops = names.filter { $0.hasPrefix("NIO-") }
                #expect(loops.count == 1, "worker \(pid) runs one event-loop thread (WORKER_THREADS=1): \(loops)")
            }
        #endif
        #expect(try await server.terminate() == 0)
    }
}
