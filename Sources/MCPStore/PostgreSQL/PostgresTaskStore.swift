#if PostgreSQL
    public import Logging
    public import MCPCore
    import PostgresNIO

    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    /// Tasks and the change feed on PostgreSQL, for servers on several machines
    /// (`TASK_STORE=postgres://…`; built only with the `PostgreSQL` package trait). The same rows
    /// and conditional updates as ``SQLiteTaskStore``. The server's ``ChangeFeed`` is the table
    /// `mcp_changes` plus LISTEN/NOTIFY on the channel of that name: a published change is a row,
    /// and its NOTIFY (carrying the row's number) wakes every replica at once to read the rows it
    /// has not seen, so no replica polls, and one that lost its LISTEN connection catches up from
    /// the table when it listens again.
    public final class PostgresTaskStore: TaskStore, ChangeFeed, Sendable {
        let client: PostgresClient
        let origin: String
        let logger: Logger
        let feed = FeedFanOut()
        private let running: Task<Void, Never>
        static let channel = "mcp_changes"

        private init(client: PostgresClient, origin: String, logger: Logger) {
            self.client = client
            self.origin = origin
            self.logger = logger
            // The pool's own loop, for as long as the store is open (ended by close()).
            running = Task { await client.run() }
        }

        /// Connects to `url` (`postgres://user:password@host:port/database`, `?sslmode=disable`
        /// or `require`; TLS is tried by default) and creates the tables when they are missing.
        public static func connect(url: String, origin: String, logger: Logger) async throws -> PostgresTaskStore {
            let store = PostgresTaskStore(
                client: PostgresClient(configuration: try configuration(url), backgroundLogger: logger), origin: origin,
                logger: logger)
            do {
                try await store.createSchema()
            } catch {
                store.close()
                throw StoreError("PostgreSQL store unreachable or unusable: \(String(reflecting: error))")
            }
            return store
        }

        static func configuration(_ url: String) throws -> PostgresClient.Configuration {
            guard let components = URLComponents(string: url), let host = components.host, let user = components.user
            else { throw StoreError("TASK_STORE must look like postgres://user:password@host:5432/database") }
            let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
            let tls: PostgresClient.Configuration.TLS
            switch mode {
            case "disable": tls = .disable
            case "require", "verify-full": tls = .require(.makeClientConfiguration())
            default: tls = .prefer(.makeClientConfiguration())
            }
            let database = components.path.split(separator: "/").first.map(String.init)
            var configuration = PostgresClient.Configuration(
                host: host, port: components.port ?? 5432, username: user, password: components.password,
                database: database, tls: tls)
            configuration.options.maximumConnections = 8
            return configuration
        }

        private func createSchema() async throws {
            try await client.withTransaction(logger: logger) { connection in
                // One replica at a time: concurrent CREATE TABLE IF NOT EXISTS can collide.
                try await connection.query("SELECT pg_advisory_xact_lock(726354)", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS mcp_tasks (
                        id TEXT PRIMARY KEY, principal TEXT NOT NULL, tool TEXT NOT NULL, status TEXT NOT NULL,
                        status_message TEXT, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                        expires_at DOUBLE PRECISION NOT NULL, poll_interval_ms BIGINT NOT NULL, progress DOUBLE PRECISION,
                        total DOUBLE PRECISION, result TEXT, error TEXT, owner TEXT NOT NULL,
                        lease_until DOUBLE PRECISION NOT NULL)
                    """, logger: logger)
                try await connection.query(
                    "CREATE INDEX IF NOT EXISTS mcp_tasks_by_principal ON mcp_tasks (principal, created_at, id)",
                    logger: logger)
                try await connection.query(
                    "CREATE INDEX IF NOT EXISTS mcp_tasks_by_lease ON mcp_tasks (status, lease_until)", logger: logger)
                try await connection.query(
                    "CREATE INDEX IF NOT EXISTS mcp_tasks_by_expiry ON mcp_tasks (expires_at)", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS mcp_changes (
                        seq BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, change TEXT NOT NULL,
                        origin TEXT NOT NULL)
                    """, logger: logger)
            }
        }

        static let columns = """
            id, principal, tool, status, status_message, created_at, updated_at, expires_at, poll_interval_ms, \
            progress, total, result, error, owner, lease_until
            """
        static let active = "status IN ('working', 'input_required')"

        static func record(_ row: PostgresRow) throws -> TaskRecord? {
            let cells = row.makeRandomAccess()
            guard let status = TaskStatus(rawValue: try cells[3].decode(String.self)) else { return nil }
            return TaskRecord(
                id: try cells[0].decode(String.self), principal: try cells[1].decode(String.self),
                tool: try cells[2].decode(String.self), status: status,
                statusMessage: try cells[4].decode(String?.self), createdAt: try cells[5].decode(Double.self),
                updatedAt: try cells[6].decode(Double.self), expiresAt: try cells[7].decode(Double.self),
                pollIntervalMilliseconds: Int(try cells[8].decode(Int64.self)),
                progress: try cells[9].decode(Double?.self), total: try cells[10].decode(Double?.self),
                result: try cells[11].decode(String?.self), error: try cells[12].decode(String?.self),
                owner: try cells[13].decode(String.self), leaseUntil: try cells[14].decode(Double.self))
        }

        static func records(_ rows: PostgresRowSequence) async throws -> [TaskRecord] {
            var records: [TaskRecord] = []
            for try await row in rows { if let record = try record(row) { records.append(record) } }
            return records
        }

        /// Rows changed by an UPDATE/DELETE … RETURNING 1.
        static func count(_ rows: PostgresRowSequence) async throws -> Int {
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }

        // MARK: TaskStore

        /// Inserts under a per-principal advisory lock, so concurrent creates on every replica respect the cap.
        public func create(_ task: TaskRecord, activeLimit: Int) async throws -> Bool {
            try await client.withTransaction(logger: logger) { connection in
                // Serializes creations per principal across replicas, so the cap holds.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(task.principal)))", logger: logger)
                let rows = try await connection.query(
                    """
                    SELECT count(*) FROM mcp_tasks WHERE principal = \(task.principal) AND \(unescaped: Self.active)
                    AND expires_at > \(task.createdAt)
                    """, logger: logger)
                var count: Int64 = 0
                for try await row in rows { count = try row.makeRandomAccess()[0].decode(Int64.self) }
                guard count < activeLimit else { return false }
                try await connection.query(
                    """
                    INSERT INTO mcp_tasks (\(unescaped: Self.columns)) VALUES (\(task.id), \(task.principal), \(task.tool),
                    \(task.status.rawValue), \(task.statusMessage), \(task.createdAt), \(task.updatedAt), \(task.expiresAt),
                    \(Int64(task.pollIntervalMilliseconds)), \(task.progress), \(task.total), \(task.result), \(task.error),
                    \(task.owner), \(task.leaseUntil))
                    """, logger: logger)
                return true
            }
        }

        /// Reads the task when `principal` owns it and it has not expired.
        public func task(id: String, principal: String, now: Double) async throws -> TaskRecord? {
            try await Self.records(
                client.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM mcp_tasks
                    WHERE id = \(id) AND principal = \(principal) AND expires_at > \(now)
                    """, logger: logger)
            ).first
        }

        /// Reads one page of `principal`'s unexpired tasks, oldest first, after `cursor`.
        public func tasks(
            principal: String, after cursor: TaskCursor?, limit: Int, now: Double
        ) async throws
            -> [TaskRecord]
        {
            let after = cursor ?? TaskCursor(createdAt: -1, id: "")
            return try await Self.records(
                client.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM mcp_tasks WHERE principal = \(principal) AND expires_at > \(now)
                    AND (created_at > \(after.createdAt) OR (created_at = \(after.createdAt) AND id > \(after.id)))
                    ORDER BY created_at, id LIMIT \(Int64(limit))
                    """, logger: logger))
        }

        /// Records progress on a task that is not terminal; its status message becomes the tool's message or "2 of 5".
        public func progress(id: String, progress: Double, total: Double?, message: String?, now: Double) async throws {
            let text = SQLiteTaskStore.progressMessage(progress, total, message)
            try await client.query(
                """
                UPDATE mcp_tasks SET progress = \(progress), total = \(total), status_message = \(text), updated_at = \(now)
                WHERE id = \(id) AND \(unescaped: Self.active)
                """, logger: logger)
        }

        /// Moves a task that is not terminal to `status`; false when it was terminal already.
        public func finish(
            id: String, status: TaskStatus, message: String?, result: String?, error: String?, now: Double
        ) async throws -> Bool {
            try await Self.count(
                client.query(
                    """
                    UPDATE mcp_tasks SET status = \(status.rawValue), status_message = \(message), result = \(result),
                    error = \(error), updated_at = \(now) WHERE id = \(id) AND \(unescaped: Self.active) RETURNING 1
                    """, logger: logger)) == 1
        }

        /// Cancels the task when it is not terminal, and reads it back, in one transaction.
        public func cancel(
            id: String, principal: String, message: String, now: Double
        ) async throws -> (task: TaskRecord, cancelled: Bool)? {
            try await client.withTransaction(logger: logger) { connection in
                let changed = try await Self.count(
                    connection.query(
                        """
                        UPDATE mcp_tasks SET status = 'cancelled', status_message = \(message), updated_at = \(now)
                        WHERE id = \(id) AND principal = \(principal) AND expires_at > \(now) AND \(unescaped: Self.active)
                        RETURNING 1
                        """, logger: logger))
                let record = try await Self.records(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.columns) FROM mcp_tasks
                        WHERE id = \(id) AND principal = \(principal) AND expires_at > \(now)
                        """, logger: logger)
                ).first
                return record.map { ($0, changed == 1) }
            }
        }

        /// Extends the lease of `owner`'s active tasks and returns those of `ids` that are no longer active.
        public func renew(owner: String, ids: [String], until: Double, now: Double) async throws -> Set<String> {
            let rows = try await client.query(
                """
                UPDATE mcp_tasks SET lease_until = \(until) WHERE owner = \(owner) AND \(unescaped: Self.active)
                AND expires_at > \(now) RETURNING id
                """, logger: logger)
            var live: Set<String> = []
            for try await row in rows { live.insert(try row.makeRandomAccess()[0].decode(String.self)) }
            return Set(ids).subtracting(live)
        }

        /// Fails orphaned tasks, deletes expired ones and trims the change feed.
        public func sweep(now: Double, orphanError: String) async throws -> TaskSweep {
            let orphaned = try await Self.count(
                client.query(
                    """
                    UPDATE mcp_tasks SET status = 'failed', status_message = \(SQLiteTaskStore.orphanMessage),
                    error = \(orphanError), updated_at = \(now) WHERE \(unescaped: Self.active) AND lease_until < \(now)
                    RETURNING 1
                    """, logger: logger))
            let expired = try await Self.count(
                client.query("DELETE FROM mcp_tasks WHERE expires_at <= \(now) RETURNING 1", logger: logger))
            let oldest = now - SQLiteTaskStore.feedRetention
            let kept = Int64(SQLiteTaskStore.feedRows)
            try await client.query(
                "DELETE FROM mcp_changes WHERE at < \(oldest) OR seq <= (SELECT max(seq) FROM mcp_changes) - \(kept)",
                logger: logger)
            return TaskSweep(orphaned: orphaned, expired: expired)
        }

        /// Counts every row, expired ones not yet swept included.
        public func count() async throws -> Int {
            var count: Int64 = 0
            for try await row in try await client.query("SELECT count(*) FROM mcp_tasks", logger: logger) {
                count = try row.makeRandomAccess()[0].decode(Int64.self)
            }
            return Int(count)
        }

        // MARK: ChangeFeed

        /// Adds `change` to the feed table and wakes every replica on this database with
        /// `pg_notify` (in the same statement, so the row is there when the notification
        /// arrives). When PostgreSQL cannot take it, this process's own subscribers still hear of it.
        public func publish(_ change: ServerChange) async {
            let text = String(decoding: JSONWriter.bytes(change.json), as: UTF8.self)
            let now = Date().timeIntervalSince1970
            do {
                try await client.query(
                    """
                    WITH added AS (
                        INSERT INTO mcp_changes (at, change, origin) VALUES (\(now), \(text), \(origin)) RETURNING seq)
                    SELECT pg_notify(\(Self.channel), seq::text) FROM added
                    """, logger: logger)
            } catch {
                logger.warning(
                    "change not sent to other replicas", metadata: ["error": "\(String(reflecting: error))"])
                feed.deliver(change)
            }
        }

        /// What any replica published (this one included) since this process began to listen,
        /// in order; a change published while the LISTEN connection was lost is read from the
        /// table when it is back.
        public func changes() -> AsyncStream<ServerChange> {
            // The "read" is one LISTEN that lasts until it fails; the interval is the pause
            // before listening again.
            feed.subscribe(every: .seconds(1)) { [self] in await listen() }
        }

        private func listen() async {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Listening: first what was published while nobody listened, then
                        // whatever each notification announces.
                        try await readNewChanges(on: connection)
                        for try await _ in notifications { try await readNewChanges(on: connection) }
                    }
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("change feed listener lost; listening again", metadata: ["error": "\(error)"])
                }
            }
        }

        /// Delivers the rows after the feed's cursor, oldest first, and moves the cursor past
        /// them. The first read starts at the last row published before the feed started.
        private func readNewChanges(on connection: PostgresConnection) async throws {
            var cursor: Int64
            if let known = feed.cursor {
                cursor = known
            } else {
                cursor = 0
                let rows = try await connection.query(
                    "SELECT coalesce(max(seq), 0) FROM mcp_changes WHERE at < \(feed.since)", logger: logger)
                for try await row in rows { cursor = try row.makeRandomAccess()[0].decode(Int64.self) }
                feed.cursor = cursor
            }
            while true {
                var read = 0
                let rows = try await connection.query(
                    "SELECT seq, change FROM mcp_changes WHERE seq > \(cursor) ORDER BY seq LIMIT 1000", logger: logger)
                for try await row in rows {
                    let columns = row.makeRandomAccess()
                    cursor = try columns[0].decode(Int64.self)
                    feed.cursor = cursor
                    read += 1
                    guard let value = try? JSONParser.parse(try columns[1].decode(String.self)),
                        let change = ServerChange(json: value)
                    else { continue }
                    feed.deliver(change)
                }
                if read < 1000 { return }
            }
        }

        /// Ends every subscription and the connection pool.
        public func close() {
            feed.close()
            running.cancel()
        }
    }
#endif
