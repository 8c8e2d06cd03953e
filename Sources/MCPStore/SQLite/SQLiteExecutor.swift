import Dispatch

/// One ``SQLiteConnection`` and the serial Dispatch queue that alone uses it: every call of the
/// store runs there, off the Swift concurrency pool (SQLite blocks: on the disk, and on other
/// processes' locks for up to the busy timeout), and the caller awaits the result.
final class SQLiteExecutor: @unchecked Sendable {
    // @unchecked Sendable: `connection` is not thread-safe, and it is only ever touched inside
    // blocks submitted to `queue`, a serial queue, so no two threads use it at once — the queue
    // is its lock. Both properties are immutable after `init`.
    private let queue: DispatchQueue
    private let connection: SQLiteConnection

    init(path: String, label: String) throws(SQLiteError) {
        queue = DispatchQueue(label: label, qos: .utility)
        connection = try SQLiteConnection(path: path)
    }

    /// Runs `work` on the queue and waits for it, blocking the calling thread: for start-up only.
    func runBlocking<T>(_ work: (SQLiteConnection) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        let result = queue.sync { Result { () throws(SQLiteError) -> T in try work(connection) } }
        return try result.get()
    }

    /// Runs `work` with the connection on the queue.
    func run<T: Sendable>(_ work: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(SQLiteError) -> T in try work(self.connection) })
            }
        }
    }
}
