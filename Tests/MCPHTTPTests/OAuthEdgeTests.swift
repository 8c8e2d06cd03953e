import MCPCore
import MCPHTTP
import MCPTesting
import Testing

/// Tells who called: what a tool reads from ``HandlerContext/principal``.
@Catalogue
struct WhoAmI {
    /// The caller's subject and scopes.
    @Tool static func whoami(context: HandlerContext) -> String {
        let scopes = (context.principal.scopes ?? []).sorted().joined(separator: " ")
        return "\(context.principal.subject ?? "-") [\(scopes)] \(context.principal.clientID ?? "-")"
    }
}

/// Stands in for the authorization server's verdicts; the JWT checks themselves are tested in
/// MCPOAuthTests against keys served over HTTP, and end to end against Glewlwyd (Tests/OAuth).
struct FixedVerdicts: AccessTokenValidator {
    func validate(_ token: String) async -> TokenValidation {
        switch token {
        case "alice-token":
            .valid(
                Principal(id: "oauth:as#alice", subject: "alice", clientID: "app", scopes: ["mcp:read", "mcp:write"]))
        case "bob-token": .valid(Principal(id: "oauth:as#bob", subject: "bob", scopes: ["mcp:read"]))
        case "down-token": .unavailable(reason: "the issuer does not answer")
        default: .invalid(reason: "unknown token")
        }
    }
}

/// The server as an OAuth protected resource (MCP authorization, RFC 9728, RFC 6750): the
/// metadata, the challenges, scopes for the whole endpoint, API keys beside tokens, and the
/// caller bound to sessions and seen by tools.
@Suite("OAuth at the edge")
struct OAuthEdgeTests {
    static let metadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

    func configure(
        required: [String] = [], apiKey: String? = nil, sessions: Bool = false
    )
        -> (inout HTTPConfiguration) -> Void
    {
        { configuration in
            configuration.protectedResource = ProtectedResource(
                publicURL: "https://mcp.example.com/", mcpPath: "/mcp",
                authorizationServers: ["https://as.example.com"],
                scopesSupported: ["mcp:read", "mcp:write"], requiredScopes: required, validator: FixedVerdicts())
            configuration.apiKey = apiKey
            configuration.statelessHTTP = !sessions
        }
    }

