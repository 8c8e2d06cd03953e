import Foundation
import InteropSupport
import Testing

@testable import MCPScaffold

/// `mcp-server new`: what a new package is made of. That it builds, passes its tests and serves
/// the official Python client is `.ci/run`'s check (Tests/Scaffold/new_server_check.py): it
/// compiles the whole scaffold again, too slow for a unit test.
@Suite("New server packages")
struct ProjectGeneratorTests {
    let generator = ProjectGenerator(scaffoldRoot: BuiltProducts.packageRoot)

    func files(_ options: ProjectOptions) throws -> [String: GeneratedFile] {
        Dictionary(uniqueKeysWithValues: try generator.files(options).map { ($0.path, $0) })
    }

    @Test func aLocalPackageHasEveryPart() throws {
        let files = try files(ProjectOptions(name: "demo-server", dependency: .local(path: "/src/scaffold-checkout")))
        for path in [
            "Package.swift", "Sources/DemoServer/DemoServerTools.swift", "Sources/DemoServer/DemoServerServer.swift",
            "Sources/demo-server/main.swift", "Tests/DemoServerTests/DemoServerToolsTests.swift", "README.md",
            "AGENTS.md", "CLAUDE.md", ".cursor/rules/agents.mdc", ".gitignore", ".ci/run", ".env.example",
            "Dockerfile", ".dockerignore", "docker-compose.yml", "deploy/docker/docker-entrypoint.sh",
            "deploy/kubernetes/deployment.yaml", "deploy/nginx/nginx.conf",
            "deploy/monitoring/grafana/dashboards/demo-server.json",
        ] {
            #expect(files[path] != nil, "missing \(path)")
        }
        let manifest = try #require(files["Package.swift"]).contents
        #expect(manifest.contains(#".package(path: "/src/scaffold-checkout", traits: [.defaults"#))
        #expect(manifest.contains(#".product(name: "MCPRuntime", package: "scaffold-checkout")"#))
        #expect(manifest.contains(#".product(name: "MCPTesting", package: "scaffold-checkout")"#))
        #expect(!manifest.contains("ExampleServer"))
        #expect(files[".ci/run"]?.executable == true)
        #expect(files["deploy/docker/docker-entrypoint.sh"]?.executable == true)
        #expect(files[".gitignore"]?.contents.contains("Package.resolved") == true)
        #expect(files[".gitignore"]?.contents.contains(".build") == true)
    }

    @Test func aRemotePackageDependsOnTheURLAndVersion() throws {
        let files = try files(
            ProjectOptions(
                name: "weather-server",
                dependency: .remote(url: "https://example.com/org/Scaffold-Swift.git", version: "1.2.0")))
        let manifest = try #require(files["Package.swift"]).contents
        #expect(
            manifest.contains(#".package(url: "https://example.com/org/Scaffold-Swift.git", from: "1.2.0", traits: ["#))
        #expect(manifest.contains(#"package: "scaffold-swift""#))
    }

    @Test func theKitIsTheScaffoldsOwnRenderedForTheNewName() throws {
        let files = try files(ProjectOptions(name: "weather-mcp-server", dependency: .local(path: "/s")))
        let original = try String(
            contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let dockerfile = try #require(files["Dockerfile"]).contents
        #expect(dockerfile.contains("--product weather-mcp-server"))
        #expect(dockerfile.contains(#"CMD ["weather-mcp-server", "serve"]"#))
        // The same file line for line: only names change.
        #expect(dockerfile.split(separator: "\n").count == original.split(separator: "\n").count)
        for (path, file) in files where Self.isKit(path) {
            let stray = file.contents.replacingOccurrences(of: "weather-mcp-server", with: "")
            #expect(!stray.contains("mcp-server"), "\(path) still names the example server")
            #expect(!stray.contains("awesome-mcp"), "\(path) still names the example image or project")
        }
        #expect(files["docker-compose.yml"]?.contents.contains("name: weather-mcp-server\n") == true)
        let environment = try #require(files[".env.example"]).contents
        #expect(environment.contains("APP_NAME=\"weather-mcp-server\""), "the server reports its own name")
        #expect(!environment.contains("Awesome MCP Server"))
    }

    @Test func replacingTakesTheFirstPatternThatMatchesAndNeverReplacesAReplacement() {
        let replacements = [
            ("awesome-mcp-server", "weather-mcp-server"), ("mcp-server", "weather-mcp-server"), ("", "x"),
        ]
        #expect(
            ProjectGenerator.replacing("run mcp-server — or awesome-mcp-server, é mcp-serve", replacements)
                == "run weather-mcp-server — or weather-mcp-server, é mcp-serve")
        #expect(ProjectGenerator.replacing("", replacements) == "")
    }

    @Test func optionsChooseTransportAndExampleCatalogues() throws {
        let files = try files(
            ProjectOptions(
                name: "tool-kit", dependency: .local(path: "/s"), transport: .stdio,
                catalogues: [.calculator, .prompts]))
        let main = try #require(files["Sources/tool-kit/main.swift"]).contents
        #expect(main.contains(#"defaults: ["TRANSPORT": "stdio"]"#))
        let server = try #require(files["Sources/ToolKit/ToolKitServer.swift"]).contents
        #expect(server.contains("[ToolKitTools(), Calculator(), CodePrompts(), DataPrompts()]"))
        #expect(server.contains("import ExampleServer"))
        #expect(files["Package.swift"]?.contents.contains(#".product(name: "ExampleServer", package: "s")"#) == true)
        #expect(files["README.md"]?.contents.contains("swift run tool-kit --transport stdio") == true)
    }

    @Test func theRulesAreTheScaffoldsSharedRules() throws {
        let files = try files(ProjectOptions(name: "demo-server", dependency: .local(path: "/s")))
        let agents = try #require(files["AGENTS.md"]).contents
        #expect(agents.contains(try generator.sharedRules()))
        #expect(agents.contains("Never write JSON Schema by hand"))
        #expect(!agents.contains("{{"))
    }

    @Test func theSecondToolWithItsTestTakesAtMostFifteenLines() throws {
        let readme = try #require(
            try files(ProjectOptions(name: "demo-server", dependency: .local(path: "/s")))["README.md"])
        let section = try #require(readme.contents.components(separatedBy: "## Add a tool").dropFirst().first)
        let blocks = section.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(blocks.count >= 2)
        let lines = blocks.prefix(2).flatMap { $0.split(separator: "\n").dropFirst() }  // minus the fence's language
        #expect(lines.count <= 15, "\(lines.count) lines")
    }

