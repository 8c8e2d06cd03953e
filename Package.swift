// swift-tools-version:6.2
// Awesome MCP Scaffold for Swift: a library that makes an MCP tool, resource or prompt one typed
// Swift declaration, the example server built with it, and its production runtime.
import CompilerPluginSupport
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "awesome-mcp-scaffold",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MCPCore", targets: ["MCPCore"]),
        .library(name: "MCPStdio", targets: ["MCPStdio"]),
        .library(name: "MCPHTTP", targets: ["MCPHTTP"]),
        .library(name: "MCPRuntime", targets: ["MCPRuntime"]),
        .library(name: "MCPStore", targets: ["MCPStore"]),
        .library(name: "MCPOAuth", targets: ["MCPOAuth"]),
        .library(name: "MCPTesting", targets: ["MCPTesting"]),
        .library(name: "ExampleServer", targets: ["ExampleServer"]),
        .executable(name: "mcp-server", targets: ["mcp-server"]),
        .executable(name: "minimal-server", targets: ["minimal-server"]),
    ],
    traits: [
        // Off by default, so the default build does not compile postgres-nio:
        // `swift build --traits PostgreSQL` for TASK_STORE=postgres://… (several machines).
        .trait(name: "PostgreSQL", description: "Tasks and change events on PostgreSQL (postgres-nio)"),
        // Off by default for the same reason (jwt-kit, async-http-client):
        // `swift build --traits OAuth` for OAUTH_ISSUER=… (an OAuth 2.1 resource server).
        .trait(name: "OAuth", description: "OAuth access tokens checked against an authorization server"),
        // Off by default: in-process TLS compiles a second BoringSSL (swift-nio-ssl), about a
        // minute of a cold build. `swift build --traits TLS` for TLS_CERT_FILE/TLS_KEY_FILE;
        // behind a proxy that terminates TLS (deploy/nginx) it is not needed.
        .trait(name: "TLS", description: "HTTPS served by the server itself (swift-nio-ssl)"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only its core (in-memory and environment providers); no JSON/YAML file providers.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        // Traits pinned: none of Hummingbird's (swift-configuration glue, full-Foundation form
        // coding) is used, and with two enabled SwiftPM 6.3 may order their -D flags differently
        // from one build plan to the next and recompile all of Hummingbird.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // What @Tool, @Prompt, @Resource, @Schema and @Catalogue expand to, and their diagnostics.
        // A library, not the plug-in, so that MCPMacrosTests can use it: SwiftPM builds a test
        // product with a direct macro dependency for the host, and with it every module the
        // tests reach, so a debug build would compile the whole graph twice.
        .target(
            name: "MCPMacroExpanders",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
            ],
            swiftSettings: strictSettings
        ),
        // Compiler plug-in behind those macros: names them for the compiler, the expanders do the work.
        .macro(
            name: "MCPMacros",
            dependencies: [
                "MCPMacroExpanders",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ],
            swiftSettings: strictSettings
        ),
        // The one place for platform calls, each with its Linux and Darwin branch: descriptors,
        // sockets, processes, signals, threads, files, resource usage, host facts. Only the
        // toolchain (C library, Dispatch, Synchronization); `.ci/check_platform_isolation.py`
        // fails on a platform import or a platform-only symbol anywhere else.
        .target(name: "MCPPlatform", swiftSettings: strictSettings),
        // Protocol core and declarations: JSON, JSON-RPC, both MCP eras, registry. No HTTP or NIO types.
        .target(
            name: "MCPCore",
            dependencies: [
                "MCPMacros",
                "MCPPlatform",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Newline-delimited JSON-RPC on stdin/stdout.
        .target(
            name: "MCPStdio",
            dependencies: [
                "MCPCore",
                "MCPPlatform",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Streamable HTTP (both eras), legacy HTTP+SSE, REST side door and edge policies on Hummingbird.
        .target(
            name: "MCPHTTP",
            dependencies: [
                "MCPCore",
                "MCPPlatform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird", condition: .when(traits: ["TLS"])),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The system's SQLite (libsqlite3-dev to build, libsqlite3-0 to run).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The store every worker and replica reaches: tasks and the change feed, on SQLite (the
        // default) or PostgreSQL (the PostgreSQL trait).
        .target(
            name: "MCPStore",
            dependencies: [
                "MCPCore",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strictSettings
        ),
        // The OAuth 2.1 resource server: JWT access tokens checked against the issuer's keys
        // (the OAuth trait; without it the target is empty).
        .target(
            name: "MCPOAuth",
            dependencies: [
                "MCPCore",
                "MCPHTTP",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit", condition: .when(traits: ["OAuth"])),
                .product(
                    name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["OAuth"])),
            ],
            swiftSettings: strictSettings
        ),
        // The Swift runtime's global-enqueue hook, reached at link time (EventLoopSetup).
        .target(name: "CConcurrencyHook"),
        // Configuration, logging, metrics and the multi-process supervisor.
        .target(
            name: "MCPRuntime",
            dependencies: [
                "MCPCore",
                "MCPPlatform",
                "CConcurrencyHook",
                "MCPStore",
                "MCPOAuth",
                "MCPStdio",
                "MCPHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
            ],
            swiftSettings: strictSettings
        ),
        // The example catalogue: calculator, text, sandboxed files, system and config resources, prompts.
        .target(
            name: "ExampleServer",
            dependencies: [
                "MCPCore",
                "MCPPlatform",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Helpers for testing MCP servers built with the scaffold: a client for both eras, in process
        // through the same router the transports use, or live over HTTP.
        .target(
            name: "MCPTesting",
            dependencies: [
                "MCPCore",
                "MCPHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
            ],
            swiftSettings: strictSettings
        ),
        // `mcp-server new`: a new server package rendered from Templates/ and the deployment kit.
        .target(
            name: "MCPScaffold",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mcp-server",
            dependencies: ["ExampleServer", "MCPRuntime", "MCPCore", "MCPScaffold"],
            swiftSettings: strictSettings
        ),
        // The smallest server: one tool, the whole runtime (stdio, HTTP, workers) in a few lines.
        .executableTarget(
            name: "minimal-server",
            dependencies: ["MCPRuntime"],
            path: "Examples/MinimalServer",
            swiftSettings: strictSettings
        ),
        // The benchmark's ceiling (bench/run.sh): Hummingbird answering POST /mcp with a fixed body,
        // no MCP work. Here rather than in a package of its own so that it is built with the
        // server's flags and Hummingbird configuration, from the same build (seconds, not minutes).
        .executableTarget(
            name: "HBCeiling",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "bench/ceiling"
        ),
        // Shared by the test targets: where the built binary and the interop clients are.
        .target(
            name: "InteropSupport",
            dependencies: ["MCPCore"],
            path: "Tests/InteropSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPCoreTests",
            dependencies: [
                "MCPCore", "MCPTesting", "MCPStore", "InteropSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPStoreTests",
            dependencies: [
                "MCPStore", "MCPCore", "InteropSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPMacrosTests",
            dependencies: [
                "MCPMacroExpanders",
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ExampleServerTests",
            dependencies: [
                "ExampleServer", "MCPCore", "MCPTesting", "MCPStore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPStdioTests",
            dependencies: [
                "InteropSupport",
                "MCPStdio",
                "ExampleServer",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPHTTPTests",
            dependencies: [
                "InteropSupport",
                "MCPHTTP",
                "MCPPlatform",
                "MCPTesting",
                "ExampleServer",
                "MCPCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
            ],
            swiftSettings: strictSettings
        ),
        // The OAuth resource server against keys served over HTTP (needs the OAuth trait).
        .testTarget(
            name: "MCPOAuthTests",
            dependencies: [
                "MCPOAuth",
                "MCPHTTP",
                "MCPCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit", condition: .when(traits: ["OAuth"])),
            ],
            swiftSettings: strictSettings
        ),
        // One list of protocol cases run through every transport (in process, stdio, HTTP, SSE).
        .testTarget(
            name: "ProtocolSuiteTests",
            dependencies: [
                "InteropSupport",
                "MCPTesting",
                "MCPHTTP",
                "MCPCore",
                "ExampleServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPScaffoldTests",
            dependencies: ["MCPScaffold", "InteropSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MCPRuntimeTests",
            dependencies: [
                "MCPRuntime", "MCPHTTP", "MCPCore", "MCPPlatform", "MCPStore", "MCPTesting", "InteropSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
