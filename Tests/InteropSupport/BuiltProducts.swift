public import Foundation

/// Where tests find the built `mcp-server`, the package root, and the Python interop client.
public enum BuiltProducts {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var serverBinary: String {
        if let path = ProcessInfo.processInfo.environment["MCP_SERVER_BIN"] { return path }
        return binary("mcp-server")
    }

    /// A built executable of this package, found beside the test bundle, in whatever build
    /// folder (`--scratch-path`) it was built.
    public static func binary(_ product: String) -> String {
        // The tests run from the build folder that holds the executables: on Linux the test
        // bundle is an executable file there, on Darwin a bundle folder there.
        let folders = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for candidate in folders.compactMap({ $0?.appendingPathComponent(product) }) + [
            packageRoot.appendingPathComponent(".build/debug/\(product)")
        ]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return packageRoot.appendingPathComponent(".build/debug/\(product)").path
    }

    /// A python with `mcp` 2.3.0 for interop tests: `MCP_PYTHON`, else the repository's `.venv`.
    public static var python: String? {
        if let path = ProcessInfo.processInfo.environment["MCP_PYTHON"] { return path }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Interop tests are skipped without a python that has the SDK, except in CI, where its
    /// absence is a failure.
    public static var pythonInteropEnabled: Bool {
        python != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// Runs a script from `Tests/Interop` with the interop python; returns its exit status and
    /// combined output. The wait happens on a thread of its own, never on the Swift concurrency
    /// pool, so servers running in the test process keep being served meanwhile.
    public static func runPython(
        _ script: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        guard let python else { throw InteropUnavailable() }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return try await run(
            python, [packageRoot.appendingPathComponent("Tests/Interop/\(script)").path] + arguments,
            environment: environment.isEmpty ? nil : merged)
    }

    /// Runs a program to completion off the concurrency pool; returns its status and output.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) async throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, text))
            }
            thread.start()
        }
    }
}

/// No python with the MCP SDK was found (set MCP_PYTHON).
public struct InteropUnavailable: Error, CustomStringConvertible {
    public var description: String { "set MCP_PYTHON to a python with mcp 2.3.0 installed" }
}
