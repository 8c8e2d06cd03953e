import Foundation
import InteropSupport
import MCPCore
import Testing

@testable import MCPRuntime

/// `install CLIENT`: each client's own format and file, merged without losing other servers.
@Suite("Client set-up (install)")
struct InstallCommandTests {
    let binary = BuiltProducts.binary("minimal-server")

    func temporaryHome() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("install-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func readJSON(_ path: String) throws -> JSONValue {
        try JSONParser.parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Each client's documented shape of one stdio entry and one HTTP entry.
    func checkFormat(_ client: MCPClient, _ servers: JSONValue?, name: String, http: Bool) {
        let entry = servers?[name]
        let typed = client == .claudeCode || client == .vscode
        #expect(entry != nil, "\(client): no entry \(name)")
        if http && client == .claudeDesktop {
            #expect(entry?["command"] == "npx")
            #expect(entry?["args"]?.arrayValue?.contains("mcp-remote") == true)
            return
        }
        if http {
            let urlKey = client == .windsurf ? "serverUrl" : "url"
            #expect(entry?[urlKey]?.stringValue?.hasSuffix("/mcp") == true, "\(client): \(urlKey)")
            #expect(entry?["headers"]?["Authorization"] == "Bearer k-123")
            let type: JSONValue? = typed ? .string("http") : Optional.none
            #expect(entry?["type"] == type)
            #expect(entry?["command"] == nil)
        } else {
            #expect(entry?["command"]?.stringValue?.hasPrefix("/") == true, "\(client): absolute command")
            #expect(entry?["args"] == ["--transport", "stdio"])
            #expect(entry?["env"]?["LOG_LEVEL"] == "debug")
            let type: JSONValue? = typed ? .string("stdio") : Optional.none
            #expect(entry?["type"] == type)
        }
    }

    @Test(arguments: MCPClient.allCases)
    func writesEachClientsFileAndKeepsOtherServers(_ client: MCPClient) async throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let path = client.configurationPath(home: home.path)
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        // A file the user already has: another server, and a setting of the client's own.
        let other: JSONValue = ["command": "/usr/local/bin/other-server", "args": ["--flag"]]
        let existing: JSONValue = ["theme": "dark", client.serversKey: ["other": other]]
        try Data(JSONWriter.bytes(existing)).write(to: URL(fileURLWithPath: path))

        let stdio = try await BuiltProducts.run(
            binary, ["install", client.rawValue, "--write", "--home", home.path, "--env", "LOG_LEVEL=debug"])
        #expect(stdio.status == 0, "\(stdio.output)")
        let http = try await BuiltProducts.run(
            binary,
            [
                "install", client.rawValue, "--write", "--home", home.path, "--name", "minimal-http", "--url",
                "http://127.0.0.1:8000/mcp", "--api-key", "k-123",
            ])
        #expect(http.status == 0, "\(http.output)")

        let written = try readJSON(path)
        #expect(written["theme"] == "dark", "the client's own settings survive")
        let servers = written[client.serversKey]
        #expect(servers?["other"] == other, "another server's entry survives")
        #expect(servers?.objectValue?.keys == ["other", "minimal-server", "minimal-http"])
        checkFormat(client, servers, name: "minimal-server", http: false)
        checkFormat(client, servers, name: "minimal-http", http: true)
    }

    @Test func printsWithoutWriting() async throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try await BuiltProducts.run(binary, ["install", "cursor", "--home", home.path])
        #expect(result.status == 0)
        #expect(result.output.contains("\"mcpServers\""))
        #expect(result.output.contains("\"minimal-server\""))
        #expect(!FileManager.default.fileExists(atPath: MCPClient.cursor.configurationPath(home: home.path)))
    }

    @Test func refusesAFileItCannotMergeInto() throws {
        #expect(throws: ClientConfigurationError.self) {
            try MCPClient.vscode.merged("{ // a comment\n}", name: "x", entry: [:])
        }
        #expect(throws: ClientConfigurationError.self) {
            try MCPClient.cursor.merged(#"{"mcpServers": []}"#, name: "x", entry: [:])
        }
        let merged = try MCPClient.cursor.merged("", name: "x", entry: ["url": "http://h/mcp"])
        #expect(merged == ["mcpServers": ["x": ["url": "http://h/mcp"]]])
    }

    @Test func usageErrorsExitTwoAndVersionPrints() async throws {
        let unknown = try await BuiltProducts.run(binary, ["install", "notepad"])
        #expect(unknown.status == 2, "\(unknown.output)")
        #expect(unknown.output.contains("unknown client 'notepad'"))
        let badOption = try await BuiltProducts.run(binary, ["serve", "--no-such-option"])
        #expect(badOption.status == 2, "\(badOption.output)")
        let version = try await BuiltProducts.run(binary, ["--version"])
        #expect(version.status == 0)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1.0.0")
    }

    @Test func topLevelHelpListsServeOptionsHoweverItIsAskedFor() async throws {
        // `serve`'s help is rendered into the root's only when the command line asks for help.
        for arguments in [["--help"], ["-h"], ["help"]] {
            let help = try await BuiltProducts.run(binary, arguments)
            #expect(help.status == 0, "\(arguments): \(help.output)")
            #expect(help.output.contains("Without a subcommand, serve runs; its options:"), "\(arguments)")
            #expect(help.output.contains("--transport <transport>"), "\(arguments)")
        }
    }
}
