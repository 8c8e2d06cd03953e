import Foundation
import InteropSupport
import MCP
import MCPHTTP
import MCPTesting
import Testing

/// Clients we did not write, over HTTP: the official Python SDK client in every mode (and its
/// deprecated HTTP+SSE client), the official Swift SDK client, and openapi-spec-validator.
@Suite(
    "HTTP interop", .serialized,
    .enabled(
        if: BuiltProducts.pythonInteropEnabled, "needs MCP_PYTHON (a python with mcp 2.3.0 and openapi-spec-validator)")
)
struct InteropHTTPTests {
    func runCatalogueClient(_ server: HTTPHarness, _ mode: String, _ url: String, stateless: Bool = false) async throws
    {
        var environment = [
            "MCP_EXPECTED_TOOLS": server.service.server.registry.tools.map(\.name).joined(separator: ",")
        ]
        if stateless { environment["MCP_SERVER_STATELESS"] = "1" }
        let (status, text) = try await BuiltProducts.runPython(
            "catalogue_client.py", [mode, url], environment: environment)
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(status == 0, "\(failures.joined(separator: "\n"))\n\(text.suffix(2000))")
        #expect(text.contains("\(mode): 0 failed"))
    }

    @Test(arguments: ["http-modern", "http-auto", "http-legacy"])
    func pythonClientStatelessServer(_ mode: String) async throws {
        try await withServer(demoTools: true) { server in
            try await runCatalogueClient(server, mode, server.url, stateless: true)
        }
    }

    @Test(arguments: ["http-modern", "http-auto", "http-legacy"])
    func pythonClientWithSessions(_ mode: String) async throws {
        try await withServer(demoTools: true, { $0.statelessHTTP = false }) { server in
            try await runCatalogueClient(server, mode, server.url)
            if mode == "http-legacy" {
                #expect(server.service.sessions.liveSessions == 0, "the client's DELETE ended its session")
            }
        }
    }

    @Test func pythonClientOverTheDeprecatedSSETransport() async throws {
        try await withServer(demoTools: true, { $0.legacySSE = true }) { server in
            try await runCatalogueClient(server, "sse-legacy", "http://127.0.0.1:\(server.port)/sse")
        }
    }

    @Test func openAPIDocumentIsValid() async throws {
        try await withServer { server in
            let (status, text) = try await BuiltProducts.runPython(
                "validate_openapi.py", ["http://127.0.0.1:\(server.port)/openapi.json"])
            #expect(status == 0, "\(text)")
            #expect(text.contains("valid: OpenAPI 3.1.0"))
        }
    }

    @Test func swiftSDKClientWithSessions() async throws {
        try await withServer({ $0.statelessHTTP = false }) { server in
            let transport = HTTPClientTransport(endpoint: URL(string: server.url)!, streaming: false)
            let client = Client(name: "swift-sdk-interop", version: "1.0")
            let initialized = try await client.connect(transport: transport)
            #expect(
                initialized.protocolVersion == "2025-11-25" || initialized.protocolVersion == "2025-06-18"
                    || initialized.protocolVersion == "2025-03-26")
            let tools = try await client.listTools().tools
            #expect(tools.count == server.toolCount)
            let sum = try await client.callTool(name: "add", arguments: ["a": 2, "b": 3])
            #expect(sum.isError != true)
            let failed = try await client.callTool(name: "divide", arguments: ["a": 1, "b": 0])
            #expect(failed.isError == true)
            #expect(try await client.listResources().resources.count == 10)
            #expect(try await client.readResource(uri: "config://user/alice").count == 1)
            #expect(try await client.listPrompts().prompts.count == 8)
            #expect(!(try await client.getPrompt(name: "code_review", arguments: ["code": "x"]).messages.isEmpty))
            #expect(
                try await client.complete(promptName: "code_review", argumentName: "language", argumentValue: "sw")
                    .values == ["swift"])
            let sessionID = try #require(await transport.sessionID)
            await client.disconnect()
            // Ending the session: afterwards its id is unknown (HTTP-L-9).
            #expect(
                try await server.client.send("DELETE", "/mcp", headers: [("Mcp-Session-Id", sessionID)]).status == 204)
            let after = try await server.client.send(
                headers: [("Accept", "application/json, text/event-stream"), ("Mcp-Session-Id", sessionID)],
                json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(after.status == 404)
        }
    }

    @Test func swiftSDKClientStateless() async throws {
        try await withServer { server in
            let transport = HTTPClientTransport(endpoint: URL(string: server.url)!, streaming: false)
            let client = Client(name: "swift-sdk-interop", version: "1.0")
            _ = try await client.connect(transport: transport)
            #expect(try await client.listTools().tools.count == server.toolCount)
            #expect(try await client.callTool(name: "calculate", arguments: ["expression": "2+3*4"]).isError != true)
            await client.disconnect()
        }
    }
}
