import Dispatch

/// Runs CPU-heavy or blocking work on Dispatch's threads instead of the Swift concurrency pool,
/// so a slow tool (a regular expression, a large file) never starves the threads that serve
/// other requests. The caller awaits the result.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "mcp.blocking-work", qos: .utility, attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
