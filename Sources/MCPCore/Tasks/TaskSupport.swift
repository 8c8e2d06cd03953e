/// Whether a tool can run as a task (2025-11-25 `execution.taskSupport`; 2026-07-28 the tasks
/// extension): a call returns a task handle at once, the work goes on in the worker that
/// accepted it, and the client polls for status, progress and the result.
///
/// ```swift
/// @Tool(task: .optional)
/// static func generate_report(topic: String, sections: Int, context: HandlerContext) async throws -> String { … }
/// ```
public enum TaskSupport: String, Sendable, CaseIterable {
    /// Never a task (the default).
    case forbidden
    /// A task when the client asks for one (2025-11-25 `params.task`) or declares the
    /// extension (2026-07-28); an ordinary call otherwise.
    case optional
    /// Only as a task: 2025-11-25 calls without `params.task` get -32601, 2026-07-28 clients
    /// without the extension get -32021; earlier revisions, which know no tasks, run it as an
    /// ordinary call.
    case required
}

/// How a server runs tasks: limits and timings. Read by the runtime from `TASK_*` settings.
public struct TaskConfiguration: Sendable {
    /// TTL of a task when the client asks for none (default one hour; capped by `maximumTTL`).
    public var defaultTTL: Duration = .seconds(3600)
    /// The longest TTL a task may have: a client's longer wish is capped to it (default 24 hours).
    public var maximumTTL: Duration = .seconds(86_400)
    /// Tasks one principal may have that are not terminal; the next call is refused.
    public var perPrincipal: Int = 100
    /// `pollIntervalMs` suggested to clients (TASK-8).
    public var pollInterval: Duration = .seconds(1)
    /// How long a task's lease holds without renewal: a task whose worker stops renewing (it
    /// died) is failed this long after its last renewal, by any worker.
    public var lease: Duration = .seconds(10)
    /// How often leases are renewed, cancellations from other workers noticed and expired
    /// or orphaned tasks swept.
    public var maintenanceInterval: Duration = .seconds(1)
    /// `tasks/result` (2025-11-25) checks the store this often while it waits.
    public var resultWaitInterval: Duration = .milliseconds(200)

    /// The defaults: TTL one hour (at most 24 hours), 100 active tasks per principal, polls every second.
    public init() {}
}
