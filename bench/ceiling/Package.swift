// swift-tools-version:6.1
// The HTTP ceiling of this project's stack: Hummingbird answering `POST /mcp` with a fixed small
// JSON body, with no MCP work at all. bench/run.sh builds it (release) and loads it in turn with
// the server, so "share of the ceiling" says what the MCP layers cost on top of the HTTP stack.
// Pinned to the Hummingbird version the server uses.
import PackageDescription

let package = Package(
    name: "ceiling",
    platforms: [.macOS("14.0")],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1")
    ],
    targets: [
        .executableTarget(name: "HBCeiling", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])
    ]
)
