package import Foundation
import Mustache

/// What a new server package is made of: its name, how it depends on the scaffold, its default
/// transport and which of the scaffold's example catalogues it serves besides its own tool.
package struct ProjectOptions: Sendable {
    /// How the new package reaches the scaffold's library products.
    package enum Dependency: Sendable, Equatable {
        /// `.package(path:)`: offline, and this repository's own CI.
        case local(path: String)
        /// `.package(url:from:)`.
        case remote(url: String, version: String)
    }

    /// The transport the new server uses when none is set.
    package enum Transport: String, Sendable, CaseIterable {
        /// Streamable HTTP.
        case http
        /// stdio, for a client that starts the server.
        case stdio
    }

    /// The example catalogues a new server can start with (the scaffold's `ExampleServer` product).
    package enum ExampleCatalogue: String, Sendable, CaseIterable {
        /// `Calculator`: arithmetic tools.
        case calculator
        /// `TextTools`: text tools.
        case text
        /// `SystemResources`: system information resources.
        case system
        /// `CodePrompts` and `DataPrompts`: prompts.
        case prompts

        /// Swift expressions that make the catalogue's values.
        var expressions: [String] {
            switch self {
            case .calculator: ["Calculator()"]
            case .text: ["TextTools()"]
            case .system: ["SystemResources()"]
            case .prompts: ["CodePrompts()", "DataPrompts()"]
            }
        }
    }

    /// The package's name (`weather-server`): two or more words of lowercase letters and digits,
    /// joined by single dashes.
    package var name: String
    /// How the package depends on the scaffold.
    package var dependency: Dependency
    /// The default transport of the new server.
    package var transport: Transport
    /// The example catalogues it serves besides its own tool; none by default.
    package var catalogues: [ExampleCatalogue]

    /// Options for a package named `name`; HTTP and no example catalogues unless given.
    package init(
        name: String, dependency: Dependency, transport: Transport = .http, catalogues: [ExampleCatalogue] = []
    ) {
        self.name = name
        self.dependency = dependency
        self.transport = transport
        self.catalogues = catalogues
    }

    /// Whether the scaffold comes from a local path.
    package var isLocal: Bool {
        if case .local = dependency { return true }
        return false
    }

    /// `demo-server` → `DemoServer`: the library target (and module) with the server's catalogue.
    package var moduleName: String {
        name.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// The package identity SwiftPM gives the scaffold in the new package's manifest: the last
    /// path component of its path or URL (without `.git`), lowercased.
    package var scaffoldIdentity: String {
        let location: String
        switch dependency {
        case .local(let path): location = path
        case .remote(let url, _): location = url
        }
        var last = location.split(separator: "/").last.map(String.init) ?? location
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last.lowercased()
    }

    /// Modules already in a new package's graph, which its module must not take: SwiftPM wants
    /// target names unique across the graph, which holds every target any product of a
    /// dependency reaches, used or not. They are the scaffold's own and the products its
    /// products use directly (their packages' other modules are not listed). Compared without
    /// case: on a case-insensitive file system (macOS) `McpStore` and `MCPStore` build into one place.
    static let reservedModules: Set<String> = [
        // The scaffold's targets behind its products.
        "MCPCore", "MCPMacros", "MCPMacroExpanders", "MCPPlatform", "MCPStdio", "MCPHTTP", "MCPStore", "CSQLite",
        "MCPOAuth", "MCPRuntime", "CConcurrencyHook", "MCPTesting", "ExampleServer", "MCPScaffold",
        // Products of other packages that those targets use.
        "ArgumentParser", "AsyncHTTPClient", "Atomics", "Configuration", "Crypto", "Hummingbird", "HummingbirdTLS",
        "JWTKit", "Logging", "Metrics", "Mustache", "NIOCore", "NIOExtras", "NIOHTTP1", "NIOHTTPTypes",
        "NIOHTTPTypesHTTP1", "NIOPosix", "NIOSSL",
        "PostgresNIO", "Prometheus", "ServiceLifecycle", "SwiftCompilerPlugin", "SwiftDiagnostics", "SwiftSyntax",
        "SwiftSyntaxBuilder", "SwiftSyntaxMacros", "UnixSignals",
    ]

    /// The scaffold's executable targets: the new package's executable is named like the package,
    /// so the package must not take these names either.
    static let reservedExecutables: Set<String> = ["mcp-server", "minimal-server"]

    /// Checks the name: lowercase letters, digits and single dashes, starting with a letter, at
    /// least two words, and a module and executable that nothing in the package graph has.
    package func validate() throws(ProjectError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), allowed, !name.hasSuffix("-"),
            !name.contains("--")
        else {
            throw .invalid(
                "name '\(name)': use lowercase letters, digits and single dashes, starting with a letter (e.g. weather-server)"
            )
        }
        if let taken = Self.reservedModules.first(where: { $0.lowercased() == moduleName.lowercased() }) {
            throw .invalid(
                "name '\(name)' gives the module \(moduleName), which clashes with the module \(taken) the new "
                    + "package depends on (module names must differ in more than case): choose another name")
        }
        guard !Self.reservedExecutables.contains(name) else {
            throw .invalid(
                "name '\(name)' is the name of the scaffold's own executable, which the new package's would clash "
                    + "with: choose another name")
        }
        guard name.contains("-") else {
            throw .invalid(
                "name '\(name)' gives the module \(moduleName), which differs from the executable \(name) only in "
                    + "case (one folder on a case-insensitive file system, as on macOS): use two words, e.g. "
                    + "\(name)-server")
        }
    }
}

