import Foundation
import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1
import Testing

let initializeBody =
    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
let accept = ("Accept", "application/json, text/event-stream")

/// The handshake era over Streamable HTTP: stateless by default, sessions when asked (§2c).
@Suite("HTTP, handshake era")
struct HandshakeEraHTTPTests {
    func initialize(
        _ client: HTTPTestClient, version: String = "2025-11-25", headers: [(String, String)] = []
    ) async throws -> HTTPTestResponse {
        try await client.send(
            headers: [accept] + headers, json: initializeBody.replacingOccurrences(of: "2025-11-25", with: version))
    }

    @Test func statelessModeServesWithoutASession() async throws {
        try await withServer { server in
            let initialized = try await initialize(server.client)
            #expect(initialized.status == 200)
            #expect(initialized.header("mcp-session-id") == nil)
            let list = try await server.client.send(
                headers: [accept], json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(list.status == 200)
            #expect(list.json?["result"]?["tools"]?.arrayValue?.count == server.toolCount)
            #expect(list.json?["result"]?["ttlMs"] == nil)
            let old = try await server.client.send(
                headers: [accept, ("MCP-Protocol-Version", "2024-11-05")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(old.json?["result"]?["tools"]?.arrayValue?.first?["annotations"] == nil)
            let bogus = try await server.client.send(
                headers: [accept, ("MCP-Protocol-Version", "1999-01-01")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(bogus.status == 400)
            let notification = try await server.client.send(
                headers: [accept], json: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            #expect(notification.status == 202)
        }
    }

    @Test func sessionsFollowTheirLifecycle() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let client = server.client
            let initialized = try await initialize(client)
            let id = try #require(initialized.header("mcp-session-id"))
            #expect(id.utf8.allSatisfy { (0x21...0x7E).contains($0) })
            #expect(id.count >= 22)
            let session = [accept, ("Mcp-Session-Id", id), ("MCP-Protocol-Version", "2025-11-25")]
            #expect(
                try await client.send(
                    headers: session, json: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
                ).status == 202)
            let call = try await client.send(
                headers: session,
                json:
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#
            )
            #expect(call.json?["result"]?["structuredContent"]?["result"] == 3.0)
            #expect(
                try await client.send(headers: [accept], json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
                    .status == 400, "HTTP-L-2")
            #expect(
                try await client.send(
                    headers: [accept, ("Mcp-Session-Id", "bogus")],
                    json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
                ).status == 404)
            // Any change to the last character: a canonical decoder sees every one of them.
            let tampered = String(id.dropLast()) + (id.last == "A" ? "B" : "A")
            #expect(
                try await client.send(
                    headers: [accept, ("Mcp-Session-Id", tampered)],
                    json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
                ).status == 404)
            let badVersion = try await client.send(
                headers: [accept, ("Mcp-Session-Id", id), ("MCP-Protocol-Version", "1999-01-01")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(badVersion.status == 400)
            let again = try await client.send(headers: session, json: initializeBody)
            #expect(again.json?["error"]?["code"] == -32600, "INIT-4")
            #expect(try await client.send("DELETE", "/mcp", headers: [("Mcp-Session-Id", id)]).status == 204)
            #expect(
                try await client.send(headers: session, json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).status
                    == 404)
            #expect(try await client.send("DELETE", "/mcp", headers: [("Mcp-Session-Id", id)]).status == 404)
        }
    }

    @Test func sessionIDsAreUniqueAndRandom() async throws {
        try await withServer({
            $0.statelessHTTP = false
            $0.maxSessions = 5000
        }) { server in
            var ids = Set<String>()
            for _ in 0..<1000 {
                let id = try #require(try await initialize(server.client).header("mcp-session-id"))
                ids.insert(String(id.split(separator: ".")[0]))
            }
            #expect(ids.count == 1000)
            #expect(ids.allSatisfy { $0.count == 22 }, "128 random bits, base64url")
        }
    }

    @Test func idleSessionsExpire() async throws {
        try await withServer({
            $0.statelessHTTP = false
            $0.sessionIdleTTL = 0.3
        }) { server in
            let id = try #require(try await initialize(server.client).header("mcp-session-id"))
            try await Task.sleep(for: .milliseconds(600))
            let late = try await server.client.send(
                headers: [accept, ("Mcp-Session-Id", id)], json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(late.status == 404)
        }
    }

    @Test func theSessionCapAnswers503WithRetryAfter() async throws {
        try await withServer({
            $0.statelessHTTP = false
            $0.maxSessions = 3
        }) { server in
            for _ in 0..<3 { #expect(try await initialize(server.client).status == 200) }
            let refused = try await initialize(server.client)
            #expect(refused.status == 503)
            #expect(refused.header("retry-after") != nil)
        }
    }

    @Test func sessionsAreBoundToTheCredentialThatCreatedThem() async throws {
        try await withServer({
            $0.statelessHTTP = false
            $0.apiKey = "first-key"
        }) { server in
            let id = try #require(
                try await initialize(server.client, headers: [("Authorization", "Bearer first-key")]).header(
                    "mcp-session-id"))
            let mine = try await server.client.send(
                headers: [accept, ("Mcp-Session-Id", id), ("X-API-Key", "first-key")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(mine.status == 200)
        }
        // The same id presented by another server's key (a different principal) does not open.
        try await withServer({
            $0.statelessHTTP = false
            $0.apiKey = "second-key"
            $0.sessionKey = Array(repeating: 7, count: 32)
        }) { server in
            let id = try #require(
                try await initialize(server.client, headers: [("Authorization", "Bearer second-key")]).header(
                    "mcp-session-id"))
            let forged = try await server.client.send(
                headers: [accept, ("Mcp-Session-Id", id + "x"), ("X-API-Key", "second-key")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(forged.status == 404)
        }
    }

    @Test func getOpensOneStandaloneStreamPerSession() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let id = try #require(try await initialize(server.client).header("mcp-session-id"))
            let headers = [("Accept", "text/event-stream"), ("Mcp-Session-Id", id)]
            let first = try await server.client.stream("GET", "/mcp", headers: headers)
            var iterator = first.makeAsyncIterator()
            guard case .head(let head)? = try await iterator.next() else {
                Issue.record("no head")
                return
            }
            #expect(head.status.code == 200)
            #expect(head.headers["content-type"].first == "text/event-stream")
            #expect(try await server.client.send("GET", "/mcp", headers: headers).status == 409)
            let noSSE = try await server.client.send(
                "GET", "/mcp", headers: [("Accept", "application/json"), ("Mcp-Session-Id", id)])
            #expect(noSSE.status == 406)
            // Keep-alive comments arrive while the stream is quiet.
            guard case .body(let chunk)? = try await iterator.next() else {
                Issue.record("no body")
                return
            }
            #expect(String(buffer: chunk).hasPrefix(":"))
        }
    }

    @Test func resumesAStreamWithLastEventID() async throws {
        try await withServer(demoTools: true, { $0.statelessHTTP = false }) { server in
            let id = try #require(try await initialize(server.client).header("mcp-session-id"))
            let call =
                #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"long_task","arguments":{"steps":5,"step_ms":150},"_meta":{"progressToken":"p"}}}"#
            let stream = try await server.client.stream(
                "POST", "/mcp", headers: [("Content-Type", "application/json"), accept, ("Mcp-Session-Id", id)],
                body: Array(call.utf8))
            var seen = ""
            for try await part in stream {
                if case .body(let buffer) = part { seen += String(buffer: buffer) }
                if seen.contains("id: 1-1") { break }
            }
            #expect(seen.hasPrefix("id: 1-0\ndata: \n\n"), "2025-11-25 streams start with a priming event")
            // The connection dropped after event 1-1; the call keeps running (HTTP-L-10).
            let resumed = try await server.client.send(
                "GET", "/mcp",
                headers: [("Accept", "text/event-stream"), ("Mcp-Session-Id", id), ("Last-Event-ID", "1-1")])
            #expect(resumed.status == 200)
            let messages = resumed.messages
            #expect(messages.first?["params"]?["progress"] == 2.0, "replay starts right after the last event seen")
            #expect(messages.last?["id"] == 5)
            #expect(messages.last?["result"]?["structuredContent"]?["steps"] == 5)
            #expect(!resumed.text.contains("id: 1-1\n"))
        }
    }

    @Test func batchesOnlyIn20250326Sessions() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let batch =
                #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#
            let refused = try await server.client.send(headers: [accept], json: batch)
            #expect(refused.status == 400)
            #expect(refused.json?["error"]?["code"] == -32600)
            let modernSession = try #require(try await initialize(server.client).header("mcp-session-id"))
            #expect(
                try await server.client.send(headers: [accept, ("Mcp-Session-Id", modernSession)], json: batch).status
                    == 400)
            let march = try #require(
                try await initialize(server.client, version: "2025-03-26").header("mcp-session-id"))
            let answered = try await server.client.send(headers: [accept, ("Mcp-Session-Id", march)], json: batch)
            #expect(answered.status == 200)
            #expect(answered.json?.arrayValue?.map { $0["id"] } == [1, 2])
            let huge =
                "["
                + Array(repeating: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, count: 10_000).joined(separator: ",")
                + "]"
            #expect(
                try await server.client.send(headers: [accept, ("Mcp-Session-Id", march)], json: huge).status == 400)
        }
    }
}
