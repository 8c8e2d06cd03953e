import Foundation
import MCPCore
import MCPTesting
import Testing

@testable import MCPHTTP

/// Findings of the adversarial review on the HTTP side, each as it was found.
@Suite("HTTP hardening")
struct HardeningHTTPTests {
    @Test func twoHostHeadersAre400() async throws {
        try await withServer { server in
            let answer = try await server.client.raw(
                Array(
                    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"))
            let one = try await server.client.raw(
                Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(one.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aBadChunkSizeIs400Not413() async throws {
        try await withServer { server in
            let answer = try await server.client.raw(
                Array(
                    ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Accept: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n").utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(40))")
        }
    }

    @Test func headOnMetricsAnswersLikeGet() async throws {
        let metrics = MetricsEndpoint(path: "/metrics") { Array("# TYPE x counter\nx 1\n".utf8) }
        try await withServer(metrics: metrics) { server in
            let head = try await server.client.raw(
                Array("HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.contains("text/plain; version=0.0.4"))
            #expect(try await server.client.send("GET", "/metrics").status == 200)
        }
    }

    @Test(arguments: ["/health", "/ready", "/info", "/api/v1/tools", "/openapi.json", "/"])
    func headAnswersLikeGetWithoutTheBody(path: String) async throws {
        try await withServer { server in
            let get = try await server.client.send("GET", path)
            let head = try await server.client.raw(
                Array("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
            #expect(head.hasPrefix("HTTP/1.1 \(get.status) "), "\(head.prefix(40))")
            let fields = head.lowercased()
            #expect(fields.contains("content-type: \(get.header("content-type") ?? "-")"))
            #expect(fields.contains("content-length: "))
            #expect(head.hasSuffix("\r\n\r\n"), "a body followed the head")
        }
    }

    @Test func theStatusPageShowsTheCatalogueOnlyWithoutAnAPIKey() async throws {
        try await withServer({ $0.apiKey = "k3y" }) { server in
            let page = try await server.client.send("GET", "/")
            #expect(page.status == 200)
            #expect(!page.text.contains("replace_text"))
            #expect(try await server.client.send("GET", "/api/v1/tools").status == 401)
        }
        try await withServer { server in
            let page = try await server.client.send("GET", "/")
            #expect(page.text.contains("replace_text"))
        }
    }

    @Test func theConstantTimeCompareKeepsTheLengthDifference() {
        let key = Array("k".utf8)
        #expect(APIKeyAuth.constantTimeEqual(key, key))
        // 256 more bytes: a one-byte length difference folded this to zero.
        #expect(!APIKeyAuth.constantTimeEqual(key, key + [UInt8](repeating: 0, count: 256)))
        #expect(!APIKeyAuth.constantTimeEqual([], [UInt8](repeating: 0, count: 512)))
        #expect(!APIKeyAuth.constantTimeEqual(key, Array("j".utf8)))
    }
}

@Suite("Rate limiter bounds")
struct RateLimiterBoundsTests {
    @Test func theTableStaysBoundedWithinOneWindow() {
        let limiter = RateLimiter(limit: 5, windowSeconds: 60, maxKeys: 160)
        for index in 0..<20_000 { _ = limiter.take(key: "client-\(index)", now: 1000) }
        #expect(limiter.keysHeld <= 160)
        // A client still in the table is still limited.
        for _ in 0..<5 { #expect(limiter.take(key: "steady", now: 1001).0) }
        #expect(!limiter.take(key: "steady", now: 1001).0)
        // And every window ends with its time.
        #expect(limiter.take(key: "steady", now: 1062).0)
    }

    @Test func ipv6ClientsAreKeyedByTheirSlash64() {
        #expect(RateLimiter.key(address: "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(RateLimiter.key(address: "2001:db8:1:2:ffff::1") == RateLimiter.key(address: "2001:db8:1:2::9"))
        #expect(RateLimiter.key(address: "2001:db8:1:3::1") != RateLimiter.key(address: "2001:db8:1:2::1"))
        #expect(RateLimiter.key(address: "::ffff:10.0.0.1") == "10.0.0.1")
        #expect(RateLimiter.key(address: "10.0.0.1") == "10.0.0.1")
        let limiter = RateLimiter(limit: 3, windowSeconds: 60)
        for host in 1...3 { #expect(limiter.take(key: RateLimiter.key(address: "2001:db8::\(host)"), now: 5).0) }
        #expect(!limiter.take(key: RateLimiter.key(address: "2001:db8::ffff"), now: 5).0, "same /64, same budget")
    }
}

/// A batch's answers together stay within the result limit: past it, the rest are answered with
/// an error without being served (a hundred requests could otherwise build a hundred results).
@Suite("Batch totals")
struct BatchTotalTests {
    @Test func aBatchStopsServingAtTheResultLimit() async throws {
        try await withServer({ $0.statelessHTTP = false }, server: { $0.maxResultBytes = 20_000 }) { server in
            let initialize =
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let session = try #require(
                try await server.client.send(headers: [accept], json: initialize).header("mcp-session-id"))
            // Ten tools/list answers (a few KB each) are more than 20,000 bytes; the eleventh
            // message is answered by the router at once (already initialized), past the limit.
            let batch =
                "[" + (1...10).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"tools/list"}"# }.joined(separator: ",")
                + "," + initialize.replacingOccurrences(of: #""id":0"#, with: #""id":11"#) + "]"
            let answered = try await server.client.send(headers: [accept, ("Mcp-Session-Id", session)], json: batch)
            let answers = try #require(answered.json?.arrayValue)
            #expect(answers.count == 11)
            // Served answers come first and together stay within the limit; the rest are errors.
            let served = answers.prefix { $0["result"] != nil }
            #expect(served.count >= 1 && served.count < 10)
            #expect(served.reduce(0) { $0 + JSONWriter.bytes($1).count } <= 20_000)
            #expect(answers.dropFirst(served.count).allSatisfy { $0["error"]?["code"] == -32603 })
            #expect(answers.last?["error"]?["message"]?.stringValue?.contains("MAX_RESULT_SIZE") == true)
            #expect(answers.map { $0["id"] } == (1...11).map { .int($0) })
            #expect(answered.body.count < 40_000 + 11 * 200)
        }
    }

    @Test func batchAnswersKeepTheirTotal() throws {
        var answers = BatchAnswers(limit: 100)
        let sixty = JSONRPCEncoding.result(id: 1, result: ["x": .string(String(repeating: "a", count: 30))])
        answers.append(sixty, id: 1)
        #expect(!answers.isFull)
        answers.append(sixty, id: 2)
        answers.append(sixty, id: 3)
        #expect(answers.isFull)
        let parsed = try #require(try JSONParser.parse(answers.bytes).arrayValue)
        #expect(parsed.map { $0["id"] } == [1, 2, 3])
        #expect(parsed[0]["result"] != nil && parsed[2]["error"]?["code"] == -32603)
    }
}
