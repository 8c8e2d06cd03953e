public import Foundation
public import MCPCore
import Synchronization

/// A running `mcp-server --transport stdio`, fed and read line by line.
public final class StdioProcess: Sendable {
    public let process: Process
    public let input: FileHandle
    private let collected = Collected()
    public let workspace: String

    /// Starts the example server (or `binary`) on stdio.
    public init(
        environment extra: [String: String] = [:], arguments: [String] = [], binary: String = BuiltProducts.serverBinary
    ) throws {
        workspace = NSTemporaryDirectory() + "mcp-stdio-" + UUID().uuidString
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            ["--transport", "stdio", "--workspace", workspace, "--env-file", "/dev/null"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "debug"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        input = stdin.fileHandleForWriting
        try process.run()
        let collected = collected
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.append(stdout: data)
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.stderr.withLock { $0 += String(decoding: data, as: UTF8.self) }
            if data.isEmpty { handle.readabilityHandler = nil }
        }
    }

    public func send(_ line: String) {
        input.write(Data((line + "\n").utf8))
    }

    public func send(bytes: [UInt8]) {
        input.write(Data(bytes))
    }

    public func closeInput() {
        try? input.close()
    }

    public var output: [String] { collected.lines.withLock { $0 } }
    public var stderr: String { collected.stderr.withLock { $0 } }

    /// Waits (up to `timeout`) until `count` lines arrived; returns them parsed.
    public func waitForLines(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + timeout
        while output.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return try output.map { try JSONParser.parse($0) }
    }

    /// The answer with `id`, waiting up to `timeout`. The output is looked at once more after
    /// the deadline, so a test whose task was kept from running still sees what arrived meanwhile.
    public func response(id: JSONValue, timeout: Duration = .seconds(20)) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try output.map({ try JSONParser.parse($0) }).first(where: { $0["id"] == id }) {
                return found
            }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the process to exit and returns its status; nil if it did not exit in time.
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: workspace)
    }
}

/// What a server process wrote: stdout split into lines, stderr as text.
final class Collected: Sendable {
    let lines = Mutex<[String]>([])
    let stderr = Mutex<String>("")
    private let pending = Mutex<[UInt8]>([])

    func append(stdout data: Data) {
        let complete: [String] = pending.withLock { pending in
            pending.append(contentsOf: data)
            var found: [String] = []
            while let newline = pending.firstIndex(of: 10) {
                found.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            return found
        }
        if !complete.isEmpty { lines.withLock { $0 += complete } }
    }
}

/// A modern request line with the `_meta` envelope.
public func modern(_ id: Int, _ method: String, _ params: String = "{}") -> String {
    let meta =
        #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
    let body = params == "{}" ? "{\(meta)}" : String(params.dropLast()) + ",\(meta)}"
    return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(body)}"#
}

public let initializeLine =
    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
