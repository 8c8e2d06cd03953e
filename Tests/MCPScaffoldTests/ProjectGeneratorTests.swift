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
                name: "weather",
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

    @Test func optionsChooseTransportAndExampleCatalogues() throws {
        let files = try files(
            ProjectOptions(
                name: "kit", dependency: .local(path: "/s"), transport: .stdio, catalogues: [.calculator, .prompts]))
        let main = try #require(files["Sources/kit/main.swift"]).contents
        #expect(main.contains(#"defaults: ["TRANSPORT": "stdio"]"#))
        let server = try #require(files["Sources/Kit/KitServer.swift"]).contents
        #expect(server.contains("[KitTools(), Calculator(), CodePrompts(), DataPrompts()]"))
        #expect(server.contains("import ExampleServer"))
        #expect(files["Package.swift"]?.contents.contains(#".product(name: "ExampleServer", package: "s")"#) == true)
        #expect(files["README.md"]?.contents.contains("swift run kit --transport stdio") == true)
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
