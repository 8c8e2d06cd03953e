import Logging
import MCPCore
import MCPTesting
import Testing

/// A catalogue where some declarations need OAuth scopes.
@Catalogue
struct ScopedNotes {
    /// Reads the notes.
    @Tool("read_notes") static func readNotes() -> String { "notes" }

    /// Writes a note.
    /// - Parameter text: The note.
    @Tool("write_note", scopes: ["notes:write"]) static func writeNote(text: String) -> String { "wrote \(text)" }

    /// Deletes every note.
    @Tool("purge_notes", scopes: ["notes:write", "notes:admin"]) static func purgeNotes() -> String { "purged" }

    /// The secret note.
    @Resource("notes://secret", scopes: ["notes:admin"]) static func secret() -> String { "secret" }

    /// A prompt for admins.
    @Prompt("audit", scopes: ["notes:admin"]) static func audit() -> String { "audit the notes" }
}

/// Scopes declared next to a tool, resource or prompt (`scopes:`): a caller sees in the lists and
/// may use only what its token's scopes allow; lists stay pre-encoded, one set per scope
/// combination seen, and at most `maxScopeViews` of them.
@Suite("Scopes per declaration")
struct ScopeTests {
    func server(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> MCPServer {
        var configuration = ServerConfiguration(info: ServerInfo(name: "scoped", version: "1"))
        configure(&configuration)
        return MCPServer(registry: try Registry(catalogues: [ScopedNotes()]), configuration: configuration)
    }

    func client(_ server: MCPServer, scopes: Set<String>?, mode: MCPTestClient.Mode = .modern) -> MCPTestClient {
        MCPTestClient(
            router: MessageRouter(server: server), mode: mode,
            caller: Principal(id: "oauth:as#\(scopes?.sorted().joined() ?? "key")", subject: "s", scopes: scopes))
    }

    func toolNames(_ client: MCPTestClient) async throws -> [String] {
        try await client.listTools().compactMap { $0["name"]?.stringValue }.sorted()
    }

    @Test func listsShowWhatTheScopesAllow() async throws {
        let server = try server()
        #expect(try await toolNames(client(server, scopes: [])) == ["read_notes"])
        #expect(try await toolNames(client(server, scopes: ["notes:write"])) == ["read_notes", "write_note"])
        #expect(
            try await toolNames(client(server, scopes: ["notes:write", "notes:admin", "other"]))
                == ["purge_notes", "read_notes", "write_note"])
        #expect(
            try await toolNames(client(server, scopes: nil)) == ["purge_notes", "read_notes", "write_note"],
            "a caller not limited by scopes (an API key, stdio) sees everything")
        let reader = client(server, scopes: ["notes:read"])
        #expect(try await reader.listAll("resources/list", key: "resources").isEmpty)
        #expect(try await reader.listAll("prompts/list", key: "prompts").isEmpty)
        let admin = client(server, scopes: ["notes:admin"])
        #expect(try await admin.listAll("resources/list", key: "resources").count == 1)
        #expect(try await admin.listAll("prompts/list", key: "prompts").count == 1)
        let list = try await admin.result("tools/list")
        #expect(list["cacheScope"] == "private", "lists that differ by caller are not for shared caches")
    }

    @Test func aHiddenDeclarationIsTheSameErrorAsAnUnknownOne() async throws {
        let server = try server()
        for mode in [MCPTestClient.Mode.modern, .handshake(.v2025_11_25)] {
            let reader = client(server, scopes: ["notes:read"], mode: mode)
            let hidden = try await reader.send("tools/call", ["name": "write_note", "arguments": ["text": "x"]])
            let unknown = try await reader.send("tools/call", ["name": "no_such_tool", "arguments": [:]])
            #expect(hidden["error"]?["code"] == unknown["error"]?["code"])
            #expect(
                hidden["error"]?["message"]?.stringValue
                    == unknown["error"]?["message"]?.stringValue?.replacing("no_such_tool", with: "write_note"))
            let secret = try await reader.send("resources/read", ["uri": "notes://secret"])
            #expect(secret["error"] != nil)
            let prompt = try await reader.send("prompts/get", ["name": "audit"])
            #expect(prompt["error"]?["message"]?.stringValue?.contains("Unknown prompt: audit") == true)
            let writer = client(server, scopes: ["notes:write"], mode: mode)
            #expect(try await writer.callTool("write_note", ["text": "x"]).isError == false)
        }
    }

    @Test func inChallengeModeAHiddenDeclarationAsksForItsScopes() async throws {
        let server = try server { $0.insufficientScope = .challenge }
        let router = MessageRouter(server: server)
        let reader = Principal(id: "oauth:as#r", subject: "r", scopes: ["notes:read"])
        let body = Array(
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"purge_notes","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
                .utf8)
        let routed = body.withUnsafeBytes {
            router.route(parsing: $0, from: MessageOrigin(caller: reader), logger: Logger(label: "test"))
        }
        guard case .answer(.insufficientScope(let scopes, let reply)) = routed.decision else {
            Issue.record("expected a scope challenge, got \(routed.decision)")
            return
        }
        #expect(scopes == ["notes:read", "notes:write", "notes:admin"], "what it holds, then what it lacks")
        #expect(try JSONParser.parse(reply.bytes)["error"] != nil)
    }

    @Test func viewsAreBuiltOncePerScopeCombinationAndBounded() async throws {
        let server = try server { $0.maxScopeViews = 2 }
        for _ in 0..<3 {
            for scopes: Set<String> in [["notes:write"], ["notes:write", "unrelated"], ["notes:admin"]] {
                _ = try await toolNames(client(server, scopes: scopes))
            }
        }
        let counts = try #require(server.scopeViewCounts)
        #expect(counts.kept <= 2)
        #expect(counts.built >= 2)
        // Scopes nobody declares do not make a combination of their own.
        let fresh = try self.server()
        for scopes: Set<String> in [["notes:write"], ["notes:write", "a"], ["notes:write", "b"]] {
            _ = try await toolNames(client(fresh, scopes: scopes))
        }
        #expect(fresh.scopeViewCounts?.built == 1)
    }

    @Test func scopeSetsRememberedWithTheirViewAreBounded() async throws {
        let server = try server { $0.maxScopeViews = 2 }
        for index in 0..<40 {
            _ = try await toolNames(client(server, scopes: ["notes:write", "other-\(index)"]))
        }
        let counts = try #require(server.scopeViewCounts)
        #expect(counts.grants <= 8, "at most four times the views kept")
        #expect(counts.built == 1, "every one of those sets shares one view")
        // A set seen before still gets its own view, not another's.
        #expect(try await toolNames(client(server, scopes: ["notes:write", "notes:admin"])).contains("purge_notes"))
        #expect(try await !toolNames(client(server, scopes: ["notes:write", "other-39"])).contains("purge_notes"))
    }
}
