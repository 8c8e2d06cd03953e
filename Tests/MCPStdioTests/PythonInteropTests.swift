import Foundation
import InteropSupport
import Testing

/// The official Python SDK client (mcp 2.3.0) in both modes, against the real binary over stdio.
@Suite(
    "Python SDK client over stdio", .serialized,
    .enabled(if: BuiltProducts.pythonInteropEnabled, "needs MCP_PYTHON (a python with mcp 2.3.0)"))
struct PythonInteropTests {
    @Test(arguments: ["stdio-modern", "stdio-legacy"])
    func drivesTheWholeCatalogue(_ mode: String) async throws {
        let workspace = NSTemporaryDirectory() + "mcp-py-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let (status, text) = try await BuiltProducts.runPython(
            "catalogue_client.py",
            [
                mode, BuiltProducts.serverBinary, "--transport", "stdio", "--workspace", workspace, "--env-file",
                "/dev/null",
            ],
            environment: [
                "MCP_EXPECTED_TOOLS": ExampleTools.namesWithDemoTools.joined(separator: ","),
                "ENABLE_DEMO_TOOLS": "true",
            ])
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(status == 0, "\(failures.joined(separator: "\n"))\n\(text.suffix(2000))")
        #expect(text.contains("\(mode): 0 failed"))
    }
}
