/// Where a task is in its life (the protocol's task status): `working` until the tool ends, then
/// one of the terminal statuses, which never change again.
public enum TaskStatus: String, Sendable, CaseIterable {
    /// The tool is still running.
    case working
    /// The task needs input from the client (the protocol's `input_required`); this server never sets it.
    case inputRequired = "input_required"
    /// The tool returned a result; terminal.
    case completed
    /// The call failed (under 2025-11-25 also on a tool error), or its worker died; terminal.
    case failed
    /// The client cancelled the task; terminal.
    case cancelled

    /// `completed`, `failed` and `cancelled` never change again (TASK-4).
    public var isTerminal: Bool {
        switch self {
        case .working, .inputRequired: return false
        case .completed, .failed, .cancelled: return true
        }
    }
}

/// One task as the store keeps it. Times are seconds since 1970; `result` and `error` are the
/// JSON text of the final `CallToolResult` and of the JSON-RPC error object.
public struct TaskRecord: Sendable, Equatable {
    /// Unguessable (128 random bits, base64url): it is the handle a client holds (SEC-8).
    public var id: String
    /// Who created it; every read, list and cancel is checked against it.
    public var principal: String
    /// The name of the tool being called.
    public var tool: String
    /// Where the task is in its life; a terminal status never changes again.
    public var status: TaskStatus
    /// A human-readable note on the status (the last progress message, or why it failed); nil for none.
    public var statusMessage: String?
    /// When the task was created, in seconds since 1970.
    public var createdAt: Double
    /// When the task last changed, in seconds since 1970.
    public var updatedAt: Double
    /// When the task (and its result) may be deleted.
    public var expiresAt: Double
    /// How long a client should wait between `tasks/get` polls, in milliseconds.
    public var pollIntervalMilliseconds: Int
    /// The last progress the tool reported; nil before any.
    public var progress: Double?
    /// The total that `progress` counts towards; nil when unknown.
    public var total: Double?
    /// The final `CallToolResult` as JSON text, once the tool returned one; nil before.
    public var result: String?
    /// The JSON-RPC error object as JSON text, when the call ended in one; nil otherwise.
    public var error: String?
    /// The instance running it (`host:pid:random`) and until when its lease holds: a task whose
    /// lease lapses while it is not terminal is failed by whichever instance sweeps first.
    public var owner: String
    /// When the owner's lease ends, in seconds since 1970, unless renewed.
    public var leaseUntil: Double

    /// A task record; `updatedAt` defaults to `createdAt`.
    public init(
        id: String, principal: String, tool: String, status: TaskStatus = .working, statusMessage: String? = nil,
        createdAt: Double, updatedAt: Double? = nil, expiresAt: Double, pollIntervalMilliseconds: Int,
        progress: Double? = nil, total: Double? = nil, result: String? = nil, error: String? = nil, owner: String,
        leaseUntil: Double
    ) {
        self.id = id
        self.principal = principal
        self.tool = tool
        self.status = status
        self.statusMessage = statusMessage
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.progress = progress
        self.total = total
        self.result = result
        self.error = error
        self.owner = owner
        self.leaseUntil = leaseUntil
    }

    /// The TTL the task was created with, in milliseconds.
    public var ttlMilliseconds: Int { Int(((expiresAt - createdAt) * 1000).rounded()) }
}

/// What a sweep did.
public struct TaskSweep: Sendable, Equatable {
    /// Tasks failed because the instance running them stopped renewing their lease.
    public var orphaned: Int
    /// Tasks deleted because their TTL passed.
    public var expired: Int

    /// A sweep result; both counts default to zero.
    public init(orphaned: Int = 0, expired: Int = 0) {
        self.orphaned = orphaned
        self.expired = expired
    }
}

/// The durable home of tasks, shared by every worker and replica (SQLite in the runtime folder,
/// or PostgreSQL; see `MCPStore`). Every method may block on I/O: implementations run it off
/// the concurrency pool. State changes are conditional, so two instances never fight: only a
/// task that is not terminal moves, and a terminal one never changes again.
public protocol TaskStore: Sendable {
    /// Inserts `task` unless its principal already has `activeLimit` tasks that are not
    /// terminal; false when that cap is reached. Durable when it returns (TASK-3).
    func create(_ task: TaskRecord, activeLimit: Int) async throws -> Bool

    /// The task `id` when `principal` owns it and it has not expired; nil otherwise, so a
    /// task of another principal is indistinguishable from no task (SEC-8).
    func task(id: String, principal: String, now: Double) async throws -> TaskRecord?

    /// `principal`'s tasks that have not expired, oldest first, after `cursor` (the last task of
    /// the previous page), at most `limit`.
    func tasks(principal: String, after cursor: TaskCursor?, limit: Int, now: Double) async throws -> [TaskRecord]

    /// Records progress on a task that is not terminal.
    func progress(id: String, progress: Double, total: Double?, message: String?, now: Double) async throws

    /// Moves a task that is not terminal to `status` (terminal) with its result or error;
    /// false when it was terminal already (cancelled meanwhile, or failed by a sweep).
    func finish(
        id: String, status: TaskStatus, message: String?, result: String?, error: String?, now: Double
    ) async throws -> Bool

    /// Cancels `principal`'s task when it is not terminal. Returns the task as it is afterwards
    /// and whether this call cancelled it (false: it was terminal already); nil when there is
    /// no such task.
    func cancel(
        id: String, principal: String, message: String, now: Double
    ) async throws -> (task: TaskRecord, cancelled: Bool)?

    /// Extends `owner`'s lease on `ids` to `until`; returns those of `ids` that are terminal
    /// (cancelled from another worker, failed by a sweep, gone): their work should stop.
    func renew(owner: String, ids: [String], until: Double, now: Double) async throws -> Set<String>

    /// Fails every task whose lease lapsed before `now` (its worker died) with `error`, and
    /// deletes every task whose TTL passed.
    func sweep(now: Double, orphanError: String) async throws -> TaskSweep

    /// How many tasks the store holds (all principals, expired ones not yet swept included).
    func count() async throws -> Int
}

/// Where a page of `tasks/list` ends: the last task's creation time and id.
public struct TaskCursor: Sendable, Equatable {
    /// When the page's last task was created, in seconds since 1970.
    public var createdAt: Double
    /// The page's last task's id, which breaks ties between tasks created at the same time.
    public var id: String

    /// The position just after the task created at `createdAt` with `id`.
    public init(createdAt: Double, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// Opaque base64url text for `nextCursor`.
    public var encoded: String {
        Base64URL.encode(Array(JSONWriter.bytes(["c": .double(createdAt), "i": .string(id)])))
    }

    /// Reads a cursor from its ``encoded`` form; nil for text that is not one (or longer than 512 bytes).
    public init?(encoded text: String) {
        guard text.utf8.count <= 512, let bytes = Base64URL.decode(text), let value = try? JSONParser.parse(bytes),
            let createdAt = value["c"]?.doubleValue, let id = value["i"]?.stringValue
        else { return nil }
        self.init(createdAt: createdAt, id: id)
    }
}
