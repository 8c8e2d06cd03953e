import Logging
import MCPCore
import MCPTesting
import Testing

/// The 2026-07-28 era through the protocol core (MCP-REQUIREMENTS §4–§16).
@Suite("Server, 2026-07-28")
struct ServerModernEraTests {
    let client = try! MCPTestClient(catalogues: [SampleCatalogue()])

    @Test func discoverListsEveryVersionAndCachingHints() async throws {
        let result = try await client.result("server/discover")
        #expect(result["supportedVersions"] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
        #expect(result["resultType"] == "complete")
        #expect(result["ttlMs"]?.intValue ?? -1 >= 0)
        #expect(result["cacheScope"] == "public")
        let capabilities = try #require(result["capabilities"]?.objectValue)
        #expect(
            Set(capabilities.keys).isSubset(of: [
                "experimental", "logging", "completions", "prompts", "resources", "tools", "extensions",
            ]))
        #expect(result["_meta"]?[Envelope.serverInfoKey]?["name"] == "test")
    }

    @Test(arguments: ["tools/list", "prompts/list", "resources/list", "resources/templates/list"])
    func everyListCarriesResultTypeAndCachingHints(_ method: String) async throws {
        let result = try await client.result(method)
        #expect(result["resultType"] == "complete")
        #expect(result["ttlMs"]?.intValue != nil)
        #expect(result["cacheScope"] == "public")
        #expect(result["_meta"]?[Envelope.serverInfoKey] != nil)
    }

    @Test func listsAreDeterministic() async throws {
        let first = try await client.send("tools/list")
        _ = try await client.callTool("greet", ["name": "x"])
        let second = try await client.send("tools/list")
        #expect(first["result"] == second["result"])
        #expect(
            try await client.listTools().map { $0["name"] } == [
                "greet", "refuse", "explode", "work", "wait", "named.tool-1",
            ])
    }

    @Test func toolCallResultHasResultTypeAndServerInfo() async throws {
        let result = try await client.callTool("greet", ["name": "x"])
        #expect(result["resultType"] == "complete")
        #expect(result["_meta"]?[Envelope.serverInfoKey]?["version"] == "0")
    }

    @Test(arguments: [
        "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe", "tasks/list", "initialize/x",
        "nope",
    ])
    func removedAndUnknownMethodsAreMethodNotFound(_ method: String) async throws {
        let response = try await client.send(method)
        #expect(response["error"]?["code"] == -32601)
    }

    @Test func unknownToolIsInvalidParams() async throws {
        let response = try await client.send("tools/call", ["name": "nope", "arguments": [:]])
        #expect(response["error"]?["code"] == -32602)
        let noName = try await client.send("tools/call", ["arguments": [:]])
        #expect(noName["error"]?["code"] == -32602)
        let badArguments = try await client.send("tools/call", ["name": "greet", "arguments": [1]])
        #expect(badArguments["error"]?["code"] == -32602)
    }

    @Test func resourceNotFoundIsInvalidParamsWithTheURI() async throws {
        for uri in ["file:///nope", "mem://item/500", "mem://item/abc"] {
            let response = try await client.send("resources/read", ["uri": .string(uri)])
            #expect(response["error"]?["code"] == -32602)
            #expect(response["error"]?["data"]?["uri"] == .string(uri))
        }
    }

    @Test func readsFixedResourcesAndTemplatesWithHints() async throws {
        let note = try await client.result("resources/read", ["uri": "mem://note"])
        #expect(note["contents"] == [["uri": "mem://note", "mimeType": "text/plain", "text": "remember"]])
        #expect(note["ttlMs"] == 0)
        #expect(note["cacheScope"] == "public")
        let item = try await client.result("resources/read", ["uri": "mem://item/7"])
        #expect(item["contents"]?.arrayValue?.first?["text"] == #"{"id":7}"#)
        #expect(item["contents"]?.arrayValue?.first?["mimeType"] == "application/json")
    }

    @Test func getsPromptsAndChecksTheirArguments() async throws {
        let hello = try await client.result("prompts/get", ["name": "hello", "arguments": ["who": "Bo"]])
        #expect(
            hello["messages"] == [
                ["role": "user", "content": ["type": "text", "text": "Say hello to Bo in english."]]
            ])
        #expect(hello["description"] == "Says hello in a language.")
        let dialogue = try await client.result("prompts/get", ["name": "dialogue"])
        #expect(dialogue["messages"]?.arrayValue?.count == 2)
        for params: JSONObject in [
            ["name": "nope"], ["name": "hello"], ["name": "hello", "arguments": ["who": 1]],
            ["name": "hello", "arguments": ["who": "x", "mood": "y"]],
        ] {
            let response = try await client.send("prompts/get", params)
            #expect(response["error"]?["code"] == -32602, "\(params)")
        }
    }

    @Test func completesPromptArgumentsAndTemplateVariables() async throws {
        let languages = try await client.result(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "hello"], "argument": ["name": "language", "value": "es"]])
        #expect(languages["completion"]?["values"] == ["esperanto", "estonian"])
        #expect(languages["completion"]?["hasMore"] == false)
        let ids = try await client.result(
            "completion/complete",
            ["ref": ["type": "ref/resource", "uri": "mem://item/{id}"], "argument": ["name": "id", "value": "1"]])
        #expect(ids["completion"]?["values"] == ["1", "10"])
        let fixed = try await client.result(
            "completion/complete",
            ["ref": ["type": "ref/resource", "uri": "mem://note"], "argument": ["name": "x", "value": ""]])
        #expect(fixed["completion"]?["values"] == [], "a static resource is a valid ref with nothing to complete")
        let unknown = try await client.send(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "nope"], "argument": ["name": "x", "value": ""]])
        #expect(unknown["error"]?["code"] == -32602)
    }

    @Test func capsCompletionsAtOneHundred() async throws {
        let many = (0..<500).map { "value\($0)" }
        let prompt = PromptDefinition(
            name: "p", arguments: [PromptArgument("a", String.self)], completions: ["a": .values(many)],
            output: String.self
        ) { _, _ in "" }
        let client = MCPTestClient(
            server: MCPServer(
                registry: try Registry(prompts: [prompt]),
                configuration: ServerConfiguration(info: ServerInfo(name: "t", version: "0"))))
        let result = try await client.result(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "p"], "argument": ["name": "a", "value": "v"]])
        #expect(result["completion"]?["values"]?.arrayValue?.count == 100)
        #expect(result["completion"]?["total"] == 500)
        #expect(result["completion"]?["hasMore"] == true)
    }

    @Test func sendsProgressOnlyWhenAskedAndOnlyIncreasing() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        _ = try await client.result("tools/call", ["name": "work", "arguments": ["steps": 3]])
        #expect(client.notifications.isEmpty)
        _ = try await client.result(
            "tools/call", ["name": "work", "arguments": ["steps": 3]], meta: ["progressToken": "p1"])
        let progress = client.notifications.filter { $0["method"] == "notifications/progress" }
        #expect(progress.map { $0["params"]?["progress"] } == [1.0, 2.0, 3.0])
        #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "p1" })
    }

    @Test func sendsLogMessagesOnlyAtOrAboveTheRequestedLevel() async throws {
        let client = try MCPTestClient(catalogues: [SampleCatalogue()])
        _ = try await client.send("tools/call", ["name": "work", "arguments": ["steps": 2]])
        #expect(client.notifications.isEmpty)
        _ = try await client.send("tools/call", ["name": "work", "arguments": ["steps": 2]], logLevel: .info)
        let messages = client.notifications.filter { $0["method"] == "notifications/message" }
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0["params"]?["level"] == "info" })
    }

    @Test func paginatesWithCursorsThatAnyInstanceAccepts() async throws {
        let tools = (0..<250).map { index in ToolDefinition(name: "t\(index)", output: Int.self) { _, _ in index } }
        let registry = try Registry(tools: tools)
        let configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        let first = MCPTestClient(server: MCPServer(registry: registry, configuration: configuration))
        let page1 = try await first.result("tools/list")
        #expect(page1["tools"]?.arrayValue?.count == 100)
        let cursor = try #require(page1["nextCursor"]?.stringValue)
        // Another server process with the same catalogue reads the cursor.
        let second = MCPTestClient(server: MCPServer(registry: registry, configuration: configuration))
        let page2 = try await second.result("tools/list", ["cursor": .string(cursor)])
        #expect(page2["tools"]?.arrayValue?.first?["name"] == "t100")
        let all = try await second.listTools()
        #expect(all.count == 250)
        let page3 = try await second.result("tools/list", ["cursor": page2["nextCursor"]!])
        #expect(page3["nextCursor"] == nil)
        for garbage in ["garbage", "", "MTAw", String(repeating: "A", count: 100)] {
            let response = try await second.send("tools/list", ["cursor": .string(garbage)])
            #expect(response["error"]?["code"] == -32602)
        }
    }
}

