import Foundation
import InteropSupport
import MCPCore
import Testing

@testable import MCPStore

/// The SQLite store against a real file in a temporary folder; two stores on one file stand for
/// two worker processes.
@Suite("SQLite task store")
struct SQLiteTaskStoreTests {
    let scratch: ScratchFolder
    let path: String

    init() throws {
        scratch = try ScratchFolder("mcp-store-test")
        path = scratch.file("tasks.sqlite3")
    }

    func record(
        _ id: String, principal: String = "alice", created: Double = 1000, ttl: Double = 3600, owner: String = "w1",
        lease: Double = 1010
    ) -> TaskRecord {
        TaskRecord(
            id: id, principal: principal, tool: "generate_report", createdAt: created, expiresAt: created + ttl,
            pollIntervalMilliseconds: 1000, owner: owner, leaseUntil: lease)
    }

    @Test func aTaskIsReadBackOnlyByItsPrincipal() async throws {
        let store = try SQLiteTaskStore(path: path)
        #expect(try await store.create(record("t1"), activeLimit: 10))
        let read = try await store.task(id: "t1", principal: "alice", now: 1001)
        #expect(read == record("t1"))
        #expect(try await store.task(id: "t1", principal: "mallory", now: 1001) == nil)
        #expect(try await store.task(id: "nope", principal: "alice", now: 1001) == nil)
        #expect(try await store.cancel(id: "t1", principal: "mallory", message: "x", now: 1002) == nil)
    }

    @Test func theCapCountsOnlyUnfinishedTasksOfThePrincipal() async throws {
        let store = try SQLiteTaskStore(path: path)
        #expect(try await store.create(record("a1"), activeLimit: 2))
        #expect(try await store.create(record("a2"), activeLimit: 2))
        // At the limit: the third is refused, another principal is not affected.
        #expect(try await store.create(record("a3"), activeLimit: 2) == false)
        #expect(try await store.create(record("b1", principal: "bob"), activeLimit: 2))
        // A finished task frees its place.
        #expect(try await store.finish(id: "a1", status: .completed, message: nil, result: "{}", error: nil, now: 1001))
        #expect(try await store.create(record("a3"), activeLimit: 2))
    }

