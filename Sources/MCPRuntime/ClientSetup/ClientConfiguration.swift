import Foundation
package import MCPCore

/// The MCP clients `install` knows, each with its own file format and default file location.
///
/// Formats and locations, as each client documents them (checked 2026-12):
/// - Claude Desktop: `claude_desktop_config.json` in `~/Library/Application Support/Claude/`
///   (macOS; `%APPDATA%\Claude\` on Windows, `~/.config/Claude/` where builds for Linux exist),
///   top-level `mcpServers`, entries `{command, args, env}` (modelcontextprotocol.io quickstart).
///   The file has no remote entry; HTTP goes through the `mcp-remote` bridge
///   (`npx -y mcp-remote URL --header …`), as the MCP docs suggest for Desktop.
/// - Claude Code: user scope in `~/.claude.json`, top-level `mcpServers`, entries
///   `{type: "stdio", command, args, env}` or `{type: "http", url, headers}`
///   (code.claude.com/docs/en/mcp, "MCP installation scopes"; `.mcp.json` has the same shape).
/// - Cursor: `~/.cursor/mcp.json`, top-level `mcpServers`, `{command, args, env}` or
///   `{url, headers}` (cursor.com/docs/mcp).
/// - VS Code: the user profile's `mcp.json` (`~/Library/Application Support/Code/User/` on macOS,
///   `~/.config/Code/User/` on Linux), top-level `servers`, `{type: "stdio", command, args, env}`
///   or `{type: "http", url, headers}` (code.visualstudio.com/docs/copilot/reference/mcp-configuration).
/// - Windsurf: `~/.codeium/windsurf/mcp_config.json`, top-level `mcpServers`,
///   `{command, args, env}` or `{serverUrl, headers}` (docs.windsurf.com, Cascade MCP).
package enum MCPClient: String, CaseIterable, Sendable {
    /// Claude Desktop.
    case claudeDesktop = "claude-desktop"
    /// Claude Code (user scope).
    case claudeCode = "claude-code"
    /// Cursor.
    case cursor
    /// Visual Studio Code.
    case vscode
    /// Windsurf.
    case windsurf

    /// The client's configuration file under a home folder, on this platform.
    package func configurationPath(home: String) -> String {
        let relative: String
        switch self {
        case .claudeDesktop:
            #if os(macOS)
                relative = "Library/Application Support/Claude/claude_desktop_config.json"
            #else
                relative = ".config/Claude/claude_desktop_config.json"
            #endif
        case .claudeCode: relative = ".claude.json"
        case .cursor: relative = ".cursor/mcp.json"
        case .vscode:
            #if os(macOS)
                relative = "Library/Application Support/Code/User/mcp.json"
            #else
                relative = ".config/Code/User/mcp.json"
            #endif
        case .windsurf: relative = ".codeium/windsurf/mcp_config.json"
        }
        return (home.hasSuffix("/") ? home : home + "/") + relative
    }

    /// The top-level key that holds the servers.
    package var serversKey: String { self == .vscode ? "servers" : "mcpServers" }

    /// One server's entry in this client's format.
    package func entry(for server: ServerLaunch) -> JSONValue {
        var object = JSONObject()
        switch server {
        case .stdio(let command, let arguments, let environment):
            if self == .claudeCode || self == .vscode { object["type"] = "stdio" }
            object["command"] = .string(command)
            object["args"] = .array(arguments.map(JSONValue.string))
            object["env"] = .object(JSONObject(environment.map { ($0.key, JSONValue.string($0.value)) }))
        case .http(let url, let apiKey):
            switch self {
            case .claudeDesktop:
                object["command"] = "npx"
                var arguments: [JSONValue] = ["-y", "mcp-remote", .string(url)]
                var environment = JSONObject()
                if let apiKey {
                    // mcp-remote's documented form: the header's value from the environment, so
                    // the space after "Bearer" survives every platform's argument handling.
                    arguments += ["--header", "Authorization:${AUTH_HEADER}"]
                    environment["AUTH_HEADER"] = .string("Bearer \(apiKey)")
                }
                object["args"] = .array(arguments)
                object["env"] = .object(environment)
            case .claudeCode, .vscode, .cursor, .windsurf:
                if self == .claudeCode || self == .vscode { object["type"] = "http" }
                object[self == .windsurf ? "serverUrl" : "url"] = .string(url)
                if let apiKey { object["headers"] = ["Authorization": .string("Bearer \(apiKey)")] }
            }
        }
        return .object(object)
    }

    /// `existing` (a configuration file's text, or nil when there is none) with `name`'s entry
    /// set to `entry`; every other key and server stays as it was, in its order.
    package func merged(
        _ existing: String?, name: String, entry: JSONValue
    ) throws(ClientConfigurationError)
        -> JSONValue
    {
        var root = JSONObject()
        if let existing, !existing.allSatisfy(\.isWhitespace) {
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(existing)
            } catch {
                throw .unreadable("not plain JSON (\(error)); edit it by hand or move it away")
            }
            guard let object = parsed.objectValue else { throw .unreadable("its top level is not a JSON object") }
            root = object
        }
        var servers = JSONObject()
        if let current = root[serversKey] {
            guard let object = current.objectValue else { throw .unreadable("\"\(serversKey)\" is not an object") }
            servers = object
        }
        servers[name] = entry
        root[serversKey] = .object(servers)
        return .object(root)
    }
}

/// How a client starts or reaches the server.
package enum ServerLaunch: Sendable, Equatable {
    /// The client starts the binary and talks to it on stdin/stdout.
    case stdio(command: String, arguments: [String], environment: [(key: String, value: String)])
    /// The client connects to a running server's `/mcp` (with `Authorization: Bearer` when a key is set).
    case http(url: String, apiKey: String?)

    /// Equal when both are the same kind with equal fields; environment entries compare in order.
    package static func == (lhs: ServerLaunch, rhs: ServerLaunch) -> Bool {
        switch (lhs, rhs) {
        case (.stdio(let a, let b, let c), .stdio(let x, let y, let z)):
            a == x && b == y && c.map(\.key) == z.map(\.key) && c.map(\.value) == z.map(\.value)
        case (.http(let a, let b), .http(let x, let y)): a == x && b == y
        default: false
        }
    }
}

/// A configuration file that cannot be merged into without losing what is in it.
package enum ClientConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but cannot be merged into; the reason says why and what to do.
    case unreadable(String)

    /// The reason, for the user.
    package var description: String {
        switch self {
        case .unreadable(let reason): reason
        }
    }
}

/// Writes a client's configuration file: the merged text, through a temporary file and a rename,
/// so a crash never leaves half a file; the folder is created when missing.
enum ClientConfigurationFile {
    static func write(_ value: JSONValue, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var bytes = JSONWriter.pretty(value, indent: 2)
        bytes.append(UInt8(ascii: "\n"))
        try Data(bytes).write(to: url, options: .atomic)
    }
}