    @Test(arguments: ["Demo", "-demo", "demo-", "de--mo", "demo_server", "mcp-core", "9lives", ""])
    func refusesBadNames(_ name: String) {
        #expect(throws: ProjectError.self) {
            try ProjectOptions(name: name, dependency: .local(path: "/s")).validate()
        }
    }

    @Test(arguments: [
        ("mcp-store", "McpStore", "MCPStore"), ("mcp-oauth", "McpOauth", "MCPOAuth"),
        ("mcp-platform", "McpPlatform", "MCPPlatform"), ("csqlite", "Csqlite", "CSQLite"),
        ("service-lifecycle", "ServiceLifecycle", "ServiceLifecycle"),
    ])
    func refusesANameWhoseModuleThePackageGraphHasInAnyCase(_ name: String, _ module: String, _ taken: String) {
        let error = #expect(throws: ProjectError.self) {
            try ProjectOptions(name: name, dependency: .local(path: "/s")).validate()
        }
        #expect(
            error?.description
                == "name '\(name)' gives the module \(module), which clashes with the module \(taken) the new package "
                + "depends on (module names must differ in more than case): choose another name")
    }

    @Test func refusesTheScaffoldsExecutablesAndOneWordNames() {
        for name in ["mcp-server", "minimal-server"] {
            let error = #expect(throws: ProjectError.self) {
                try ProjectOptions(name: name, dependency: .local(path: "/s")).validate()
            }
            #expect(error?.description.contains("the scaffold's own executable") == true, "\(name)")
        }
        // `Sources/Weather` and `Sources/weather` are one folder on macOS.
        let error = #expect(throws: ProjectError.self) {
            try ProjectOptions(name: "weather", dependency: .local(path: "/s")).validate()
        }
        #expect(error?.description.contains("differs from the executable weather only in case") == true)
    }

    /// A target or dependency added to the scaffold's manifest must be reserved too: every target
    /// that is not test support, every executable product, every product those targets use.
    @Test func everyModuleAndExecutableOfTheScaffoldsGraphIsReserved() throws {
        let manifest = try String(
            contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        var modules: Set<String> = []
        var executables: Set<String> = []
        for declaration in manifest.components(separatedBy: "\n        .") {
            // One line per declaration, so `name:` is found wherever it was wrapped.
            let text = declaration.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard let open = text.firstIndex(of: "("), let name = Self.quoted(after: "name: \"", in: text) else {
                continue
            }
            let kind = text[..<open]
            switch kind {
            case "target", "macro", "systemLibrary", "executableTarget":
                guard !text.contains("path: \"Tests/") else { continue }
                if kind != "executableTarget" { modules.insert(name) }
                for product in text.components(separatedBy: ".product(").dropFirst() {
                    if let used = Self.quoted(after: "name: \"", in: product) { modules.insert(used) }
                }
            case "executable":
                executables.insert(name)
            default:
                break
            }
        }
        #expect(modules.count > 20 && executables.count == 2, "the manifest was read")
        #expect(modules.subtracting(ProjectOptions.reservedModules).isEmpty)
        #expect(executables == ProjectOptions.reservedExecutables)
    }

    /// The text between `prefix` and the next quote.
    static func quoted(after prefix: String, in text: String) -> String? {
        guard let range = text.range(of: prefix) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func writesIntoANewFolderOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("new-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try generator.write(ProjectOptions(name: "demo-server", dependency: .local(path: "/s")), to: folder)
        #expect(FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent(".ci/run").path))
        #expect(throws: ProjectError.self) {
            try generator.write(ProjectOptions(name: "demo-server", dependency: .local(path: "/s")), to: folder)
        }
    }

    static func isKit(_ path: String) -> Bool {
        ["Dockerfile", ".dockerignore", "docker-compose.yml", ".env.example"].contains(path)
            || path.hasPrefix("deploy/")
    }
}
