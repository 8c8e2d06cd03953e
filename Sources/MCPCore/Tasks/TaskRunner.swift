public import Logging
import Metrics
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs the tool calls that became tasks, in this process, and keeps their rows in the
/// ``TaskStore`` honest:
///
/// - a task is written durably before its handle is returned (TASK-3), then its work runs in a
///   task of its own (it outlives the request that created it);
/// - every ``TaskConfiguration/maintenanceInterval`` this instance renews the lease on each
///   task it runs, stops the work of those that became terminal elsewhere (a `tasks/cancel`
///   served by another worker or replica), and sweeps the store: tasks whose lease lapsed (their
///   worker died) become `failed`, tasks past their TTL are deleted;
/// - on shutdown (``drain(deadline:)``) it lets running tasks finish until the deadline, then
///   fails what is left — never `working` forever.
///
/// Metrics: `mcp_tasks_running` (gauge), `mcp_tasks_created_total`,
/// `mcp_tasks_finished_total{outcome}` (`completed`, `failed`; `cancelled` when the work was
/// stopped because its task became terminal elsewhere — a cancel, a sweep, its TTL;
/// `abandoned` when a drain ran out of time; `superseded` when the work ended on its own after
/// its task had become terminal), `mcp_tasks_swept_total{reason}`.
public final class TaskRunner: Sendable {
    /// Where the tasks' rows live, shared with every worker and replica.
    public let store: any TaskStore
    /// The limits and timings tasks run with.
    public let configuration: TaskConfiguration
    /// This instance as task rows name their owner (`host:pid:random`).
    public let owner: String
    let logger: Logger
    private let running = Mutex<[String: Task<Void, Never>]>([:])
    /// Tasks a drain gave up on: their work is stopped, but not by a cancel.
    private let abandoned = Mutex<Set<String>>([])

    /// A runner for this process (owner `host:pid:random`); run ``runMaintenance()`` beside it.
    public init(store: any TaskStore, configuration: TaskConfiguration = TaskConfiguration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.owner = Self.instance
    }

    /// This process as tasks and change events name it: `host:pid:random`.
    public static let instance = instanceName()

    /// Tasks whose work runs in this process right now.
    package var runningCount: Int { running.withLock { $0.count } }

    static var now: Double { Date().timeIntervalSince1970 }

    /// An unguessable task id: 128 random bits, base64url (SEC-8).
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    private static func instanceName() -> String {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        return "\(LogSafe.clip(host, to: 64)):\(pid):\(newID().prefix(8))"
    }

    /// Writes a new `working` task for `principal` and starts `work` for it; nil when the
    /// principal already has ``TaskConfiguration/perPrincipal`` tasks that are not terminal.
    ///
    /// - Parameter ttl: the client's wish, capped at ``TaskConfiguration/maximumTTL``.
    /// - Throws: what the store throws (the task was not created).
    func start(
        tool: String, principal: String, ttl: Duration?, work: @escaping @Sendable (TaskReporter) async -> TaskOutcome
    ) async throws -> TaskRecord? {
        let now = Self.now
        let lifetime = min(ttl ?? configuration.defaultTTL, configuration.maximumTTL)
        let record = TaskRecord(
            id: Self.newID(), principal: principal, tool: tool, status: .working,
            statusMessage: "The task is running.", createdAt: now, expiresAt: now + lifetime.inSeconds,
            pollIntervalMilliseconds: configuration.pollInterval.inMilliseconds, owner: owner,
            leaseUntil: now + configuration.lease.inSeconds)
        guard try await store.create(record, activeLimit: configuration.perPrincipal) else { return nil }
        TaskMetrics.created.increment()
        let reporter = TaskReporter(id: record.id, store: store, logger: logger)
        running.withLock { running in
            // Made under the lock, so its own removal (below) always comes after this insertion.
            running[record.id] = Task { [self] in
                let outcome = await work(reporter)
                await settle(record.id, outcome, stopped: Task.isCancelled)
            }
            TaskMetrics.running.record(running.count)
        }
        return record
    }

    private func settle(_ id: String, _ outcome: TaskOutcome, stopped: Bool) async {
        var moved = false
        do {
            moved = try await store.finish(
                id: id, status: outcome.status, message: outcome.message, result: outcome.result.map(Self.text),
                error: outcome.error.map { Self.text($0.json) }, now: Self.now)
        } catch {
            // The lease lapses and a sweep fails the task: it is never left working.
            logger.error("could not store a task's outcome", metadata: ["mcp.task.id": "\(id)", "error": "\(error)"])
        }
        let gaveUp = abandoned.withLock { $0.remove(id) != nil }
        let label = gaveUp ? "abandoned" : stopped ? "cancelled" : moved ? outcome.status.rawValue : "superseded"
        TaskMetrics.finished[label].increment()
        running.withLock { running in
            running[id] = nil
            TaskMetrics.running.record(running.count)
        }
    }

