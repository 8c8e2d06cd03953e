import ArgumentParser
import Foundation
import MCPCore

/// `install CLIENT`: the configuration snippet that makes an MCP client start this server (stdio:
/// this binary's absolute path) or reach it (HTTP: `--url`), in the client's own format; with
/// `--write`, merged into the client's configuration file without touching other servers.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Print (or --write) an MCP client's configuration for this server.",
        discussion: """
            Clients: \(MCPClient.allCases.map(\.rawValue).joined(separator: ", ")).
            Without --url the client starts this binary over stdio; with --url it connects to a
            running server over Streamable HTTP (--api-key adds an Authorization header).
            --write merges the entry into the client's own configuration file; other servers'
            entries and every other setting in the file stay as they are.
            """)

    @Argument(help: "The client: \(MCPClient.allCases.map(\.rawValue).joined(separator: ", ")).")
    var client: String

    @Option(help: "The entry's name in the client (default: this server's name).")
    var name: String?

    @Option(help: "Connect over HTTP to this URL (e.g. http://127.0.0.1:8000/mcp) instead of starting the binary.")
    var url: String?

    @Option(help: "API key the client sends as 'Authorization: Bearer KEY' (HTTP; the server's API_KEY).")
    var apiKey: String?

    @Option(
        name: [.customShort("e"), .customLong("env")],
        help: "KEY=VALUE for the server's environment (stdio; repeatable).")
    var environment: [String] = []

    @Option(help: "The binary the client starts (stdio; default: this executable).")
    var command: String?

    @Flag(help: "Merge into the client's configuration file instead of printing.")
    var write = false

    @Option(help: "Home folder whose configuration file --write updates (default: $HOME).")
    var home: String?

    func validate() throws {
        guard MCPClient(rawValue: client) != nil else {
            throw ValidationError(
                "unknown client '\(client)'; one of: \(MCPClient.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for pair in environment where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--env wants KEY=VALUE, got '\(pair)'")
        }
        if url == nil, apiKey != nil { throw ValidationError("--api-key goes with --url (HTTP)") }
        if url != nil, !environment.isEmpty { throw ValidationError("--env goes with stdio (no --url)") }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url must be an http:// or https:// URL, got '\(url)'")
        }
    }

    func run() throws {
        guard let client = MCPClient(rawValue: client) else { throw ExitCode(2) }
        let serverName = name ?? CurrentServer.definition.name
        let entry = client.entry(for: launch)
        guard write else {
            let snippet = JSONValue.object([client.serversKey: .object([serverName: entry])])
            print(String(decoding: JSONWriter.pretty(snippet, indent: 2), as: UTF8.self))
            let path = client.configurationPath(home: homeFolder)
            FileHandle.standardError.write(Data("# merge into \(path) (or run again with --write)\n".utf8))
            return
        }
        let path = client.configurationPath(home: homeFolder)
        var existing: String?
        if FileManager.default.fileExists(atPath: path) { existing = try String(contentsOfFile: path, encoding: .utf8) }
        do {
            let merged = try client.merged(existing, name: serverName, entry: entry)
            try ClientConfigurationFile.write(merged, to: path)
        } catch let error as ClientConfigurationError {
            FileHandle.standardError.write(Data("\(path): \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardError.write(
            Data("wrote '\(serverName)' to \(path); restart \(client.rawValue) to pick it up\n".utf8))
    }

    var launch: ServerLaunch {
        if let url { return .http(url: url, apiKey: apiKey) }
        let pairs = environment.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        return .stdio(
            command: command.map(Self.absolute) ?? Supervisor.executablePath(), arguments: ["--transport", "stdio"],
            environment: pairs)
    }

    var homeFolder: String { home ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory() }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
