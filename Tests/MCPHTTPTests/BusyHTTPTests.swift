import Foundation
import MCPCore
import MCPHTTP
import MCPTesting
import Testing

/// Slow synchronous tools run on bounded threads; beyond them and their queue a call is
/// answered "busy, retry" at once: JSON-RPC -32010, HTTP 503 with Retry-After (MCP and REST).
@Suite("HTTP busy answers")
struct BusyHTTPTests {
    @Test func aCallBeyondTheToolThreadsAndQueueIs503WithRetryAfter() async throws {
        let pool = BlockingWork(threads: 1, queueLimit: 0, inlineLimit: 0)
        try await withServer(server: { $0.blockingWork = pool }) { server in
            // Three megabytes of words keep the only thread busy for a while.
            let text = String(repeating: "busy words here. ", count: 180_000)
            let heavy = Task {
                try await server.client.send(
                    headers: Modern.headers("tools/call", name: "text_statistics"),
                    json: Modern.body("tools/call", #"{"name":"text_statistics","arguments":{"text":"\#(text)"}}"#))
            }
            while pool.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
            // Another heavy call: no thread, no place in the queue.
            let busy = try await server.client.send(
                headers: Modern.headers("tools/call", name: "text_statistics"),
                json: Modern.body("tools/call", #"{"name":"text_statistics","arguments":{"text":"\#(text)"}}"#))
            #expect(busy.status == 503)
            #expect(busy.header("retry-after") == "1")
            #expect(busy.json?["error"]?["code"] == .int(JSONRPCError.serverBusyCode))
            let rest = try await server.client.send(
                "POST", "/api/v1/tools/text_statistics", headers: [("Content-Type", "application/json")],
                body: Array(#"{"text":"\#(text)"}"#.utf8))
            #expect(rest.status == 503 && rest.header("retry-after") == "1")
            #expect(try await heavy.value.status == 200)
            // The thread is free again as soon as the first call is answered.
            let after = try await server.client.send(
                headers: Modern.headers("tools/call", name: "text_statistics"),
                json: Modern.body("tools/call", #"{"name":"text_statistics","arguments":{"text":"\#(text)"}}"#))
            #expect(after.status == 200)
        }
    }
}