    @Test func terminalStatesNeverChange() async throws {
        let store = try SQLiteTaskStore(path: path)
        _ = try await store.create(record("t"), activeLimit: 10)
        let cancelled = try #require(try await store.cancel(id: "t", principal: "alice", message: "bye", now: 1001))
        #expect(cancelled.cancelled && cancelled.task.status == .cancelled)
        #expect(
            try await store.finish(id: "t", status: .completed, message: nil, result: "{}", error: nil, now: 1002)
                == false)
        try await store.progress(id: "t", progress: 5, total: 10, message: nil, now: 1003)
        let again = try #require(try await store.cancel(id: "t", principal: "alice", message: "bye", now: 1004))
        #expect(!again.cancelled)
        let final = try #require(try await store.task(id: "t", principal: "alice", now: 1005))
        #expect(final.status == .cancelled && final.result == nil && final.progress == nil && final.updatedAt == 1001)
    }

    @Test func progressLandsInTheStatusMessage() async throws {
        let store = try SQLiteTaskStore(path: path)
        _ = try await store.create(record("t"), activeLimit: 10)
        try await store.progress(id: "t", progress: 2, total: 5, message: nil, now: 1001)
        #expect(try await store.task(id: "t", principal: "alice", now: 1002)?.statusMessage == "2 of 5")
        try await store.progress(id: "t", progress: 3, total: 5, message: "Wrote section 3", now: 1003)
        let task = try #require(try await store.task(id: "t", principal: "alice", now: 1004))
        #expect(
            task.statusMessage == "Wrote section 3" && task.progress == 3 && task.total == 5 && task.updatedAt == 1003)
    }

    @Test func aLapsedLeaseFailsTheTaskAndTheTTLDeletesIt() async throws {
        let store = try SQLiteTaskStore(path: path)
        _ = try await store.create(record("live", ttl: 100, lease: 1010), activeLimit: 10)
        // Another worker's task, whose worker then dies: nobody renews its lease.
        let other = try SQLiteTaskStore(path: path)
        _ = try await other.create(record("orphan", owner: "w2", lease: 1010), activeLimit: 10)
        // The live task's worker renews.
        #expect(try await store.renew(owner: "w1", ids: ["live"], until: 1030, now: 1005).isEmpty)
        let sweep = try await store.sweep(now: 1020, orphanError: #"{"code":-32603,"message":"gone"}"#)
        #expect(sweep == TaskSweep(orphaned: 1, expired: 0))
        let orphan = try #require(try await store.task(id: "orphan", principal: "alice", now: 1021))
        #expect(orphan.status == .failed && orphan.error == #"{"code":-32603,"message":"gone"}"#)
        #expect(try await store.task(id: "live", principal: "alice", now: 1021)?.status == .working)
        // Past the TTL: deleted, and gone for readers even before the sweep.
        #expect(try await store.task(id: "live", principal: "alice", now: 1100) == nil)
        #expect(try await store.sweep(now: 1101, orphanError: "{}").expired == 1)
        #expect(try await store.count() == 1)
        #expect(try await store.sweep(now: 5000, orphanError: "{}").expired == 1)
        #expect(try await store.count() == 0)
    }

    @Test func renewReportsTasksFinishedElsewhere() async throws {
        let worker = try SQLiteTaskStore(path: path)
        let sibling = try SQLiteTaskStore(path: path)
        _ = try await worker.create(record("t1"), activeLimit: 10)
        _ = try await worker.create(record("t2"), activeLimit: 10)
        _ = try await sibling.cancel(id: "t2", principal: "alice", message: "stop", now: 1001)
        #expect(
            try await worker.renew(owner: "w1", ids: ["t1", "t2", "gone"], until: 1020, now: 1002) == ["t2", "gone"])
        #expect(try await worker.task(id: "t1", principal: "alice", now: 1003)?.leaseUntil == 1020)
    }

    @Test func listingPagesThroughOnePrincipalsTasks() async throws {
        let store = try SQLiteTaskStore(path: path)
        for index in 0..<5 {
            _ = try await store.create(record("a\(index)", created: 1000 + Double(index)), activeLimit: 10)
        }
        _ = try await store.create(record("b", principal: "bob"), activeLimit: 10)
        let first = try await store.tasks(principal: "alice", after: nil, limit: 3, now: 1010)
        #expect(first.map(\.id) == ["a0", "a1", "a2"])
        let cursor = try #require(
            TaskCursor(encoded: TaskCursor(createdAt: first[2].createdAt, id: first[2].id).encoded))
        #expect(
            try await store.tasks(principal: "alice", after: cursor, limit: 3, now: 1010).map(\.id) == ["a3", "a4"])
        #expect(TaskCursor(encoded: "garbage") == nil)
    }

    @Test func theChangeFeedReachesSubscribersOfEveryConnection() async throws {
        let publisher = try SQLiteTaskStore(path: path, origin: "worker-1")
        let listener = try SQLiteTaskStore(path: path, origin: "worker-2")
        await publisher.publish(.listChanged(.tool))  // before anyone listened: not delivered
        var changes = listener.changes().makeAsyncIterator()
        // Published as the listener starts, before its first poll: delivered all the same.
        await publisher.publish(.declaration(.prompt, name: "code_review", enabled: false))
        await publisher.publish(.resourceUpdated(uri: "file:///a.txt"))
        await publisher.publish(.subscription(conversation: "s1", uri: "file:///b.txt", subscribed: true))
        #expect(await changes.next() == .declaration(.prompt, name: "code_review", enabled: false))
        #expect(await changes.next() == .resourceUpdated(uri: "file:///a.txt"))
        #expect(await changes.next() == .subscription(conversation: "s1", uri: "file:///b.txt", subscribed: true))
        listener.close()
        #expect(await changes.next() == nil)
    }

    @Test func aPublisherHearsItsOwnChanges() async throws {
        let store = try SQLiteTaskStore(path: path)
        var changes = store.changes().makeAsyncIterator()
        await store.publish(.sessionEnded(conversation: "s2"))
        #expect(await changes.next() == .sessionEnded(conversation: "s2"))
        store.close()
    }

    @Test func theChangeTableIsBounded() async throws {
        let store = try SQLiteTaskStore(path: path)
        for index in 0..<(SQLiteTaskStore.feedRows + 50) {
            await store.publish(.resourceUpdated(uri: "file:///\(index)"))
        }
        _ = try await store.sweep(now: Date().timeIntervalSince1970, orphanError: "{}")
        let rows = try await store.executor.run { connection throws(SQLiteError) in
            try connection.query("SELECT count(*) FROM mcp_changes").first?.first?.integer ?? -1
        }
        #expect(rows == Int64(SQLiteTaskStore.feedRows))
    }

    @Test func locationsAreReadFromTheSetting() {
        #expect(StoreLocation(setting: nil) == .runtimeFolder)
        #expect(StoreLocation(setting: " ") == .runtimeFolder)
        #expect(StoreLocation(setting: "sqlite:///var/lib/mcp/t.db") == .sqlite(path: "/var/lib/mcp/t.db"))
        #expect(StoreLocation(setting: "sqlite:t.db") == .sqlite(path: "t.db"))
        #expect(StoreLocation(setting: "postgres://u:p@h/db") == .postgres(url: "postgres://u:p@h/db"))
        #expect(StoreLocation(setting: "off") == .off)
        #expect(StoreLocation(setting: "mysql://x") == nil)
        #expect(
            StoreLocation.postgres(url: "postgres://u:secret@h:5432/db").logDescription == "postgres://***@h:5432/db")
    }
}
