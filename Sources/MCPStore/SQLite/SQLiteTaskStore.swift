public import MCPCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The default task store and change feed: one SQLite file every worker of a server opens (by
/// default `tasks.sqlite3` in the supervisor's runtime folder). WAL mode and a busy timeout
/// make it safe across processes; every call runs on the store's own serial queue, off the
/// concurrency pool.
///
/// It is also the server's ``ChangeFeed`` (``ServerChange``s: declarations shown or hidden,
/// resource updates, handshake-era subscriptions) for every worker on the file: a table.
/// ``publish(_:)`` inserts a row; one poller per process reads the rows after the last it saw
/// every ``feedPollInterval`` (an indexed range read, cheap) and hands them to this process's
/// subscribers. Rows older than ``feedRetention`` are trimmed by
/// the sweep, and at most ``feedRows`` are kept.
public final class SQLiteTaskStore: TaskStore, ChangeFeed, Sendable {
    /// The database file's path.
    public let path: String
    let executor: SQLiteExecutor
    let origin: String
    let feed: FeedFanOut
    /// How often each process reads the change-feed table for new rows.
    package static let feedPollInterval: Duration = .milliseconds(200)
    /// Seconds a change-feed row is kept before the sweep trims it.
    package static let feedRetention = 60.0
    /// The most change-feed rows kept, newest first.
    package static let feedRows = 10_000

    /// Opens (and creates when needed) the database at `path`.
    /// - Parameter origin: this instance's name, stamped on the events it publishes.
    public init(path: String, origin: String = "") throws {
        self.path = path
        self.origin = origin
        executor = try SQLiteExecutor(path: path, label: "mcp.store.sqlite")
        feed = FeedFanOut()
        try Self.createSchema(executor)
    }

    private static func createSchema(_ executor: SQLiteExecutor) throws(SQLiteError) {
        // At start-up, before anything can use the store: blocking is fine here.
        try executor.runBlocking { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) in try connection.execute(schema) }
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS mcp_tasks (
            id TEXT PRIMARY KEY, principal TEXT NOT NULL, tool TEXT NOT NULL, status TEXT NOT NULL,
            status_message TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, expires_at REAL NOT NULL,
            poll_interval_ms INTEGER NOT NULL, progress REAL, total REAL, result TEXT, error TEXT,
            owner TEXT NOT NULL, lease_until REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS mcp_tasks_by_principal ON mcp_tasks (principal, created_at, id);
        CREATE INDEX IF NOT EXISTS mcp_tasks_by_lease ON mcp_tasks (status, lease_until);
        CREATE INDEX IF NOT EXISTS mcp_tasks_by_expiry ON mcp_tasks (expires_at);
        CREATE TABLE IF NOT EXISTS mcp_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, change TEXT NOT NULL, origin TEXT NOT NULL);
        """

    static let columns = """
        id, principal, tool, status, status_message, created_at, updated_at, expires_at, poll_interval_ms, \
        progress, total, result, error, owner, lease_until
        """
    static let active = "status IN ('working', 'input_required')"

    static func record(_ row: [SQLiteValue]) -> TaskRecord? {
        guard row.count == 15, let id = row[0].text, let principal = row[1].text, let tool = row[2].text,
            let status = row[3].text.flatMap(TaskStatus.init(rawValue:)), let created = row[5].real,
            let updated = row[6].real, let expires = row[7].real, let poll = row[8].integer,
            let owner = row[13].text, let lease = row[14].real
        else { return nil }
        return TaskRecord(
            id: id, principal: principal, tool: tool, status: status, statusMessage: row[4].text, createdAt: created,
            updatedAt: updated, expiresAt: expires, pollIntervalMilliseconds: Int(poll), progress: row[9].real,
            total: row[10].real, result: row[11].text, error: row[12].text, owner: owner, leaseUntil: lease)
    }

    // MARK: TaskStore

    /// Counts the principal's active tasks and inserts in one transaction, so concurrent creates respect the cap.
    public func create(_ task: TaskRecord, activeLimit: Int) async throws -> Bool {
        try await executor.run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> Bool in
                let count =
                    try connection.query(
                        "SELECT count(*) FROM mcp_tasks WHERE principal = ? AND \(Self.active) AND expires_at > ?",
                        [.text(task.principal), .real(task.createdAt)]
                    ).first?.first?.integer ?? 0
                guard count < activeLimit else { return false }
                try connection.update(
                    "INSERT INTO mcp_tasks (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(task.id), .text(task.principal), .text(task.tool), .text(task.status.rawValue),
                        SQLiteValue(task.statusMessage), .real(task.createdAt), .real(task.updatedAt),
                        .real(task.expiresAt), .integer(Int64(task.pollIntervalMilliseconds)),
                        SQLiteValue(task.progress),
                        SQLiteValue(task.total), SQLiteValue(task.result), SQLiteValue(task.error), .text(task.owner),
                        .real(task.leaseUntil),
                    ])
                return true
            }
        }
    }

    /// Reads the task when `principal` owns it and it has not expired.
    public func task(id: String, principal: String, now: Double) async throws -> TaskRecord? {
        try await executor.run { connection throws(SQLiteError) in
            try connection.query(
                "SELECT \(Self.columns) FROM mcp_tasks WHERE id = ? AND principal = ? AND expires_at > ?",
                [.text(id), .text(principal), .real(now)]
            ).first.flatMap(Self.record)
        }
    }

    /// Reads one page of `principal`'s unexpired tasks, oldest first, after `cursor`.
    public func tasks(
        principal: String, after cursor: TaskCursor?, limit: Int, now: Double
    ) async throws
        -> [TaskRecord]
    {
        try await executor.run { connection throws(SQLiteError) in
            let after = cursor ?? TaskCursor(createdAt: -1, id: "")
            return try connection.query(
                """
                SELECT \(Self.columns) FROM mcp_tasks WHERE principal = ? AND expires_at > ?
                AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?
                """,
                [
                    .text(principal), .real(now), .real(after.createdAt), .real(after.createdAt), .text(after.id),
                    .integer(Int64(limit)),
                ]
            ).compactMap(Self.record)
        }
    }

    /// Records progress on a task that is not terminal; its status message becomes the tool's message or "2 of 5".
    public func progress(id: String, progress: Double, total: Double?, message: String?, now: Double) async throws {
        _ = try await executor.run { connection throws(SQLiteError) in
            try connection.update(
                """
                UPDATE mcp_tasks SET progress = ?, total = ?, status_message = ?, updated_at = ?
                WHERE id = ? AND \(Self.active)
                """,
                [
                    .real(progress), SQLiteValue(total), .text(Self.progressMessage(progress, total, message)),
                    .real(now),
                    .text(id),
                ])
        }
    }

    /// Moves a task that is not terminal to `status`; false when it was terminal already.
    public func finish(
        id: String, status: TaskStatus, message: String?, result: String?, error: String?, now: Double
    ) async throws -> Bool {
        try await executor.run { connection throws(SQLiteError) in
            try connection.update(
                """
                UPDATE mcp_tasks SET status = ?, status_message = ?, result = ?, error = ?, updated_at = ?
                WHERE id = ? AND \(Self.active)
                """,
                [
                    .text(status.rawValue), SQLiteValue(message), SQLiteValue(result), SQLiteValue(error), .real(now),
                    .text(id),
                ]) == 1
        }
    }

    /// Cancels the task when it is not terminal, and reads it back, in one transaction.
    public func cancel(
        id: String, principal: String, message: String, now: Double
    ) async throws -> (task: TaskRecord, cancelled: Bool)? {
        try await executor.run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> (task: TaskRecord, cancelled: Bool)? in
                let changed = try connection.update(
                    """
                    UPDATE mcp_tasks SET status = 'cancelled', status_message = ?, updated_at = ?
                    WHERE id = ? AND principal = ? AND expires_at > ? AND \(Self.active)
                    """,
                    [.text(message), .real(now), .text(id), .text(principal), .real(now)])
                let row = try connection.query(
                    "SELECT \(Self.columns) FROM mcp_tasks WHERE id = ? AND principal = ? AND expires_at > ?",
                    [.text(id), .text(principal), .real(now)]
                ).first.flatMap(Self.record)
                return row.map { ($0, changed == 1) }
            }
        }
    }

    /// Extends the lease of `owner`'s active tasks and returns those of `ids` that are no longer active.
    public func renew(owner: String, ids: [String], until: Double, now: Double) async throws -> Set<String> {
        try await executor.run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> Set<String> in
                try connection.update(
                    "UPDATE mcp_tasks SET lease_until = ? WHERE owner = ? AND \(Self.active)",
                    [.real(until), .text(owner)])
                let live = try connection.query(
                    "SELECT id FROM mcp_tasks WHERE owner = ? AND \(Self.active) AND expires_at > ?",
                    [.text(owner), .real(now)])
                return Set(ids).subtracting(live.compactMap { $0.first?.text })
            }
        }
    }

    /// Fails orphaned tasks, deletes expired ones and trims the change feed, in one transaction.
    public func sweep(now: Double, orphanError: String) async throws -> TaskSweep {
        try await executor.run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> TaskSweep in
                let orphaned = try connection.update(
                    """
                    UPDATE mcp_tasks SET status = 'failed', status_message = ?, error = ?, updated_at = ?
                    WHERE \(Self.active) AND lease_until < ?
                    """,
                    [.text(Self.orphanMessage), .text(orphanError), .real(now), .real(now)])
                let expired = try connection.update("DELETE FROM mcp_tasks WHERE expires_at <= ?", [.real(now)])
                try connection.update(
                    "DELETE FROM mcp_changes WHERE at < ? OR seq <= (SELECT max(seq) FROM mcp_changes) - ?",
                    [.real(now - Self.feedRetention), .integer(Int64(Self.feedRows))])
                return TaskSweep(orphaned: orphaned, expired: expired)
            }
        }
    }

    /// Counts every row, expired ones not yet swept included.
    public func count() async throws -> Int {
        try await executor.run { connection throws(SQLiteError) in
            Int(try connection.query("SELECT count(*) FROM mcp_tasks").first?.first?.integer ?? 0)
        }
    }

    static let orphanMessage = "The worker running this task stopped before it finished."

    /// `statusMessage` for progress: the tool's message, else "2 of 5" (or "2").
    static func progressMessage(_ progress: Double, _ total: Double?, _ message: String?) -> String {
        if let message, !message.isEmpty { return message }
        func number(_ value: Double) -> String {
            value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        return total.map { "\(number(progress)) of \(number($0))" } ?? number(progress)
    }

    // MARK: ChangeFeed

    /// Inserts `change` for every process on this file to read. When the file cannot take it,
    /// this process's own subscribers still hear of it.
    public func publish(_ change: ServerChange) async {
        let origin = origin
        let text = String(decoding: JSONWriter.bytes(change.json), as: UTF8.self)
        do {
            _ = try await executor.run { connection throws(SQLiteError) in
                try connection.update(
                    "INSERT INTO mcp_changes (at, change, origin) VALUES (?, ?, ?)",
                    [.real(Date().timeIntervalSince1970), .text(text), .text(origin)])
            }
        } catch {
            feed.deliver(change)
        }
    }

    /// This process's subscribers' stream of changes, fed by one poller of the feed table per process.
    public func changes() -> AsyncStream<ServerChange> {
        feed.subscribe(every: Self.feedPollInterval) { [self] in await poll() }
    }

    /// One poll of the feed table: the rows after the cursor, oldest first (the first poll:
    /// those published since the reader started).
    private func poll() async {
        let cursor = feed.cursor
        let since = feed.since
        do {
            let rows = try await executor.run { connection throws(SQLiteError) -> [[SQLiteValue]] in
                guard let cursor else {
                    // The row before the start (or 0) first, then what came after it.
                    let start =
                        try connection.query(
                            "SELECT coalesce(max(seq), 0) FROM mcp_changes WHERE at < ?", [.real(since)]
                        ).first?.first?.integer ?? 0
                    return [[.integer(start)]]
                        + (try connection.query(
                            "SELECT seq, change FROM mcp_changes WHERE seq > ? ORDER BY seq LIMIT 1000",
                            [.integer(start)]))
                }
                return try connection.query(
                    "SELECT seq, change FROM mcp_changes WHERE seq > ? ORDER BY seq LIMIT 1000", [.integer(cursor)])
            }
            for row in rows {
                guard let seq = row.first?.integer else { continue }
                feed.cursor = seq
                guard row.count == 2, let text = row[1].text, let value = try? JSONParser.parse(text),
                    let change = ServerChange(json: value)
                else { continue }
                feed.deliver(change)
            }
        } catch {
            // A busy or failing poll is retried at the next tick.
        }
    }

    /// Ends every subscription.
    public func close() {
        feed.close()
    }
}
