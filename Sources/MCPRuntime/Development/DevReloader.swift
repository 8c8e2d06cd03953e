import Foundation
import MCPPlatform

/// Development mode: builds the server, runs it, and rebuilds and restarts it whenever a file
/// under `Sources/` changes (the original scaffold's `--reload`). A failed build keeps the
/// running server and prints the compiler's errors.
package struct DevReloader: Sendable {
    let product: String
    let arguments: [String]
    let interval: Double

    /// - Parameter product: the executable product to build and run.
    package init(product: String, arguments: [String], interval: Double) {
        self.product = product
        self.arguments = arguments
        self.interval = interval
    }

    /// Builds and runs the product, then polls `Sources/` every `interval` seconds until SIGINT or SIGTERM;
    /// stops the running server before it returns.
    package func run() async throws {
        var child: Process?
        var stamp = Self.sourcesStamp()
        if build(product: product) { child = try start(product: product) }
        let signals = SignalPipe.stopRequested()
        while !signals.stopped {
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            let current = Self.sourcesStamp()
            guard current != stamp else { continue }
            stamp = current
            print("dev: change under Sources/; rebuilding")
            guard build(product: product) else { continue }
            if let running = child, running.isRunning {
                running.terminate()
                running.waitUntilExit()
            }
            child = try start(product: product)
        }
        if let running = child, running.isRunning {
            running.terminate()
            running.waitUntilExit()
        }
    }

    private func build(product: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build", "--product", product]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            print("dev: cannot run swift build: \(error)")
            return false
        }
        if process.terminationStatus != 0 { print("dev: build failed; the running server stays") }
        return process.terminationStatus == 0
    }

    private func start(product: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ".build/debug/\(product)")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ENVIRONMENT"] = environment["ENVIRONMENT"] ?? "development"
        process.environment = environment
        try process.run()
        print("dev: server started (pid \(process.processIdentifier))")
        return process
    }

    /// The newest modification time under Sources/, and how many files there are.
    static func sourcesStamp() -> String {
        let root = URL(fileURLWithPath: "Sources")
        var newest = 0.0
        var count = 0
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.contentModificationDateKey])
        while let url = enumerator?.nextObject() as? URL {
            count += 1
            let modified =
                (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate)?
                .timeIntervalSince1970 ?? 0
            newest = max(newest, modified)
        }
        return "\(count)/\(newest)"
    }
}

extension SignalPipe {
    /// SIGINT/SIGTERM trapped into a flag (development mode stops its child first).
    static func stopRequested() -> StopFlag {
        StopFlag()
    }
}

/// Set once SIGINT or SIGTERM arrived.
final class StopFlag: @unchecked Sendable {
    // @unchecked: `pipe` is written once in init; `stopped` only reads it.
    private let pipe: SignalPipe?

    init() {
        pipe = try? SignalPipe(trapping: [Signals.interrupt, Signals.terminate])
    }

    var stopped: Bool { !(pipe?.drain().isEmpty ?? true) }
}
