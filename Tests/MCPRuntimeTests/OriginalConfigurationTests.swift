import Foundation
import Testing

@testable import MCPRuntime

/// A configuration written for the Python original, and `.env` files as python-dotenv and
/// Compose read them.
@Suite("Settings from the Python original")
struct OriginalConfigurationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/original-python.env").path

    func settings(
        environment: [String: String] = ["HOME": NSTemporaryDirectory()], dotEnv: String? = nil, path: String? = nil
    ) async throws -> ServerSettings {
        var file = path
        if let dotEnv {
            file = NSTemporaryDirectory() + "env-" + UUID().uuidString
            try dotEnv.write(toFile: file!, atomically: true, encoding: .utf8)
        }
        defer { if dotEnv != nil, let file { try? FileManager.default.removeItem(atPath: file) } }
        return try ServerSettings(
            reading: try await SettingsReader.layered(flags: [:], environment: environment, dotEnvPath: file))
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("value # a comment", "value"),
        ("value\t# a comment", "value"),
        ("value#not-a-comment", "value#not-a-comment"),
        ("#starts-with-hash", "#starts-with-hash"),
        ("\"quoted # not a comment\"  # a comment", "quoted # not a comment"),
        ("'single # too' # comment", "single # too"),
        ("\"escapes \\\"inside\\\" and\\nnewline\"", "escapes \"inside\" and\nnewline"),
        ("'literal \\n'", "literal \\n"),
        ("\"unterminated # comment", "\"unterminated"),
        ("  spaced value  ", "spaced value"),
        ("", ""),
    ])
    func valuesReadAsPythonDotenvReadsThem(_ written: String, _ expected: String) {
        #expect(EnvironmentFile.parse("KEY=\(written)\n")["KEY"] == expected)
    }

    @Test func theOriginalsEnvFileStartsTheServerWithTheSettingsItMeant() async throws {
        let read = try await settings(path: Self.fixture)
        #expect(read.appName == "Awesome MCP Server")
        #expect(read.appVersion == "1.0.0")
        #expect(read.environment == .development)
        #expect(read.transport == .streamableHTTP)
        #expect(read.http.mcpPath == "/mcp")
        #expect(read.logging.level == .info)
        #expect(read.logging.format == .text)
        #expect(read.apiKey == "your-api-key-here")
        #expect(read.keys.secretKey == "your-secret-key-here")
        #expect(read.edge.corsOrigins == ["*"])
        #expect(read.edge.rateLimitRequests == 100)
        #expect(read.edge.rateLimitWindow == 60)
        #expect(read.tools.maxFileSize == 10_485_760)
        #expect(read.metrics.path == "/metrics")
        #expect(read.processes.workers == 2)
        #expect(read.processes.maxRequests == 1000)
        #expect(read.processes.maxRequestsJitter == 100)
        #expect(read.http.keepAliveTimeout == 2)

        let notices = read.notices
        for (old, new) in OriginalNames.aliases {
            #expect(
                notices.filter { $0.hasPrefix("\(old) in ") && $0.contains("name for \(new);") }.count == 1, "\(old)")
        }
        #expect(notices.contains { $0.hasPrefix("LOG_FORMAT is a Python logging format") })
        let ignored = try #require(notices.first { $0.hasPrefix("ignored in ") })
        for key in [
            "DEBUG", "CORS_CREDENTIALS", "CORS_METHODS", "CORS_HEADERS", "ALLOWED_FILE_TYPES", "HEALTH_CHECK_PATH",
        ] {
            #expect(ignored.contains(key))
        }
        #expect(!notices.contains { $0.hasPrefix("unknown key") }, "\(notices)")
        #expect(!notices.contains { $0.hasPrefix("CORS_ORIGINS=*") }, "API_KEY is set")
        #expect(notices.allSatisfy { !$0.contains("\n") })
    }

    @Test func ourNameWinsOverTheOriginals() async throws {
        let read = try await settings(dotEnv: "VERSION=1.0.0\nAPP_VERSION=2.0.0\n")
        #expect(read.appVersion == "2.0.0")
        #expect(read.notices.contains { $0.hasPrefix("VERSION in ") && $0.contains("APP_VERSION is set too") })
        let fromEnvironment = try await settings(environment: ["HOME": "/", "UVICORN_WORKERS": "3"])
        #expect(fromEnvironment.processes.workers == 3)
        #expect(fromEnvironment.notices.contains { $0.hasPrefix("UVICORN_WORKERS in the environment") })
    }

    @Test func unknownKeysGetADidYouMean() async throws {
        let read = try await settings(dotEnv: "LOG_LEVL=debug\nPROT=9000\nSOMETHING_ELSE=1\nPORT=8100\n")
        #expect(read.http.port == 8100)
        #expect(
            read.notices.contains {
                $0.hasPrefix("unknown key LOG_LEVL in ") && $0.hasSuffix("did you mean LOG_LEVEL?")
            })
        #expect(read.notices.contains { $0.hasPrefix("unknown key PROT in ") && $0.hasSuffix("did you mean PORT?") })
        #expect(read.notices.contains { $0.hasPrefix("unknown key SOMETHING_ELSE in ") && $0.hasSuffix("(ignored)") })
        #expect(try await settings(dotEnv: "PORT=8100\n").notices.isEmpty)
    }

    @Test func anyOriginForCORSIsAcceptedAndWarnedAboutWithoutAKey() async throws {
        let open = try await settings(dotEnv: "CORS_ORIGINS=*\n")
        #expect(open.edge.corsOrigins == ["*"])
        #expect(open.notices.contains { $0.hasPrefix("CORS_ORIGINS=* lets a page of any web site") })
        #expect(try await settings(dotEnv: "CORS_ORIGINS=*\nAPI_KEY=k\n").notices.isEmpty)
    }

    @Test func logFormatKeepsItsOwnValues() async throws {
        #expect(try await settings(dotEnv: "LOG_FORMAT=json\n").logging.format == .json)
        await #expect(throws: ConfigurationError.self) { try await settings(dotEnv: "LOG_FORMAT=xml\n") }
    }
}

