/// Thrown by ``withTimeout(_:operation:)`` when the operation took too long.
package struct TimeoutError: Error, Sendable {}

/// Runs `operation`, cancelling it and throwing ``TimeoutError`` after `timeout`.
package func withTimeout<T: Sendable>(
    _ timeout: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimeoutError()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
