import MCPCore
import MCPTesting
import Testing

/// A form the tests ask for.
@Schema
struct Approval: Sendable {
    /// Whether to go on.
    var approve: Bool
}

/// Tools that ask their client, in either era, through one API.
@Catalogue
struct AskingTools {
    /// Asks for approval twice, then for a summary.
    @Tool static func careful(topic: String, context: HandlerContext) async throws -> String {
        guard case .accepted(let first) = try await context.elicit("Start \(topic)?", as: Approval.self), first.approve
        else { return "not started" }
        guard case .accepted(let second) = try await context.elicit("Really?", as: Approval.self), second.approve
        else { return "stopped" }
        let summary = try await context.sample("Summarize \(topic)")
        let roots = try await context.roots()
        return "done: \(summary) in \(roots.joined(separator: ","))"
    }

    /// Asks for approval once.
    @Tool static func once(context: HandlerContext) async throws -> String {
        guard case .accepted(let answer) = try await context.elicit("Go?", as: Approval.self) else { return "no" }
        return answer.approve ? "yes" : "no"
    }
}

@Suite("Input requests: elicitation, sampling, roots in both eras")
struct InputRequestTests {
    static func router(ttl: Duration = .seconds(600)) -> MessageRouter {
        var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        configuration.requestStateTTL = ttl
        return MessageRouter(
            server: MCPServer(registry: try! Registry(catalogues: [AskingTools()]), configuration: configuration))
    }

    func answering(_ client: MCPTestClient, approve: Bool = true) -> MCPTestClient {
        client.answerRequests { method, params in
            switch method {
            case "elicitation/create":
                #expect(params?["requestedSchema"]?["properties"]?["approve"]?["type"] == "boolean")
                return ["action": "accept", "content": ["approve": .bool(approve)]]
            case "sampling/createMessage": return ["role": "assistant", "content": ["type": "text", "text": "short"]]
            case "roots/list": return ["roots": [["uri": "file:///work", "name": "work"]]]
            default: throw JSONRPCError(code: JSONRPCError.methodNotFoundCode, message: method)
            }
        }
        return client
    }