@Suite("Default workspace")
struct DefaultWorkspaceTests {
    @Test func isInTheUsersDataFolderNeverTheWorkingDirectory() throws {
        let writable: (String) -> String? = { _ in nil }
        #expect(
            try DefaultWorkspace.choose(name: "demo", environment: ["HOME": "/home/ada"], problem: writable)
                == .init(path: "/home/ada/.local/share/demo/workspace"))
        #expect(
            try DefaultWorkspace.choose(
                name: "demo", environment: ["HOME": "/home/ada", "XDG_DATA_HOME": "/data"], problem: writable)
                == .init(path: "/data/demo/workspace"))
        #expect(
            try DefaultWorkspace.choose(
                name: "demo", environment: ["HOME": "/home/ada", "XDG_DATA_HOME": "relative"], problem: writable)
                == .init(path: "/home/ada/.local/share/demo/workspace"))
    }

    @Test func fallsBackToAPrivateTemporaryFolderWithoutAWritableHome() throws {
        let temporary = NSTemporaryDirectory() + "workspace-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let readOnlyHome: (String) -> String? = { $0.hasPrefix("/home/") ? "/home/ada: Read-only file system" : nil }
        let choice = try DefaultWorkspace.choose(
            name: "demo", environment: ["HOME": "/home/ada", "TMPDIR": temporary], problem: readOnlyHome)
        #expect(choice.path == "\(temporary)/demo-user-\(getuid())/workspace")
        let notice = try #require(choice.notice)
        #expect(notice.contains("/home/ada/.local/share/demo/workspace cannot be created (/home/ada: Read-only"))
        #expect(notice.contains(choice.path))
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(temporary)/demo-user-\(getuid())")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)

        let withoutHome = try DefaultWorkspace.choose(name: "demo", environment: ["TMPDIR": temporary])
        #expect(withoutHome.path == choice.path)
        #expect(withoutHome.notice?.contains("HOME is not set") == true)

        let runtime = try DefaultWorkspace.choose(
            name: "demo", environment: ["HOME": "/home/ada", "XDG_RUNTIME_DIR": temporary], problem: readOnlyHome)
        #expect(runtime.path == "\(temporary)/demo/workspace")
    }

    @Test func refusesATemporaryFolderSomeoneElseCouldHavePrepared() throws {
        let temporary = NSTemporaryDirectory() + "workspace-test-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: "\(temporary)/demo-user-\(getuid())", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        #expect(throws: ConfigurationError.self) {
            try DefaultWorkspace.choose(name: "demo", environment: ["TMPDIR": temporary])
        }
    }

    @Test func problemCreatingNamesTheFolderInTheWay() throws {
        #expect(DefaultWorkspace.problem(creating: NSTemporaryDirectory() + UUID().uuidString + "/a/b") == nil)
        let file = NSTemporaryDirectory() + "file-" + UUID().uuidString
        try Data().write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(DefaultWorkspace.problem(creating: file + "/workspace") == "\(file) is not a folder")
    }
}
