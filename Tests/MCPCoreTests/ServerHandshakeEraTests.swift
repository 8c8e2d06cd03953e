import Logging
import MCPCore
import MCPTesting
import Testing

/// The handshake era (2024-11-05 … 2025-11-25) through the protocol core.
@Suite("Server, handshake era")
struct ServerHandshakeEraTests {
    let server = MCPServer(
        registry: try! Registry(catalogues: [SampleCatalogue()]),
        configuration: ServerConfiguration(
            info: ServerInfo(name: "test", version: "0", title: "Test"), instructions: "hi"))

    func initialize(_ version: JSONValue, params: JSONObject? = nil) throws -> (JSONValue, SessionState?) {
        let request = JSONRPCRequest(
            id: 0, method: "initialize",
            params: .object(
                params ?? [
                    "protocolVersion": version, "capabilities": [:], "clientInfo": ["name": "c", "version": "1"],
                ]))
        let (reply, state) = server.initialize(request)
        return (try JSONParser.parse(reply.bytes), state)
    }

    @Test(arguments: [
        ("2025-03-26", "2025-03-26"), ("2024-11-05", "2024-11-05"), ("2025-11-25", "2025-11-25"),
        ("2099-01-01", "2025-11-25"), ("2026-07-28", "2025-11-25"),
    ])
    func negotiatesTheVersion(_ offered: String, _ answered: String) throws {
        let (response, state) = try initialize(.string(offered))
        #expect(response["result"]?["protocolVersion"] == .string(answered))
        #expect(state?.version.rawValue == answered)
        #expect(response["result"]?["serverInfo"]?["name"] == "test")
        #expect(response["result"]?["instructions"] == "hi")
        #expect(response["result"]?["resultType"] == nil)
    }

    @Test func rejectsIncompleteInitialize() throws {
        for params: JSONObject in [
            [:], ["protocolVersion": "2025-06-18", "capabilities": [:]],
            ["protocolVersion": 1, "capabilities": [:], "clientInfo": ["name": "c"]],
        ] {
            let (response, state) = try initialize(nil, params: params)
            #expect(response["error"]?["code"] == -32602)
            #expect(state == nil)
        }
    }

    @Test func gatesFieldsByRevision() async throws {
        let old = MCPTestClient(server: server, mode: .handshake(.v2024_11_05))
        let oldTool = try #require(try await old.listTools().first)
        #expect(oldTool["title"] == nil)
        #expect(oldTool["outputSchema"] == nil)
        #expect(oldTool["annotations"] == nil)
        let oldCall = try await old.callTool("greet", ["name": "x"])
        #expect(oldCall["structuredContent"] == nil)
        #expect(oldCall["resultType"] == nil)

        let march = MCPTestClient(server: server, mode: .handshake(.v2025_03_26))
        let marchTool = try #require(try await march.listTools().first)
        #expect(marchTool["title"] == nil)
        #expect(marchTool["annotations"]?["readOnlyHint"] == true)
        #expect(marchTool["outputSchema"] == nil)

        let current = MCPTestClient(server: server, mode: .handshake(.v2025_11_25))
        let tool = try #require(try await current.listTools().first)
        #expect(tool["title"] == "Greet")
        #expect(tool["outputSchema"]?["type"] == "object")
        let call = try await current.callTool("greet", ["name": "x"])
        #expect(call["structuredContent"]?["text"] == "Hello, x")
        #expect(call["resultType"] == nil)
        #expect(call["_meta"] == nil)
    }

    @Test func listsCarryNoModernHints() async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_11_25))
        let list = try await client.result("tools/list")
        #expect(list["ttlMs"] == nil)
        #expect(list["cacheScope"] == nil)
        #expect(list["resultType"] == nil)
    }

    @Test func resourceNotFoundIsTheLegacyCode() async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_06_18))
        let response = try await client.send("resources/read", ["uri": "file:///nope"])
        #expect(response["error"]?["code"] == -32002)
    }

    @Test func answersPingAndLoggingSetLevel() async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_06_18))
        #expect(try await client.result("ping") == .object([:]))
        let invalid = try await client.send("logging/setLevel", ["level": "loud"])
        #expect(invalid["error"]?["code"] == -32602)
        _ = try await client.send("tools/call", ["name": "work", "arguments": ["steps": 1]])
        #expect(client.notifications.isEmpty, "no messages before setLevel")
        #expect(try await client.result("logging/setLevel", ["level": "debug"]) == .object([:]))
        _ = try await client.send("tools/call", ["name": "work", "arguments": ["steps": 1]])
        #expect(client.notifications.filter { $0["method"] == "notifications/message" }.count == 2)
    }

    @Test func aSecondInitializeInASessionIsInvalid() async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_06_18))
        let response = try await client.send(
            "initialize",
            ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "c", "version": "1"]])
        #expect(response["error"]?["code"] == -32600)
    }

    @Test(arguments: ["server/discover", "subscriptions/listen", "tasks/get"])
    func modernOnlyMethodsDoNotExistInSessions(_ method: String) async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2025_11_25))
        #expect(try await client.send(method)["error"]?["code"] == -32601)
    }

    @Test func omitsTheProgressMessageBefore20250326() async throws {
        let client = MCPTestClient(server: server, mode: .handshake(.v2024_11_05))
        _ = try await client.send(
            "tools/call", ["name": "work", "arguments": ["steps": 1]], meta: ["progressToken": 9])
        let progress = try #require(client.notifications.first { $0["method"] == "notifications/progress" })
        #expect(progress["params"]?["progressToken"] == 9)
        #expect(progress["params"]?["message"] == nil)
    }

    @Test func disabledHandshakeNamesTheModernVersion() throws {
        var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        configuration.handshakeEraEnabled = false
        let modernOnly = MCPServer(registry: Registry(), configuration: configuration)
        let (reply, state) = modernOnly.initialize(
            JSONRPCRequest(
                id: 1, method: "initialize",
                params: [
                    "protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "c", "version": "1"],
                ]))
        #expect(state == nil)
        #expect(String(decoding: reply.bytes, as: UTF8.self).contains("2026-07-28"))
    }
}