    @Test(arguments: [MCPTestClient.Mode.modern, .handshake(.v2025_11_25)])
    func oneToolAsksTheSameWayInBothEras(_ mode: MCPTestClient.Mode) async throws {
        let client = answering(MCPTestClient(router: Self.router(), mode: mode))
        let result = try await client.callTool("careful", ["topic": "x"])
        #expect(result.text == "done: short in file:///work")
        #expect(
            client.requestsReceived.map { $0["method"] } == [
                "elicitation/create", "elicitation/create", "sampling/createMessage", "roots/list",
            ])
    }

    @Test func aModernCallEndsWithInputRequiredAndRunsAgainWithTheAnswers() async throws {
        let client = MCPTestClient(router: Self.router())
        let capabilities: JSONObject = ["elicitation": [:]]
        let first = try await client.result(
            "tools/call", ["name": "once", "arguments": [:]], capabilities: capabilities)
        #expect(first["resultType"] == "input_required")
        #expect(first["inputRequests"]?["input-1"]?["method"] == "elicitation/create")
        #expect(first["inputRequests"]?["input-1"]?["params"]?["mode"] == "form")
        #expect(first["ttlMs"] == nil, "no caching hints on input_required (CACHE-1)")
        let state = try #require(first["requestState"])
        let retry = try await client.result(
            "tools/call",
            [
                "name": "once", "arguments": [:], "requestState": state,
                "inputResponses": ["input-1": ["action": "accept", "content": ["approve": true]]],
            ], capabilities: capabilities)
        #expect(retry["resultType"] == "complete")
        #expect(retry["content"]?.arrayValue?.first?["text"] == "yes")
    }

    @Test func aClientWithoutTheCapabilityGetsAClearToolError() async throws {
        for mode in [MCPTestClient.Mode.modern, .handshake(.v2025_11_25)] {
            let result = try await MCPTestClient(router: Self.router(), mode: mode).callTool("once")
            #expect(result.isError)
            #expect(result.text?.contains("needs its client") == true)
        }
    }

    @Test func aHandshakeSessionBefore20250618CannotElicit() async throws {
        let client = answering(MCPTestClient(router: Self.router(), mode: .handshake(.v2025_03_26)))
        let result = try await client.callTool("once")
        #expect(result.isError, "elicitation arrived in 2025-06-18 (SRV-L-2)")
        #expect(client.requestsReceived.isEmpty)
    }

    /// A first round's `requestState`, and the params it was issued for.
    func issuedState(_ router: MessageRouter, principal: String = "alice") async throws -> (JSONValue, MCPTestClient) {
        let client = MCPTestClient(router: router, principal: principal)
        let first = try await client.result(
            "tools/call", ["name": "once", "arguments": [:]], capabilities: ["elicitation": [:]])
        return (try #require(first["requestState"]), client)
    }

    func retry(
        _ client: MCPTestClient, tool: String = "once", state: JSONValue, arguments: JSONObject = [:]
    ) async throws -> JSONValue {
        try await client.send(
            "tools/call",
            [
                "name": .string(tool), "arguments": .object(arguments), "requestState": state,
                "inputResponses": ["input-1": ["action": "accept", "content": ["approve": true]]],
            ], capabilities: ["elicitation": [:]])
    }

    @Test func aTamperedStateIsRefused() async throws {
        let router = Self.router()
        let (state, client) = try await issuedState(router)
        var characters = Array(try #require(state.stringValue))
        let middle = characters.count / 2
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        let answer = try await retry(client, state: .string(String(characters)))
        #expect(answer["error"]?["code"] == -32602)
        #expect(answer["error"]?["message"] == "Invalid params: Invalid or expired requestState")
    }

    @Test func aStateOfAnotherCallerToolOrParamsIsRefused() async throws {
        let router = Self.router()
        let (state, _) = try await issuedState(router, principal: "alice")
        let mallory = MCPTestClient(router: router, principal: "mallory")
        #expect(try await retry(mallory, state: state)["error"]?["code"] == -32602, "another principal")
        let alice = MCPTestClient(router: router, principal: "alice")
        #expect(
            try await retry(alice, tool: "careful", state: state, arguments: ["topic": "x"])["error"]?["code"]
                == -32602, "another tool")
        #expect(try await retry(alice, state: state)["result"]?["content"] != nil, "its own caller, tool and params")
    }

    @Test func anExpiredStateIsRefused() async throws {
        let router = Self.router(ttl: .seconds(0))
        let (state, client) = try await issuedState(router)
        #expect(try await retry(client, state: state)["error"]?["code"] == -32602)
    }

    @Test func aStateFromAnotherServerKeyIsRefusedAndASharedKeyWorksAnywhere() async throws {
        func router(_ ring: KeyRing) -> MessageRouter {
            var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
            configuration.keyRing = ring
            return MessageRouter(
                server: MCPServer(registry: try! Registry(catalogues: [AskingTools()]), configuration: configuration))
        }
        let (state, _) = try await issuedState(router(KeyRing(secret: "shared")))
        let replica = MCPTestClient(router: router(KeyRing(secret: "shared")), principal: "alice")
        #expect(try await retry(replica, state: state)["result"]?["content"] != nil, "another replica, the same key")
        let rotated = MCPTestClient(router: router(KeyRing(secret: "new", previous: ["shared"])), principal: "alice")
        #expect(try await retry(rotated, state: state)["result"]?["content"] != nil, "the previous key still opens")
        let stranger = MCPTestClient(router: router(KeyRing(secret: "other")), principal: "alice")
        #expect(try await retry(stranger, state: state)["error"]?["code"] == -32602)
    }
}
