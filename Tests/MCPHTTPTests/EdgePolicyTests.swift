import Foundation
import MCPCore
import MCPTesting
import Testing

@testable import MCPHTTP

let listBody = #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#

/// Origin/Host checks, authentication, rate limits, limits and response headers (§19, R-04..R-30).
@Suite("HTTP edge policies")
struct EdgePolicyTests {
    @Test(arguments: [
        "http://evil.example", "null", "http://127.0.0.1.evil.example", "https://localhost.evil.example:8000",
    ])
    func refusesForeignOrigins(_ origin: String) async throws {
        try await withServer { server in
            for (method, path) in [("POST", "/mcp"), ("GET", "/mcp"), ("DELETE", "/mcp"), ("GET", "/api/v1/tools")] {
                let response = try await server.client.send(
                    method, path, headers: [accept, ("Origin", origin), ("Content-Type", "application/json")],
                    body: Array(listBody.utf8))
                #expect(response.status == 403, "\(method) \(path) from \(origin)")
                #expect(response.header("access-control-allow-origin") == nil)
            }
        }
    }

    @Test func allowsLoopbackAndConfiguredOrigins() async throws {
        try await withServer({ $0.allowedOrigins = ["https://app.example.com"] }) { server in
            for origin in [
                "http://localhost:3000", "http://127.0.0.1", "https://[::1]:8443", "https://app.example.com",
            ] {
                let response = try await server.client.send(headers: [accept, ("Origin", origin)], json: listBody)
                #expect(response.status == 200, "\(origin)")
            }
            #expect(
                try await server.client.send(headers: [accept], json: listBody).status == 200,
                "no Origin: a non-browser client")
        }
    }

    @Test func refusesForeignHostsOnALoopbackServer() async throws {
        try await withServer { server in
            let rebinding = try await server.client.raw(
                Array(
                    "POST /mcp HTTP/1.1\r\nHost: evil.example:80\r\nContent-Type: application/json\r\nContent-Length: \(listBody.utf8.count)\r\nConnection: close\r\n\r\n\(listBody)"
                        .utf8))
            #expect(rebinding.hasPrefix("HTTP/1.1 403"))
            let local = try await server.client.raw(
                Array(
                    "POST /mcp HTTP/1.1\r\nHost: localhost:\(server.port)\r\nContent-Type: application/json\r\nContent-Length: \(listBody.utf8.count)\r\nConnection: close\r\n\r\n\(listBody)"
                        .utf8))
            #expect(local.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func requiresTheAPIKeyWhenConfigured() async throws {
        try await withServer({ $0.apiKey = "s3cret-key" }) { server in
            let client = server.client
            let denied: [[(String, String)]] = [
                [], [("Authorization", "Basic czNjcmV0LWtleQ==")], [("Authorization", "Bearer ")],
                [("Authorization", "bearer s3cret-key")],
                [("Authorization", "Bearer s3cret-keyx")], [("X-API-Key", "wrong")], [("X-API-Key", "s3cret-ke")],
                [("Authorization", "Bearer s3cret-key"), ("Authorization", "Bearer s3cret-key")],
                [("Cookie", "api_key=s3cret-key")],
            ]
            for headers in denied {
                let response = try await client.send(headers: [accept] + headers, json: listBody)
                #expect(response.status == 401, "\(headers)")
                #expect(response.header("www-authenticate")?.hasPrefix("Bearer") == true)
            }
            #expect(
                try await client.send("POST", "/mcp?api_key=s3cret-key", headers: [accept], json: listBody).status
                    == 401)
            #expect(
                try await client.send(headers: [accept, ("Authorization", "Bearer s3cret-key")], json: listBody).status
                    == 200)
            #expect(
                try await client.send(headers: [accept, ("X-API-Key", "s3cret-key")], json: listBody).status == 200)
            #expect(try await client.send("GET", "/health").status == 200)
            #expect(try await client.send("GET", "/ready").status == 200)
            #expect(try await client.send("GET", "/api/v1/tools").status == 401)
            #expect(
                try await client.send("GET", "/MCP", headers: [accept]).status == 401,
                "path variants get the same treatment")
        }
    }

    @Test func rateLimitsPerClientWithStandardHeaders() async throws {
        try await withServer({
            $0.rateLimitRequests = 5
            $0.rateLimitWindowSeconds = 60
        }) { server in
            var statuses: [Int] = []
            var last: HTTPTestResponse?
            for _ in 0..<8 {
                let response = try await server.client.send(headers: [accept], json: listBody)
                statuses.append(response.status)
                last = response
            }
            #expect(statuses == [200, 200, 200, 200, 200, 429, 429, 429])
            #expect(last?.header("retry-after").flatMap(Int.init) ?? 0 >= 1)
            #expect(last?.header("ratelimit-limit") == "5")
            #expect(last?.header("ratelimit-remaining") == "0")
            #expect(try await server.client.send("GET", "/health").status == 200, "health is exempt")
        }
    }

    @Test func behindATrustedProxyEachForwardedClientHasItsOwnBucket() async throws {
        func statuses(_ server: HTTPHarness, from client: String) async throws -> [Int] {
            var statuses: [Int] = []
            for _ in 0..<3 {
                let headers = [accept, ("X-Forwarded-For", "6.6.6.6, \(client)")]
                statuses.append(try await server.client.send(headers: headers, json: listBody).status)
            }
            return statuses
        }
        // The test client connects from 127.0.0.1, a trusted proxy by default.
        try await withServer({ $0.rateLimitRequests = 2 }) { server in
            let first = try await statuses(server, from: "198.51.100.1")
            let second = try await statuses(server, from: "198.51.100.2")
            #expect(first == [200, 200, 429])
            #expect(second == [200, 200, 429], "a bucket of its own")
        }
        try await withServer({
            $0.rateLimitRequests = 2
            $0.trustedProxies = .none
        }) { server in
            let first = try await statuses(server, from: "198.51.100.1")
            let second = try await statuses(server, from: "198.51.100.2")
            #expect(first == [200, 200, 429])
            #expect(second == [429, 429, 429], "an untrusted peer's X-Forwarded-For is ignored")
        }
    }

    @Test func refusesOversizedBodiesBeforeReadingThem() async throws {
        try await withServer({ $0.maxBodySize = 64 * 1024 }) { server in
            let big = Array(repeating: UInt8(ascii: "x"), count: 64 * 1024 + 1)
            #expect(
                try await server.client.send(headers: [accept, ("Content-Type", "application/json")], body: big).status
                    == 413)
            #expect(
                try await server.client.send(
                    "POST", "/api/v1/tools/add", headers: [("Content-Type", "application/json")], body: big
                ).status == 413)
            // A declared length over the limit is answered without sending the body at all.
            let declared = try await server.client.raw(
                Array(
                    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
                        .utf8), timeout: .seconds(3))
            #expect(declared.hasPrefix("HTTP/1.1 413"))
            let chunked = try await server.client.send(
                headers: [accept, ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")], body: big)
            #expect(chunked.status == 413)
        }
    }

    @Test func hostIsComparedWithoutPortOrCaseAndIPv6Brackets() {
        let loopback = OriginPolicy(allowedOrigins: [], allowedHosts: [], loopbackOnly: true)
        for host in ["127.0.0.1:8000", "LOCALHOST", "localhost:3000", "[::1]:8443", "[::1]", "127.0.0.1"] {
            #expect(loopback.isAllowed(host: host), "\(host)")
        }
        for host in ["evil.example", "evil.example:80", "[::2]:80", "localhost.evil:80", "127.0.0.1.nip.io", ""] {
            #expect(!loopback.isAllowed(host: host), "\(host)")
        }
        let named = OriginPolicy(allowedOrigins: [], allowedHosts: ["MCP.Example.com"], loopbackOnly: false)
        #expect(named.isAllowed(host: "mcp.example.com:443"))
        #expect(named.isAllowed(host: "mcp.EXAMPLE.com"))
        #expect(!named.isAllowed(host: "mcp.example.com.evil:443"))
    }

    @Test func checksContentTypeAndAccept() async throws {
        try await withServer { server in
            let body = Array(listBody.utf8)
            let cases: [([(String, String)], Int)] = [
                ([accept, ("Content-Type", "text/plain")], 415),
                ([accept, ("Content-Type", "application/json; charset=utf-16")], 415),
                ([accept, ("Content-Type", "application/json;charset=UTF-8")], 200),
                ([("Accept", "text/html"), ("Content-Type", "application/json")], 406),
                ([("Accept", "application/json"), ("Content-Type", "application/json")], 200),
                ([("Accept", "*/*"), ("Content-Type", "application/json")], 200),
                ([("Content-Type", "application/json")], 200),
                ([accept, ("Content-Type", "Application/JSON ; Charset=\"utf-8\"")], 200),
                ([accept, ("Content-Type", "application/jsonx")], 415),
                ([("Accept", "application/json;q=0, text/html"), ("Content-Type", "application/json")], 406),
                ([("Accept", "text/html, APPLICATION/*;q=0.5"), ("Content-Type", "application/json")], 200),
                ([("Accept", " "), ("Content-Type", "application/json")], 200),
                ([("Accept", "application/json ; level=1; q = 0.0"), ("Content-Type", "application/json")], 406),
                ([("Accept", "application/json;q=0.01"), ("Content-Type", "application/json")], 200),
                ([accept, ("Content-Type", "application/json; foo=bar; charset=utf8")], 200),
            ]
            for (headers, status) in cases {
                let response = try await server.client.send("POST", "/mcp", headers: headers, body: body)
                #expect(response.status == status, "\(headers)")
            }
        }
    }

    /// The texts compared whole before parsing mean what the parse makes of them.
    @Test func theUsualHeadersReadAsTheParseReadsThem() {
        for accept in [
            "application/json, text/event-stream", "application/json,text/event-stream",
            "text/event-stream, application/json",
        ] {
            let types = AcceptedTypes(accept)
            #expect(types.json && types.eventStream, "\(accept)")
        }
        let onlyJSON = AcceptedTypes("application/json")
        #expect(onlyJSON.json && !onlyJSON.eventStream)
        for contentType in [
            "application/json", "application/json ", "APPLICATION/JSON", "application/json; charset=utf-8",
        ] {
            #expect(StreamableHTTPEndpoint.isJSON(contentType), "\(contentType)")
        }
        #expect(!StreamableHTTPEndpoint.isJSON("application/jsonl"))
    }

    @Test func answersMalformedBodiesWithJSONRPCErrors() async throws {
        try await withServer { server in
            let cases: [(String, Int)] = [
                ("{", -32700), (#"{"jsonrpc":"2.0","id":1,"method":"ping""#, -32700), ("", -32700),
                ("{}garbage", -32700),
                (#"{"a":1e999999}"#, -32700), ("\u{FEFF}{}", -32700),
                (#"{"jsonrpc":"2.0","id":null,"method":"x"}"#, -32600),
                (#"{"jsonrpc":"1.0","id":1,"method":"x"}"#, -32600), ("42", -32600), (#""s""#, -32600),
                (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), -32700),
            ]
            for (body, code) in cases {
                let response = try await server.client.send(headers: [accept], json: body)
                #expect(response.status == 400, "\(body.prefix(30))")
                #expect(response.json?["error"]?["code"] == .int(code), "\(body.prefix(30))")
            }
        }
    }

    @Test func rejectsHeaderFloods() async throws {
        try await withServer { server in
            var request = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            for index in 0..<101 { request += "X-Flood-\(index): x\r\n" }
            request += "Content-Length: 0\r\n\r\n"
            let flood = try await server.client.raw(Array(request.utf8))
            #expect(flood.hasPrefix("HTTP/1.1 4"))
            let long =
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 17 * 1024))\r\n\r\n"
            let longAnswer = try await server.client.raw(Array(long.utf8))
            #expect(longAnswer.hasPrefix("HTTP/1.1 4"))
            let smuggle =
                "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            let smuggled = try await server.client.raw(Array(smuggle.utf8))
            #expect(smuggled.hasPrefix("HTTP/1.1 400"))
            #expect(
                smuggled.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
                "an answer Hummingbird writes itself carries the security headers too")
            let health = try await server.client.send("GET", "/health")
            #expect(health.status == 200, "the server keeps serving")
        }
    }

    @Test func disconnectsSlowClients() async throws {
        try await withServer({
            // Short enough to wait for, long enough that a loaded machine connects and writes in time.
            $0.keepAliveTimeout = 1
            $0.bodyReadTimeout = .seconds(1)
        }) { server in
            let slowHead = try await server.client.rawExchange(
                Array("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow".utf8))
            #expect(slowHead.closedByServer, "an unfinished request head is cut off at the keep-alive timeout")
            let slowBody = try await server.client.rawExchange(
                Array(
                    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\""
                        .utf8))
            #expect(slowBody.closedByServer, "an unfinished body is cut off at the body timeout")
            // The same 1-second cut applies to every connection: on a loaded machine a fresh one can
            // meet it before its request is read (the client then sees a reset). Three tries.
            var health: HTTPTestResponse?
            for _ in 0..<3 where health == nil {
                health = try? await server.client.send("GET", "/health")
            }
            #expect(health?.status == 200, "the server still serves after cutting slow clients")
        }
    }

    @Test func addsSecurityHeadersEverywhere() async throws {
        try await withServer { server in
            for (method, path) in [("POST", "/mcp"), ("GET", "/health"), ("GET", "/nope"), ("GET", "/")] {
                let response = try await server.client.send(
                    method, path, headers: [accept, ("Content-Type", "application/json")], body: Array(listBody.utf8))
                #expect(response.header("x-content-type-options") == "nosniff", "\(path)")
                #expect(response.header("x-frame-options") == "DENY")
                #expect(response.header("referrer-policy") == "no-referrer")
                #expect(response.header("strict-transport-security") == nil, "no HSTS without TLS")
                #expect(response.header("server") == nil, "no version banner")
            }
            let page = try await server.client.send("GET", "/")
            #expect(page.header("content-security-policy")?.contains("default-src 'none'") == true)
            #expect(
                try await server.client.send(headers: [accept], json: listBody).header("cache-control") == "no-store")
        }
    }

    @Test func acceptsOrMintsRequestIDs() async throws {
        try await withServer { server in
            let echoed = try await server.client.send("GET", "/health", headers: [("X-Request-ID", "abc-123")])
            #expect(echoed.header("x-request-id") == "abc-123")
            let hostile = try await server.client.send(
                "GET", "/health", headers: [("X-Request-ID", "a b\"} {\"level\":\"error\"")])
            let minted = try #require(hostile.header("x-request-id"))
            #expect(minted.count == 32 && minted.allSatisfy(\.isHexDigit))
        }
    }

    /// Minted ids come from a per-process prefix and a scrambled count: all distinct, and
    /// consecutive ones differ in most of their second half, not only in the last digit.
    @Test func mintedRequestIDsAreDistinctAndDoNotCount() {
        let ids = (0..<10_000).map { _ in RequestIDs.mint() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(ids.map { $0.prefix(16) }).count == 1, "one prefix per process")
        let differing = zip(ids[0].suffix(16), ids[1].suffix(16)).filter { $0 != $1 }.count
        #expect(differing >= 8)
        #expect(RequestIDs.scrambled(1) != RequestIDs.scrambled(2))
        #expect(String(decoding: RequestIDs.hexDigits(of: 0xab), as: UTF8.self) == "00000000000000ab")
        #expect(String(decoding: RequestIDs.hexDigits(of: .max), as: UTF8.self) == "ffffffffffffffff")
        #expect(ids.allSatisfy { $0.utf8.allSatisfy { !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) } })
    }

    @Test func answersCORSOnlyForConfiguredOrigins() async throws {
        try await withServer({ $0.corsOrigins = ["https://ui.example.com"] }) { server in
            let preflight = try await server.client.send(
                "OPTIONS", "/mcp",
                headers: [("Origin", "https://ui.example.com"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204)
            #expect(preflight.header("access-control-allow-origin") == "https://ui.example.com")
            let call = try await server.client.send(
                headers: [accept, ("Origin", "https://ui.example.com")], json: listBody)
            #expect(call.header("access-control-expose-headers")?.contains("Mcp-Session-Id") == true)
            let other = try await server.client.send(
                headers: [accept, ("Origin", "http://localhost:5173")], json: listBody)
            #expect(other.status == 200)
            #expect(other.header("access-control-allow-origin") == nil)
        }
    }

    /// `CORS_ORIGINS="*"`, the Python original's default: every origin is answered (and let through).
    @Test func answersCORSForEveryOriginWithAWildcard() async throws {
        try await withServer({ $0.corsOrigins = ["*"] }) { server in
            let call = try await server.client.send(
                headers: [accept, ("Origin", "https://any.example")], json: listBody)
            #expect(call.status == 200)
            #expect(call.header("access-control-allow-origin") == "https://any.example")
            #expect(
                try await server.client.send(headers: [accept], json: listBody).header("access-control-allow-origin")
                    == nil)
        }
    }
}
