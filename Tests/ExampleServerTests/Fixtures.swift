import ExampleServer
import Foundation
import MCPCore
import MCPTesting

/// A scratch folder with a workspace inside and a secret outside it.
struct Sandbox {
    let base: String
    let workspacePath: String
    let secretPath: String
    let workspace: Workspace

    init(maxTotalBytes: Int? = nil) throws {
        base = NSTemporaryDirectory() + "mcp-sandbox-" + UUID().uuidString
        workspacePath = base + "/ws"
        secretPath = base + "/secret.txt"
        try FileManager.default.createDirectory(atPath: workspacePath, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/ws-evil", withIntermediateDirectories: true)
        try "TOP-SECRET".write(toFile: secretPath, atomically: true, encoding: .utf8)
        try "EVIL-SECRET".write(toFile: base + "/ws-evil/secret", atomically: true, encoding: .utf8)
        workspace = try Workspace(
            path: workspacePath, maxReadBytes: 1024 * 1024, maxWriteBytes: 1024 * 1024, maxTotalBytes: maxTotalBytes)
    }

    func client(
        mode: MCPTestClient.Mode = .modern, regexTimeout: Duration = .milliseconds(300),
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> MCPTestClient {
        let registry = try ExampleCatalogue.registry(
            settings: AppSettings(), workspace: workspace, regexTimeout: regexTimeout)
        var configuration = ServerConfiguration(info: ServerInfo(name: "t", version: "0"))
        configure(&configuration)
        return MCPTestClient(server: MCPServer(registry: registry, configuration: configuration), mode: mode)
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }
}
