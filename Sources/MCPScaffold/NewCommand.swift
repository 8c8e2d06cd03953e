package import ArgumentParser
import Foundation

/// `mcp-server new NAME`: a ready server package in a new folder — its manifest on the scaffold's
/// library products, one example tool with its test, a README with the two commands, `.ci/run`,
/// the Docker and deployment kit, `.env.example`, `.gitignore` and AI-assistant rules.
package struct NewCommand: ParsableCommand {
    /// The command's name, abstract and discussion for `--help`.
    package static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a new MCP server package built on this scaffold.",
        discussion: """
            The package depends on the scaffold at --url URL (with --version), or on a local checkout
            with --local PATH (offline use). Without either it depends on the checkout the templates
            come from: by its origin URL and release tag when it has both, else by path. Templates
            come from the scaffold checkout this binary was built from, or from --templates PATH.
            """)

    @Argument(help: "The server's name: two or more words of a-z and 0-9 joined by dashes (e.g. weather-server).")
    var name: String

    @Option(help: "Depend on the scaffold checkout at this path (.package(path:)), for offline use.")
    var local: String?

    @Option(help: "The scaffold's version to depend on (with --url).")
    var version: String = ScaffoldPackage.version

    @Option(help: "The scaffold's package URL (default: the checkout's origin when it has a release tag).")
    var url: String?

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

    /// A command with no arguments yet; ArgumentParser fills them in.
    package init() {}

    /// Refuses `--local` with `--url`, and an invalid name, transport or catalogue list.
    package func validate() throws {
        guard local == nil || url == nil else { throw ValidationError("--local and --url exclude each other") }
        _ = try options(dependency: .local(path: "/"))
    }

    /// Renders the package into the output folder; throws when no templates are found or the folder is not empty.
    package func run() throws {
        guard let root = scaffoldRoot() else {
            throw ValidationError("no scaffold templates found: pass --templates PATH (a checkout of the scaffold)")
        }
        let dependency = chosenDependency() ?? ScaffoldOrigin.dependency(checkout: root)
        let options = try options(dependency: dependency)
        let folder = URL(fileURLWithPath: Self.absolute(output ?? name))
        do {
            try ProjectGenerator(scaffoldRoot: root).write(options, to: folder)
        } catch let error as ProjectError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let run = options.transport == .stdio ? "swift run \(name) --transport stdio" : "swift run \(name)"
        if chosenDependency() == nil, case .local(let path) = dependency {
            FileHandle.standardError.write(
                Data(
                    """
                    note: the package depends on the scaffold checkout at \(path) (it has no remote with a release \
                    tag); pass --url URL --version X to depend on a published release instead.

                    """.utf8))
        }
        print(
            """
            Created \(folder.path)
              cd \(output ?? name)
              \(run)    # the server
              swift test    # its tests
            """)
    }

    /// What `--local` or `--url` chose, if either was given.
    func chosenDependency() -> ProjectOptions.Dependency? {
        if let local { return .local(path: Self.absolute(local)) }
        if let url { return .remote(url: url, version: version) }
        return nil
    }

    func options(dependency: ProjectOptions.Dependency) throws -> ProjectOptions {
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

/// The scaffold's release that `--url` depends on unless `--version` says otherwise.
package enum ScaffoldPackage {
    /// The scaffold's release.
    package static let version = "1.0.0"
}
