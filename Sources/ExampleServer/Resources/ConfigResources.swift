import Foundation
public import MCPCore

/// What the config resources report about the running server. Filled from the runtime's
/// configuration; secrets are only ever reported as set or not set.
public struct AppSettings: Sendable {
    /// The server's name (`APP_NAME`).
    public var appName = "Awesome MCP Server"
    /// The server's version (`APP_VERSION`).
    public var version = "1.0.0"
    /// `development`, `testing` or `production` (`ENVIRONMENT`).
    public var environment = "development"
    /// The bound address (`HOST`).
    public var host = "127.0.0.1"
    /// The bound port (`PORT`).
    public var port = 8000
    /// `stdio`, `streamable-http` or `sse` (`TRANSPORT`).
    public var transport = "stdio"
    /// The MCP endpoint's path (`MCP_PATH`).
    public var mcpPath = "/mcp"
    /// Whether the handshake era is served without sessions (`STATELESS_HTTP`).
    public var statelessHTTP = true
    /// The log level (`LOG_LEVEL`).
    public var logLevel = "info"
    /// Whether each secret setting has a value, by its environment name (e.g. `API_KEY`).
    public var secretsPresent: [String: Bool] = ["API_KEY": false, "SECRET_KEY": false]

    /// The defaults, as a server reports them before its settings are filled in.
    public init() {}
}

/// How many declarations the server offers, for `config://capabilities`.
public struct CatalogueCounts: Sendable {
    /// Tools offered.
    public var tools = 0
    /// Resources with a fixed URI offered.
    public var resources = 0
    /// Resource templates offered.
    public var resourceTemplates = 0
    /// Prompts offered.
    public var prompts = 0

    /// All counts zero.
    public init() {}
}

/// The server's own configuration, version and capabilities, and per-user settings.
@Catalogue
public struct ConfigResources: Sendable {
    let settings: AppSettings
    let counts: CatalogueCounts

    /// The config resources reporting `settings` and `counts`.
    public init(settings: AppSettings, counts: CatalogueCounts = CatalogueCounts()) {
        self.settings = settings
        self.counts = counts
    }

    /// The running configuration: name, version, environment, address, transport, logging.
    @Resource("config://app", name: "app_config", title: "Application Configuration", mimeType: "application/json")
    func appConfig() -> JSONValue {
        [
            "app_name": .string(settings.appName), "version": .string(settings.version),
            "environment": .string(settings.environment), "debug": .bool(settings.environment == "development"),
            "host": .string(settings.host), "port": .int(settings.port), "transport": .string(settings.transport),
            "mcp_mount_path": .string(settings.mcpPath), "stateless_http": .bool(settings.statelessHTTP),
            "log_level": .string(settings.logLevel), "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Server version, the MCP revisions it speaks and the Swift version it was built with.
    @Resource("config://version", name: "version_info", title: "Version Information", mimeType: "application/json")
    func versionInfo() -> JSONValue {
        [
            "version": .string(settings.version), "app_name": .string(settings.appName),
            "mcp_protocol_versions": .array(ProtocolVersion.supportedNewestFirst.map { .string($0) }),
            "swift_version": .string(SystemResources.swiftVersion),
            "transport_protocol": .string(settings.transport), "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Which MCP features the server offers and how many tools, resources and prompts it has.
    @Resource(
        "config://capabilities", name: "server_capabilities", title: "Server Capabilities", mimeType: "application/json"
    )
    func serverCapabilities() -> JSONValue {
        [
            "mcp_version": .string(ProtocolVersion.v2026_07_28.rawValue),
            "transport": .string(settings.transport),
            "features": [
                "tools": true, "resources": true, "prompts": true, "completions": true, "logging": true,
                "streaming": .bool(settings.transport != "stdio"), "stateless": .bool(settings.statelessHTTP),
            ],
            "tools_count": .int(counts.tools), "resources_count": .int(counts.resources),
            "resource_templates_count": .int(counts.resourceTemplates), "prompts_count": .int(counts.prompts),
            "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// Settings for one user (demo data): preferences and permissions.
    /// - Parameter user_id: Letters, digits, '.', '_' or '-', at most 64.
    @Resource(
        "config://user/{user_id}", name: "user_config", title: "User Configuration", mimeType: "application/json",
        completions: ["user_id": ["admin", "alice", "bob", "demo", "guest"]])
    func userConfig(user_id userID: String) throws -> JSONValue {
        guard (1...64).contains(userID.utf8.count),
            userID.unicodeScalars.allSatisfy({
                ("0"..."9").contains($0) || ("a"..."z").contains($0)
                    || ("A"..."Z").contains($0) || "._-".unicodeScalars.contains($0)
            })
        else { throw ResourceNotFound() }
        return [
            "user_id": .string(userID),
            "preferences": ["theme": "default", "language": "en", "timezone": "UTC"],
            "permissions": ["read": true, "write": false, "admin": .bool(userID == "admin")],
            "last_accessed": .string(SystemProbe.timestamp), "timestamp": .string(SystemProbe.timestamp),
        ]
    }

    /// The environment, with secrets reported only as set or not set.
    @Resource(
        "config://environment", name: "environment_config", title: "Environment Variables", mimeType: "application/json"
    )
    func environmentConfig() -> JSONValue {
        var object: JSONObject = [
            "environment": .string(settings.environment), "debug_mode": .bool(settings.environment == "development"),
            "log_level": .string(settings.logLevel),
        ]
        for name in settings.secretsPresent.keys.sorted() {
            object.append("has_" + name.lowercased(), .bool(settings.secretsPresent[name] ?? false))
        }
        object.append("timestamp", .string(SystemProbe.timestamp))
        return .object(object)
    }
}
