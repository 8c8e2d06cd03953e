import Dispatch
import Foundation
package import Logging
import MCPPlatform
import Synchronization

extension Supervisor.Configuration: @unchecked Sendable {}
// @unchecked: every stored property is a String, Int, Double or [String: String] — value
// types with no shared mutable state — so crossing to the supervisor's thread is safe.

extension Supervisor {
    /// Runs a supervisor on a thread of its own (its loop blocks in `poll`, which must never
    /// happen on the Swift concurrency pool) and returns its exit status.
    ///
    /// - Parameter reload: re-reads the configuration on SIGHUP.
    package static func runOnThread(
        configuration: Configuration, logger: Logger, reload: @escaping @Sendable () async -> Configuration?
    ) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                PlatformThread.nameCurrent("mcp-supervisor")
                do {
                    let supervisor = try Supervisor(configuration: configuration, logger: logger) {
                        blockingAwait(reload)
                    }
                    continuation.resume(returning: try supervisor.run())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// The path of the running executable (a binary replaced on disk at that path is what the
    /// next worker runs: zero-downtime upgrade by SIGHUP).
    package static func executablePath() -> String {
        Processes.executablePath() ?? CommandLine.arguments[0]
    }
}

/// Waits on this (non-pool) thread for async work to finish.
func blockingAwait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let result = ResultBox<T>()
    Task {
        result.set(await work())
        semaphore.signal()
    }
    semaphore.wait()
    return result.get()!
}

final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)
    func set(_ newValue: T) { value.withLock { $0 = newValue } }
    func get() -> T? { value.withLock { $0 } }
}