    @Test func servesTheMetadataAtBothPathsWithoutAToken() async throws {
        try await withServer(configure()) { server in
            for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
                let response = try await server.client.send("GET", path)
                #expect(response.status == 200)
                #expect(response.json?["resource"] == "https://mcp.example.com/mcp")
                #expect(response.json?["authorization_servers"] == ["https://as.example.com"])
                #expect(response.json?["scopes_supported"] == ["mcp:read", "mcp:write"])
                #expect(response.json?["bearer_methods_supported"] == ["header"])
            }
            #expect(try await server.client.send("GET", "/health").status == 200)
        }
    }

    @Test func challengesEveryWayAClientCanGetItWrong() async throws {
        try await withServer(configure()) { server in
            let client = server.client
            let missing = try await client.send(headers: [accept], json: listBody)
            #expect(missing.status == 401)
            #expect(
                missing.header("www-authenticate")
                    == #"Bearer resource_metadata="\#(Self.metadataURL)", scope="mcp:read mcp:write""#)
            let refused: [[(String, String)]] = [
                [("Authorization", "Bearer nobody-token")], [("Authorization", "Bearer a b")],
                [("Authorization", "Basic YWxpY2U6cHc=")], [("Authorization", "Bearer ")],
                [("Authorization", "Bearer alice-token"), ("Authorization", "Bearer alice-token")],
            ]
            for headers in refused {
                let response = try await client.send(headers: [accept] + headers, json: listBody)
                #expect(response.status == 401, "\(headers)")
                #expect(response.header("www-authenticate")?.contains(#"error="invalid_token""#) == true)
                #expect(response.header("www-authenticate")?.contains(Self.metadataURL) == true)
            }
            let down = try await client.send(headers: [accept, ("Authorization", "Bearer down-token")], json: listBody)
            #expect(down.status == 503)
            #expect(down.header("retry-after") == "5")
            #expect(
                try await client.send("POST", "/mcp?access_token=alice-token", headers: [accept], json: listBody).status
                    == 401, "never from the query string")
            #expect(
                try await client.send(headers: [accept, ("authorization", "bearer alice-token")], json: listBody).status
                    == 200, "the scheme is case-insensitive (RFC 6750 §2.1)")
            #expect(try await client.send("GET", "/api/v1/tools").status == 401)
        }
    }

    @Test func scopesTheWholeEndpointNeedsAre403WithTheScopeToAskFor() async throws {
        try await withServer(configure(required: ["mcp:write"])) { server in
            let bob = try await server.client.send(
                headers: [accept, ("Authorization", "Bearer bob-token")], json: listBody)
            #expect(bob.status == 403)
            #expect(
                bob.header("www-authenticate")
                    == #"Bearer resource_metadata="\#(Self.metadataURL)", scope="mcp:write", error="insufficient_scope", error_description="more scopes are needed""#
            )
            let alice = try await server.client.send(
                headers: [accept, ("Authorization", "Bearer alice-token")], json: listBody)
            #expect(alice.status == 200)
        }
    }

    @Test func anAPIKeyStillWorksBesideTokens() async throws {
        try await withServer(configure(apiKey: "service-key")) { server in
            for headers in [[("Authorization", "Bearer service-key")], [("X-API-Key", "service-key")]] {
                #expect(try await server.client.send(headers: [accept] + headers, json: listBody).status == 200)
            }
            let wrong = try await server.client.send(headers: [accept, ("X-API-Key", "other")], json: listBody)
            #expect(wrong.status == 401)
        }
    }

    @Test func toolsSeeTheCallerAndSessionsBelongToIt() async throws {
        try await withServer(catalogues: [WhoAmI()], configure(sessions: true)) { server in
            let client = server.client
            let alice = ("Authorization", "Bearer alice-token")
            let initialized = try await client.send(headers: [accept, alice], json: initializeBody)
            let id = try #require(initialized.header("mcp-session-id"))
            let session = [accept, alice, ("Mcp-Session-Id", id), ("MCP-Protocol-Version", "2025-11-25")]
            let call = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"#
            let answer = try await client.send(headers: session, json: call)
            #expect(answer.json?["result"]?["content"]?.arrayValue?.first?["text"] == "alice [mcp:read mcp:write] app")
            var asBob = session
            asBob[1] = ("Authorization", "Bearer bob-token")
            #expect(try await client.send(headers: asBob, json: call).status == 404, "another subject's session")
            let modern = try await client.send(
                headers: Modern.headers("tools/call", name: "whoami") + [("Authorization", "Bearer bob-token")],
                json: Modern.body("tools/call", #"{"name":"whoami","arguments":{}}"#))
            #expect(modern.json?["result"]?["content"]?.arrayValue?.first?["text"] == "bob [mcp:read] -")
        }
    }

    /// The example catalogue's workspace-changing tools (three file tools and `delete_file`) need
    /// `mcp:write`: bob's token has only `mcp:read`.
    @Test func scopedToolsAreHiddenFromTokensWithoutTheirScopes() async throws {
        try await withServer(configure()) { server in
            let bob = ("Authorization", "Bearer bob-token")
            let alice = ("Authorization", "Bearer alice-token")
            func names(_ who: (String, String)) async throws -> [String] {
                let list = try await server.client.send(
                    headers: Modern.headers("tools/list") + [who], json: Modern.body("tools/list"))
                return list.json?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            }
            #expect(try await names(alice).contains("write_text_file"))
            #expect(try await !names(bob).contains("write_text_file"))
            #expect(try await names(bob).count == server.toolCount - 4)
            let rest = try await server.client.send("GET", "/api/v1/tools", headers: [bob])
            #expect(rest.json?["count"]?.intValue == server.toolCount - 4)
            let call = try await server.client.send(
                "POST", "/api/v1/tools/write_text_file", headers: [bob], json: #"{"file_path":"a.txt","content":"x"}"#)
            #expect(call.status == 404, "hidden is unknown")
        }
    }

    @Test func inChallengeModeAScopedToolAnswers403WithTheScopesToAskFor() async throws {
        try await withServer(configure(), server: { $0.insufficientScope = .challenge }) { server in
            let response = try await server.client.send(
                headers: Modern.headers("tools/call", name: "write_text_file") + [
                    ("Authorization", "Bearer bob-token")
                ],
                json: Modern.body(
                    "tools/call", #"{"name":"write_text_file","arguments":{"file_path":"a","content":"x"}}"#))
            #expect(response.status == 403)
            #expect(
                response.header("www-authenticate")
                    == #"Bearer resource_metadata="\#(Self.metadataURL)", scope="mcp:read mcp:write", error="insufficient_scope", error_description="more scopes are needed""#
            )
            #expect(response.json?["error"]?["code"] != nil)
            let rest = try await server.client.send(
                "POST", "/api/v1/tools/write_text_file", headers: [("Authorization", "Bearer bob-token")],
                json: #"{"file_path":"a","content":"x"}"#)
            #expect(rest.status == 403)
            #expect(rest.header("www-authenticate")?.contains(#"error="insufficient_scope""#) == true)
        }
    }

    @Test func theOpenAPIDocumentDeclaresTheTokenAndEachToolsScopes() async throws {
        try await withServer(configure(apiKey: "service-key")) { server in
            let document = try #require(
                try await server.client.send("GET", "/openapi.json", headers: [("X-API-Key", "service-key")]).json)
            let scheme = document["components"]?["securitySchemes"]?["oauth"]
            #expect(scheme?["scheme"] == "bearer")
            #expect(scheme?["description"]?.stringValue?.contains("https://mcp.example.com/mcp") == true)
            let write = document["paths"]?["/api/v1/tools/write_text_file"]?["post"]?["security"]
            #expect(write?.arrayValue?.first?["oauth"] == ["mcp:write"])
            let add = document["paths"]?["/api/v1/tools/add"]?["post"]?["security"]
            #expect(add?.arrayValue?.first?["oauth"] == [])
            #expect(add?.arrayValue?.count == 3, "a token, or the API key as bearer or X-API-Key")
        }
    }
}