    static func text(_ object: JSONObject) -> String { text(.object(object)) }

    static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.bytes(value), as: UTF8.self) }

    /// Stops the work of task `id` in this process, if it runs here.
    func stop(_ id: String) {
        running.withLock { $0[id] }?.cancel()
    }

    // MARK: Maintenance

    /// One round: renew this instance's leases, stop work whose task became terminal
    /// elsewhere, sweep orphaned and expired tasks.
    public func maintain() async {
        let ids = running.withLock { Array($0.keys) }
        let now = Self.now
        do {
            if !ids.isEmpty {
                let finished = try await store.renew(
                    owner: owner, ids: ids, until: now + configuration.lease.inSeconds, now: now)
                for id in finished { stop(id) }
            }
            let sweep = try await store.sweep(now: now, orphanError: Self.text(Self.orphanError.json))
            if sweep.orphaned > 0 {
                TaskMetrics.swept["orphaned"].increment(by: sweep.orphaned)
                logger.warning("failed tasks whose worker stopped", metadata: ["count": "\(sweep.orphaned)"])
            }
            if sweep.expired > 0 { TaskMetrics.swept["expired"].increment(by: sweep.expired) }
        } catch {
            logger.error("task maintenance failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs ``maintain()`` every ``TaskConfiguration/maintenanceInterval`` until cancelled.
    public func runMaintenance() async {
        while !Task.isCancelled {
            await maintain()
            try? await Task.sleep(for: configuration.maintenanceInterval)
        }
    }

    /// The error a task gets when the process running it stopped without finishing it.
    static let orphanError = JSONRPCError.internalError("the worker running this task stopped before it finished")

    /// Waits until every task running here has finished or `deadline` has passed, then fails
    /// the rest (`-32603`, "the worker stopped…") and stops their work. Leases must keep being
    /// renewed meanwhile (``runMaintenance()``).
    public func drain(deadline: ContinuousClock.Instant) async {
        while runningCount > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let left = running.withLock { $0 }
        guard !left.isEmpty else { return }
        logger.warning(
            "tasks still running at the end of the graceful timeout; failing them",
            metadata: ["count": "\(left.count)"])
        let error = Self.text(JSONRPCError.internalError("the server stopped before the task finished").json)
        for (id, work) in left {
            _ = try? await store.finish(
                id: id, status: .failed, message: "The server stopped before the task finished.", result: nil,
                error: error, now: Self.now)
            abandoned.withLock { _ = $0.insert(id) }
            work.cancel()
        }
        // Their work was cancelled; give it a moment to unwind before the process goes.
        let unwind = ContinuousClock.now + .seconds(1)
        while runningCount > 0, ContinuousClock.now < unwind, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// How a task's work ended.
struct TaskOutcome: Sendable {
    var status: TaskStatus
    var message: String?
    var result: JSONObject?
    var error: JSONRPCError?
}

/// Lands a task's progress (``HandlerContext/reportProgress(_:total:message:)``) in its row,
/// strictly increasing.
struct TaskReporter: Sendable {
    let id: String
    let store: any TaskStore
    let logger: Logger
    private let tracker = ProgressTracker()

    init(id: String, store: any TaskStore, logger: Logger) {
        self.id = id
        self.store = store
        self.logger = logger
    }

    func report(_ progress: Double, total: Double?, message: String?) async {
        guard tracker.advance(to: progress) else { return }
        do {
            try await store.progress(id: id, progress: progress, total: total, message: message, now: TaskRunner.now)
        } catch {
            logger.warning("could not store task progress", metadata: ["mcp.task.id": "\(id)", "error": "\(error)"])
        }
    }
}

enum TaskMetrics {
    static let running = Gauge(label: "mcp_tasks_running")
    static let created = Counter(label: "mcp_tasks_created_total")
    static let finished = MetricCache<String, Counter> { outcome in
        Counter(label: "mcp_tasks_finished_total", dimensions: [("outcome", outcome)])
    }
    static let swept = MetricCache<String, Counter> { reason in
        Counter(label: "mcp_tasks_swept_total", dimensions: [("reason", reason)])
    }
}
