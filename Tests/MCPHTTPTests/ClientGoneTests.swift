import MCPCore
import MCPHTTP
import MCPTesting
import NIOHTTP1
import Synchronization
import Testing

/// A tool that waits until cancelled, and says when it was.
@Catalogue
struct Sleeper {
    static let cancelled = Mutex(0)

    /// Waits unless cancelled.
    /// - Parameter seconds: How long.
    @Tool static func sleep(seconds: Int = 60, context: HandlerContext) async throws -> String {
        try await nap(seconds: seconds)
    }

    /// Reads after a long wait, unless cancelled.
    @Resource("sleep://resource", mimeType: "text/plain")
    static func slowResource() async throws -> String { try await nap(seconds: 60) }

    /// Renders after a long wait, unless cancelled.
    @Prompt static func slowPrompt() async throws -> String { try await nap(seconds: 60) }

    static func nap(seconds: Int) async throws -> String {
        do {
            try await Task.sleep(for: .seconds(seconds))
        } catch {
            cancelled.withLock { $0 += 1 }
            throw error
        }
        return "woke"
    }
}

/// What the server does when a client goes away or speaks out of turn inside a session. How
/// fast it notices is measured by Tests/Process (no clock in a unit test): here, whether.
@Suite("HTTP, clients that leave", .serialized)
struct ClientGoneTests {
    /// Starts a call of the sleeper, waits until it runs, and drops the connection; returns
    /// whether the server cancelled it (waiting up to `patience` for that to happen).
    func cancelledAfterTheClientLeft(
        _ server: HTTPHarness, headers: [(String, String)], body: String, patience: Duration = .seconds(20)
    ) async throws -> Bool {
        let before = Sleeper.cancelled.withLock { $0 }
        let stream = try await server.client.stream(
            "POST", "/mcp", headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
        let reader = Task { for try await _ in stream {} }
        for _ in 0..<1000 where server.service.status.inFlight == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.service.status.inFlight == 1, "the call is running")
        reader.cancel()  // closes the connection
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            if Sleeper.cancelled.withLock({ $0 }) > before { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func aModernRequestIsCancelledWhenItsClientLeavesBeforeAJSONAnswer() async throws {
        try await withServer(catalogues: [Sleeper()]) { server in
            let cancelled = try await cancelledAfterTheClientLeft(
                server, headers: Modern.headers("tools/call", name: "sleep"),
                body: Modern.body("tools/call", #"{"name":"sleep","arguments":{}}"#))
            #expect(cancelled)
        }
    }

    /// Resource reads and prompt renders by `async` functions are watched like `async` tools
    /// (synchronous ones are not: they cannot stop half-way).
    @Test func anAsyncReadOrRenderIsCancelledWhenItsClientLeaves() async throws {
        try await withServer(catalogues: [Sleeper()]) { server in
            let read = try await cancelledAfterTheClientLeft(
                server, headers: Modern.headers("resources/read", name: "sleep://resource"),
                body: Modern.body("resources/read", #"{"uri":"sleep://resource"}"#))
            #expect(read)
            let render = try await cancelledAfterTheClientLeft(
                server, headers: Modern.headers("prompts/get", name: "slowPrompt"),
                body: Modern.body("prompts/get", #"{"name":"slowPrompt"}"#))
            #expect(render)
        }
    }

    @Test func aModernStreamIsCancelledWhenItsClientLeavesBeforeTheFirstEvent() async throws {
        try await withServer(catalogues: [Sleeper()]) { server in
            // With a progress token the answer would stream; the sleeper never sends an event.
            let cancelled = try await cancelledAfterTheClientLeft(
                server, headers: Modern.headers("tools/call", name: "sleep"),
                body: Modern.body("tools/call", #"{"name":"sleep","arguments":{}}"#, meta: #","progressToken":"p""#))
            #expect(cancelled)
        }
    }

    @Test func aClientThatTimesOutFailsWithTheTimeoutErrorAndLeaves() async throws {
        try await withServer(catalogues: [Sleeper()]) { server in
            let body = Modern.body("tools/call", #"{"name":"sleep","arguments":{}}"#)
            let error = await #expect(throws: HTTPTestTimeout.self) {
                try await server.client.send(
                    headers: [("Content-Type", "application/json")] + Modern.headers("tools/call", name: "sleep"),
                    body: Array(body.utf8), timeout: .milliseconds(500))
            }
            #expect(error?.description.hasPrefix("POST /mcp: no complete response within") == true)
            // The connection was closed, so the server cancelled the 2026-07-28 call.
            for _ in 0..<2000 where server.service.status.inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.service.status.inFlight == 0)
        }
    }

    @Test func aHandshakeEraRequestRunsOnWhenItsClientLeaves() async throws {
        try await withServer(catalogues: [Sleeper()]) { server in
            // HTTP-L-10: dropping the stream is not a cancellation in the handshake era.
            let cancelled = try await cancelledAfterTheClientLeft(
                server, headers: [accept],
                body:
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"seconds":3}}}"#,
                patience: .seconds(2))
            #expect(!cancelled)
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
            let (status, first) = try await server.openStream("/mcp", headers: headers)
            #expect(status == 200)
            let (conflict, second) = try await server.openStream("/mcp", headers: headers)
            #expect(conflict == 409, "one GET stream per session")
            second.cancel()
            first.cancel()  // the client goes away
            #expect(
                try await server.streamReopens("/mcp", headers: headers),
                "the slot is free within a second, not after a keep-alive timeout")
        }
    }
}
