public import ArgumentParser
import Foundation
public import MCPCore
import Synchronization

extension MCPApplication {
    /// The whole executable of a server: parses the command line and runs it. Subcommands:
    /// `serve` (the default: one process, or a supervisor with workers in production or with
    /// `--workers`), `worker` (started by the supervisor), `healthcheck`, `workers`, `dev`,
    /// plus `commands` of your own.
    public static func main(_ definition: ServerDefinition, commands: [any ParsableCommand.Type] = []) async {
        CurrentServer.set(definition, commands: commands)
        await RootCommand.runAsRoot(CommandLine.arguments.dropFirst().map { $0 })
    }

    /// The whole executable of a server that offers fixed catalogues.
    ///
    /// ```swift
    /// @main enum Main {
    ///     static func main() async { await MCPApplication.main(name: "hello-server", catalogues: [Hello()]) }
    /// }
    /// ```
    public static func main(name: String, instructions: String? = nil, catalogues: [any Catalogue]) async {
        await main(ServerDefinition(name: name, instructions: instructions, catalogues: catalogues))
    }
}

/// The server the running executable defines (set once, before the command line is parsed:
/// ArgumentParser's commands are types, so they find it here).
enum CurrentServer {
    private static let storage = Mutex<(ServerDefinition, [any ParsableCommand.Type])?>(nil)

    static func set(_ definition: ServerDefinition, commands: [any ParsableCommand.Type]) {
        storage.withLock { $0 = (definition, commands) }
    }

    static var definition: ServerDefinition {
        guard let current = storage.withLock({ $0 }) else {
            fatalError("MCPApplication.main(_:) sets the server definition before the commands run")
        }
        return current.0
    }

    static var commands: [any ParsableCommand.Type] { storage.withLock { $0?.1 ?? [] } }

    /// The running server's setting defaults (none before `main` sets the definition).
    static var defaults: [String: String] { storage.withLock { $0?.0.defaults ?? [:] } }

    /// The server's name, when one is set.
    static var name: String? { storage.withLock { $0?.0.name } }
}

/// The top of the command line: the server's name, its subcommands, `serve` by default.
struct RootCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let definition = CurrentServer.definition
        return CommandConfiguration(
            commandName: definition.name, abstract: definition.abstract,
            discussion: askedForHelp ? ServeCommand.optionsForTopLevelHelp : "", version: definition.version,
            subcommands: [
                ServeCommand.self, WorkerCommand.self, HealthCheckCommand.self, DevCommand.self, WorkersCommand.self,
                InstallCommand.self,
            ]
                + CurrentServer.commands,
            defaultSubcommand: ServeCommand.self)
    }
}

extension RootCommand {
    /// Whether this process was asked for help: only then is `serve`'s help rendered into the
    /// root's discussion (ArgumentParser reads `configuration` several times per parse, and
    /// rendering that help was an eighth of every process's start-up, workers included).
    static var askedForHelp: Bool {
        CommandLine.arguments.dropFirst().contains { $0 == "help" || $0 == "-h" || $0.hasPrefix("--help") }
    }

    /// Parses and runs the command line as `main()` does, except that a usage error (an unknown
    /// option, a missing argument, a failed validation) exits with status 2 — what configuration
    /// errors exit with, and what shells and most CLIs use — instead of ArgumentParser's 64.
    static func runAsRoot(_ arguments: [String]) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(withError: nil)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(usageErrorStatus))
        }
    }

    /// The exit status of a usage error.
    static let usageErrorStatus: Int32 = 2
}
