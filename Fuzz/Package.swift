// swift-tools-version:6.2
// libFuzzer targets for the parts of the scaffold that read untrusted input. `Fuzz/run.sh`
// builds and runs them; docs/RELIABILITY.md has the figures.
//
// The code under test is the scaffold's own source, linked here (Sources/MCPCore is a link to
// ../Sources/MCPCore, Sources/MCPPlatform, which MCPCore uses, to ../Sources/MCPPlatform;
// ExampleText links single files), so that only it is
// built with the toolchain's fuzzer and address-sanitizer instrumentation: no NIO, no
// Hummingbird, no macro plug-in in this build (MCPCore only declares the macros).
import PackageDescription

/// `-enable-testing`: the harnesses reach internal entry points (`@testable import`).
let fuzzed: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])]
let harness: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-parse-as-library"])]
/// The executables link libFuzzer (its `main` calls `LLVMFuzzerTestOneInput`) and the sanitizer runtime.
let runtime: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

let package = Package(
    name: "fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    ],
    targets: [
        .target(name: "MCPPlatform", swiftSettings: fuzzed),
        .target(
            name: "MCPCore",
            dependencies: [
                "MCPPlatform",
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: fuzzed),
        // The calculator's expression evaluator and the bounded regex of the example server.
        .target(name: "ExampleText", dependencies: ["MCPCore"], swiftSettings: fuzzed),
        .target(name: "FuzzerDriver"),
        .executableTarget(
            name: "FuzzJSONParser", dependencies: ["FuzzerDriver", "MCPCore"], swiftSettings: harness,
            linkerSettings: runtime),
        .executableTarget(
            name: "FuzzJSONRPC", dependencies: ["FuzzerDriver", "MCPCore"], swiftSettings: harness,
            linkerSettings: runtime),
        .executableTarget(
            name: "FuzzRoutingHeaders",
            dependencies: ["FuzzerDriver", "MCPCore"], swiftSettings: harness, linkerSettings: runtime),
        .executableTarget(
            name: "FuzzURITemplate", dependencies: ["FuzzerDriver", "MCPCore"], swiftSettings: harness,
            linkerSettings: runtime),
        .executableTarget(
            name: "FuzzExpression", dependencies: ["FuzzerDriver", "ExampleText", "MCPCore"], swiftSettings: harness,
            linkerSettings: runtime),
        .executableTarget(
            name: "FuzzRegex",
            dependencies: ["FuzzerDriver", "ExampleText", "MCPCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: harness, linkerSettings: runtime),
    ]
)
