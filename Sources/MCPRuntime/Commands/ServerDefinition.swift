public import MCPCore

/// What a server built with the scaffold is: its name, what it offers, and what the model is
/// told about it. Hand it to ``MCPApplication/main(_:commands:)``.
///
/// ```swift
/// @main enum Main {
///     static func main() async {
///         await MCPApplication.main(ServerDefinition(name: "weather-server", catalogues: [Weather()]))
///     }
/// }
/// ```
public struct ServerDefinition: Sendable {
    /// The command's name (`weather-server serve`, `weather-server healthcheck`); also the
    /// product `dev` rebuilds.
    public var name: String
    /// One line for `--help`.
    public var abstract: String
    /// What `--version` prints.
    public var version: String
    /// Settings by their environment name (`["TRANSPORT": "stdio"]`) that this server uses when
    /// neither a flag, the environment nor `.env` sets them.
    public var defaults: [String: String]
    /// Text for the model about how to use this server (`instructions`).
    public var instructions: String?
    /// Builds the registry from the settings (a workspace path, feature flags); called once per
    /// process, and once by the supervisor to fail fast on a bad catalogue.
    public var registry: @Sendable (ServerSettings) throws -> Registry

    /// A server whose registry is built from the settings by `registry`.
    public init(
        name: String, abstract: String = "An MCP server (2026-07-28 and the handshake era).",
        version: String = "1.0.0", instructions: String? = nil, defaults: [String: String] = [:],
        registry: @escaping @Sendable (ServerSettings) throws -> Registry
    ) {
        self.name = name
        self.abstract = abstract
        self.version = version
        self.defaults = defaults
        self.instructions = instructions
        self.registry = registry
    }

    /// A server offering fixed catalogues.
    public init(
        name: String, abstract: String = "An MCP server (2026-07-28 and the handshake era).",
        version: String = "1.0.0", instructions: String? = nil, defaults: [String: String] = [:],
        catalogues: [any Catalogue]
    ) {
        self.init(name: name, abstract: abstract, version: version, instructions: instructions, defaults: defaults) {
            _ in
            try Registry(catalogues: catalogues)
        }
    }
}