@Suite("Envelope validation")
struct EnvelopeTests {
    func meta(_ object: JSONObject) -> JSONValue { ["_meta": .object(object)] }

    @Test func requiresBothKeys() {
        #expect(throws: JSONRPCError.self) { try Envelope.parse(params: nil) }
        #expect(
            throws: JSONRPCError.invalidParams("missing _meta io.modelcontextprotocol/clientCapabilities (an object)")
        ) {
            try Envelope.parse(params: meta([Envelope.protocolVersionKey: "2026-07-28"]))
        }
    }

    @Test func reportsUnsupportedVersionsWithTheSupportedList() throws {
        for requested: JSONValue in ["1900-01-01", "2025-11-25"] {
            do {
                _ = try Envelope.parse(
                    params: meta([Envelope.protocolVersionKey: requested, Envelope.clientCapabilitiesKey: [:]]))
                Issue.record("accepted \(requested)")
            } catch {
                #expect(error.code == -32022)
                #expect(error.data?["requested"] == requested)
                #expect(error.data?["supported"]?.arrayValue?.count == 5)
            }
        }
        #expect(throws: JSONRPCError.invalidParams("io.modelcontextprotocol/protocolVersion must be a string")) {
            try Envelope.parse(params: meta([Envelope.protocolVersionKey: 2026, Envelope.clientCapabilitiesKey: [:]]))
        }
    }

    @Test func validatesTheLogLevel() throws {
        let base: JSONObject = [Envelope.protocolVersionKey: "2026-07-28", Envelope.clientCapabilitiesKey: [:]]
        var verbose = base
        verbose[Envelope.logLevelKey] = "verbose"
        #expect(throws: JSONRPCError.self) { try Envelope.parse(params: meta(verbose)) }
        var warning = base
        warning[Envelope.logLevelKey] = "warning"
        #expect(try Envelope.parse(params: meta(warning)).logLevel == .warning)
        var unknownKeys = base
        unknownKeys["com.example/x"] = 1
        #expect(throws: Never.self) { try Envelope.parse(params: meta(unknownKeys)) }
    }
}
