import ExampleServer
import Foundation
import MCPCore

/// The example catalogue's tools, as the binary offers them: tests compare with these rather
/// than with numbers of their own.
enum ExampleTools {
    static let names: [String] = names(demoTools: false)

    /// With `ENABLE_DEMO_TOOLS=true`.
    static let namesWithDemoTools: [String] = names(demoTools: true)

    static func names(demoTools: Bool) -> [String] {
        let folder = NSTemporaryDirectory() + "mcp-names-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registry = try? ExampleCatalogue.registry(
            settings: AppSettings(), workspace: Workspace(path: folder), demoTools: demoTools)
        return registry?.tools.map(\.name) ?? []
    }

    static var count: Int { names.count }
}
