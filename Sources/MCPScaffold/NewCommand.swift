public import ArgumentParser
import Foundation

/// `mcp-server new NAME`: a ready server package in a new folder — its manifest on the scaffold's
/// library products, one example tool with its test, a README with the two commands, `.ci/run`,
/// the Docker and deployment kit, `.env.example`, `.gitignore` and AI-assistant rules.
public struct NewCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new MCP server package built on this scaffold.",
        discussion: """
            The package depends on the scaffold by URL and version (default), or on a local checkout
            with --local PATH (offline use). Templates come from the scaffold checkout this binary
            was built from, or from --templates PATH.
            """)

    @Argument(help: "The server's name: lowercase letters, digits and dashes (e.g. weather-server).")
    var name: String

    @Option(help: "Depend on the scaffold checkout at this path (.package(path:)), for offline use.")
    var local: String?

    @Option(help: "The scaffold's version to depend on (with the URL).")
    var version: String = ScaffoldPackage.version

    @Option(help: "The scaffold's package URL.")
    var url: String = ScaffoldPackage.url

    @Option(help: "The default transport: http or stdio.")
    var transport: String = ProjectOptions.Transport.http.rawValue

    @Option(
        help: ArgumentHelp(
            "Example catalogues to include, comma-separated: \(ProjectOptions.ExampleCatalogue.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "list"))
    var catalogues: String = ""

    @Option(help: "Folder to create (default: ./NAME).")
    var output: String?

    @Option(help: "Scaffold checkout to read Templates/ and the deployment kit from.")
    var templates: String?

    public init() {}

    public func validate() throws {
        _ = try options()
    }

    public func run() throws {
        let options = try options()
        let folder = URL(fileURLWithPath: Self.absolute(output ?? name))
        guard let root = scaffoldRoot() else {
            throw ValidationError("no scaffold templates found: pass --templates PATH (a checkout of the scaffold)")
        }
        do {
            try ProjectGenerator(scaffoldRoot: root).write(options, to: folder)
        } catch let error as ProjectError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let run = options.transport == .stdio ? "swift run \(name) --transport stdio" : "swift run \(name)"
        print(
            """
            Created \(folder.path)
              cd \(output ?? name)
              \(run)    # the server
              swift test    # its tests
            """)
    }

    func options() throws -> ProjectOptions {
        guard let transport = ProjectOptions.Transport(rawValue: transport) else {
            throw ValidationError("--transport must be http or stdio, got '\(transport)'")
        }
        var chosen: [ProjectOptions.ExampleCatalogue] = []
        for item in catalogues.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !item.isEmpty {
            guard let catalogue = ProjectOptions.ExampleCatalogue(rawValue: item) else {
                throw ValidationError(
                    "unknown catalogue '\(item)'; one of: \(ProjectOptions.ExampleCatalogue.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if !chosen.contains(catalogue) { chosen.append(catalogue) }
        }
        let dependency: ProjectOptions.Dependency =
            local.map { .local(path: Self.absolute($0)) } ?? .remote(url: url, version: version)
        let options = ProjectOptions(name: name, dependency: dependency, transport: transport, catalogues: chosen)
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return options
    }

    /// `--templates`, else `--local`, else the checkout this binary was compiled from.
    func scaffoldRoot() -> URL? {
        let compiledFrom = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        for candidate in [templates, local, compiledFrom].compactMap({ $0 }).map(Self.absolute)
        where FileManager.default.fileExists(atPath: candidate + "/Templates/server") {
            return URL(fileURLWithPath: candidate)
        }
        return nil
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

/// Where the scaffold's package is published, and the version new packages start on.
public enum ScaffoldPackage {
    /// The package URL new servers depend on (override with `--url`, or use `--local`).
    public static let url = "https://github.com/awesome-mcp-scaffold/awesome-mcp-scaffold-swift.git"
    /// The scaffold's release.
    public static let version = "1.0.0"
}
