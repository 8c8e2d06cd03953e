import MCPCore
import Testing

/// One list of protocol cases, run through every transport (MCP-REQUIREMENTS §1, §5, §12):
/// the in-process test client, the real binary on stdio, Streamable HTTP (stateless and with
/// sessions) and the legacy HTTP+SSE transport. The router owns each rule once, so each case
/// must hold on every transport; where the transport decides (a session or none) the case says so.
@Suite("Protocol suite, every transport")
struct ProtocolSuiteTests {
    @Test(arguments: SuiteTransport.allCases)
    func discoverNeedsNoHandshake(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            let outcome = try await connection.send(Message.modern(1, "server/discover"))
            let versions = outcome.answer?["result"]?["supportedVersions"]?.arrayValue ?? []
            #expect(versions.first == "2026-07-28")
            #expect(versions.contains("2024-11-05"))
            #expect(outcome.answer?["result"]?["resultType"] == "complete")
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func initializeNegotiatesTheVersion(_ transport: SuiteTransport) async throws {
        try await withSuiteServer(transport) { server in
            for (offered, answered) in [
                ("2025-03-26", "2025-03-26"), ("2099-01-01", "2025-11-25"), ("2026-07-28", "2025-11-25"),
            ] {
                let connection = try await server.connect()
                let result = try await connection.handshake(offered)
                #expect(result?["protocolVersion"] == .string(answered), "offered \(offered)")
                #expect(result?["resultType"] == nil)
                await connection.close()
            }
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func aSecondInitializeIsRefusedInsideASession(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            try await connection.handshake()
            let again = try await connection.send(Message.initialize("2025-11-25", id: 5)).answer
            if transport.keepsSessions {
                #expect(again?["error"]?["code"] == -32600)
                #expect(again?["error"]?["message"]?.stringValue?.contains("already initialized") == true)
                #expect(again?["id"] == 5)
            } else {
                // Stateless HTTP keeps no session: every initialize is a new handshake (§1 step 3).
                #expect(again?["result"]?["protocolVersion"] == "2025-11-25")
            }
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func requestsBeforeTheHandshake(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            let list = try await connection.send(Message.plain(1, "tools/list"))
            let ping = try await connection.send(Message.plain(2, "ping"))
            switch transport {
            case .inProcess, .stdio, .legacySSE:
                #expect(list.answer?["error"]?["code"] == -32600)
                #expect(list.answer?["error"]?["message"]?.stringValue?.contains("Server not initialized") == true)
                #expect(ping.answer?["result"] == .object([:]), "ping is allowed before initialize")
            case .httpStateless:
                #expect(list.answer?["result"]?["tools"]?.arrayValue?.isEmpty == false, "served statelessly")
            case .httpSessions:
                #expect(list.answer?["error"]?["code"] == -32602)
                #expect(list.status == 400)
            }
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func malformedMessagesGetSpecShapedErrors(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            let garbage = try await connection.send(Array("{not json".utf8), answerID: .null, wait: .seconds(10))
            #expect(garbage.answer?["error"]?["code"] == -32700)
            #expect(garbage.answer?["id"] == .null)
            let wrongVersion: JSONValue = ["jsonrpc": "1.0", "id": 3, "method": "tools/list"]
            let invalid = try await connection.send(wrongVersion).answer
            #expect(invalid?["error"]?["code"] == -32600)
            #expect(invalid?["id"] == 3)
            // A response carrying both result and error: JSON-RPC never answers a response.
            let both: JSONValue = ["jsonrpc": "2.0", "id": 4, "result": [:], "error": ["code": 1, "message": "x"]]
            let dropped = try await connection.send(both, wait: .milliseconds(500))
            #expect(dropped.answer == nil)
            if transport.isHTTP && transport != .legacySSE { #expect(dropped.status == 400) }
            // And the connection still serves.
            #expect(try await connection.send(Message.modern(5, "tools/list")).answer?["result"] != nil)
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func modernRequestsAreCheckedOneByOne(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            let unknown = try await connection.send(Message.modern(1, "ping"))
            #expect(unknown.answer?["error"]?["code"] == -32601, "ping is gone in 2026-07-28")
            if transport != .legacySSE && transport.isHTTP { #expect(unknown.status == 404) }
            let future = try await connection.send(
                Message.modern(2, "tools/list", meta: [Envelope.protocolVersionKey: "1900-01-01"]))
            #expect(future.answer?["error"]?["code"] == -32022)
            #expect(future.answer?["error"]?["data"]?["supported"]?.arrayValue?.contains("2026-07-28") == true)
            #expect(future.answer?["error"]?["data"]?["requested"] == "1900-01-01")
            let noCapabilities = try await connection.send(
                Message.plain(3, "tools/list", ["_meta": [Envelope.protocolVersionKey: "2026-07-28"]]))
            #expect(noCapabilities.answer?["error"]?["code"] == -32602)
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func batchesOnlyInside20250326Sessions(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            let batch: JSONValue = [Message.plain(1, "tools/list"), Message.plain(2, "ping")]
            let outside = try await connection.send(batch).answer
            #expect(outside?["error"]?["code"] == -32600, "no 2025-03-26 session yet")
            try await connection.handshake("2025-03-26")
            let inside = try await connection.send(
                [
                    Message.plain(1, "tools/list"), Message.plain(2, "ping"),
                    Message.notification("notifications/initialized"),
                ]
            ).answer
            if transport.keepsSessions {
                let answers = inside?.arrayValue ?? []
                #expect(answers.count == 2)
                #expect(answers.map { $0["id"] } == [1, 2])
                #expect(answers.first?["result"]?["tools"] != nil)
            } else {
                #expect(inside?["error"]?["code"] == -32600, "stateless HTTP has no session to batch in")
            }
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func notificationsCancelledStopsTheRequestAndSuppressesItsAnswer(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            try await connection.handshake()
            let call = Task {
                try await connection.send(
                    Message.longTask(9, steps: 200, stepMilliseconds: 50, modern: false), wait: .seconds(15))
            }
            // Time for the request to reach the server on a loaded machine; it runs for 10 s.
            try await Task.sleep(for: .seconds(1))
            try await connection.send(Message.cancelled(9))
            let outcome = try await call.value
            if transport.keepsSessions {
                #expect(outcome.answer == nil, "a cancelled request is not answered (CAN-1)")
            } else {
                // Without a session nothing scopes the id, so nothing is cancelled by it.
                #expect(outcome.answer?["result"]?["isError"] == false)
            }
            #expect(try await connection.send(Message.plain(10, "ping")).answer?["result"] != nil)
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func progressTokensAreEchoedExactly(_ transport: SuiteTransport) async throws {
        try await withConnection(transport) { connection in
            for (index, token) in [JSONValue.string("p-1"), .int(7), .double(2.5)].enumerated() {
                let outcome = try await connection.send(
                    Message.longTask(
                        .int(index + 1), steps: 2, stepMilliseconds: 5, modern: true, meta: ["progressToken": token]))
                #expect(outcome.answer?["result"]?["isError"] == false)
                let progress = outcome.notifications.filter { $0["method"] == "notifications/progress" }
                #expect(progress.count == 2, "\(token)")
                #expect(progress.allSatisfy { $0["params"]?["progressToken"] == token }, "\(token)")
            }
            let invalid = try await connection.send(
                Message.longTask(9, steps: 2, stepMilliseconds: 5, modern: true, meta: ["progressToken": true]))
            #expect(invalid.answer?["result"]?["isError"] == false)
            #expect(invalid.notifications.filter { $0["method"] == "notifications/progress" }.isEmpty)
        }
    }

    @Test(arguments: SuiteTransport.allCases)
    func concurrentClientsWithTheSameIDsGetTheirOwnAnswers(_ transport: SuiteTransport) async throws {
        try await withSuiteServer(transport) { server in
            let first = try await server.connect()
            let second = try await server.connect()
            for modern in [true, false] {
                if !modern {
                    try await first.handshake()
                    try await second.handshake()
                }
                async let a = first.send(Message.add(1, 1, 1, modern: modern))
                async let b = second.send(Message.add(1, 20, 22, modern: modern))
                let (answerA, answerB) = try await (a, b)
                #expect(answerA.answer?["result"]?["content"]?.arrayValue?.first?["text"] == "2.0", "modern: \(modern)")
                #expect(
                    answerB.answer?["result"]?["content"]?.arrayValue?.first?["text"] == "42.0", "modern: \(modern)")
            }
            await first.close()
            await second.close()
        }
    }
}
