#if PostgreSQL
    import Foundation
    import Logging
    import MCPCore
    import PostgresNIO
    import Testing

    @testable import MCPStore

    /// The PostgreSQL store against a real server: `MCP_TEST_POSTGRES=postgres://…` names an
    /// empty database (`.ci/run` starts Debian's PostgreSQL for it); without it these tests do not
    /// run. Two stores on one database stand for two replicas. Serialized: each test starts from
    /// empty tables.
    @Suite(
        "PostgreSQL task store", .serialized,
        .enabled(if: ProcessInfo.processInfo.environment["MCP_TEST_POSTGRES"] != nil))
    struct PostgresTaskStoreTests {
        static var url: String { ProcessInfo.processInfo.environment["MCP_TEST_POSTGRES"] ?? "" }

        func connect(_ origin: String = "replica-1") async throws -> PostgresTaskStore {
            try await PostgresTaskStore.connect(url: Self.url, origin: origin, logger: Logger(label: "test.postgres"))
        }

        /// A store on empty tables.
        func emptyStore() async throws -> PostgresTaskStore {
            let store = try await connect()
            _ = try await store.sweep(now: 1e12, orphanError: "{}")  // everything expired by then: deleted
            return store
        }

        func record(
            _ id: String, principal: String = "alice", created: Double = 1000, ttl: Double = 3600,
            owner: String = "w1", lease: Double = 1010
        ) -> TaskRecord {
            TaskRecord(
                id: id, principal: principal, tool: "generate_report", createdAt: created, expiresAt: created + ttl,
                pollIntervalMilliseconds: 1000, owner: owner, leaseUntil: lease)
        }

        @Test func aTaskIsReadBackOnlyByItsPrincipalFromAnotherReplica() async throws {
            let store = try await emptyStore()
            let other = try await connect("replica-2")
            defer {
                store.close()
                other.close()
            }
            #expect(try await store.create(record("t1"), activeLimit: 10))
            #expect(try await other.task(id: "t1", principal: "alice", now: 1001) == record("t1"))
            #expect(try await other.task(id: "t1", principal: "mallory", now: 1001) == nil)
            #expect(try await other.cancel(id: "t1", principal: "mallory", message: "x", now: 1002) == nil)
        }

        @Test func theCapHoldsAtItsLimit() async throws {
            let store = try await emptyStore()
            defer { store.close() }
            #expect(try await store.create(record("a1"), activeLimit: 2))
            #expect(try await store.create(record("a2"), activeLimit: 2))
            #expect(try await store.create(record("a3"), activeLimit: 2) == false)
            #expect(try await store.create(record("b1", principal: "bob"), activeLimit: 2))
            #expect(
                try await store.finish(id: "a1", status: .completed, message: nil, result: "{}", error: nil, now: 1001))
            #expect(try await store.create(record("a3"), activeLimit: 2))
        }

        @Test func theCapHoldsUnderConcurrentCreationsOnTwoReplicas() async throws {
            let first = try await emptyStore()
            let second = try await connect("replica-2")
            defer {
                first.close()
                second.close()
            }
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await store.create(record("c\(index)"), activeLimit: 5) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 5)
        }

        @Test func terminalStatesNeverChangeAndProgressLands() async throws {
            let store = try await emptyStore()
            defer { store.close() }
            _ = try await store.create(record("t"), activeLimit: 10)
            try await store.progress(id: "t", progress: 2, total: 5, message: nil, now: 1001)
            #expect(try await store.task(id: "t", principal: "alice", now: 1002)?.statusMessage == "2 of 5")
            let cancelled = try #require(try await store.cancel(id: "t", principal: "alice", message: "bye", now: 1003))
            #expect(cancelled.cancelled && cancelled.task.status == .cancelled)
            #expect(
                try await store.finish(id: "t", status: .completed, message: nil, result: "{}", error: nil, now: 1004)
                    == false)
            let again = try #require(try await store.cancel(id: "t", principal: "alice", message: "bye", now: 1005))
            #expect(!again.cancelled)
            let final = try #require(try await store.task(id: "t", principal: "alice", now: 1006))
            #expect(final.status == .cancelled && final.result == nil && final.updatedAt == 1003)
        }

        @Test func aLapsedLeaseFailsTheTaskAndTheTTLDeletesIt() async throws {
            let store = try await emptyStore()
            let other = try await connect("replica-2")
            defer {
                store.close()
                other.close()
            }
            _ = try await store.create(record("live", ttl: 100, lease: 1010), activeLimit: 10)
            _ = try await other.create(record("orphan", owner: "w2", lease: 1010), activeLimit: 10)
            #expect(try await store.renew(owner: "w1", ids: ["live"], until: 1030, now: 1005).isEmpty)
            let sweep = try await store.sweep(now: 1020, orphanError: #"{"code":-32603,"message":"gone"}"#)
            #expect(sweep == TaskSweep(orphaned: 1, expired: 0))
            let orphan = try #require(try await store.task(id: "orphan", principal: "alice", now: 1021))
            #expect(orphan.status == .failed && orphan.error == #"{"code":-32603,"message":"gone"}"#)
            // Finished elsewhere: the owner learns it at its next renewal.
            _ = try await other.cancel(id: "live", principal: "alice", message: "stop", now: 1022)
            #expect(try await store.renew(owner: "w1", ids: ["live"], until: 1040, now: 1023) == ["live"])
            #expect(try await store.task(id: "live", principal: "alice", now: 1100) == nil)
            #expect(try await store.sweep(now: 1101, orphanError: "{}").expired == 1)
            #expect(try await store.count() == 1)
        }

        @Test func listsPageByCreationThenID() async throws {
            let store = try await emptyStore()
            defer { store.close() }
            for index in 0..<5 {
                _ = try await store.create(record("a\(index)", created: 1000 + Double(index)), activeLimit: 10)
            }
            let first = try await store.tasks(principal: "alice", after: nil, limit: 3, now: 1010)
            #expect(first.map(\.id) == ["a0", "a1", "a2"])
            let cursor = TaskCursor(createdAt: first[2].createdAt, id: first[2].id)
            #expect(
                try await store.tasks(principal: "alice", after: cursor, limit: 3, now: 1010).map(\.id) == ["a3", "a4"])
        }

        @Test func changesReachEveryReplicaThroughListenNotify() async throws {
            let publisher = try await connect("replica-1")
            let listener = try await connect("replica-2")
            defer {
                publisher.close()
                listener.close()
            }
            var changes = listener.changes().makeAsyncIterator()
            // LISTEN starts in the background: publish until the first change arrives.
            let announcing = Task {
                while !Task.isCancelled {
                    await publisher.publish(.listChanged(.tool))
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(await changes.next() == .listChanged(.tool))
            announcing.cancel()
            await publisher.publish(.resourceUpdated(uri: "file:///marker.txt"))
            await publisher.publish(.declaration(.prompt, name: "code_review", enabled: false))
            var seen: [ServerChange] = []
            while seen.last != .declaration(.prompt, name: "code_review", enabled: false) {
                guard let change = await changes.next() else { break }
                if change != .listChanged(.tool) { seen.append(change) }
            }
            #expect(
                seen == [
                    .resourceUpdated(uri: "file:///marker.txt"),
                    .declaration(.prompt, name: "code_review", enabled: false),
                ])
        }

        @Test(.timeLimit(.minutes(1)))
        func aChangePublishedWhileTheListenerIsAwayIsReadWhenItIsBack() async throws {
            let publisher = try await connect("replica-1")
            let listener = try await connect("replica-2")
            defer {
                publisher.close()
                listener.close()
            }
            var changes = listener.changes().makeAsyncIterator()
            // Published after the feed started: delivered even if LISTEN was not yet on.
            await publisher.publish(.listChanged(.tool))
            #expect(await changes.next() == .listChanged(.tool))
            // Cut the listener's connection (the only one that reads the feed table); it listens
            // again after a pause, and this change is published meanwhile.
            var cut = false
            let rows = try await publisher.client.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE '%FROM mcp_changes WHERE seq >%'
                """, logger: Logger(label: "test.postgres"))
            for try await row in rows where try row.decode(Bool.self) { cut = true }
            #expect(cut)
            await publisher.publish(.resourceUpdated(uri: "file:///while-away.txt"))
            #expect(await changes.next() == .resourceUpdated(uri: "file:///while-away.txt"))
        }
    }
#endif