/// A generated file.
package struct GeneratedFile: Sendable, Equatable {
    /// Relative to the new package's folder.
    package var path: String
    /// The file's text, rendered.
    package var contents: String
    /// True when the source file is executable, so the written file is made executable too.
    package var executable: Bool
}

/// Why a package could not be made.
package enum ProjectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The options are invalid (the name, most often).
    case invalid(String)
    /// The scaffold checkout lacks a template or kit file, or one cannot be read or rendered.
    case templates(String)
    /// The output folder exists and is not empty.
    case target(String)

    /// The reason, for the user.
    package var description: String {
        switch self {
        case .invalid(let text), .templates(let text), .target(let text): text
        }
    }
}

/// Renders a new server package. Two kinds of source, both read from a checkout of the scaffold:
/// - `Templates/server/`: the package's own files (manifest, sources, tests, README, AI-assistant
///   rules, `.ci/run`) as Mustache templates; `__NAME__` and `__MODULE__` in a path become the
///   server's name and module.
/// - the deployment kit of the scaffold itself (Dockerfile, entrypoint, `deploy/`, Compose,
///   `env.example`), copied with the example server's names replaced by the new server's, so the
///   kit a new project gets is the one the scaffold's checks test.
package struct ProjectGenerator: Sendable {
    /// The scaffold checkout the templates and the kit come from.
    package let scaffoldRoot: URL

    /// A generator reading from the scaffold checkout at `scaffoldRoot`.
    package init(scaffoldRoot: URL) {
        self.scaffoldRoot = scaffoldRoot
    }

    /// The deployment kit: files and folders of the scaffold, and where they go in the new package.
    static let kit: [(source: String, destination: String)] = [
        ("Dockerfile", "Dockerfile"),
        (".dockerignore", ".dockerignore"),
        ("docker-compose.yml", "docker-compose.yml"),
        ("deploy", "deploy"),
        ("env.example", ".env.example"),
    ]

    /// Every file of the new package, rendered.
    package func files(_ options: ProjectOptions) throws -> [GeneratedFile] {
        try options.validate()
        let templates = scaffoldRoot.appendingPathComponent("Templates/server")
        guard FileManager.default.fileExists(atPath: templates.path) else {
            throw ProjectError.templates(
                "no templates at \(templates.path): run from a checkout of the scaffold or pass --templates PATH")
        }
        var files: [GeneratedFile] = []
        var context = Self.context(options)
        context["rules"] = try sharedRules()
        for relative in try Self.walk(templates) {
            let source = try String(contentsOf: templates.appendingPathComponent(relative), encoding: .utf8)
            let template: MustacheTemplate
            do {
                template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + source)
            } catch {
                throw ProjectError.templates("Templates/server/\(relative): \(error)")
            }
            var path = relative.replacingOccurrences(of: "__NAME__", with: options.name)
                .replacingOccurrences(of: "__MODULE__", with: options.moduleName)
            if path.hasSuffix(".mustache") { path.removeLast(".mustache".count) }
            files.append(
                GeneratedFile(
                    path: path, contents: template.render(context),
                    executable: Self.isExecutable(templates.appendingPathComponent(relative))))
        }
        let names = Self.kitReplacements(name: options.name)
        for (source, destination) in Self.kit {
            let url = scaffoldRoot.appendingPathComponent(source)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                throw ProjectError.templates("the scaffold at \(scaffoldRoot.path) has no \(source)")
            }
            let relatives = isFolder.boolValue ? try Self.walk(url).map { "/" + $0 } : [""]
            for relative in relatives {
                let file = URL(fileURLWithPath: url.path + relative)
                let text = try String(contentsOf: file, encoding: .utf8)
                files.append(
                    GeneratedFile(
                        path: Self.replacing(destination + relative, names), contents: Self.replacing(text, names),
                        executable: Self.isExecutable(file)))
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The rules every project shares, from the scaffold's own `AGENTS.md` (between its
    /// `shared-rules` markers), so the generated `AGENTS.md` never drifts from the scaffold's.
    func sharedRules() throws -> String {
        let text = try String(contentsOf: scaffoldRoot.appendingPathComponent("AGENTS.md"), encoding: .utf8)
        guard let start = text.range(of: "<!-- shared-rules:start -->\n"),
            let end = text.range(of: "<!-- shared-rules:end -->", range: start.upperBound..<text.endIndex)
        else { throw ProjectError.templates("AGENTS.md has no shared-rules section") }
        return String(text[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes the package into `folder`, which must not exist yet (or be empty).
    package func write(_ options: ProjectOptions, to folder: URL) throws {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: folder.path), !existing.isEmpty {
            throw ProjectError.target("\(folder.path) exists and is not empty")
        }
        let files = try files(options)
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
            if file.executable { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
    }

    /// The values the templates use.
    static func context(_ options: ProjectOptions) -> [String: Any] {
        let identity = options.scaffoldIdentity
        let dependency: String
        // The new package's OAuth, PostgreSQL and TLS traits switch on the scaffold's (the Dockerfile
        // builds with all three).
        let traits =
            "traits: [.defaults, .trait(name: \"OAuth\", condition: .when(traits: [\"OAuth\"])), "
            + ".trait(name: \"PostgreSQL\", condition: .when(traits: [\"PostgreSQL\"])), "
            + ".trait(name: \"TLS\", condition: .when(traits: [\"TLS\"]))]"
        switch options.dependency {
        case .local(let path): dependency = ".package(path: \(swiftLiteral(path)), \(traits))"
        case .remote(let url, let version):
            dependency = ".package(url: \(swiftLiteral(url)), from: \(swiftLiteral(version)), \(traits))"
        }
        let catalogues = options.catalogues.flatMap(\.expressions)
        return [
            "name": options.name,
            "module": options.moduleName,
            "package": identity,
            "dependency": dependency,
            "local": options.isLocal,
            "stdio": options.transport == .stdio,
            "http": options.transport == .http,
            "transport": options.transport == .stdio ? "stdio" : "streamable-http",
            "examples": !catalogues.isEmpty,
            "exampleCatalogues": catalogues.map { ", " + $0 }.joined(),
            "exampleNames": options.catalogues.map(\.rawValue).joined(separator: ", "),
        ]
    }

    /// The example server's names in the kit, and what they become: the image, the Kubernetes
    /// labels, the Compose project, the binary, its job and dashboard, and `APP_NAME` (the name
    /// the server reports).
    static func kitReplacements(name: String) -> [(String, String)] {
        [
            (
                "Awesome MCP Scaffold for Swift: the example MCP server",
                "\(name): an MCP server built with Awesome MCP Scaffold for Swift"
            ),
            ("APP_NAME=\"Awesome MCP Server\"", "APP_NAME=\"\(name)\""),
            ("awesome-mcp-server", name),
            ("awesome-mcp-scaffold", name),
            ("name: awesome-mcp\n", "name: \(name)\n"),
            ("mcp-server", name),
            ("Tests/Deploy/", "the scaffold's Tests/Deploy/"),
        ]
    }

    /// Replaces every pattern in one pass, the first that matches at a position winning, so a
    /// replacement is never replaced again (a server named `weather-mcp-server` stays that).
    /// Works on UTF-8 bytes (a pattern cannot match inside another character's bytes); an
    /// empty pattern matches nothing.
    static func replacing(_ text: String, _ replacements: [(String, String)]) -> String {
        let source = Array(text.utf8)
        let patterns = replacements.filter { !$0.0.isEmpty }.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        var result: [UInt8] = []
        result.reserveCapacity(source.count)
        var index = 0
        outer: while index < source.count {
            for (pattern, replacement) in patterns where matches(pattern, in: source, at: index) {
                result.append(contentsOf: replacement)
                index += pattern.count
                continue outer
            }
            result.append(source[index])
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func matches(_ pattern: [UInt8], in source: [UInt8], at index: Int) -> Bool {
        guard source.count - index >= pattern.count else { return false }
        for offset in 0..<pattern.count where source[index + offset] != pattern[offset] { return false }
        return true
    }

    /// Files under a folder, relative to it, sorted; hidden files included.
    static func walk(_ folder: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else {
            throw ProjectError.templates("cannot read \(folder.path)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path + "/" + relative, isDirectory: &isFolder),
                !isFolder.boolValue
            {
                files.append(relative)
            }
        }
        return files.sorted()
    }

    static func isExecutable(_ url: URL) -> Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    /// A Swift string literal for a path or URL.
    static func swiftLiteral(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
