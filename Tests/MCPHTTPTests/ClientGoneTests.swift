import MCPCore
import MCPHTTP
import MCPTesting
import NIOHTTP1
import Testing

/// What the server does when a client goes away or speaks out of turn inside a session.
@Suite("HTTP, clients that leave")
struct ClientGoneTests {
    /// Starts a request, drops the connection after `after`, and returns how long the server
    /// still served it (nil: more than two seconds).
    func servedAfterTheClientLeft(
        _ server: HTTPHarness, headers: [(String, String)], body: String, after: Duration = .milliseconds(300)
    ) async throws -> Duration? {
        let stream = try await server.client.stream(
            "POST", "/mcp", headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
        let reader = Task { for try await _ in stream {} }
        for _ in 0..<500 where server.service.status.inFlight == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.service.status.inFlight == 1, "the call is running")
        try await Task.sleep(for: after)
        reader.cancel()  // closes the connection
        let left = ContinuousClock.now
        while ContinuousClock.now - left < .seconds(2) {
            if server.service.status.inFlight == 0 { return ContinuousClock.now - left }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func aModernRequestIsCancelledWhenItsClientLeavesBeforeAJSONAnswer() async throws {
        try await withServer(demoTools: true) { server in
            let stopped = try await servedAfterTheClientLeft(
                server, headers: Modern.headers("tools/call", name: "long_task"),
                body: Modern.body("tools/call", #"{"name":"long_task","arguments":{"steps":50,"step_ms":100}}"#))
            let after = try #require(stopped, "the tool ran on after its client left")
            #expect(after < .seconds(1))
        }
    }

    @Test func aModernStreamIsCancelledWhenItsClientLeavesBeforeTheFirstEvent() async throws {
        try await withServer(demoTools: true) { server in
            // The first progress event comes after the first 3-second step: the client leaves before it.
            let stopped = try await servedAfterTheClientLeft(
                server, headers: Modern.headers("tools/call", name: "long_task"),
                body: Modern.body(
                    "tools/call", #"{"name":"long_task","arguments":{"steps":3,"step_ms":3000}}"#,
                    meta: #","progressToken":"p""#))
            let after = try #require(stopped, "the tool ran on after its client left")
            #expect(after < .seconds(1))
        }
    }

    @Test func aHandshakeEraRequestRunsOnWhenItsClientLeaves() async throws {
        try await withServer(demoTools: true) { server in
            // HTTP-L-10: dropping the stream is not a cancellation in the handshake era.
            let stopped = try await servedAfterTheClientLeft(
                server, headers: [accept],
                body:
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"long_task","arguments":{"steps":2,"step_ms":1500}}}"#
            )
            #expect(stopped == nil || stopped! > .seconds(1))
        }
    }

    @Test func versionHeaderErrorsInsideASessionCarryTheRequestID() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let initialized = try await server.client.send(headers: [accept], json: initializeBody)
            let id = try #require(initialized.header("mcp-session-id"))
            for (header, code) in [("2026-07-28", -32022), ("1999-01-01", -32022), ("2025-06-18", -32600)] {
                let answer = try await server.client.send(
                    headers: [accept, ("Mcp-Session-Id", id), ("MCP-Protocol-Version", header)],
                    json: #"{"jsonrpc":"2.0","id":42,"method":"tools/list"}"#)
                #expect(answer.status == 400, "\(header)")
                #expect(answer.json?["id"] == 42, "\(header)")
                #expect(answer.json?["error"]?["code"] == .int(code), "\(header)")
                if code == -32022 {
                    #expect(answer.json?["error"]?["data"]?["supported"] == ["2025-11-25"], "the session's version")
                }
            }
        }
    }

    @Test func aSessionsGETStreamIsReleasedAsSoonAsItsClientLeaves() async throws {
        // Keep-alives far apart: the release must not wait for a failed write.
        try await withServer({
            $0.statelessHTTP = false
            $0.sseKeepAliveInterval = 30
        }) { server in
            let initialized = try await server.client.send(headers: [accept], json: initializeBody)
            let id = try #require(initialized.header("mcp-session-id"))
            let headers = [("Accept", "text/event-stream"), ("Mcp-Session-Id", id)]
            let client = server.client
            /// The status a new GET stream gets; the stream stays open until `holder` is cancelled.
            func open() async throws -> (status: Int, holder: Task<Void, any Error>) {
                let stream = try await client.stream("GET", "/mcp", headers: headers)
                let (statuses, gotStatus) = AsyncStream.makeStream(of: Int.self)
                let holder = Task {
                    for try await part in stream {
                        if case .head(let head) = part { gotStatus.yield(Int(head.status.code)) }
                    }
                }
                for await status in statuses { return (status, holder) }
                return (0, holder)
            }
            let (status, first) = try await open()
            #expect(status == 200)
            let (conflict, second) = try await open()
            #expect(conflict == 409, "one GET stream per session")
            second.cancel()
            first.cancel()  // the client goes away
            var reopened = 0
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(20))
                let (again, holder) = try await open()
                holder.cancel()
                if again == 200 {
                    reopened += 1
                    break
                }
            }
            #expect(reopened == 1, "the slot is free within a second, not after a keep-alive timeout")
        }
    }
}
