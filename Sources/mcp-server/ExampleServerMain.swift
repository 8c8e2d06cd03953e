import ExampleServer
import MCPRuntime
import MCPScaffold

/// `mcp-server`: the example catalogue on the scaffold's runtime, and `mcp-server new` to start a
/// server of your own.
@main
enum ExampleServerMain {
    static func main() async {
        await MCPApplication.main(
            ServerDefinition(
                name: "mcp-server",
                abstract: "The Awesome MCP Scaffold example server (MCP 2026-07-28 and the handshake era).",
                version: ScaffoldPackage.version, instructions: ExampleCatalogue.instructions,
                registry: exampleRegistry),
            commands: [NewCommand.self])
    }
}
