import MCPRuntime

@Catalogue
struct Greeter {
    /// Greets someone by name.
    /// - Parameter name: Who to greet.
    @Tool static func greet(name: String) -> String { "Hello, \(name)!" }
}

@main
enum MinimalServer {
    static func main() async { await MCPApplication.main(name: "minimal-server", catalogues: [Greeter()]) }
}
