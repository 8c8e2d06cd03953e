import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1
import Testing

/// 2026-07-28 over Streamable HTTP (MCP-REQUIREMENTS §2a, §2b, §4).
@Suite("HTTP, 2026-07-28")
struct ModernEraHTTPTests {
    @Test func answersToolCallsWithJSON() async throws {
        try await withServer { server in
            let response = try await server.client.send(
                headers: Modern.headers("tools/call", name: "add"),
                json: Modern.body("tools/call", #"{"name":"add","arguments":{"a":2,"b":3}}"#))
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.json?["result"]?["structuredContent"]?["result"] == 5.0)
            #expect(response.json?["result"]?["resultType"] == "complete")
            #expect(response.header("mcp-session-id") == nil, "modern answers never carry a session (HTTP-M-11)")
        }
    }

    @Test(
        arguments: [
            (
                "header version differs", Modern.headers("tools/list"),
                Modern.body("tools/list", version: "2025-11-25"), -32020
            ),
            ("no version header", [Modern.accept, ("Mcp-Method", "tools/list")], Modern.body("tools/list"), -32020),
            ("method header differs", Modern.headers("tools/call"), Modern.body("tools/list"), -32020),
            (
                "no method header", [Modern.accept, ("MCP-Protocol-Version", "2026-07-28")], Modern.body("tools/list"),
                -32020
            ),
            (
                "name header differs", Modern.headers("tools/call", name: "other"),
                Modern.body("tools/call", #"{"name":"add","arguments":{}}"#), -32020
            ),
            (
                "no name header", Modern.headers("tools/call"),
                Modern.body("tools/call", #"{"name":"add","arguments":{}}"#), -32020
            ),
            (
                "broken base64 name", Modern.headers("tools/call", name: "=?base64?!!?="),
                Modern.body("tools/call", #"{"name":"add","arguments":{}}"#), -32020
            ),
            (
                "unsupported version", Modern.headers("tools/list", version: "1900-01-01"),
                Modern.body("tools/list", version: "1900-01-01"), -32022
            ),
            (
                "handshake version in _meta", Modern.headers("tools/list", version: "2025-11-25"),
                Modern.body("tools/list", version: "2025-11-25"), -32022
            ),
            ("unknown method", Modern.headers("nope"), Modern.body("nope"), -32601),
            ("removed method ping", Modern.headers("ping"), Modern.body("ping"), -32601),
            (
                "unknown tool", Modern.headers("tools/call", name: "nope"),
                Modern.body("tools/call", #"{"name":"nope","arguments":{}}"#), -32602
            ),
        ] as [(String, [(String, String)], String, Int)])
    func validatesRoutingHeadersAndTheEnvelope(
        _ label: String, _ headers: [(String, String)], _ body: String, _ code: Int
    ) async throws {
        try await withServer { server in
            let response = try await server.client.send(headers: headers, json: body)
            #expect(response.json?["error"]?["code"] == .int(code), "\(label): \(response.text)")
            #expect(response.status == (code == -32601 ? 404 : 400), "\(label)")
        }
    }

    @Test func requiresBothEnvelopeKeys() async throws {
        try await withServer { server in
            let body =
                #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#
            let response = try await server.client.send(headers: Modern.headers("tools/list"), json: body)
            #expect(response.status == 400)
            #expect(response.json?["error"]?["code"] == -32602)
        }
    }

    @Test func duplicateRoutingHeadersAreRejectedFirst() async throws {
        try await withServer { server in
            let headers = Modern.headers("tools/list") + [("Mcp-Method", "tools/list")]
            let response = try await server.client.send(
                headers: headers, json: Modern.body("tools/list", version: "1900-01-01"))
            #expect(response.json?["error"]?["code"] == -32020)
        }
    }

    @Test func unsupportedVersionListsWhatIsSupported() async throws {
        try await withServer { server in
            let response = try await server.client.send(
                headers: Modern.headers("server/discover", version: "1900-01-01"),
                json: Modern.body("server/discover", version: "1900-01-01"))
            #expect(response.json?["error"]?["data"]?["requested"] == "1900-01-01")
            #expect(response.json?["error"]?["data"]?["supported"]?.arrayValue?.first == "2026-07-28")
        }
    }

    @Test func decodesBase64Names() async throws {
        try await withServer { server in
            // "add" in base64
            let response = try await server.client.send(
                headers: Modern.headers("tools/call", name: "=?base64?YWRk?="),
                json: Modern.body("tools/call", #"{"name":"add","arguments":{"a":1,"b":1}}"#))
            #expect(response.status == 200)
            #expect(response.json?["result"]?["isError"] == false)
        }
    }

    @Test func streamsProgressAsSSEWithoutEventIDs() async throws {
        try await withServer(demoTools: true) { server in
            let body = Modern.body(
                "tools/call", #"{"name":"long_task","arguments":{"steps":3,"step_ms":20}}"#,
                meta: #","progressToken":"p1""#)
            let response = try await server.client.send(
                headers: Modern.headers("tools/call", name: "long_task"), json: body)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream")
            #expect(response.header("x-accel-buffering") == "no")
            let messages = response.messages
            #expect(
                messages.filter { $0["method"] == "notifications/progress" }.map { $0["params"]?["progress"] } == [
                    1.0, 2.0, 3.0,
                ])
            #expect(messages.last?["id"] == 1, "the final response closes the stream")
            #expect(
                !response.text.contains("\nid:") && !response.text.hasPrefix("id:"),
                "no event ids in this era (HTTP-M-14)")
        }
    }

    @Test func answersWithJSONWhenTheClientTakesNoSSE() async throws {
        try await withServer(demoTools: true) { server in
            let body = Modern.body(
                "tools/call", #"{"name":"long_task","arguments":{"steps":2,"step_ms":10}}"#,
                meta: #","progressToken":"p1""#)
            var headers = Modern.headers("tools/call", name: "long_task")
            headers[0] = ("Accept", "application/json")
            let response = try await server.client.send(headers: headers, json: body)
            #expect(response.header("content-type") == "application/json")
            #expect(response.json?["result"]?["structuredContent"]?["steps"] == 2)
        }
    }

    @Test func cancelsTheRequestWhenTheClientGoesAway() async throws {
        try await withServer(demoTools: true) { server in
            let body = Modern.body(
                "tools/call", #"{"name":"long_task","arguments":{"steps":1000,"step_ms":50}}"#,
                meta: #","progressToken":"p""#)
            let client = server.client
            let headers = [("Content-Type", "application/json")] + Modern.headers("tools/call", name: "long_task")
            // Read two events, then let go of the stream: the connection closes.
            let reader = Task {
                let parts = try await client.stream("POST", "/mcp", headers: headers, body: Array(body.utf8))
                var received = 0
                for try await part in parts {
                    if case .body = part { received += 1 }
                    if received >= 2 { break }
                }
                return received
            }
            #expect(try await reader.value == 2)
            // The stream was dropped after the first events. Uncancelled, the call would run for 50 s;
            // cancelled, it ends as soon as its sleep is interrupted.
            var waited = 0
            while server.service.status.inFlight > 0 && waited < 200 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(server.service.status.inFlight == 0, "the dropped request was cancelled (HTTP-M-13)")
        }
    }

    @Test func getAndDeleteWithoutASessionAre405() async throws {
        try await withServer { server in
            for method in ["GET", "DELETE"] {
                let response = try await server.client.send(
                    method, "/mcp", headers: [("MCP-Protocol-Version", "2026-07-28")])
                #expect(response.status == 405)
                #expect(response.header("allow") == "POST")
            }
            let put = try await server.client.send("PUT", "/mcp", json: "{}")
            #expect(put.status == 405)
        }
    }

    @Test func acceptsNotificationsWith202() async throws {
        try await withServer { server in
            let notification = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#
            let modern = try await server.client.send(
                headers: [Modern.accept, ("MCP-Protocol-Version", "2026-07-28")], json: notification)
            #expect(modern.status == 202)
            #expect(modern.body.isEmpty)
            let unsupported = try await server.client.send(
                headers: [Modern.accept, ("MCP-Protocol-Version", "1999-01-01")], json: notification)
            #expect(unsupported.status == 400)
            #expect(unsupported.json?["error"]?["code"] == -32022)
            #expect(unsupported.json?["id"] == nil)
        }
    }
}
