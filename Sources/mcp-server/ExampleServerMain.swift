import ExampleServer
import MCPRuntime

/// `mcp-server`: the example catalogue on the scaffold's runtime.
@main
enum ExampleServerMain {
    static func main() async {
        await MCPApplication.main(
            ServerDefinition(
                name: "mcp-server",
                abstract: "The Awesome MCP Scaffold example server (MCP 2026-07-28 and the handshake era).",
                instructions: ExampleCatalogue.instructions, registry: exampleRegistry))
    }
}
