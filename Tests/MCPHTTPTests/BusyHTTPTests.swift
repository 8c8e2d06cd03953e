import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import MCPCore
import MCPHTTP
import MCPTesting
import Testing

/// Slow synchronous tools run on bounded threads; beyond them and their queue a call is
/// answered "busy, retry" at once: JSON-RPC -32010, HTTP 503 with Retry-After (MCP and REST).
/// A caller at its task quota is told so as a quota: -32011, HTTP 429 with Retry-After.
@Suite("HTTP busy answers")
struct BusyHTTPTests {
    @Test func aCallBeyondTheToolThreadsAndQueueIs503WithRetryAfter() async throws {
        let pool = BlockingWork(threads: 1, queueLimit: 0, inlineLimit: 0)
        try await withServer(server: { $0.blockingWork = pool }) { server in
            // The only thread waits at a gate the test opens, so it is busy for exactly as long
            // as the test needs (work of some length could finish early on a fast machine).
            let gate = DispatchSemaphore(value: 0)
            let holder = Task { try await pool.run { gate.wait() } }
            while pool.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
            // Arguments over 16 KiB make a call heavy: only those are refused rather than queued.
            let text = String(repeating: "busy words here. ", count: 1_500)
            let call = #"{"name":"text_statistics","arguments":{"text":"\#(text)"}}"#
            // No thread, no place in the queue: busy at once.
            let busy = try await server.client.send(
                headers: Modern.headers("tools/call", name: "text_statistics"), json: Modern.body("tools/call", call))
            #expect(busy.status == 503)
            #expect(busy.header("retry-after") == "1")
            #expect(busy.json?["error"]?["code"] == .int(JSONRPCError.serverBusyCode))
            let rest = try await server.client.send(
                "POST", "/api/v1/tools/text_statistics", headers: [("Content-Type", "application/json")],
                body: Array(#"{"text":"\#(text)"}"#.utf8))
            #expect(rest.status == 503 && rest.header("retry-after") == "1")
            // The thread is free again as soon as its work returns.
            gate.signal()
            try await holder.value
            let after = try await server.client.send(
                headers: Modern.headers("tools/call", name: "text_statistics"), json: Modern.body("tools/call", call))
            #expect(after.status == 200)
        }
    }

    @Test func aCallersTaskQuotaIs429WithRetryAfterNotAServerFault() {
        let response = HTTPMessages.error(.tooManyTasks(limit: 3), id: .int(4))
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[.retryAfter] == "1")
        // Not the 200 that carries -32603, the answer of a server fault.
        #expect(HTTPStatusMapping.status(forErrorCode: JSONRPCError.internalErrorCode) == .ok)
    }
}
