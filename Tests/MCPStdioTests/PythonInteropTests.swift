import Foundation
import Testing

/// The official Python SDK client (mcp 2.3.0) in both modes, against the real binary over stdio.
@Suite("Python SDK client over stdio", .serialized, .enabled(if: BuiltProducts.pythonInteropEnabled, "needs MCP_PYTHON (a python with mcp 2.3.0)"))
struct PythonInteropTests {
    @Test(arguments: ["stdio-modern", "stdio-legacy"])
    func drivesTheWholeCatalogue(_ mode: String) throws {
        let python = try #require(BuiltProducts.python, "set MCP_PYTHON to a python with mcp 2.3.0 installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let workspace = NSTemporaryDirectory() + "mcp-py-" + UUID().uuidString
        process.arguments = [
            BuiltProducts.packageRoot.appendingPathComponent("Tests/Interop/catalogue_client.py").path, mode,
            BuiltProducts.serverBinary, "--transport", "stdio", "--workspace", workspace, "--env-file", "/nonexistent",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(process.terminationStatus == 0, "\(failures.joined(separator: "\n"))\n\(text.suffix(2000))")
        #expect(text.contains("\(mode): 0 failed"))
    }
}
