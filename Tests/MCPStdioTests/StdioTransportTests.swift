import Foundation
import InteropSupport
import MCPCore
import Testing

/// The stdio transport as a client sees it: the real binary, fed line by line (STDIO-1..10).
@Suite("stdio transport", .serialized)
struct StdioTransportTests {
    @Test func answersDiscoverWithoutAHandshake() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        server.send(modern(1, "server/discover"))
        let answer = try #require(try await server.response(id: 1))
        #expect(answer["result"]?["supportedVersions"]?.arrayValue?.first == "2026-07-28")
        #expect(answer["result"]?["resultType"] == "complete")
    }

    @Test func servesTheHandshakeAfterADiscoverProbe() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        server.send(modern(1, "server/discover"))
        server.send(initializeLine)
        server.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        server.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
        server.send(modern(3, "tools/list"))
        let initialized = try #require(try await server.response(id: 0))
        #expect(initialized["result"]?["protocolVersion"] == "2025-11-25")
        let legacyList = try #require(try await server.response(id: 2))
        #expect(legacyList["result"]?["tools"]?.arrayValue?.count == ExampleTools.count)
        #expect(legacyList["result"]?["ttlMs"] == nil)
        let modernList = try #require(try await server.response(id: 3))
        #expect(modernList["result"]?["ttlMs"] != nil, "enveloped requests stay stateless after initialize")
        server.send(initializeLine.replacingOccurrences(of: #""id":0"#, with: #""id":4"#))
        #expect(try await server.response(id: 4)?["error"]?["code"] == -32600)
    }

    @Test func refusesLegacyRequestsBeforeInitializeButAnswersPing() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        server.send(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        server.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
        let refused = try #require(try await server.response(id: 1))
        #expect(refused["error"]?["code"] == -32600)
        #expect(refused["error"]?["message"] == "Invalid Request: Server not initialized")
        #expect(try await server.response(id: 2)?["result"] == .object([:]))
    }

    @Test func answersEveryKindOfBadInputAndKeepsServing() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let huge =
            #"{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"count_words","arguments":{"text":""#
            + String(repeating: "x", count: 10 * 1024 * 1024) + #""}}}"#
        let cases: [(String, Int?, Int)] = [
            ("{not json", nil, -32700),
            (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, nil, -32600),
            (#"{"jsonrpc":"2.0","id":3}"#, 3, -32600),
            (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, nil, -32600),
            (modern(5, "no/such/method"), 5, -32601),
            (modern(6, "tools/call", #"{"name":5}"#), 6, -32602),
            (modern(7, "tools/call", #"{"name":"add","arguments":"a=1"}"#), 7, -32602),
            (modern(8, "resources/read", #"{"uri":42}"#), 8, -32602),
            (huge, nil, -32600),
            (deep, nil, -32700),
            (String(decoding: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], as: UTF8.self), nil, -32700),
        ]
        for (index, (line, id, code)) in cases.enumerated() {
            if index == 10 {
                server.send(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D, 0x0A])
            } else {
                server.send(line)
            }
            server.send(modern(1000 + index, "server/discover"))
            let next = try #require(
                try await server.response(id: .int(1000 + index)), "still serving after case \(index)")
            #expect(next["result"] != nil)
            let errors = try server.output.map { try JSONParser.parse($0) }.filter { $0["error"] != nil }
            let answer = try #require(errors.last, "case \(index) answered")
            #expect(answer["error"]?["code"] == .int(code), "case \(index)")
            #expect(answer["id"] == (id.map { .int($0) } ?? .null), "case \(index)")
            #expect(errors.count == index + 1, "one answer per bad line")
        }
        #expect(server.process.isRunning)
    }

    @Test func writesOnlyProtocolMessagesToStdout() async throws {
        let server = try StdioProcess(environment: ["LOG_LEVEL": "trace"])
        defer { server.stop() }
        server.send("garbage")
        server.send(modern(1, "tools/call", #"{"name":"add","arguments":{"a":1,"b":2}}"#))
        _ = try await server.response(id: 1)
        server.closeInput()
        _ = try await server.waitForExit()
        for line in server.output {
            let message = try JSONParser.parse(line)
            #expect(message["jsonrpc"] == "2.0")
        }
        #expect(server.stderr.contains("serving MCP on stdio"))
    }

    @Test func exitsWithZeroAtEndOfInput() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        server.closeInput()
        #expect(try await server.waitForExit(timeout: .seconds(5)) == 0)
    }

    @Test func endOfInputCancelsInFlightWorkAndExitsPromptly() async throws {
        let server = try StdioProcess(environment: ["ENABLE_DEMO_TOOLS": "true"])
        defer { server.stop() }
        server.send(modern(1, "tools/call", #"{"name":"long_task","arguments":{"steps":50,"step_ms":200}}"#))
        server.send(modern(2, "tools/list"))
        _ = try await server.response(id: 2)
        server.closeInput()
        // Well before the ten-second call would end (how fast: Tests/Process/protocol_checks.py).
        #expect(try await server.waitForExit(timeout: .seconds(8)) == 0, "STDIO-3: the call does not hold the exit")
    }

    @Test func answersConcurrentlyAndHonoursCancellation() async throws {
        let server = try StdioProcess(environment: ["ENABLE_DEMO_TOOLS": "true"])
        defer { server.stop() }
        server.send(modern(1, "tools/call", #"{"name":"long_task","arguments":{"steps":3,"step_ms":300}}"#))
        server.send(modern(2, "tools/list"))
        let fast = try #require(try await server.response(id: 2))
        #expect(fast["result"]?["tools"] != nil)
        #expect(try await server.response(id: 1, timeout: .milliseconds(1)) == nil, "the slow call is still running")
        #expect(try await server.response(id: 1)?["result"]?["structuredContent"]?["steps"] == 3)

        server.send(modern(7, "tools/call", #"{"name":"long_task","arguments":{"steps":50,"step_ms":100}}"#))
        try await Task.sleep(for: .milliseconds(150))
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"test"}}"#)
        server.send(modern(8, "server/discover"))
        #expect(try await server.response(id: 8) != nil)
        try await Task.sleep(for: .milliseconds(500))
        #expect(
            try await server.response(id: 7, timeout: .milliseconds(1)) == nil, "a cancelled request gets no answer")
    }

    @Test func reportsProgressOnStdout() async throws {
        let server = try StdioProcess(environment: ["ENABLE_DEMO_TOOLS": "true"])
        defer { server.stop() }
        server.send(
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"long_task","arguments":{"steps":3,"step_ms":10},"_meta":{"progressToken":"t1","io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"debug"}}}"#
        )
        _ = try await server.response(id: 1)
        let messages = try server.output.map { try JSONParser.parse($0) }
        let progress = messages.filter { $0["method"] == "notifications/progress" }
        #expect(progress.map { $0["params"]?["progress"] } == [1.0, 2.0, 3.0])
        #expect(messages.filter { $0["method"] == "notifications/message" }.count == 3)
    }

    @Test func finishesInFlightWorkOnSIGTERM() async throws {
        let server = try StdioProcess(environment: ["ENABLE_DEMO_TOOLS": "true"])
        defer { server.stop() }
        server.send(modern(0, "server/discover"))
        _ = try await server.response(id: 0)
        for id in 1...5 {
            server.send(modern(id, "tools/call", #"{"name":"long_task","arguments":{"steps":2,"step_ms":200}}"#))
        }
        try await Task.sleep(for: .milliseconds(100))
        server.process.terminate()
        #expect(try await server.waitForExit() == 0)
        for id in 1...5 {
            #expect(try await server.response(id: .int(id), timeout: .seconds(1))?["result"]?["isError"] == false)
        }
    }

    @Test func listensPerSubscriptionIDAndEndsListensAtEndOfInput() async throws {
        let server = try StdioProcess()
        defer { server.stop() }
        let listen = #"{"notifications":{"toolsListChanged":true}}"#
        server.send(modern(1, "subscriptions/listen", listen))
        server.send(modern(2, "subscriptions/listen", listen))
        let acknowledged = { (id: Int) async throws -> Bool in
            for _ in 0..<500 {
                let lines = try server.output.map { try JSONParser.parse($0) }
                if lines.contains(where: {
                    $0["method"] == "notifications/subscriptions/acknowledged"
                        && $0["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == .int(id)
                }) {
                    return true
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        let first = try await acknowledged(1)
        let second = try await acknowledged(2)
        #expect(first && second, "one acknowledgement per subscription id (SUB-4)")
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#)
        server.send(modern(3, "tools/list"))
        #expect(try await server.response(id: 3) != nil, "other requests are served beside open listens")
        server.closeInput()
        #expect(try await server.waitForExit() == 0)
        #expect(try await server.response(id: 1, timeout: .milliseconds(1)) == nil, "a cancelled listen gets no answer")
        let final = try await server.response(id: 2, timeout: .seconds(1))
        #expect(final?["result"]?["resultType"] == "complete", "the open one is answered at the end (SUB-5)")
    }

    @Test func rejectsInvalidSettingsWithOneLineAndStatusTwo() async throws {
        for (arguments, key) in [
            (["--log-level", "verbose"], "LOG_LEVEL"), (["--port", "99999"], "PORT"),
            (["--transport", "carrier-pigeon"], "TRANSPORT"),
        ] {
            let (status, message) = try await BuiltProducts.run(BuiltProducts.serverBinary, arguments)
            #expect(status == 2)
            #expect(message.split(separator: "\n").count == 1)
            #expect(message.contains(key) && message.contains("allowed"))
        }
    }
}
