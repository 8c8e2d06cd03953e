import Foundation
import MCPCore
import MCPHTTP
import MCPTesting
import NIOCore
import NIOHTTP1
import Testing

/// `subscriptions/listen` over Streamable HTTP (SUB-1, SUB-5, SUB-6, HTTP-5).
@Suite("subscriptions/listen over HTTP")
struct ListenHTTPTests {
    static let body = Modern.body(
        id: #""s-7""#, "subscriptions/listen", #"{"notifications":{"toolsListChanged":true}}"#)
    static let headers = [("Content-Type", "application/json")] + Modern.headers("subscriptions/listen")

    /// Opens a listen and returns the SSE text received until `enough` says stop (or the stream ends).
    static func read(
        _ server: HTTPHarness, until enough: @escaping @Sendable (String) -> Bool
    ) -> Task<(status: UInt, text: String), any Error> {
        Task {
            let parts = try await server.client.stream("POST", "/mcp", headers: headers, body: Array(body.utf8))
            var status: UInt = 0
            var text = ""
            for try await part in parts {
                switch part {
                case .head(let head): status = head.status.code
                case .body(var buffer): text += buffer.readString(length: buffer.readableBytes) ?? ""
                case .end: return (status, text)
                }
                if enough(text) { break }
            }
            return (status, text)
        }
    }

    static func dataLines(_ text: String) -> [JSONValue] {
        text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
            try? JSONParser.parse(String($0.dropFirst(6)))
        }
    }

    @Test func acknowledgesThenKeepsTheStreamAliveThenClosesItOnShutdown() async throws {
        let server = try await HTTPHarness.start()
        // Keep-alive comments arrive every 0.2 s (the harness's interval) while nothing happens.
        let listen = Self.read(server) { $0.components(separatedBy: "\n:").count > 2 }
        let (status, text) = try await listen.value
        #expect(status == 200)
        let acknowledgement = try #require(Self.dataLines(text).first)
        #expect(acknowledgement["method"] == "notifications/subscriptions/acknowledged")
        #expect(
            acknowledgement["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "s-7",
            "the id, as a string")
        #expect(acknowledgement["params"]?["notifications"] == ["toolsListChanged": true], "what it asked for")

        // A graceful stop answers an open listen before the connection ends (SUB-5).
        let subscriptions = server.service.server.subscriptions
        for _ in 0..<250 where subscriptions.count > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let open = Self.read(server) { _ in false }
        for _ in 0..<250 where subscriptions.count == 0 { try await Task.sleep(for: .milliseconds(20)) }
        await server.stop()
        let final = try #require(Self.dataLines(try await open.value.text).last)
        #expect(final["id"] == "s-7")
        #expect(final["result"]?["resultType"] == "complete")
        #expect(final["result"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "s-7")
    }

    @Test func aClosedStreamFreesItsSlot() async throws {
        try await withServer { server in
            for _ in 0..<3 {
                let listen = Self.read(server) { $0.contains("acknowledged") }
                _ = try await listen.value
            }
            var waited = 0
            while server.service.server.subscriptions.count > 0 && waited < 200 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(server.service.server.subscriptions.count == 0)
        }
    }

    @Test func needsAnEventStreamAndAnEnvelope() async throws {
        try await withServer { server in
            var headers = Self.headers
            headers[1] = ("Accept", "application/json")
            let json = try await server.client.send(headers: headers, body: Array(Self.body.utf8))
            #expect(json.status == 406)
            let withoutFilter = try await server.client.send(
                headers: Self.headers, body: Array(Modern.body("subscriptions/listen").utf8))
            #expect(withoutFilter.status == 400)
            #expect(withoutFilter.json?["error"]?["code"] == -32602)
            let handshake = try await server.client.send(
                headers: [Modern.accept, ("MCP-Protocol-Version", "2025-06-18")],
                json: #"{"jsonrpc":"2.0","id":1,"method":"subscriptions/listen","params":{"notifications":{}}}"#)
            #expect(handshake.status == 404)
            #expect(handshake.json?["error"]?["code"] == -32601)
        }
    }
}
